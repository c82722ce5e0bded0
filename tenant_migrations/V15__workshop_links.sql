-- The workshop's links to customer orders, now that orders exist: a production order serves
-- a real order (and, optionally, one of its lines); a finished product is held by a real
-- order. Links left dangling by data written before these keys (ids that name no order) are
-- cleared first: a product reserved for no order goes back in stock.
UPDATE production_orders po SET order_id = NULL, order_item_id = NULL
 WHERE po.order_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = po.order_id);
UPDATE production_orders po SET order_item_id = NULL
 WHERE po.order_item_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.id = po.order_item_id AND i.order_id = po.order_id);
UPDATE products p SET order_id = NULL,
       status = CASE WHEN p.status = 'reserved' THEN 'in_stock' ELSE p.status END,
       reserved_at = CASE WHEN p.status = 'reserved' THEN NULL ELSE p.reserved_at END
 WHERE p.order_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.order_id);

-- A line is named together with its order, so a production order cannot name another
-- order's line.
ALTER TABLE order_items ADD CONSTRAINT order_items_order_line_key UNIQUE (order_id, id);

-- An order that production orders serve is not deleted (RESTRICT; the service answers 409
-- `order_in_production` first). An order's lines are replaced as a whole while it is pending
-- or confirmed: a production order naming a replaced line keeps its order and its specs,
-- and loses only the line (SET NULL on that column alone).
ALTER TABLE production_orders
    ADD CONSTRAINT production_orders_order_fkey
        FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT,
    ADD CONSTRAINT production_orders_order_item_fkey
        FOREIGN KEY (order_id, order_item_id) REFERENCES order_items (order_id, id) ON DELETE SET NULL (order_item_id),
    ADD CONSTRAINT production_orders_item_needs_order CHECK (order_item_id IS NULL OR order_id IS NOT NULL);

-- A product held by an order: the order is not deleted while it holds one it sold or
-- delivered (the service releases reserved ones before deleting, and answers 409
-- `order_has_products` for the rest).
ALTER TABLE products
    ADD CONSTRAINT products_order_fkey FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT;

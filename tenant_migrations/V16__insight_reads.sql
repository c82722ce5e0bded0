-- Insight reads (dashboard, key figures, reports): indexes that hand each read the rows of
-- its days and no more.
--
-- Revenue by kind of line needs the lines of a period's orders. A line carried no date, so
-- they were found one index probe per order (34,000 probes for a year of a busy studio). A
-- line now carries its order's date and price mode, kept by the database whatever SQL
-- writes orders and lines: set from the order when a line is written, and rewritten on the
-- order's lines when the order's date or price mode changes. A period's lines are then one
-- range of `order_items_sales_idx`; the period's few cancelled orders are left out by an
-- anti-join on `orders_cancelled_idx`. Nothing is summed ahead, so no row is shared by
-- concurrent writes.
ALTER TABLE order_items ADD COLUMN order_date date, ADD COLUMN prices_include_tax boolean;

UPDATE order_items i SET order_date = o.order_date, prices_include_tax = o.prices_include_tax
  FROM orders o WHERE o.id = i.order_id;

ALTER TABLE order_items ALTER COLUMN order_date SET NOT NULL, ALTER COLUMN prices_include_tax SET NOT NULL;

-- A line takes its order's terms when written (a value given for them is overwritten). The
-- order's row is share-locked meanwhile: a concurrent change of the order's date waits for
-- this line's transaction, then rewrites the line with the rest (and a line written after
-- that change reads the new date).
CREATE FUNCTION order_items_order_terms() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    SELECT order_date, prices_include_tax INTO NEW.order_date, NEW.prices_include_tax
      FROM orders WHERE id = NEW.order_id FOR SHARE;
    RETURN NEW;
END
$$;
CREATE TRIGGER order_items_order_terms BEFORE INSERT OR UPDATE OF order_id, order_date, prices_include_tax
    ON order_items FOR EACH ROW EXECUTE FUNCTION order_items_order_terms();

CREATE FUNCTION orders_terms_to_items() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE order_items SET order_date = NEW.order_date, prices_include_tax = NEW.prices_include_tax
     WHERE order_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_terms_to_items AFTER UPDATE OF order_date, prices_include_tax ON orders
    FOR EACH ROW
    WHEN (OLD.order_date IS DISTINCT FROM NEW.order_date OR OLD.prices_include_tax IS DISTINCT FROM NEW.prices_include_tax)
    EXECUTE FUNCTION orders_terms_to_items();

-- A period's lines, read from the index alone; it replaces the per-order covering index.
CREATE INDEX order_items_sales_idx ON order_items (order_date)
    INCLUDE (order_id, kind, quantity, line_total, tax, prices_include_tax);
DROP INDEX order_items_report_idx;

-- The cancelled orders of a period (a small part of all orders), for the anti-join above.
CREATE INDEX orders_cancelled_idx ON orders (order_date) INCLUDE (id) WHERE status = 'cancelled';

-- Sales per span and revenue by month (whose tax the index of V14 left to be fetched from
-- the table), read from the index alone.
DROP INDEX orders_sales_idx;
CREATE INDEX orders_sales_idx ON orders (order_date) INCLUDE (client_id, total, tax) WHERE status <> 'cancelled';

-- Cash received and receivables, read from the index alone (they replace the indexes of
-- V13 that left every row to be fetched from the table).
CREATE INDEX order_payments_received_idx ON order_payments (paid_at) INCLUDE (method, amount, order_id)
    WHERE status = 'completed';
DROP INDEX order_payments_paid_at_idx;
CREATE INDEX orders_owing_idx ON orders (order_date) INCLUDE (id, number, client_id, total, balance)
    WHERE balance > 0 AND status <> 'cancelled';
DROP INDEX orders_open_idx;

-- Waste by reason (the production report): the period's waste alone, from the index.
CREATE INDEX stock_movements_waste_idx ON stock_movements (occurred_at) INCLUDE (id, value, waste_reason)
    WHERE kind = 'waste';

-- Reports (reportes): no tables of their own, only the indexes their period filters need,
-- so every report reads the rows of its period and no more.

-- Cash received: completed payments by payment time.
CREATE INDEX order_payments_paid_at_idx ON order_payments (paid_at) WHERE status = 'completed';

-- Receivables: the orders that still owe something (a small part of all orders).
CREATE INDEX orders_open_idx ON orders (order_date) WHERE balance > 0 AND status <> 'cancelled';

-- Revenue by item kind: the lines of the period's orders, read from the index alone.
CREATE INDEX order_items_report_idx ON order_items (order_id) INCLUDE (kind, quantity, line_total, tax);

-- School picture-day packages by order time.
CREATE INDEX package_orders_ordered_at_idx ON package_orders (ordered_at);

-- Production output and lead times: orders by the time they were finished or created.
CREATE INDEX production_orders_finished_idx ON production_orders (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX production_orders_created_idx ON production_orders (created_at);
CREATE INDEX production_registrations_recorded_idx ON production_registrations (recorded_at);
CREATE INDEX products_created_idx ON products (created_at);

-- Key figures (indicadores): the targets a studio sets for its metrics, and the indexes the
-- dashboard's and the metrics' aggregates read, so each reads the rows of its days and no more.

-- A target for a metric over every period of a kind ("revenue of 50,000.00 a month"); one
-- per metric and kind of period, so a period's target is never ambiguous. The metric names
-- are the API's (studio::kpis::model::Metric); the value is in the metric's unit.
CREATE TABLE kpi_targets (
    id         uuid PRIMARY KEY,
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    metric     text NOT NULL CHECK (metric IN ('revenue', 'payments', 'orders', 'average_order_value',
                                               'active_clients', 'new_clients', 'delivery_days', 'stock_value',
                                               'low_stock', 'production_orders', 'produced_units', 'efficiency',
                                               'waste_value')),
    period     text NOT NULL CHECK (period IN ('week', 'month', 'quarter', 'year')),
    target     numeric(14,2) NOT NULL CHECK (target >= 0),
    -- Who set it. No foreign key, like the audit trail's: a target outlives its author.
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT kpi_targets_metric_period_key UNIQUE (metric, period)
);
CREATE INDEX kpi_targets_name_idx ON kpi_targets (lower(name), id);

-- Sales per span (revenue, orders, clients): the orders of a span's days, read from the
-- index alone.
CREATE INDEX orders_sales_idx ON orders (order_date) INCLUDE (client_id, total) WHERE status <> 'cancelled';

-- New clients: whether a client ordered before a span began (one index probe per client).
CREATE INDEX orders_client_date_idx ON orders (client_id, order_date) WHERE status <> 'cancelled';

-- Delivery times: orders by the time they were delivered.
CREATE INDEX orders_delivered_idx ON orders (delivered_at) INCLUDE (order_date) WHERE delivered_at IS NOT NULL;

-- Used against wasted (production efficiency, the production report): the counted kinds of
-- movements of a span, read from the index alone.
CREATE INDEX stock_movements_use_idx ON stock_movements (occurred_at)
    INCLUDE (id, material_id, kind, quantity, value, waste_reason) WHERE kind IN ('consumption', 'waste', 'return');

-- Production (producción): production orders, the registrations of what each used, wasted
-- and made, and the finished products (productos terminados).

-- A production order: `PRD-<year>-<00001>` from the studio's document counter. `order_id`
-- and `order_item_id` name the customer order it serves; orders live in their own module,
-- so these are plain uuids with no foreign key (yet).
CREATE TABLE production_orders (
    id                uuid PRIMARY KEY,
    number            text NOT NULL,
    order_id          uuid,
    order_item_id     uuid,
    description       text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    status            text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    planned_quantity  integer NOT NULL CHECK (planned_quantity BETWEEN 1 AND 100000),
    produced_quantity integer NOT NULL DEFAULT 0 CHECK (produced_quantity BETWEEN 0 AND 1000000),
    assignee_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    due_on            date,
    notes             text,
    -- What to make, as the item that asked for it said (a frame item's quote snapshot).
    specs             jsonb CHECK (specs IS NULL OR jsonb_typeof(specs) = 'object'),
    started_at        timestamptz,
    finished_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT production_orders_number_key UNIQUE (number),
    -- The transitions set the times: started when work begins, finished when done or cancelled.
    CONSTRAINT production_orders_started_check CHECK (status IN ('planned', 'cancelled') OR started_at IS NOT NULL),
    CONSTRAINT production_orders_finished_check CHECK ((status IN ('done', 'cancelled')) = (finished_at IS NOT NULL))
);
CREATE INDEX production_orders_number_idx ON production_orders (number DESC);
CREATE INDEX production_orders_status_idx ON production_orders (status, number DESC);
CREATE INDEX production_orders_order_idx ON production_orders (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX production_orders_search_idx ON production_orders USING gin ((lower(number || ' ' || description)) gin_trgm_ops);

-- One registration: a unit of work recorded at once — its movements (used and wasted) and
-- the products it made point to it.
CREATE TABLE production_registrations (
    id                  uuid PRIMARY KEY,
    production_order_id uuid NOT NULL REFERENCES production_orders (id) ON DELETE RESTRICT,
    produced_quantity   integer NOT NULL CHECK (produced_quantity BETWEEN 0 AND 100000),
    notes               text,
    actor_id            uuid REFERENCES users (id) ON DELETE SET NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX production_registrations_order_idx ON production_registrations (production_order_id, recorded_at);

ALTER TABLE stock_movements
    ADD CONSTRAINT stock_movements_production_order_fkey
        FOREIGN KEY (production_order_id) REFERENCES production_orders (id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_movements_registration_fkey
        FOREIGN KEY (registration_id) REFERENCES production_registrations (id) ON DELETE RESTRICT;

-- Finished products: a framed picture, a print, an album... `order_id` is the customer
-- order holding it (no foreign key: orders live in their own module).
CREATE TABLE products (
    id                  uuid PRIMARY KEY,
    -- Upper-cased by the API; unique per studio.
    code                text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9._/-]{0,39}$'),
    name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind                text NOT NULL CHECK (kind IN ('framed_picture', 'print', 'album', 'souvenir', 'other')),
    status              text NOT NULL DEFAULT 'in_stock' CHECK (status IN ('in_stock', 'reserved', 'sold', 'delivered')),
    location            text,
    price               numeric(12,2) NOT NULL DEFAULT 0 CHECK (price >= 0),
    description         text,
    production_order_id uuid REFERENCES production_orders (id) ON DELETE RESTRICT,
    registration_id     uuid REFERENCES production_registrations (id) ON DELETE RESTRICT,
    order_id            uuid,
    client_id           uuid REFERENCES clients (id) ON DELETE RESTRICT,
    photo_file          text,
    photo_content_type  text,
    reserved_at         timestamptz,
    sold_at             timestamptz,
    delivered_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_code_key UNIQUE (code),
    CONSTRAINT products_photo_pair CHECK ((photo_file IS NULL) = (photo_content_type IS NULL))
);
CREATE INDEX products_code_idx ON products (code, id);
CREATE INDEX products_status_idx ON products (status, code);
CREATE INDEX products_location_idx ON products (lower(location), code) WHERE location IS NOT NULL;
CREATE INDEX products_production_idx ON products (production_order_id) WHERE production_order_id IS NOT NULL;
CREATE INDEX products_order_idx ON products (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX products_client_idx ON products (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX products_search_idx ON products USING gin ((lower(code || ' ' || name)) gin_trgm_ops);

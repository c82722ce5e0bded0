-- Orders (pedidos): what a client buys — sessions, prints, frames, ... — with its items, its
-- payments and the history of its status. Every amount is numeric(12,2) and computed by the
-- server; the order keeps the tax terms it was priced under.
CREATE TABLE orders (
    id                 uuid PRIMARY KEY,
    number             text NOT NULL,
    client_id          uuid NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    contract_id        uuid REFERENCES contracts (id) ON DELETE RESTRICT,
    -- The staff member in charge; an order outlives the account of who handled it.
    assigned_to        uuid REFERENCES users (id) ON DELETE SET NULL,
    status             text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'confirmed', 'in_production', 'ready', 'delivered', 'cancelled')),
    order_date         date NOT NULL,
    due_date           date,
    delivered_at       timestamptz,
    notes              text,
    -- The tax terms the order was priced under (the studio's settings when it was created).
    prices_include_tax boolean NOT NULL,
    tax_rate           numeric(5,2) NOT NULL CHECK (tax_rate BETWEEN 0 AND 100),
    subtotal           numeric(12,2) NOT NULL CHECK (subtotal >= 0),
    discount           numeric(12,2) NOT NULL CHECK (discount >= 0 AND discount <= subtotal),
    tax                numeric(12,2) NOT NULL CHECK (tax >= 0),
    total              numeric(12,2) NOT NULL CHECK (total >= 0),
    -- The sum of the order's completed payments, kept by the service under the order's lock.
    paid               numeric(12,2) NOT NULL DEFAULT 0,
    balance            numeric(12,2) GENERATED ALWAYS AS (total - paid) STORED,
    payment_status     text GENERATED ALWAYS AS (
                           CASE WHEN paid >= total THEN 'paid' WHEN paid > 0 THEN 'partial' ELSE 'unpaid' END
                       ) STORED,
    -- lower(number, client name, notes): what ?search= looks in (kept by the triggers below).
    search_text        text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_number_key UNIQUE (number),
    -- Never more paid than owed: the last guard against an overpayment.
    CONSTRAINT orders_paid_check CHECK (paid >= 0 AND paid <= total),
    CONSTRAINT orders_dates_check CHECK (due_date >= order_date),
    CONSTRAINT orders_delivered_check CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
-- The list's order (newest first) and its filters.
CREATE INDEX orders_date_number_idx ON orders (order_date DESC, number DESC);
CREATE INDEX orders_client_idx ON orders (client_id);
CREATE INDEX orders_contract_idx ON orders (contract_id) WHERE contract_id IS NOT NULL;
CREATE INDEX orders_assigned_idx ON orders (assigned_to) WHERE assigned_to IS NOT NULL;
CREATE INDEX orders_status_idx ON orders (status, order_date DESC);
CREATE INDEX orders_search_idx ON orders USING gin (search_text gin_trgm_ops);

-- The lines of an order, in the order they were given.
CREATE TABLE order_items (
    id          uuid PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position    integer NOT NULL CHECK (position >= 0),
    kind        text NOT NULL
                CHECK (kind IN ('session', 'print', 'frame', 'souvenir', 'design', 'restoration', 'other')),
    description text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 300),
    quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    unit_price  numeric(12,2) NOT NULL CHECK (unit_price >= 0),
    discount    numeric(12,2) NOT NULL DEFAULT 0 CHECK (discount >= 0),
    -- Size, moulding, paper, ...: a flat JSON object.
    specs       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(specs) = 'object'),
    -- quantity × unit_price − discount, in the order's price mode; and the line's tax.
    line_total  numeric(12,2) NOT NULL CHECK (line_total >= 0 AND line_total = quantity * unit_price - discount),
    tax         numeric(12,2) NOT NULL CHECK (tax >= 0),
    CONSTRAINT order_items_position_key UNIQUE (order_id, position)
);

-- Money received for an order. A payment is never deleted: a mistaken one is voided, with
-- who, when and why. RESTRICT: an order with payments is never deleted.
CREATE TABLE order_payments (
    id          uuid PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
    amount      numeric(12,2) NOT NULL CHECK (amount > 0),
    method      text NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'qr', 'other')),
    reference   text,
    status      text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'voided')),
    paid_at     timestamptz NOT NULL DEFAULT now(),
    -- No foreign keys on people: the money trail outlives user accounts.
    recorded_by uuid,
    voided_at   timestamptz,
    voided_by   uuid,
    void_reason text,
    CONSTRAINT order_payments_void_check
        CHECK ((status = 'voided') = (voided_at IS NOT NULL AND void_reason IS NOT NULL))
);
CREATE INDEX order_payments_order_idx ON order_payments (order_id, paid_at, id);

-- Every status an order went through: who moved it, when, from what to what. The first row
-- (from NULL to pending) is the order's creation.
CREATE TABLE order_status_history (
    id          uuid PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status text,
    to_status   text NOT NULL,
    changed_by  uuid,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    note        text
);
CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, changed_at, id);

-- search_text follows the order's number and notes and its client's name. Pinned to this
-- schema's search_path, so the client looked up is always this studio's.
CREATE FUNCTION orders_search_text() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    NEW.search_text := lower(NEW.number || ' ' || coalesce((SELECT name FROM clients WHERE id = NEW.client_id), '')
                             || ' ' || coalesce(NEW.notes, ''));
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_search_text BEFORE INSERT OR UPDATE OF number, client_id, notes ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_search_text();

CREATE FUNCTION clients_renamed_in_orders() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE orders SET search_text = lower(number || ' ' || NEW.name || ' ' || coalesce(notes, ''))
     WHERE client_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER clients_renamed_in_orders AFTER UPDATE OF name ON clients
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION clients_renamed_in_orders();

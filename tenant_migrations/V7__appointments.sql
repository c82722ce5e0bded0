-- The agenda (citas y entregas): photo sessions, deliveries, school picture days and
-- meetings, each with a time span, the staff member and the resource (a room, "Estudio 1")
-- it takes. The database itself refuses a double booking: two active appointments of one
-- staff member, or of one resource, never overlap (the exclusion constraints below, over
-- btree_gist from the extensions schema). Cancelled and no-show appointments free their slot.
CREATE TABLE appointments (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('session', 'delivery', 'school_day', 'meeting')),
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    client_id   uuid REFERENCES clients (id) ON DELETE RESTRICT,
    contract_id uuid REFERENCES contracts (id) ON DELETE RESTRICT,
    order_id    uuid REFERENCES orders (id) ON DELETE RESTRICT,
    -- A user who holds appointments is deactivated rather than deleted: the agenda keeps
    -- who did what.
    staff_id    uuid REFERENCES users (id) ON DELETE RESTRICT,
    -- Free text, compared without regard to case ("Estudio 1" and "estudio 1" are one room).
    resource    text CHECK (length(btrim(resource)) BETWEEN 1 AND 80),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    -- Half-open, so back-to-back appointments (one ends when the next starts) do not clash.
    during      tstzrange NOT NULL GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
    location    text CHECK (length(location) <= 300),
    status      text NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'confirmed', 'done', 'cancelled', 'no_show')),
    notes       text CHECK (length(notes) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT appointments_span_check CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'),
    CONSTRAINT appointments_staff_overlap EXCLUDE USING gist (staff_id WITH =, during WITH &&)
        WHERE (staff_id IS NOT NULL AND status IN ('scheduled', 'confirmed', 'done')),
    CONSTRAINT appointments_resource_overlap EXCLUDE USING gist (lower(resource) WITH =, during WITH &&)
        WHERE (resource IS NOT NULL AND status IN ('scheduled', 'confirmed', 'done'))
);
-- The list's and the calendar's order, and their time window.
CREATE INDEX appointments_starts_idx ON appointments (starts_at, id);
CREATE INDEX appointments_client_idx ON appointments (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX appointments_contract_idx ON appointments (contract_id) WHERE contract_id IS NOT NULL;
CREATE INDEX appointments_order_idx ON appointments (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX appointments_staff_idx ON appointments (staff_id, starts_at) WHERE staff_id IS NOT NULL;
-- ?search= matches substrings of the title.
CREATE INDEX appointments_search_idx ON appointments USING gin ((lower(title)) gin_trgm_ops);

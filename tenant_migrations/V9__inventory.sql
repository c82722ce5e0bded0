-- The workshop's materials (materiales) in seven categories, their stock ledger, and
-- mouldings (varillas) kept as pieces: full sticks and remnants with their lengths.
--
-- A material's `stock` changes only through `stock_movements`: every movement is a signed
-- change of stock, written in the same transaction as the stock column's update, so the
-- column always equals the sum of its ledger (`fotostudio inventory verify` checks it). A
-- moulding's stock (metres) also equals the sum of its available pieces.
CREATE TABLE materials (
    id            uuid PRIMARY KEY,
    -- Upper-cased by the API; unique per studio.
    sku           text NOT NULL CHECK (sku ~ '^[A-Z0-9][A-Z0-9._/-]{0,39}$'),
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    category      text NOT NULL CHECK (category IN ('mouldings', 'paints', 'printing', 'souvenirs', 'equipment',
                                                    'painting_supplies', 'design')),
    unit          text NOT NULL CHECK (unit IN ('metre', 'square_metre', 'litre', 'millilitre', 'sheet', 'unit')),
    stock         numeric(14,3) NOT NULL DEFAULT 0 CHECK (stock >= 0),
    minimum_stock numeric(14,3) NOT NULL DEFAULT 0 CHECK (minimum_stock >= 0),
    -- The weighted average cost of one unit, moved by purchases.
    unit_cost     numeric(12,2) NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    supplier      text,
    location      text,
    -- The category's typed attributes (a moulding's width, rebate, colour, profile, stick
    -- length; a paper's size and weight; ...), checked by the API per category.
    attributes    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    notes         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT materials_sku_key UNIQUE (sku),
    -- Mouldings are measured in metres: their pieces are millimetres.
    CONSTRAINT materials_moulding_unit CHECK (category <> 'mouldings' OR unit = 'metre')
);
CREATE INDEX materials_name_idx ON materials (lower(name), id);
CREATE INDEX materials_category_idx ON materials (category, lower(name), id);
CREATE INDEX materials_search_idx ON materials USING gin (
    (lower(sku || ' ' || name || ' ' || coalesce(supplier, ''))) gin_trgm_ops
);
CREATE INDEX materials_low_idx ON materials (id) WHERE stock <= minimum_stock AND minimum_stock > 0;

-- The ledger. `quantity` is the signed change of stock in the material's unit: purchases
-- and returns add, consumption and waste take, adjustments (and reversals, which are
-- adjustments) go either way. Rows are never updated or deleted: a mistake is corrected by
-- a reversal (`reverses_id`), at most one per movement.
CREATE TABLE stock_movements (
    id                  uuid PRIMARY KEY,
    -- The order movements were recorded in (`stock_after` follows it).
    seq                 bigint GENERATED ALWAYS AS IDENTITY,
    material_id         uuid NOT NULL REFERENCES materials (id) ON DELETE RESTRICT,
    kind                text NOT NULL CHECK (kind IN ('purchase', 'consumption', 'waste', 'adjustment', 'return')),
    quantity            numeric(14,3) NOT NULL CHECK (quantity <> 0),
    -- Purchases: the price paid; everything else: the average cost at the time.
    unit_cost           numeric(12,2) NOT NULL CHECK (unit_cost >= 0),
    -- quantity × unit_cost, signed like the quantity: the change of inventory value.
    value               numeric(16,2) NOT NULL,
    stock_after         numeric(14,3) NOT NULL CHECK (stock_after >= 0),
    waste_reason        text CHECK (waste_reason IN ('cut_error', 'defect', 'damage', 'test_print', 'offcut', 'other')),
    reason              text,
    -- An invoice or delivery note number.
    reference           text,
    -- Foreign keys to production arrive with the production tables (V10).
    production_order_id uuid,
    registration_id     uuid,
    -- The cut an automatic offcut waste came from.
    parent_id           uuid REFERENCES stock_movements (id),
    reverses_id         uuid REFERENCES stock_movements (id),
    -- Who recorded it. No foreign key, like the audit trail's: the ledger never changes,
    -- so it keeps the id of a user who was deleted since.
    actor_id            uuid,
    occurred_at         timestamptz NOT NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stock_movements_sign CHECK (
        (kind IN ('purchase', 'return') AND quantity > 0)
        OR (kind IN ('consumption', 'waste') AND quantity < 0)
        OR kind = 'adjustment'
    ),
    CONSTRAINT stock_movements_waste_reason CHECK ((kind = 'waste') = (waste_reason IS NOT NULL)),
    CONSTRAINT stock_movements_reverses_key UNIQUE (reverses_id)
);
CREATE INDEX stock_movements_material_idx ON stock_movements (material_id, seq);
CREATE INDEX stock_movements_seq_idx ON stock_movements (seq);
CREATE INDEX stock_movements_production_idx ON stock_movements (production_order_id) WHERE production_order_id IS NOT NULL;
CREATE INDEX stock_movements_occurred_idx ON stock_movements (occurred_at);
CREATE INDEX stock_movements_parent_idx ON stock_movements (parent_id) WHERE parent_id IS NOT NULL;

-- The ledger is append-only, whatever the caller.
CREATE FUNCTION stock_movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are never changed or deleted; record a reversal instead'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION stock_movements_append_only();

-- A moulding's stock as pieces: full sticks as bought, usable remnants, and scraps (offcuts
-- under the studio's minimum usable length, taken at once by an `offcut` waste movement).
-- A piece is available until a movement consumes it; consumed pieces stay as history.
CREATE TABLE moulding_pieces (
    id          uuid PRIMARY KEY,
    material_id uuid NOT NULL REFERENCES materials (id) ON DELETE RESTRICT,
    length_mm   integer NOT NULL CHECK (length_mm BETWEEN 1 AND 10000),
    kind        text NOT NULL CHECK (kind IN ('stick', 'remnant', 'scrap')),
    created_by  uuid NOT NULL REFERENCES stock_movements (id),
    consumed_by uuid REFERENCES stock_movements (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- Best fit: the shortest available piece at least as long as a cut.
CREATE INDEX moulding_pieces_available_idx ON moulding_pieces (material_id, length_mm, id) WHERE consumed_by IS NULL;
CREATE INDEX moulding_pieces_created_idx ON moulding_pieces (created_by);
CREATE INDEX moulding_pieces_consumed_idx ON moulding_pieces (consumed_by) WHERE consumed_by IS NOT NULL;

-- The workshop's big studio, written straight into its schema (the handle's search_path) in
-- one transaction: 2,000 materials in the seven categories (valid attributes for each) and
-- 100 ledger movements each — 200,000 in all, over the last 300 days: a first purchase of
-- 100 units (mouldings: 100 sticks of 2.9 m), then consumption, waste (a defect),
-- adjustments (a counted loss) and small purchases, ending at 31 units. Every tenth material
-- is under its minimum (200 alerts). Deterministic.
--
-- Derived values are written as the ledger keeps them: each movement's `stock_after` is the
-- running sum in `seq` order, its `value` quantity × unit cost to the cent, the material's
-- stock the sum of its ledger, and a moulding's rack (31 full sticks, created by its first
-- purchase) the same length as its stock. `fotostudio inventory verify` finds no difference.

CREATE TEMP TABLE seed_materials ON COMMIT DROP AS
SELECT n, gen_random_uuid() AS id,
       (ARRAY['mouldings', 'paints', 'printing', 'souvenirs', 'equipment', 'painting_supplies', 'design'])[1 + n % 7]
           AS category
FROM generate_series(1, 2000) AS n;

-- A category's unit, one step of stock in it, a name and attributes the API accepts.
CREATE TEMP TABLE seed_kinds ON COMMIT DROP AS
SELECT * FROM (VALUES
    ('mouldings', 'metre', 2.900, 'MOL', 'Moldura'),
    ('paints', 'litre', 0.250, 'PIN', 'Pintura'),
    ('printing', 'sheet', 10.000, 'PAP', 'Papel fotográfico'),
    ('souvenirs', 'unit', 1.000, 'REC', 'Taza sublimable'),
    ('equipment', 'unit', 1.000, 'EQU', 'Flash de estudio'),
    ('painting_supplies', 'unit', 1.000, 'ART', 'Lienzo'),
    ('design', 'square_metre', 0.500, 'DIS', 'Vidrio')
) AS k (category, unit, step, prefix, label);

INSERT INTO materials (id, sku, name, category, unit, stock, minimum_stock, unit_cost, supplier, location,
                       attributes, created_at, updated_at)
SELECT m.id, k.prefix || '-' || lpad(m.n::text, 5, '0'), k.label || ' ' || m.n, m.category, k.unit,
       31 * k.step, CASE WHEN m.n % 10 = 0 THEN 40 * k.step ELSE 10 * k.step END,
       (1 + m.n % 50) + 0.50, 'Proveedor ' || (1 + m.n % 12), 'Estante ' || (1 + m.n % 30),
       CASE m.category
           WHEN 'mouldings' THEN jsonb_build_object('width_mm', 15 + m.n % 40, 'rebate_mm', 6, 'colour', 'negro',
                                                    'profile', 'plano', 'stick_length_mm', 2900)
           WHEN 'paints' THEN jsonb_build_object('colour', 'blanco', 'base', 'acrylic')
           WHEN 'printing' THEN jsonb_build_object('kind', 'paper', 'size', 'A4', 'weight_gsm', 260)
           WHEN 'souvenirs' THEN jsonb_build_object('item', 'taza')
           WHEN 'equipment' THEN jsonb_build_object('kind', 'lighting')
           WHEN 'painting_supplies' THEN jsonb_build_object('kind', 'canvas')
           ELSE jsonb_build_object('kind', 'glazing', 'thickness_mm', 2)
       END,
       now() - interval '300 days', now() - interval '300 days'
FROM seed_materials m JOIN seed_kinds k USING (category);

-- j = 1: the first purchase (100 steps); j % 10 = 5: a purchase of 2; j % 10 = 3: waste of
-- 1; j % 25 = 0: an adjustment of −1; the rest: a consumption of 1. 100 + 20 − 10 − 4 − 75
-- = 31 steps.
CREATE TEMP TABLE seed_movements ON COMMIT DROP AS
SELECT m.n, j, gen_random_uuid() AS id, m.id AS material_id,
       CASE WHEN j = 1 OR j % 10 = 5 THEN 'purchase' WHEN j % 10 = 3 THEN 'waste'
            WHEN j % 25 = 0 THEN 'adjustment' ELSE 'consumption' END AS kind,
       k.step * CASE WHEN j = 1 THEN 100 WHEN j % 10 = 5 THEN 2 ELSE -1 END AS quantity,
       (1 + m.n % 50) + 0.50 AS unit_cost,
       now() - interval '300 days' + (j * interval '3 days') - (m.n * interval '1 second') AS occurred_at
FROM seed_materials m JOIN seed_kinds k USING (category), generate_series(1, 100) AS j;

INSERT INTO stock_movements (id, material_id, kind, quantity, unit_cost, value, stock_after, waste_reason, reason,
                             reference, occurred_at, recorded_at)
SELECT id, material_id, kind, quantity, unit_cost, round(quantity * unit_cost, 2),
       sum(quantity) OVER (PARTITION BY n ORDER BY j),
       CASE WHEN kind = 'waste' THEN 'defect' END,
       CASE kind WHEN 'waste' THEN 'defecto de fábrica' WHEN 'adjustment' THEN 'inventario físico' END,
       CASE WHEN kind = 'purchase' THEN 'F001-' || lpad((n * 100 + j)::text, 7, '0') END,
       occurred_at, occurred_at
FROM seed_movements
ORDER BY n, j;

-- The rack of each moulding: 31 full sticks, from its first purchase.
INSERT INTO moulding_pieces (id, material_id, length_mm, kind, created_by, created_at)
SELECT gen_random_uuid(), s.material_id, 2900, 'stick', s.id, s.occurred_at
FROM seed_movements s JOIN seed_materials m ON m.id = s.material_id, generate_series(1, 31)
WHERE s.j = 1 AND m.category = 'mouldings';

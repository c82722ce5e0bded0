-- The insight studio's workshop, written straight into its schema (the handle's search_path)
-- in one transaction, after the front office's seed gave it 5 years of orders: 140
-- materials (20 in each of the 7 categories), 200,000 stock movements over 5 years (about
-- 1,400 a material: purchases, consumption, waste with its reason, returns, adjustments, and
-- 1,000 reversals of mistaken consumptions), 5,000 production orders over 5 years (done,
-- cancelled, and a few still open in the last days) with a registration and a finished
-- product for each one done. Deterministic (setseed).
--
-- Derived values are written as the inventory module keeps them: each movement's value is
-- its quantity × the material's unit cost (one cost per material: no purchase here moves
-- the average), `stock_after` the running stock in the ledger's order, never negative (each
-- material opens with a purchase the size of its deepest dip, plus a margin), `seq` in the
-- order of time, the material's stock the end of its ledger; production orders numbered
-- `PRD-<year>-NNNNN` with the counters at the last number given. One in seven materials ends
-- under its minimum. Moulding pieces are not seeded: no read measured here uses them.

SELECT setseed(0.1414);

CREATE TEMP TABLE insight_params ON COMMIT DROP AS
SELECT now() - interval '5 years' AS since,
       (SELECT id FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1) AS admin_id;

CREATE TEMP TABLE insight_materials ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY c.k, n)::int AS idx, gen_random_uuid() AS id, c.category, c.unit,
       c.prefix || '-' || lpad(n::text, 3, '0') AS sku, c.noun || ' ' || lpad(n::text, 2, '0') AS name,
       round((c.base_cost * (0.5 + random()))::numeric, 2) AS unit_cost, c.supplier
FROM (VALUES (1, 'mouldings', 'metre', 'VAR', 'Varilla de madera', 12.0, 'Molduras del Sur'),
             (2, 'paints', 'litre', 'PIN', 'Pintura acrílica', 30.0, 'Pinturas Andinas'),
             (3, 'printing', 'sheet', 'PAP', 'Papel fotográfico', 0.8, 'Fotoinsumos Lima'),
             (4, 'souvenirs', 'unit', 'REC', 'Taza para sublimar', 4.0, 'Recuerdos SAC'),
             (5, 'equipment', 'unit', 'EQP', 'Repuesto de impresora', 60.0, 'Tecnofoto'),
             (6, 'painting_supplies', 'unit', 'MPT', 'Pincel', 6.0, 'Arte y Color'),
             (7, 'design', 'unit', 'DIS', 'Cartulina de diseño', 10.0, 'Papelera Central'))
     AS c (k, category, unit, prefix, noun, base_cost, supplier),
     generate_series(1, 20) AS n;

-- 199,000 movements at random instants of the 5 years, then 1,000 reversals.
CREATE TEMP TABLE insight_drawn ON COMMIT DROP AS
WITH drawn AS (
    SELECT n, 1 + floor(random() * 140)::int AS idx, random() AS r_kind, random() AS r_q, random() AS r_reason,
           p.since + random() * (now() - p.since - interval '1 hour') AS occurred_at
    FROM generate_series(1, 199000) AS n, insight_params p
)
SELECT gen_random_uuid() AS id, n, idx, occurred_at, kind,
       CASE kind WHEN 'purchase' THEN 10 + floor(r_q * 16)
                 WHEN 'consumption' THEN -(1 + floor(r_q * 4))
                 WHEN 'waste' THEN -(1 + floor(r_q * 2))
                 WHEN 'return' THEN 1
                 ELSE CASE WHEN r_q < 0.5 THEN -1 ELSE 1 END END::numeric(14, 3) AS quantity,
       CASE WHEN kind = 'waste' THEN (ARRAY['cut_error', 'defect', 'damage', 'test_print', 'offcut', 'other'])
                                     [1 + floor(r_reason * 6)::int] END AS waste_reason,
       CASE kind WHEN 'purchase' THEN 'Compra' WHEN 'consumption' THEN 'Trabajo del taller'
                 WHEN 'waste' THEN 'Merma' WHEN 'return' THEN 'Devolución al almacén'
                 ELSE 'Ajuste de inventario' END AS reason,
       NULL::uuid AS reverses_id
FROM (SELECT d.*, CASE WHEN r_kind < 0.15 THEN 'purchase' WHEN r_kind < 0.80 THEN 'consumption'
                       WHEN r_kind < 0.92 THEN 'waste' WHEN r_kind < 0.95 THEN 'return' ELSE 'adjustment' END AS kind
      FROM drawn d) AS k;

INSERT INTO insight_drawn
SELECT gen_random_uuid(), 199000 + row_number() OVER (), idx, least(occurred_at + interval '1 day', now() - interval '1 minute'),
       'adjustment', -quantity, NULL, 'Reversión: consumo registrado por error', id
FROM (SELECT * FROM insight_drawn WHERE kind = 'consumption' ORDER BY random() LIMIT 1000) AS mistaken;

-- The running stock of each material; each opens with a purchase covering its deepest dip.
CREATE TEMP TABLE insight_running ON COMMIT DROP AS
SELECT d.*, sum(quantity) OVER (PARTITION BY idx ORDER BY occurred_at, n) AS running
FROM insight_drawn d;

CREATE TEMP TABLE insight_opening ON COMMIT DROP AS
SELECT idx, greatest(0, -min(running)) + 30 AS quantity
FROM insight_running GROUP BY idx;

CREATE TEMP TABLE insight_ledger ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, o.idx, p.since - interval '1 day' AS occurred_at, 'purchase' AS kind,
       o.quantity, NULL AS waste_reason, 'Inventario inicial' AS reason, NULL::uuid AS reverses_id,
       o.quantity AS stock_after, 0 AS n
FROM insight_opening o, insight_params p
UNION ALL
SELECT r.id, r.idx, r.occurred_at, r.kind, r.quantity, r.waste_reason, r.reason, r.reverses_id,
       r.running + o.quantity, r.n
FROM insight_running r JOIN insight_opening o USING (idx);

INSERT INTO materials (id, sku, name, category, unit, stock, minimum_stock, unit_cost, supplier, location, attributes,
                       created_at, updated_at)
SELECT m.id, m.sku, m.name, m.category, m.unit, s.stock,
       CASE WHEN m.idx % 7 = 0 THEN s.stock + 10 ELSE least(20, s.stock) / 2 END, m.unit_cost, m.supplier,
       'Almacén ' || (1 + m.idx % 3), '{}', p.since - interval '1 day', now() - interval '1 day'
FROM insight_materials m
JOIN (SELECT idx, sum(quantity) AS stock FROM insight_ledger GROUP BY idx) s USING (idx), insight_params p;

INSERT INTO stock_movements (id, material_id, kind, quantity, unit_cost, value, stock_after, waste_reason, reason,
                             reverses_id, actor_id, occurred_at, recorded_at)
SELECT l.id, m.id, l.kind, l.quantity, m.unit_cost, round(l.quantity * m.unit_cost, 2), l.stock_after,
       l.waste_reason, l.reason, l.reverses_id, p.admin_id, l.occurred_at, l.occurred_at
FROM insight_ledger l JOIN insight_materials m USING (idx), insight_params p
ORDER BY l.occurred_at, l.n;

-- 5,000 production orders spread over the 5 years, in order of creation.
CREATE TEMP TABLE insight_production ON COMMIT DROP AS
WITH drawn AS (
    SELECT n, p.since + (now() - p.since - interval '1 hour') * (n - 1 + random()) / 5000 AS created_at,
           random() AS r_status, random() AS r_days, random() AS r_q, random() AS r_kind
    FROM generate_series(1, 5000) AS n, insight_params p
)
SELECT gen_random_uuid() AS id, n, created_at, r_kind,
       extract(year FROM created_at AT TIME ZONE 'America/Lima')::int AS year,
       CASE WHEN created_at > now() - interval '10 days' THEN CASE WHEN r_status < 0.5 THEN 'planned' ELSE 'in_progress' END
            WHEN r_status < 0.06 THEN 'cancelled' ELSE 'done' END AS status,
       1 + floor(r_q * 10)::int AS planned_quantity, r_days
FROM drawn;

INSERT INTO production_orders (id, number, description, status, planned_quantity, produced_quantity, assignee_id,
                               due_on, started_at, finished_at, created_at, updated_at)
SELECT o.id, 'PRD-' || o.year || '-' || lpad(row_number() OVER (PARTITION BY o.year ORDER BY o.n)::text, 5, '0'),
       (ARRAY['Enmarcado de cuadros', 'Impresión de ampliaciones', 'Tazas personalizadas', 'Álbum de graduación',
              'Recordatorios escolares'])[1 + floor(o.r_kind * 5)::int],
       o.status, o.planned_quantity, CASE WHEN o.status = 'done' THEN o.planned_quantity ELSE 0 END, p.admin_id,
       (o.created_at AT TIME ZONE 'America/Lima')::date + 7,
       CASE WHEN o.status IN ('in_progress', 'done') THEN o.created_at + interval '4 hours' END,
       CASE o.status WHEN 'done' THEN least(o.created_at + interval '1 day' * (1 + o.r_days * 13), now() - interval '1 minute')
                     WHEN 'cancelled' THEN o.created_at + interval '1 day' END,
       o.created_at, o.created_at
FROM insight_production o, insight_params p
ORDER BY o.n;

INSERT INTO document_counters (kind, year, last_value)
SELECT 'PRD', year, count(*) FROM insight_production GROUP BY year;

CREATE TEMP TABLE insight_registrations ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, o.id AS production_order_id, o.produced_quantity, o.finished_at - interval '1 hour' AS recorded_at,
       row_number() OVER (ORDER BY o.finished_at) AS n
FROM production_orders o WHERE o.status = 'done';

INSERT INTO production_registrations (id, production_order_id, produced_quantity, actor_id, recorded_at)
SELECT r.id, r.production_order_id, r.produced_quantity, p.admin_id, r.recorded_at
FROM insight_registrations r, insight_params p;

INSERT INTO products (id, code, name, kind, status, price, production_order_id, registration_id, created_at, updated_at)
SELECT gen_random_uuid(), 'PT-' || lpad(r.n::text, 6, '0'), 'Producto terminado ' || r.n,
       (ARRAY['framed_picture', 'print', 'album', 'souvenir', 'other'])[1 + (r.n % 5)::int], 'in_stock',
       (20 + (r.n % 30) * 5)::numeric(12, 2), r.production_order_id, r.id, r.recorded_at, r.recorded_at
FROM insight_registrations r;

-- The front office's big studio, written straight into its schema (the handle's search_path)
-- in one transaction: 5 staff members, ~2,000 clients (Spanish and Quechua/Aymara surnames,
-- 60 schools), school contracts over 5 years with last year's rosters, 50,000 orders of 3
-- lines over 5 years in every status and payment status, with their payments and status
-- history, and 20,000 appointments over 2 years on the 5 staff members and 3 rooms, none
-- overlapping. Deterministic (setseed).
--
-- Derived values are written as the orders module keeps them: each line's `line_total` and
-- tax (IGV 18 % included in the price, the tax carved out per line and rounded to the cent),
-- the order's subtotal/discount/tax/total as the sums of its lines, `paid` as the sum of its
-- completed payments, `search_text` by the table's own trigger, `delivered_at` exactly on
-- delivered orders, and the numbering counters (ORD and CTR per year) at the last number
-- given. The benchmark checks these afterwards.

SELECT setseed(0.2026);

CREATE TEMP TABLE seed_params ON COMMIT DROP AS
SELECT (now() AT TIME ZONE 'America/Lima')::date AS today,
       (SELECT id FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1) AS admin_id,
       (SELECT password_hash FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1) AS hash,
       ARRAY['María', 'José', 'Juan', 'Rosa', 'Luis', 'Ana', 'Carlos', 'Carmen', 'Jorge', 'Julia', 'Pedro',
             'Elena', 'Miguel', 'Lucía', 'Víctor', 'Sonia', 'Jesús', 'Gladys', 'Walter', 'Yolanda', 'César',
             'Norma', 'Wilber', 'Nélida', 'Edwin', 'Flor', 'Fredy', 'Marleny', 'Percy', 'Roxana', 'Alejandro',
             'Valeria', 'Diego', 'Camila', 'Sebastián', 'Ximena', 'Mateo', 'Daniela', 'Renzo', 'Milagros']
           AS given,
       -- Most frequent first: surnames are drawn with a skew towards the front.
       ARRAY['Quispe', 'Flores', 'Mamani', 'Sánchez', 'Rodríguez', 'García', 'Rojas', 'Huamán', 'Chávez',
             'Condori', 'Vásquez', 'Ramírez', 'Torres', 'Mendoza', 'Castillo', 'Gonzales', 'López', 'Díaz',
             'Pérez', 'Ramos', 'Espinoza', 'Cruz', 'Gutiérrez', 'Ccama', 'Huanca', 'Choque', 'Ticona', 'Apaza',
             'Cusi', 'Yupanqui', 'Villca', 'Colque', 'Poma', 'Sullca', 'Vargas', 'Morales', 'Herrera',
             'Aguilar', 'Salazar', 'Ccori', 'Túpac', 'Layme', 'Coaquira', 'Chambi', 'Inca', 'Puma', 'Llanos',
             'Paucar', 'Challco', 'Alanoca'] AS surnames,
       ARRAY['Santa Rosa de Lima', 'San Martín de Porres', 'Túpac Amaru', 'Micaela Bastidas',
             'José María Arguedas', 'César Vallejo', 'Inca Garcilaso de la Vega', 'María Auxiliadora',
             'San Agustín', 'Los Andes', 'Virgen de Fátima', 'Sagrado Corazón', 'Pachacútec',
             'Mariscal Cáceres', 'Ricardo Palma'] AS school_names;

-- Five staff members beside the admin; they never sign in here (the admin's hash).
CREATE TEMP TABLE seed_staff ON COMMIT DROP AS
SELECT k, gen_random_uuid() AS id, email, full_name, role, phone
FROM (VALUES (0, 'rosa.huaman@estudio.pe', 'Rosa Huamán Quispe', 'manager', '+51 984 112 301'),
             (1, 'wilber.condori@estudio.pe', 'Wilber Condori Apaza', 'staff', '+51 951 220 418'),
             (2, 'milagros.rojas@estudio.pe', 'Milagros Rojas Díaz', 'staff', '+51 962 330 527'),
             (3, 'percy.mamani@estudio.pe', 'Percy Mamani Ticona', 'staff', '+51 973 440 636'),
             (4, 'flor.yupanqui@estudio.pe', 'Flor Yupanqui Torres', 'staff', '+51 994 550 745'))
     AS s (k, email, full_name, role, phone);
INSERT INTO users (id, email, full_name, password_hash, role, phone, created_at)
SELECT s.id, s.email, s.full_name, p.hash, s.role, s.phone, now() - interval '5 years'
FROM seed_staff s, seed_params p;

-- Clients: every 33rd a school (60 of them), the rest people with a given name and two
-- surnames, most with a DNI, an e-mail and a mobile number.
CREATE TEMP TABLE seed_clients ON COMMIT DROP AS
WITH drawn AS (
    SELECT n, random() AS r_given, random() AS r_first, random() AS r_second, random() AS r_dni,
           random() AS r_mail, random() AS r_age
    FROM generate_series(1, 2000) AS n
)
SELECT d.n, gen_random_uuid() AS id,
       CASE WHEN d.n % 33 = 0 THEN 'school' ELSE 'individual' END AS kind,
       CASE WHEN d.n % 33 = 0
            THEN (CASE WHEN d.n % 2 = 0 THEN 'Colegio ' ELSE 'I.E. N° ' || (1000 + d.n) || ' ' END)
                 || p.school_names[1 + (d.n / 33) % cardinality(p.school_names)]
            ELSE p.given[1 + floor(d.r_given * cardinality(p.given))::int] || ' '
                 || p.surnames[1 + floor(power(d.r_first, 1.3) * cardinality(p.surnames))::int] || ' '
                 || p.surnames[1 + floor(power(d.r_second, 1.3) * cardinality(p.surnames))::int]
       END AS name,
       d.r_dni, d.r_mail,
       now() - interval '6 years' + d.r_age * interval '3 years' AS created_at
FROM drawn d, seed_params p;
INSERT INTO clients (id, kind, name, tax_id_type, tax_id_number, email, phone, address, contact_name,
                     contact_role, created_at, updated_at)
SELECT id, kind, name,
       CASE WHEN kind = 'individual' AND r_dni < 0.7 THEN 'dni' END,
       CASE WHEN kind = 'individual' AND r_dni < 0.7 THEN (40000000 + n * 1373)::text END,
       CASE WHEN r_mail < 0.8 THEN translate(lower(split_part(name, ' ', 1) || '.' || split_part(name, ' ', 2)),
                                             'áéíóúñü', 'aeiounu') || n || '@gmail.com' END,
       '+51 9' || lpad(((n * 7919) % 100000000)::text, 8, '0'),
       (ARRAY['Av. Arequipa 1250, Lince', 'Jr. Puno 455, Cercado de Lima', 'Calle Los Olivos 230, San Borja',
              'Av. El Sol 812, Cusco', 'Av. Ejército 1020, Arequipa'])[1 + n % 5],
       CASE WHEN kind = 'school' THEN 'Carmen Ticona' END,
       CASE WHEN kind = 'school' THEN 'directora' END,
       created_at, created_at
FROM seed_clients;

-- School contracts: each school signs for about half of the last five years; past years'
-- are completed (some cancelled), this year's active.
CREATE TEMP TABLE seed_contracts ON COMMIT DROP AS
WITH drawn AS (
    SELECT c.n AS school_n, c.id AS school_id, c.name AS school_name,
           y::int AS year, random() AS r_signs, random() AS r_status
    FROM seed_clients c, seed_params p,
         generate_series(extract(year FROM p.today)::int - 4, extract(year FROM p.today)::int) AS y
    WHERE c.kind = 'school'
)
SELECT d.*, gen_random_uuid() AS id,
       'CTR-' || year || '-' || lpad(row_number() OVER (PARTITION BY year ORDER BY school_n)::text, 5, '0') AS number,
       CASE WHEN year = extract(year FROM p.today) THEN 'active'
            WHEN r_status < 0.1 THEN 'cancelled' ELSE 'completed' END AS status
FROM drawn d, seed_params p
WHERE r_signs < 0.5;
INSERT INTO contracts (id, number, school_id, title, academic_year, starts_on, ends_on, status, expected_students,
                       package_price, deposit, commission_percent, terms, signed_on, order_deadline, late_fee,
                       created_at, updated_at)
SELECT id, number, school_id, 'Fotos escolares y promoción ' || year, year, make_date(year, 3, 1),
       make_date(year, 12, 15), status, 300 + school_n % 400, 45.00, 500.00, 10.00,
       'Sesión por aula, fotos de promoción y paquetes para las familias.', make_date(year, 2, 10),
       make_date(year, 10, 31), 10.00, make_date(year, 2, 10), make_date(year, 2, 10)
FROM seed_contracts;
INSERT INTO document_counters (kind, year, last_value)
SELECT 'CTR', year, count(*) FROM seed_contracts GROUP BY year;

-- Last year's completed contracts keep their rosters (codes are unique across the studio:
-- a new import must draw around them).
INSERT INTO roster_students (id, contract_id, student_id, name, grade, section, guardian_name, guardian_phone,
                             guardian_email, access_code, created_at, updated_at)
SELECT gen_random_uuid(), k.id, 'E' || lpad(s::text, 5, '0'),
       p.surnames[1 + floor(power(random(), 1.3) * cardinality(p.surnames))::int] || ' '
           || p.surnames[1 + floor(power(random(), 1.3) * cardinality(p.surnames))::int] || ', '
           || p.given[1 + floor(random() * cardinality(p.given))::int],
       (ARRAY['Inicial 4 años', 'Inicial 5 años', '1ro', '2do', '3ro', '4to', '5to', '6to'])[1 + s % 8],
       (ARRAY['A', 'B', 'C'])[1 + (s / 8) % 3],
       p.given[1 + floor(random() * cardinality(p.given))::int] || ' '
           || p.surnames[1 + floor(power(random(), 1.3) * cardinality(p.surnames))::int],
       '+51 9' || lpad(((s * 104729 + k.school_n) % 100000000)::text, 8, '0'),
       'familia' || k.school_n || '.' || s || '@gmail.com',
       (SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', 1 + floor(random() * 32)::int, 1), '')
        FROM generate_series(1, 8 + 0 * s)),
       make_date(k.year, 3, 5), make_date(k.year, 3, 5)
FROM seed_contracts k, seed_params p, generate_series(1, 400) AS s
WHERE k.year = extract(year FROM p.today) - 1 AND k.status = 'completed'
ON CONFLICT DO NOTHING;

-- Orders: 50,000 over five years, more of them lately (the studio grew). Old orders are
-- delivered or cancelled; the last 45 days hold every status, newer ones earlier in the flow.
CREATE TEMP TABLE seed_orders ON COMMIT DROP AS
WITH drawn AS (
    SELECT n, gen_random_uuid() AS id, floor(1825 * power(random(), 1.2))::int AS age,
           random() AS r_status, random() AS r_stage, random() AS r_pay, random() AS r_split,
           random() AS r_void, random() AS r_school, random() AS r_client, floor(random() * 9)::int AS who,
           random() AS r_note, 9 + floor(random() * 10)::int AS hour, floor(random() * 60)::int AS minute,
           floor(random() * 16)::int AS due_days, 2 + floor(random() * 25)::int AS delivery_days
    FROM generate_series(1, 50000) AS n
), dated AS (
    SELECT d.*, p.today - d.age AS order_date,
           least(((p.today - d.age) + make_time(d.hour, d.minute, 0)) AT TIME ZONE 'America/Lima',
                 now() - interval '2 hours') AS created_at,
           CASE WHEN d.age > 45 THEN CASE WHEN d.r_status < 0.08 THEN 'cancelled' ELSE 'delivered' END
                WHEN d.r_status < 0.07 THEN 'cancelled'
                ELSE (ARRAY['pending', 'confirmed', 'in_production', 'ready', 'delivered'])
                     [1 + least(4, floor((d.age / 45.0 + d.r_stage * 0.6) * 4))::int]
           END AS status,
           -- One order in twenty is a school's (class photos); the rest people's.
           CASE WHEN d.r_school < 0.05 THEN 33 * (1 + floor(d.r_client * 60)::int)
                ELSE 1 + floor(d.r_client * 1999)::int + CASE WHEN (1 + floor(d.r_client * 1999)::int) % 33 = 0 THEN 1 ELSE 0 END
           END AS client_n
    FROM drawn d, seed_params p
)
SELECT d.*, c.id AS client_id,
       (SELECT k.id FROM seed_contracts k WHERE k.school_n = d.client_n AND k.year = extract(year FROM d.order_date)
        AND k.status <> 'cancelled') AS contract_id,
       CASE WHEN d.who = 5 THEN p.admin_id WHEN d.who < 5 THEN (SELECT s.id FROM seed_staff s WHERE s.k = d.who) END
           AS assigned_to,
       coalesce((SELECT s.id FROM seed_staff s WHERE s.k = d.who), p.admin_id) AS handled_by,
       CASE WHEN d.status = 'delivered'
            THEN least(d.created_at + d.delivery_days * interval '1 day' + interval '3 hours', now() - interval '1 hour')
       END AS delivered_at,
       CASE WHEN d.r_note < 0.25 THEN (ARRAY['Entregar en el colegio', 'Cliente pide retoque de piel',
            'Llamar antes de entregar', 'Copias adicionales para los abuelos', 'Paga el saldo al recoger',
            'Urgente: viaja el fin de semana', 'Enviar vista previa por WhatsApp'])[1 + floor(d.r_note * 28)::int]
       END AS notes,
       'ORD-' || extract(year FROM d.order_date) || '-'
           || lpad(row_number() OVER (PARTITION BY extract(year FROM d.order_date) ORDER BY d.created_at, d.n)::text, 5, '0')
           AS number
FROM dated d JOIN seed_clients c ON c.n = d.client_n, seed_params p;
CREATE INDEX ON seed_orders (order_date);
CREATE INDEX ON seed_orders (n);

-- Three lines an order: a session or a service first, prints second, a frame, souvenir or
-- extra third; one line in eight with a 10 % discount.
CREATE TEMP TABLE seed_items ON COMMIT DROP AS
WITH drawn AS (
    SELECT o.id AS order_id, pos, random() AS r_kind, random() AS r_what, random() AS r_price,
           random() AS r_qty, random() AS r_discount
    FROM seed_orders o, generate_series(0, 2) AS pos
), kinds AS (
    SELECT d.*,
           CASE pos WHEN 0 THEN CASE WHEN r_kind < 0.55 THEN 'session' WHEN r_kind < 0.65 THEN 'restoration'
                                     WHEN r_kind < 0.75 THEN 'design' ELSE 'print' END
                    WHEN 1 THEN CASE WHEN r_kind < 0.8 THEN 'print' ELSE 'souvenir' END
                    ELSE CASE WHEN r_kind < 0.5 THEN 'frame' WHEN r_kind < 0.7 THEN 'souvenir'
                              WHEN r_kind < 0.85 THEN 'other' ELSE 'design' END
           END AS kind
    FROM drawn d
), priced AS (
    SELECT k.*,
           CASE kind WHEN 'print' THEN 1 + floor(power(r_qty, 2) * 30)::int
                     WHEN 'souvenir' THEN 1 + floor(r_qty * 3)::int ELSE 1 END AS quantity,
           (CASE kind WHEN 'session' THEN 120 + 10 * floor(r_price * 24)
                      WHEN 'print' THEN 2.50 + 0.50 * floor(r_price * 40)
                      WHEN 'frame' THEN 35 + 5 * floor(r_price * 20)
                      WHEN 'souvenir' THEN 18 + floor(r_price * 25)
                      WHEN 'design' THEN 40 + 10 * floor(r_price * 12)
                      WHEN 'restoration' THEN 60 + 10 * floor(r_price * 15)
                      ELSE 10 + 5 * floor(r_price * 8) END)::numeric(12, 2) AS unit_price,
           CASE kind
               WHEN 'session' THEN (ARRAY['Sesión familiar en estudio', 'Sesión de bebé', 'Sesión de quinceañero',
                   'Sesión de graduación', 'Cobertura de boda (6 horas)', 'Sesión de producto',
                   'Sesión corporativa'])[1 + floor(r_what * 7)::int]
               WHEN 'print' THEN (ARRAY['Impresión 10x15', 'Impresión 13x18', 'Impresión 20x25', 'Impresión 20x30',
                   'Ampliación 30x40', 'Ampliación 50x70'])[1 + floor(r_what * 6)::int]
               WHEN 'frame' THEN (ARRAY['Marco de madera 20x30', 'Marco de aluminio 30x40',
                   'Marco con paspartú 40x50', 'Cuadro en lienzo 50x70'])[1 + floor(r_what * 4)::int]
               WHEN 'souvenir' THEN (ARRAY['Taza personalizada', 'Llavero con foto', 'Calendario de escritorio',
                   'Rompecabezas con foto', 'Polo estampado'])[1 + floor(r_what * 5)::int]
               WHEN 'design' THEN (ARRAY['Diseño de invitación', 'Diseño de álbum de 20 páginas',
                   'Retoque avanzado'])[1 + floor(r_what * 3)::int]
               WHEN 'restoration' THEN (ARRAY['Restauración de foto antigua',
                   'Coloreado de foto en blanco y negro'])[1 + floor(r_what * 2)::int]
               ELSE (ARRAY['Copia digital en USB', 'Envío a domicilio', 'Fotos carnet (6 unidades)'])
                   [1 + floor(r_what * 3)::int]
           END AS description,
           CASE kind
               WHEN 'print' THEN jsonb_build_object('paper', (ARRAY['lustre', 'mate', 'brillante'])[1 + floor(r_what * 3)::int])
               WHEN 'frame' THEN jsonb_build_object('moulding', (ARRAY['madera', 'aluminio'])[1 + floor(r_what * 2)::int],
                                                    'glass', r_what < 0.7)
               WHEN 'session' THEN jsonb_build_object('duration_min', (ARRAY[45, 60, 90])[1 + floor(r_price * 3)::int])
               ELSE '{}'::jsonb
           END AS specs
    FROM kinds k
)
SELECT order_id, pos, kind, description, quantity, unit_price, specs,
       discount, quantity * unit_price - discount AS line_total,
       quantity * unit_price - discount - round((quantity * unit_price - discount) / 1.18, 2) AS tax
FROM (SELECT p.*, CASE WHEN r_discount < 0.125 THEN round(quantity * unit_price * 0.10, 2) ELSE 0 END AS discount
      FROM priced p) AS lines;

CREATE TEMP TABLE seed_totals ON COMMIT DROP AS
SELECT order_id, sum(quantity * unit_price) AS subtotal, sum(discount) AS discount, sum(tax) AS tax,
       sum(line_total) AS total
FROM seed_items GROUP BY order_id;

-- Payments. Delivered orders are mostly paid (schools and regulars pay later), pending ones
-- carry a deposit or nothing, orders in the flow a deposit or all; one in 33 has a payment
-- voided (recorded twice by mistake). A paid order was paid at once or as a deposit and the
-- rest on delivery.
CREATE TEMP TABLE seed_payments ON COMMIT DROP AS
WITH planned AS (
    SELECT o.*, t.total,
           CASE WHEN o.status = 'delivered' THEN CASE WHEN o.r_pay < 0.90 THEN 'paid' WHEN o.r_pay < 0.97 THEN 'partial' ELSE 'unpaid' END
                WHEN o.status = 'cancelled' THEN CASE WHEN o.r_pay < 0.10 THEN 'partial' ELSE 'unpaid' END
                WHEN o.status = 'pending' THEN CASE WHEN o.r_pay < 0.45 THEN 'partial' ELSE 'unpaid' END
                ELSE CASE WHEN o.r_pay < 0.30 THEN 'paid' WHEN o.r_pay < 0.90 THEN 'partial' ELSE 'unpaid' END
           END AS plan,
           round(t.total * (0.3 + 0.3 * o.r_split)::numeric, 1) AS deposit
    FROM seed_orders o JOIN seed_totals t ON t.order_id = o.id
), rows AS (
    -- The whole amount at once, or the deposit.
    SELECT id AS order_id, CASE WHEN plan = 'paid' AND r_split < 0.4 THEN total ELSE deposit END AS amount,
           created_at + interval '5 minutes' AS paid_at, handled_by, 'completed' AS status, r_pay AS r_method
    FROM planned WHERE plan <> 'unpaid'
    UNION ALL
    -- The rest, on delivery (or a few days later for orders still in the flow).
    SELECT id, total - deposit, coalesce(delivered_at, least(created_at + interval '3 days', now() - interval '1 hour')),
           handled_by, 'completed', r_split
    FROM planned WHERE plan = 'paid' AND r_split >= 0.4
    UNION ALL
    SELECT id, deposit, created_at + interval '2 minutes', handled_by, 'voided', r_void * 33
    FROM planned WHERE r_void < 0.03
)
SELECT gen_random_uuid() AS id, r.*,
       (ARRAY['cash', 'cash', 'cash', 'qr', 'qr', 'card', 'transfer', 'other'])[1 + floor(r.r_method * 8)::int % 8]
           AS method
FROM rows r;

INSERT INTO orders (id, number, client_id, contract_id, assigned_to, status, order_date, due_date, delivered_at,
                    notes, prices_include_tax, tax_rate, subtotal, discount, tax, total, paid, created_at, updated_at)
SELECT o.id, o.number, o.client_id, o.contract_id, o.assigned_to, o.status, o.order_date,
       o.order_date + 5 + o.due_days, o.delivered_at, o.notes, true, 18.00, t.subtotal, t.discount, t.tax, t.total,
       coalesce(p.paid, 0), o.created_at, coalesce(o.delivered_at, o.created_at + interval '1 day')
FROM seed_orders o JOIN seed_totals t ON t.order_id = o.id
LEFT JOIN (SELECT order_id, sum(amount) AS paid FROM seed_payments WHERE status = 'completed' GROUP BY order_id) p
       ON p.order_id = o.id
ORDER BY o.created_at;

INSERT INTO order_items (id, order_id, position, kind, description, quantity, unit_price, discount, specs, line_total, tax)
SELECT gen_random_uuid(), order_id, pos, kind, description, quantity, unit_price, discount, specs, line_total, tax
FROM seed_items;

INSERT INTO order_payments (id, order_id, amount, method, reference, status, paid_at, recorded_by, voided_at,
                            voided_by, void_reason)
SELECT id, order_id, amount, method,
       CASE WHEN method IN ('qr', 'transfer', 'card') THEN 'OP-' || upper(substr(md5(id::text), 1, 8)) END,
       status, paid_at, handled_by,
       CASE WHEN status = 'voided' THEN paid_at + interval '20 minutes' END,
       CASE WHEN status = 'voided' THEN handled_by END,
       CASE WHEN status = 'voided' THEN 'Pago registrado dos veces' END
FROM seed_payments;

-- Every step of each order's status, from its creation to where it stands, spread between
-- its creation and its delivery (or a few days on).
INSERT INTO order_status_history (id, order_id, from_status, to_status, changed_by, changed_at, note)
SELECT gen_random_uuid(), s.id, s.steps[i - 1], s.steps[i], s.handled_by,
       CASE WHEN i = 1 THEN s.created_at
            ELSE s.created_at + (s.last_at - s.created_at) * (i - 1) / (cardinality(s.steps) - 1) END,
       CASE WHEN s.steps[i] = 'cancelled' THEN 'El cliente desistió del pedido' END
FROM (SELECT o.*, coalesce(o.delivered_at, least(o.created_at + interval '4 days', now() - interval '1 hour')) AS last_at,
             CASE o.status
                 WHEN 'pending' THEN ARRAY['pending']
                 WHEN 'confirmed' THEN ARRAY['pending', 'confirmed']
                 WHEN 'in_production' THEN ARRAY['pending', 'confirmed', 'in_production']
                 WHEN 'ready' THEN ARRAY['pending', 'confirmed', 'in_production', 'ready']
                 WHEN 'delivered' THEN ARRAY['pending', 'confirmed', 'in_production', 'ready', 'delivered']
                 ELSE CASE WHEN o.r_stage < 0.6 THEN ARRAY['pending', 'cancelled']
                           ELSE ARRAY['pending', 'confirmed', 'cancelled'] END
             END AS steps
      FROM seed_orders o) AS s,
     generate_series(1, cardinality(s.steps)) AS i;

INSERT INTO document_counters (kind, year, last_value)
SELECT 'ORD', extract(year FROM order_date)::int, count(*) FROM seed_orders GROUP BY 2;

-- Appointments: 20,000 over two years (21 months back, 3 ahead), Monday to Saturday. Each
-- staff member works hour slots from 9:00 to 19:00; a slot holds a session (in one of three
-- rooms, or outdoors), a delivery or a meeting, and never runs into the next. The rooms
-- rotate among the staff day by day, one room per staff member at a time, so no room is
-- ever double-booked either. Every fourth weekday Flor spends the morning (8:00-12:00) at a
-- school and takes no slots then.
CREATE TEMP TABLE seed_slots ON COMMIT DROP AS
WITH days AS (
    SELECT d::date AS day, (d::date - p.today) AS offset_days,
           (d::date - date '2000-01-03') AS day_index
    FROM seed_params p, generate_series(p.today - 600, p.today + 129, interval '1 day') AS d
    WHERE extract(isodow FROM d) < 7
), candidates AS (
    SELECT day, day_index, s AS staff_k, h AS hour,
           extract(isodow FROM day) < 6 AND day_index % 4 = 0 AS school_morning
    FROM days, generate_series(0, 4) AS s, generate_series(8, 18) AS h
)
SELECT c.*, random() AS r_kind, random() AS r_len, random() AS r_status, random() AS r_pick, random() AS r_keep
FROM candidates c
WHERE (c.hour >= 9 AND NOT (c.staff_k = 4 AND c.school_morning AND c.hour < 12))
   OR (c.hour = 8 AND c.staff_k = 4 AND c.school_morning);

CREATE TEMP TABLE seed_appointments ON COMMIT DROP AS
WITH kept AS (
    SELECT s.*,
           CASE WHEN s.hour = 8 THEN 'school_day' WHEN s.r_kind < 0.62 THEN 'session'
                WHEN s.r_kind < 0.88 THEN 'delivery' ELSE 'meeting' END AS kind
    FROM seed_slots s
    WHERE s.r_keep < 0.7
    ORDER BY s.r_keep
    LIMIT 20000
), timed AS (
    SELECT k.*,
           ((k.day + make_time(k.hour, CASE WHEN k.kind = 'delivery' AND k.r_len < 0.5 THEN 30 ELSE 0 END, 0))
               AT TIME ZONE 'America/Lima') AS starts_at,
           CASE k.kind WHEN 'school_day' THEN interval '4 hours'
                       WHEN 'session' THEN CASE WHEN k.r_len < 0.6 THEN interval '60 minutes' ELSE interval '45 minutes' END
                       WHEN 'delivery' THEN interval '30 minutes'
                       ELSE CASE WHEN k.r_len < 0.5 THEN interval '30 minutes' ELSE interval '45 minutes' END
           END AS length,
           (k.staff_k + k.day_index) % 5 AS room
    FROM kept k
)
SELECT t.*, t.starts_at + t.length AS ends_at, st.id AS staff_id,
       -- A person for a session, a school for a meeting or a school day.
       CASE WHEN t.kind = 'session' THEN 1 + floor(t.r_pick * 1999)::int
            ELSE 33 * (1 + floor(t.r_pick * 60)::int) END AS client_pick
FROM timed t JOIN seed_staff st ON st.k = t.staff_k;

INSERT INTO appointments (id, kind, title, client_id, contract_id, order_id, staff_id, resource, starts_at, ends_at,
                          location, status, notes, created_at, updated_at)
SELECT gen_random_uuid(), a.kind,
       CASE a.kind WHEN 'session' THEN 'Sesión de fotos: ' || c.name
                   WHEN 'delivery' THEN 'Entrega del pedido ' || coalesce(o.number, 'de mostrador')
                   WHEN 'meeting' THEN 'Reunión con ' || c.name
                   ELSE 'Día de foto escolar: ' || c.name END,
       CASE WHEN a.kind = 'delivery' THEN o.client_id ELSE c.id END,
       CASE WHEN a.kind IN ('school_day', 'meeting') THEN
           (SELECT k.id FROM seed_contracts k WHERE k.school_id = c.id ORDER BY k.year DESC LIMIT 1) END,
       CASE WHEN a.kind = 'delivery' THEN o.id END,
       a.staff_id,
       CASE WHEN a.kind = 'session' AND a.room < 3 THEN 'Estudio ' || (a.room + 1) END,
       a.starts_at, a.ends_at,
       CASE WHEN a.kind = 'session' AND a.room >= 3
                THEN (ARRAY['Parque Kennedy, Miraflores', 'Malecón de Barranco', 'Plaza de Armas'])[1 + a.room % 3]
            WHEN a.kind IN ('school_day', 'meeting') THEN 'En el colegio' END,
       CASE WHEN a.ends_at < now()
            THEN CASE WHEN a.r_status < 0.84 THEN 'done' WHEN a.r_status < 0.90 THEN 'no_show' ELSE 'cancelled' END
            ELSE CASE WHEN a.r_status < 0.70 THEN 'scheduled' WHEN a.r_status < 0.92 THEN 'confirmed' ELSE 'cancelled' END
       END,
       CASE WHEN a.r_len < 0.15 THEN 'Confirmar por WhatsApp el día anterior' END,
       a.starts_at - interval '10 days', a.starts_at - interval '10 days'
FROM seed_appointments a
JOIN seed_clients c ON c.n = a.client_pick + CASE WHEN a.kind = 'session' AND a.client_pick % 33 = 0 THEN 1 ELSE 0 END
-- A delivery hands over an order placed a few days to weeks before.
LEFT JOIN LATERAL (
    SELECT so.id, so.number, so.client_id FROM seed_orders so
    WHERE a.kind = 'delivery' AND so.order_date = least(a.day, (SELECT today FROM seed_params)) - (3 + floor(a.r_pick * 20)::int)
    ORDER BY so.n LIMIT 1
) o ON true;

//! The studios the report tests read: everything is created through the API (so totals,
//! taxes, costs and stock are the modules' own), then moved to fixed instants of 2025 with
//! SQL — payments, package orders, movements, registrations, products and production
//! orders carry "now" when recorded. The figures each test expects are worked out by hand in
//! the comments beside them.

use chrono::{NaiveDateTime, TimeZone};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Studio, TestApp};

/// A studio in `country` (its currency and time zone follow), with its admin signed in.
pub async fn studio_in(app: &TestApp, slug: &str, country: &str) -> Studio {
    let operator = app.operator_token().await;
    let admin_email = format!("admin@{slug}.test");
    let reply = app
        .call(Method::POST, "/api/tenants")
        .token(&operator)
        .json(json!({"slug": slug, "name": format!("Foto {slug}"), "country": country,
                     "admin": {"email": admin_email, "password": PASSWORD}}))
        .send()
        .await;
    reply.assert(201);
    let id = reply.body["id"].as_str().unwrap().to_owned();
    let token = app.login(slug, &admin_email, PASSWORD).await;
    Studio { slug: slug.to_owned(), id, token, admin_email }
}

/// A local time of `tz` (`2025-01-31 23:30`) as an RFC 3339 instant.
pub fn local(tz: chrono_tz::Tz, when: &str) -> String {
    let naive = NaiveDateTime::parse_from_str(when, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive).single().unwrap().to_utc().to_rfc3339()
}

/// Runs SQL in a studio's schema (`{s}` is its schema), the append-only ledger's trigger
/// set aside for the statement: the tests move recorded rows in time.
pub async fn shift(app: &TestApp, s: &Studio, sql: &str) {
    let schema = format!("t_{}", s.slug.replace('-', "_"));
    let sql = sql.replace("{s}", &schema);
    let script = format!(
        "BEGIN; ALTER TABLE {schema}.stock_movements DISABLE TRIGGER stock_movements_append_only; {sql}; \
         ALTER TABLE {schema}.stock_movements ENABLE TRIGGER stock_movements_append_only; COMMIT;"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(&mut app.raw().await).await.unwrap();
}

pub fn line(kind: &str, description: &str, quantity: i64, price: &str, discount: &str) -> Value {
    json!({"kind": kind, "description": description, "quantity": quantity, "unit_price": price, "discount": discount})
}

/// An order of `lines` dated `date`; its id.
pub async fn order(app: &TestApp, s: &Studio, client: &str, date: &str, lines: Vec<Value>) -> String {
    let body = json!({"client_id": client, "order_date": date, "items": lines});
    let reply = app.as_studio(s, Method::POST, "/api/orders").json(body).send().await;
    reply.assert(201);
    reply.body["id"].as_str().unwrap().to_owned()
}

/// A payment on an order, moved to `at`; its id.
pub async fn pay(app: &TestApp, s: &Studio, order: &str, amount: &str, method: &str, at: &str) -> String {
    let reply = app
        .as_studio(s, Method::POST, &format!("/api/orders/{order}/payments"))
        .json(json!({"amount": amount, "method": method}))
        .send()
        .await;
    reply.assert(201);
    let payment = reply.body["payments"].as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_owned();
    shift(app, s, &format!("UPDATE {{s}}.order_payments SET paid_at = '{at}' WHERE id = '{payment}'")).await;
    payment
}

async fn status(app: &TestApp, s: &Studio, path: &str, status: &str) {
    app.as_studio(s, Method::POST, path).json(json!({"status": status})).send().await.assert(200);
}

/// The La Paz studio's sales (BOB, IVA 13 % included in prices). Orders, by order date:
/// - O7 2024-10-01, other 40.00, unpaid;                              (before the period)
/// - O5 2024-12-20, session 200.00, paid 50.00 cash on 2024-12-21;     (before the period)
/// - O1 2025-01-15, print 2 × 50.00 + frame 150.00 = 250.00 (tax 11.50 + 17.26), paid 100.00
///   cash at 2025-01-31 23:30 (February in UTC, January in La Paz) and 150.00 card on 02-15;
/// - O2 2025-01-31, session 300.00 (tax 34.51), paid 100.00 QR at 2025-02-28 23:59 and 50.00
///   transfer at 2025-03-01 00:30 (after the period);
/// - O3 2025-02-01, souvenir 10 × 8.00 − 5.00 = 75.00 (tax 8.63), a 75.00 payment voided;
/// - O4 2025-02-10, print 999.00, paid 100.00 card on 02-10, then cancelled;
/// - O6 2025-03-05, print 30.00 (after the period).
///
/// School packages: two of 80.00, ordered at 2025-01-31 22:00 (January in La Paz) and on
/// 2025-02-20.
pub async fn la_paz_sales(app: &TestApp, s: &Studio) {
    let tz = chrono_tz::America::La_Paz;
    let client = app.create_client(s, json!({"kind": "individual", "name": "Ana Mamani"})).await;
    let other = app.create_client(s, json!({"kind": "individual", "name": "Luis Quispe"})).await;
    order(app, s, &other, "2024-10-01", vec![line("other", "Copia", 1, "40.00", "0")]).await;
    let o5 = order(app, s, &other, "2024-12-20", vec![line("session", "Sesión familiar", 1, "200.00", "0")]).await;
    pay(app, s, &o5, "50.00", "cash", &local(tz, "2024-12-21 10:00")).await;
    let o1 = order(
        app,
        s,
        &client,
        "2025-01-15",
        vec![line("print", "Foto 20x30", 2, "50.00", "0"), line("frame", "Marco 20x30", 1, "150.00", "0")],
    )
    .await;
    pay(app, s, &o1, "100.00", "cash", &local(tz, "2025-01-31 23:30")).await;
    pay(app, s, &o1, "150.00", "card", &local(tz, "2025-02-15 12:00")).await;
    let o2 = order(app, s, &client, "2025-01-31", vec![line("session", "Sesión de estudio", 1, "300.00", "0")]).await;
    pay(app, s, &o2, "100.00", "qr", &local(tz, "2025-02-28 23:59")).await;
    pay(app, s, &o2, "50.00", "transfer", &local(tz, "2025-03-01 00:30")).await;
    let o3 = order(app, s, &client, "2025-02-01", vec![line("souvenir", "Tazas", 10, "8.00", "5.00")]).await;
    let voided = pay(app, s, &o3, "75.00", "cash", &local(tz, "2025-02-05 10:00")).await;
    app.as_studio(s, Method::POST, &format!("/api/orders/{o3}/payments/{voided}/void"))
        .json(json!({"reason": "cobrado dos veces"}))
        .send()
        .await
        .assert(200);
    let o4 = order(app, s, &client, "2025-02-10", vec![line("print", "Mural", 1, "999.00", "0")]).await;
    pay(app, s, &o4, "100.00", "card", &local(tz, "2025-02-10 12:00")).await;
    status(app, s, &format!("/api/orders/{o4}/status"), "cancelled").await;
    order(app, s, &client, "2025-03-05", vec![line("print", "Foto", 1, "30.00", "0")]).await;

    // Two school packages.
    let school = app.create_client(s, json!({"kind": "school", "name": "Colegio San Andrés"})).await;
    let contract = app
        .as_studio(s, Method::POST, "/api/contracts")
        .json(json!({"school_id": school, "title": "Promoción", "academic_year": 2026,
                     "starts_on": "2026-01-01", "ends_on": "2026-12-31"}))
        .send()
        .await;
    let contract = contract.assert(201).body["id"].as_str().unwrap().to_owned();
    status(app, s, &format!("/api/contracts/{contract}/status"), "active").await;
    let package = app
        .as_studio(s, Method::POST, &format!("/api/contracts/{contract}/packages"))
        .json(json!({"name": "Paquete A", "price": "80.00", "contents": ["1 foto 20x25"]}))
        .send()
        .await;
    let package = package.assert(201).body["id"].as_str().unwrap().to_owned();
    for (student, at) in [("A1", "2025-01-31 22:00"), ("A2", "2025-02-20 10:00")] {
        app.as_studio(s, Method::POST, &format!("/api/contracts/{contract}/roster"))
            .json(json!({"student_id": student, "name": format!("Alumno {student}"), "grade": "5"}))
            .send()
            .await
            .assert(201);
        let reply = app
            .as_studio(s, Method::POST, &format!("/api/contracts/{contract}/package-orders"))
            .json(json!({"student_id": student, "package_id": package}))
            .send()
            .await;
        let number = reply.assert(201).body["number"].as_str().unwrap().to_owned();
        let at = local(tz, at);
        shift(app, s, &format!("UPDATE {{s}}.package_orders SET ordered_at = '{at}' WHERE number = '{number}'")).await;
    }
}

/// A movement recorded through the API, moved to `at`; its id.
async fn movement(app: &TestApp, s: &Studio, body: Value, at: &str) -> String {
    let reply = app.as_studio(s, Method::POST, "/api/inventory/movements").json(body).send().await;
    let id = reply.assert(201).body["movement"]["id"].as_str().unwrap().to_owned();
    shift(app, s, &format!("UPDATE {{s}}.stock_movements SET occurred_at = '{at}' WHERE id = '{id}'")).await;
    id
}

async fn material(app: &TestApp, s: &Studio, body: Value) -> String {
    let reply = app.as_studio(s, Method::POST, "/api/inventory/materials").json(body).send().await;
    reply.assert(201).body["id"].as_str().unwrap().to_owned()
}

/// A production order taken to `end` (`done` or `cancelled`), then moved to the given La Paz
/// times: created, started (done only) and finished.
async fn production_order(app: &TestApp, s: &Studio, body: Value, times: [&str; 3], end: &str) -> String {
    let tz = chrono_tz::America::La_Paz;
    let reply = app.as_studio(s, Method::POST, "/api/production/orders").json(body).send().await;
    let id = reply.assert(201).body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/production/orders/{id}/status");
    if end == "done" {
        status(app, s, &path, "in_progress").await;
    }
    status(app, s, &path, end).await;
    let (created, finished) = (local(tz, times[0]), local(tz, times[2]));
    let started = if end == "done" { format!("'{}'", local(tz, times[1])) } else { "NULL".to_owned() };
    shift(
        app,
        s,
        &format!(
            "UPDATE {{s}}.production_orders SET created_at = '{created}', started_at = {started}, \
             finished_at = '{finished}' WHERE id = '{id}'"
        ),
    )
    .await;
    id
}

/// The La Paz studio's workshop, recorded in this order (average costs follow it):
/// - paint PIN-BLANCO (litres, minimum 2): bought 10 L at 25.00 on 2024-12-15; production
///   order PO1 used 3 L (2025-01-20) and wasted 1 L, damaged (2025-02-10), making two framed
///   pictures; 2 L more consumed at 2025-03-01 00:30 (after the period). Now 4 L, 100.00.
/// - paper PAP-A4 (sheets, minimum 100): 200 at 0.50 (01-05), 100 at 0.80 (02-03: average
///   0.60), 220 consumed at 2025-02-28 23:30 (March in UTC, February in La Paz), 10 consumed
///   on 02-21 and reversed on 02-22. Now 80 sheets, 48.00.
/// - mugs TAZA-BLANCA (units, minimum 20): never bought.
///
/// Production orders (La Paz times): PO1 created 01-10 09:00, started 01-11 09:00, done
/// 01-14 21:00, due 01-15 (on time: 4.5 days, 3.5 of work); PO2 created 02-01 08:00, started
/// 02-02 08:00, done 02-11 08:00, due 02-05 (late: 10 days, 9 of work); PO3 created 02-20,
/// cancelled 02-21; PO4 created 2024-12-01, done 2025-03-02 (after the period).
pub async fn la_paz_workshop(app: &TestApp, s: &Studio) {
    let tz = chrono_tz::America::La_Paz;
    let paint = material(
        app,
        s,
        json!({"sku": "PIN-BLANCO", "name": "Pintura blanca", "category": "paints",
        "unit": "litre", "attributes": {"colour": "blanco", "base": "acrylic"}}),
    )
    .await;
    let paper = material(
        app,
        s,
        json!({"sku": "PAP-A4", "name": "Papel lustre A4", "category": "printing",
        "unit": "sheet", "attributes": {"kind": "paper", "size": "A4", "weight_gsm": 260}}),
    )
    .await;
    material(
        app,
        s,
        json!({"sku": "TAZA-BLANCA", "name": "Taza blanca", "category": "souvenirs", "unit": "unit",
        "attributes": {"item": "taza"}}),
    )
    .await;

    let buy = |id: &str, quantity: &str, cost: &str| json!({"material_id": id, "kind": "purchase", "quantity": quantity, "unit_cost": cost});
    movement(app, s, buy(&paint, "10", "25.00"), &local(tz, "2024-12-15 10:00")).await;

    let reply = app
        .as_studio(s, Method::POST, "/api/production/orders")
        .json(json!({"description": "Cuadros pintados", "planned_quantity": 2, "due_on": "2025-01-15"}))
        .send()
        .await;
    let po1 = reply.assert(201).body["id"].as_str().unwrap().to_owned();
    let reply = app
        .as_studio(s, Method::POST, "/api/production/register")
        .json(json!({"production_order_id": po1,
            "used": [{"material_id": paint, "quantity": "3"}],
            "wasted": [{"material_id": paint, "quantity": "1", "reason": "damage", "note": "lata abollada"}],
            "products": [{"name": "Cuadro 1", "kind": "framed_picture", "price": "120.00"},
                         {"name": "Cuadro 2", "kind": "framed_picture", "price": "120.00"}]}))
        .send()
        .await;
    let registration = reply.assert(201).body["id"].as_str().unwrap().to_owned();
    let (used, wasted) = (local(tz, "2025-01-20 10:00"), local(tz, "2025-02-10 10:00"));
    let made = local(tz, "2025-01-14 20:00");
    shift(
        app,
        s,
        &format!(
            "UPDATE {{s}}.stock_movements SET occurred_at = CASE kind WHEN 'consumption' THEN '{used}'::timestamptz \
             ELSE '{wasted}'::timestamptz END WHERE registration_id = '{registration}'; \
             UPDATE {{s}}.production_registrations SET recorded_at = '{made}' WHERE id = '{registration}'; \
             UPDATE {{s}}.products SET created_at = '{made}' WHERE registration_id = '{registration}'; \
             UPDATE {{s}}.production_orders SET status = 'done', started_at = '{}', finished_at = '{}', \
               created_at = '{}' WHERE id = '{po1}'",
            local(tz, "2025-01-11 09:00"),
            local(tz, "2025-01-14 21:00"),
            local(tz, "2025-01-10 09:00"),
        ),
    )
    .await;
    let consume = |id: &str, quantity: &str| json!({"material_id": id, "kind": "consumption", "quantity": quantity});
    movement(app, s, consume(&paint, "2"), &local(tz, "2025-03-01 00:30")).await;

    movement(app, s, buy(&paper, "200", "0.50"), &local(tz, "2025-01-05 10:00")).await;
    movement(app, s, buy(&paper, "100", "0.80"), &local(tz, "2025-02-03 10:00")).await;
    movement(app, s, consume(&paper, "220"), &local(tz, "2025-02-28 23:30")).await;
    let mistaken = movement(app, s, consume(&paper, "10"), &local(tz, "2025-02-21 10:00")).await;
    let reply = app
        .as_studio(s, Method::POST, &format!("/api/inventory/movements/{mistaken}/reverse"))
        .json(json!({"reason": "no se usó"}))
        .send()
        .await;
    let reversal = reply.assert(201).body["movement"]["id"].as_str().unwrap().to_owned();
    let at = local(tz, "2025-02-22 10:00");
    shift(app, s, &format!("UPDATE {{s}}.stock_movements SET occurred_at = '{at}' WHERE id = '{reversal}'")).await;

    production_order(
        app,
        s,
        json!({"description": "Álbum", "planned_quantity": 1, "due_on": "2025-02-05"}),
        ["2025-02-01 08:00", "2025-02-02 08:00", "2025-02-11 08:00"],
        "done",
    )
    .await;
    production_order(
        app,
        s,
        json!({"description": "Anulada"}),
        ["2025-02-20 10:00", "", "2025-02-21 10:00"],
        "cancelled",
    )
    .await;
    production_order(
        app,
        s,
        json!({"description": "Tardía", "planned_quantity": 5}),
        ["2024-12-01 10:00", "2024-12-02 10:00", "2025-03-02 10:00"],
        "done",
    )
    .await;
}

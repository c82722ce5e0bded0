//! Revenue by kind reads a period's order lines by the date each line carries (its order's,
//! kept by the database): the lines must follow their order whatever writes it, and the
//! figures must be those of summing each order's lines.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use reqwest::Method;
use serde_json::{Value, json};

use super::fixture::{line, order, shift, studio_in};
use super::report;
use crate::helpers::{Studio, TestApp, spawn_app};

/// Revenue per kind of line in the financial report of `from`–`to` (packages left out).
async fn kinds(app: &TestApp, s: &Studio, from: &str, to: &str) -> BTreeMap<String, String> {
    let r = report(app, s, "financial", &format!("from={from}&to={to}")).await;
    r.assert(200);
    let rows = r.body["revenue"]["by_kind"].as_array().unwrap().clone();
    rows.iter()
        .filter(|k| k["kind"] != "school_packages")
        .map(|k| (k["kind"].as_str().unwrap().to_owned(), k["revenue"].as_str().unwrap().to_owned()))
        .collect()
}

/// The dashboard's revenue of `service` in `month` and in its year so far.
async fn service(app: &TestApp, s: &Studio, month: &str, service: &str) -> (String, String) {
    let r = app.as_studio(s, Method::GET, &format!("/api/dashboard/revenue?month={month}")).send().await;
    r.assert(200);
    let row = r.body["revenue"]["by_service"].as_array().unwrap().iter().find(|r| r["service"] == service).unwrap();
    (row["month"].as_str().unwrap().to_owned(), row["year"].as_str().unwrap().to_owned())
}

fn sold(print: &str, frame: &str) -> BTreeMap<String, String> {
    ["session", "print", "frame", "souvenir", "design", "restoration", "other"]
        .into_iter()
        .map(|kind| {
            let revenue = match kind {
                "print" => print,
                "frame" => frame,
                _ => "0.00",
            };
            (kind.to_owned(), revenue.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn revenue_by_kind_follows_an_orders_date_and_leaves_it_out_once_cancelled() {
    let app = spawn_app().await;
    let s = studio_in(&app, "lineas", "BO").await;
    let client = app.create_client(&s, json!({"kind": "individual", "name": "Ana Mamani"})).await;
    let lines = vec![line("print", "Foto 20x30", 2, "50.00", "0"), line("frame", "Marco 20x30", 1, "150.00", "0")];
    let id = order(&app, &s, &client, "2025-01-15", lines.clone()).await;
    assert_eq!(kinds(&app, &s, "2025-01-01", "2025-01-31").await, sold("100.00", "150.00"));
    assert_eq!(kinds(&app, &s, "2025-02-01", "2025-02-28").await, sold("0.00", "0.00"));

    // Moved to February through the API: its lines go with it.
    let body = json!({"client_id": client, "order_date": "2025-02-10", "items": lines});
    app.as_studio(&s, Method::PUT, &format!("/api/orders/{id}")).json(body).send().await.assert(200);
    assert_eq!(kinds(&app, &s, "2025-01-01", "2025-01-31").await, sold("0.00", "0.00"));
    assert_eq!(kinds(&app, &s, "2025-02-01", "2025-02-28").await, sold("100.00", "150.00"));
    assert_eq!(service(&app, &s, "2025-02", "print").await, ("100.00".into(), "100.00".into()));
    assert_eq!(service(&app, &s, "2025-01", "frame").await, ("0.00".into(), "0.00".into()));

    // Cancelled: it counts nowhere.
    app.as_studio(&s, Method::POST, &format!("/api/orders/{id}/status"))
        .json(json!({"status": "cancelled"}))
        .send()
        .await
        .assert(200);
    assert_eq!(kinds(&app, &s, "2025-02-01", "2025-02-28").await, sold("0.00", "0.00"));
    assert_eq!(service(&app, &s, "2025-02", "frame").await, ("0.00".into(), "0.00".into()));
}

/// Each line of `order` as (kind, its date, its price mode), in position order.
async fn stored_lines(app: &TestApp, s: &Studio, order: &str) -> Vec<(String, String, bool)> {
    let sql = format!(
        "SELECT kind, order_date::text, prices_include_tax FROM t_{}.order_items WHERE order_id = '{order}' \
         ORDER BY position",
        s.slug
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut app.raw().await).await.unwrap()
}

#[tokio::test]
async fn a_line_carries_its_orders_date_and_price_mode_whatever_sql_writes_it() {
    let app = spawn_app().await;
    let s = studio_in(&app, "directo", "BO").await;
    let client = app.create_client(&s, json!({"kind": "individual", "name": "Luis Quispe"})).await;
    let id = order(&app, &s, &client, "2025-01-15", vec![line("print", "Foto", 1, "30.00", "0")]).await;

    // A line written by hand, with a date and a price mode of its own: it takes its order's.
    shift(
        &app,
        &s,
        &format!(
            "INSERT INTO {{s}}.order_items (id, order_id, position, kind, description, quantity, unit_price, line_total, \
             tax, order_date, prices_include_tax) \
             VALUES (gen_random_uuid(), '{id}', 1, 'design', 'Diseño', 1, 40.00, 40.00, 6.00, '1999-01-01', false)"
        ),
    )
    .await;
    let on = |date: &str, include: bool| {
        vec![("print".into(), date.into(), include), ("design".into(), date.into(), include)]
    };
    assert_eq!(stored_lines(&app, &s, &id).await, on("2025-01-15", true));

    // A line's own columns cannot be set apart from its order's.
    shift(&app, &s, &format!("UPDATE {{s}}.order_items SET order_date = '2000-01-01' WHERE order_id = '{id}'")).await;
    assert_eq!(stored_lines(&app, &s, &id).await, on("2025-01-15", true));

    // The order's date and price mode changed by any statement: every line follows.
    shift(
        &app,
        &s,
        &format!("UPDATE {{s}}.orders SET order_date = '2025-03-03', prices_include_tax = false WHERE id = '{id}'"),
    )
    .await;
    assert_eq!(stored_lines(&app, &s, &id).await, on("2025-03-03", false));
    // Prices without tax: a line's revenue is its total plus its tax (30.00 + 3.45, 40.00 + 6.00).
    let march = kinds(&app, &s, "2025-03-01", "2025-03-31").await;
    assert_eq!((march["print"].as_str(), march["design"].as_str()), ("33.45", "46.00"));
    assert_eq!(kinds(&app, &s, "2025-01-01", "2025-01-31").await["print"], "0.00");
}

/// Revenue by kind as it was read before lines carried dates: every line of each order not
/// cancelled dated in the period.
async fn summed_per_order(app: &TestApp, s: &Studio, from: &str, to: &str) -> BTreeMap<String, Vec<String>> {
    let sql = format!(
        "SELECT i.kind, count(*)::text, sum(i.quantity)::text, \
           sum(i.line_total + CASE WHEN o.prices_include_tax THEN 0 ELSE i.tax END)::text, sum(i.tax)::text \
         FROM t_{}.orders o JOIN t_{0}.order_items i ON i.order_id = o.id \
         WHERE o.status <> 'cancelled' AND o.order_date BETWEEN '{from}' AND '{to}' GROUP BY i.kind",
        s.slug
    );
    let rows: Vec<(String, String, String, String, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut app.raw().await).await.unwrap();
    rows.into_iter().map(|(kind, lines, quantity, revenue, tax)| (kind, vec![lines, quantity, revenue, tax])).collect()
}

/// The same from the financial report (kinds with lines).
async fn reported(app: &TestApp, s: &Studio, from: &str, to: &str) -> BTreeMap<String, Vec<String>> {
    let r = report(app, s, "financial", &format!("from={from}&to={to}")).await;
    r.assert(200);
    let text = |v: &Value| v.to_string().trim_matches('"').to_owned();
    r.body["revenue"]["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["kind"] != "school_packages" && k["lines"] != 0)
        .map(|k| {
            (text(&k["kind"]), vec![text(&k["lines"]), text(&k["quantity"]), text(&k["revenue"]), text(&k["tax"])])
        })
        .collect()
}

#[tokio::test]
async fn revenue_by_kind_read_by_the_lines_dates_is_the_sum_of_each_orders_lines() {
    let app = spawn_app().await;
    let s = studio_in(&app, "mezcla", "BO").await;
    let clients = [
        app.create_client(&s, json!({"kind": "individual", "name": "Ana Mamani"})).await,
        app.create_client(&s, json!({"kind": "individual", "name": "Rosa Condori"})).await,
    ];
    let kinds = ["session", "print", "frame", "souvenir", "design", "restoration", "other"];
    let first = NaiveDate::from_ymd_opt(2024, 11, 3).unwrap();
    let mut cancelled = 0;
    for n in 0..28u64 {
        // Half the orders priced with tax added, half with tax included.
        if n == 14 {
            crate::orders::setting(&app, "mezcla", "prices_include_tax", "false").await;
        }
        let date = first.checked_add_days(Days::new(n * 8)).unwrap();
        let lines: Vec<Value> = (0..1 + n % 3)
            .map(|k| {
                let kind = kinds[((n + k * 3) % 7) as usize];
                let price = format!("{}.{:02}", 10 + n * 7 + k, (n * 13 + k) % 100);
                line(kind, "Trabajo", (1 + (n + k) % 4) as i64, &price, if n % 4 == 0 { "1.50" } else { "0" })
            })
            .collect();
        let client = &clients[(n % 2) as usize];
        let id = order(&app, &s, client, &date.to_string(), lines.clone()).await;
        if n % 5 == 2 {
            app.as_studio(&s, Method::POST, &format!("/api/orders/{id}/status"))
                .json(json!({"status": "cancelled"}))
                .send()
                .await
                .assert(200);
            cancelled += 1;
        } else if n % 6 == 1 {
            // Some are moved by weeks, across month ends.
            let moved = date.checked_add_days(Days::new(25)).unwrap().to_string();
            let body = json!({"client_id": client, "order_date": moved, "items": lines});
            app.as_studio(&s, Method::PUT, &format!("/api/orders/{id}")).json(body).send().await.assert(200);
        }
    }
    assert!(cancelled >= 5);
    for (from, to) in [
        ("2024-11-01", "2025-06-30"),
        ("2025-01-01", "2025-01-31"),
        ("2024-12-15", "2025-02-14"),
        ("2025-03-01", "2025-03-31"),
        ("2025-05-20", "2025-06-10"),
    ] {
        let expected = summed_per_order(&app, &s, from, to).await;
        assert!(!expected.is_empty(), "{from}–{to} has sales");
        assert_eq!(reported(&app, &s, from, to).await, expected, "{from}–{to}");
    }
    // Both price modes are there, so a line's tax was added where it must be.
    let modes: Vec<(bool, i64)> =
        sqlx::query_as("SELECT prices_include_tax, count(*) FROM t_mezcla.orders GROUP BY 1 ORDER BY 1")
            .fetch_all(&mut app.raw().await)
            .await
            .unwrap();
    assert_eq!(modes, [(false, 14), (true, 14)]);
    let (_, year) = service(&app, &s, "2025-06", "print").await;
    let print_2025 = summed_per_order(&app, &s, "2025-01-01", "2025-06-30").await;
    assert_eq!(year, print_2025["print"][2], "the dashboard's year counts the same lines");
}

#[tokio::test]
async fn migrating_an_existing_studio_gives_its_lines_their_orders_dates() {
    use fotostudio::tenancy::migrations;
    use fotostudio::tenancy::slug::Slug;
    let app = spawn_app().await;
    let schema = Slug::parse("antigua").unwrap().schema_name();
    let all = migrations::tenant_migrations();
    let before: Vec<_> = all.iter().filter(|m| m.version() < 16).cloned().collect();
    let mut conn = app.raw().await;
    let mut tx = migrations::begin_schema_transaction(&mut conn, &schema).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {}", schema.quoted()))).execute(&mut *tx).await.unwrap();
    migrations::apply_tenant_migrations(&mut tx, &before).await.unwrap();
    // Orders and lines as the studio had them before lines carried dates.
    sqlx::raw_sql(
        "INSERT INTO clients (id, kind, name) VALUES ('00000000-0000-0000-0000-00000000000c', 'individual', 'Ana'); \
         INSERT INTO orders (id, number, client_id, status, order_date, prices_include_tax, tax_rate, subtotal, discount, \
           tax, total) VALUES \
           ('00000000-0000-0000-0000-0000000000a1', 'P-1', '00000000-0000-0000-0000-00000000000c', 'pending', \
            '2024-05-02', true, 18, 50, 0, 7.63, 50), \
           ('00000000-0000-0000-0000-0000000000a2', 'P-2', '00000000-0000-0000-0000-00000000000c', 'cancelled', \
            '2024-06-30', false, 18, 20, 0, 3.60, 23.60); \
         INSERT INTO order_items (id, order_id, position, kind, description, quantity, unit_price, line_total, tax) VALUES \
           (gen_random_uuid(), '00000000-0000-0000-0000-0000000000a1', 0, 'print', 'Foto', 2, 10, 20, 3.05), \
           (gen_random_uuid(), '00000000-0000-0000-0000-0000000000a1', 1, 'frame', 'Marco', 1, 30, 30, 4.58), \
           (gen_random_uuid(), '00000000-0000-0000-0000-0000000000a2', 0, 'design', 'Logo', 1, 20, 20, 3.60)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let applied = migrations::apply_tenant_migrations(&mut tx, all).await.unwrap();
    assert!(applied.contains(&16), "{applied:?}");
    let lines: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT kind, order_date::text, prices_include_tax FROM order_items ORDER BY order_date, position",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(
        lines,
        [
            ("print".into(), "2024-05-02".into(), true),
            ("frame".into(), "2024-05-02".into(), true),
            ("design".into(), "2024-06-30".into(), false)
        ]
    );
    tx.commit().await.unwrap();
}

//! Money to the cent: discounts and tax per line, in both tax modes, computed by the server
//! and kept under the terms the order was made with.

use reqwest::Method;
use serde_json::{Value, json};

use super::{create, id, item, order, setting, two_lines};
use crate::helpers::{individual, spawn_app};

/// subtotal, discount, tax, total of an order.
fn totals(order: &Value) -> [&str; 4] {
    ["subtotal", "discount", "tax", "total"].map(|k| order[k].as_str().unwrap_or("?"))
}

/// line_total and tax of each line.
fn lines(order: &Value) -> Vec<(&str, &str)> {
    order["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["line_total"].as_str().unwrap(), i["tax"].as_str().unwrap()))
        .collect()
}

#[tokio::test]
async fn with_prices_including_tax_the_igv_is_carved_out_of_each_line() {
    let app = spawn_app().await;
    let s = app.studio("acme").await; // Peru: IGV 18%, prices include it
    let client = app.create_client(&s, individual("Ana")).await;
    let created = create(&app, &s, order(&client, two_lines())).await;
    // 70.00 − round(70.00 / 1.18) = 10.68 and 10.00 − 8.47 = 1.53: 12.21 in all, where the
    // total alone (80.00 − 67.80) would give 12.20.
    assert_eq!(lines(&created), [("70.00", "10.68"), ("10.00", "1.53")]);
    assert_eq!(totals(&created), ["85.00", "5.00", "12.21", "80.00"]);
    assert_eq!(created["prices_include_tax"], true);
    assert_eq!(created["tax_rate"], "18.00");
    assert_eq!(created["items"][0]["unit_price"], "25.00");
    assert_eq!(created["items"][0]["discount"], "5.00");
    let stored: (String, String) = sqlx::query_as("SELECT total::text, tax::text FROM t_acme.orders")
        .fetch_one(&mut app.raw().await)
        .await
        .unwrap();
    assert_eq!(stored, ("80.00".to_owned(), "12.21".to_owned()), "numeric(12,2) in the database");
}

#[tokio::test]
async fn with_prices_excluding_tax_the_tax_is_added_per_line_rounding_half_cents_up() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    setting(&app, "acme", "prices_include_tax", "false").await;
    let client = app.create_client(&s, individual("Ana")).await;
    let created = create(&app, &s, order(&client, two_lines())).await;
    assert_eq!(lines(&created), [("70.00", "12.60"), ("10.00", "1.80")]);
    assert_eq!(totals(&created), ["85.00", "5.00", "14.40", "94.40"]);
    assert_eq!(created["prices_include_tax"], false);
    // 0.25 × 18% = 0.045 → 0.05 on each line: 0.15, where the total (0.135) would give 0.14.
    let cents = vec![item("print", "Copia", 1, "0.25", "0"); 3];
    let created = create(&app, &s, order(&client, cents)).await;
    assert_eq!(totals(&created), ["0.75", "0.00", "0.15", "0.90"]);
    // Another rate, with discounts on several lines.
    setting(&app, "acme", "tax_rate", "\"13\"").await;
    let mixed = vec![
        item("session", "Sesión", 1, "149.90", "14.99"),
        item("print", "Copias 10x15", 37, "1.35", "2.00"),
        item("souvenir", "Llavero", 3, "7.33", "0"),
    ];
    let created = create(&app, &s, order(&client, mixed)).await;
    // 134.91 × 13% = 17.5383 → 17.54; 47.95 × 13% = 6.2335 → 6.23; 21.99 × 13% = 2.8587 → 2.86.
    assert_eq!(lines(&created), [("134.91", "17.54"), ("47.95", "6.23"), ("21.99", "2.86")]);
    assert_eq!(totals(&created), ["221.84", "16.99", "26.63", "231.48"]);
    assert_eq!(created["tax_rate"], "13.00");
}

#[tokio::test]
async fn an_order_keeps_the_tax_terms_it_was_made_with() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Ana")).await;
    let made = create(&app, &s, order(&client, two_lines())).await;
    setting(&app, "acme", "prices_include_tax", "false").await;
    setting(&app, "acme", "tax_rate", "10").await;
    let replaced = app
        .as_studio(&s, Method::PUT, &format!("/api/orders/{}", id(&made)))
        .json(order(&client, vec![item("print", "Impresión 20x30", 4, "25.00", "5.00")]))
        .send()
        .await;
    replaced.assert(200);
    assert_eq!(totals(&replaced.body), ["100.00", "5.00", "14.49", "95.00"], "still 18% included");
    let new = create(&app, &s, order(&client, two_lines())).await;
    assert_eq!(totals(&new), ["85.00", "5.00", "8.00", "88.00"], "new orders take the new terms");
}

#[tokio::test]
async fn free_lines_full_discounts_and_a_studio_without_tax_add_up() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Ana")).await;
    let gift = vec![item("souvenir", "Llavero de regalo", 2, "8.00", "16.00"), item("design", "Boceto", 1, "0", "0")];
    let created = create(&app, &s, order(&client, gift)).await;
    assert_eq!(totals(&created), ["16.00", "16.00", "0.00", "0.00"]);
    assert_eq!(created["payment_status"], "paid", "nothing owed is paid");
    setting(&app, "acme", "tax_rate", "0").await;
    let created = create(&app, &s, order(&client, two_lines())).await;
    assert_eq!(totals(&created), ["85.00", "5.00", "0.00", "80.00"]);
    assert_eq!(json!(lines(&created)), json!([["70.00", "0.00"], ["10.00", "0.00"]]));
}

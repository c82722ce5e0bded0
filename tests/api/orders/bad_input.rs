//! Bad input on every route: a 4xx naming the field, and nothing written — no order, no
//! audit row, no number spent.

use reqwest::Method;
use serde_json::{Value, json};

use super::{client_and_order, id, item, order, two_lines, year};
use crate::helpers::{Reply, individual, spawn_app};

/// Asserts a 422 naming exactly `field`, or a 400 `invalid_body` when `field` is None.
#[track_caller]
fn refused(reply: &Reply, field: Option<&str>, why: &str) {
    match field {
        Some(field) => {
            assert_eq!(reply.status.as_u16(), 422, "{why}: {}", reply.body);
            assert_eq!(reply.code(), "validation_failed", "{why}");
            assert_eq!(reply.fields(), [field], "{why}: {}", reply.body);
        }
        None => {
            assert_eq!(reply.status.as_u16(), 400, "{why}: {}", reply.body);
            assert_eq!(reply.code(), "invalid_body", "{why}: {}", reply.body);
        }
    }
}

#[tokio::test]
async fn a_bad_order_is_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Ana")).await;
    let with = |path: &[&str], value: Value| {
        let mut body = order(&client, two_lines());
        let mut slot = &mut body;
        for key in path {
            slot = match key.parse::<usize>() {
                Ok(i) => &mut slot[i],
                Err(_) => &mut slot[*key],
            };
        }
        *slot = value;
        body
    };
    let cases: Vec<(Value, Option<&str>, &str)> = vec![
        (with(&["total"], json!("80.00")), Some("total"), "a total sent by the client"),
        (with(&["subtotal"], json!("1")), Some("subtotal"), "a subtotal sent by the client"),
        (with(&["tax"], json!("0")), Some("tax"), "a tax sent by the client"),
        (with(&["balance"], json!("0")), Some("balance"), "a balance sent by the client"),
        (with(&["status"], json!("delivered")), Some("status"), "a status in the body"),
        (with(&["number"], json!("ORD-2020-00001")), Some("number"), "a number in the body"),
        (with(&["items", "0", "line_total"], json!("1.00")), Some("items[0].line_total"), "a line total"),
        (with(&["items", "1", "tax"], json!("0.00")), Some("items[1].tax"), "a line tax"),
        (with(&["items"], json!([])), Some("items"), "no lines"),
        (with(&["items"], json!(vec![item("print", "Copia", 1, "1.00", "0"); 101])), Some("items"), "101 lines"),
        (with(&["items", "0", "quantity"], json!(0)), Some("items[0].quantity"), "zero copies"),
        (with(&["items", "0", "quantity"], json!(10_000_000_000_i64)), Some("items[0].quantity"), "absurd quantity"),
        (with(&["items", "0", "unit_price"], json!("-1")), Some("items[0].unit_price"), "negative price"),
        (with(&["items", "0", "unit_price"], json!("99999999999")), Some("items[0].unit_price"), "absurd price"),
        (
            with(&["items", "0"], item("print", "Copias", 10_000, "9999999.99", "0")),
            Some("items[0].unit_price"),
            "a line over what an amount holds",
        ),
        (
            with(
                &["items"],
                json!([item("frame", "Mural", 1, "9999999999", "0"), item("frame", "Mural", 1, "1", "0")]),
            ),
            Some("items"),
            "an order over what an amount holds",
        ),
        (with(&["items", "0", "unit_price"], json!("1.005")), Some("items[0].unit_price"), "three decimals"),
        (with(&["items", "0", "discount"], json!("75.01")), Some("items[0].discount"), "discount over the line"),
        (with(&["items", "0", "description"], json!(" ")), Some("items[0].description"), "blank description"),
        (with(&["items", "1", "description"], json!("x".repeat(301))), Some("items[1].description"), "oversize"),
        (with(&["items", "0", "specs"], json!({"size": {"w": 20}})), Some("items[0].specs"), "nested specs"),
        (with(&["items", "0", "specs"], json!({"paper": "x".repeat(201)})), Some("items[0].specs"), "long spec"),
        (with(&["notes"], json!("x".repeat(2001))), Some("notes"), "oversize notes"),
        (with(&["order_date"], json!("1999-12-31")), Some("order_date"), "absurd date"),
        (with(&["order_date"], json!("2026-05-10")).tap_due("2026-05-09"), Some("due_date"), "due before ordered"),
        (with(&["items", "0", "unit_price"], json!(25.5)), None, "money as a JSON float"),
        (with(&["items", "0", "quantity"], json!("3")), None, "a string for a number"),
        (with(&["items", "0", "quantity"], json!(1.5)), None, "a fractional quantity"),
        (with(&["items", "0", "kind"], json!("poster")), None, "unknown kind"),
        (with(&["items", "0", "specs"], json!("20x30")), None, "specs not an object"),
        (with(&["client_id"], json!("not-a-uuid")), None, "bad uuid"),
        (with(&["contract_id"], json!(12)), None, "a number for a uuid"),
        (with(&["order_date"], json!("2026-02-30")), None, "no such date"),
        (with(&["items"], json!({"kind": "print"})), None, "items not a list"),
        (json!({"items": two_lines()}), None, "no client"),
        (json!({"client_id": client}), None, "no items"),
        (with(&["client_id"], json!(uuid::Uuid::new_v4())), Some("client_id"), "unknown client"),
        (with(&["contract_id"], json!(uuid::Uuid::new_v4())), Some("contract_id"), "unknown contract"),
        (with(&["assigned_to"], json!(uuid::Uuid::new_v4())), Some("assigned_to"), "unknown user"),
    ];
    for (body, field, why) in cases {
        let reply = app.as_studio(&s, Method::POST, "/api/orders").json(body).send().await;
        refused(&reply, field, why);
    }
    let several = app
        .as_studio(&s, Method::POST, "/api/orders")
        .json(json!({"client_id": client, "total": "1", "notes": "x".repeat(2001),
                     "items": [item("print", "", 0, "-1", "0")]}))
        .send()
        .await;
    assert_eq!(
        several.fields(),
        ["total", "notes", "items[0].description", "items[0].quantity", "items[0].unit_price"],
        "every offending field at once"
    );

    let listed = app.as_studio(&s, Method::GET, "/api/orders").send().await;
    assert_eq!(listed.body["count"], 0, "nothing written");
    assert!(!app.audit_actions("acme").await.iter().any(|a| a.starts_with("order.")));
    let first = super::create(&app, &s, order(&client, two_lines())).await;
    assert_eq!(first["number"], format!("ORD-{}-00001", year()), "no number was spent");
}

/// Sets `due_date` on a body (the case table's one two-field case).
trait TapDue {
    fn tap_due(self, due: &str) -> Value;
}

impl TapDue for Value {
    fn tap_due(mut self, due: &str) -> Value {
        self["due_date"] = json!(due);
        self
    }
}

#[tokio::test]
async fn bad_status_payment_void_and_replace_bodies_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let created = client_and_order(&app, &s).await;
    let order_id = id(&created);
    let post = |path: String, body: Value| app.as_studio(&s, Method::POST, &path).json(body).send();
    let status = format!("/api/orders/{order_id}/status");
    let payments = format!("/api/orders/{order_id}/payments");
    let cases: Vec<(String, Value, Option<&str>, &str)> = vec![
        (status.clone(), json!({}), None, "no status"),
        (status.clone(), json!({"status": "shipped"}), None, "unknown status"),
        (status.clone(), json!({"status": "confirmed", "note": "x".repeat(501)}), Some("note"), "oversize note"),
        (payments.clone(), json!({"method": "cash"}), None, "no amount"),
        (payments.clone(), json!({"amount": "10", "method": "bitcoin"}), None, "unknown method"),
        (payments.clone(), json!({"amount": 10.5, "method": "cash"}), None, "a float amount"),
        (payments.clone(), json!({"amount": "0", "method": "cash"}), Some("amount"), "nothing paid"),
        (payments.clone(), json!({"amount": "-5", "method": "cash"}), Some("amount"), "negative"),
        (payments.clone(), json!({"amount": "80.001", "method": "cash"}), Some("amount"), "three decimals"),
        (payments.clone(), json!({"amount": "80.01", "method": "cash"}), Some("amount"), "overpayment"),
        (
            payments.clone(),
            json!({"amount": "1", "method": "qr", "reference": "x".repeat(101)}),
            Some("reference"),
            "ref",
        ),
    ];
    for (path, body, field, why) in cases {
        refused(&post(path, body).await, field, why);
    }
    let paid = post(payments.clone(), json!({"amount": "10", "method": "card"})).await;
    let payment = paid.assert(201).body["payments"][0]["id"].as_str().unwrap().to_owned();
    let void = format!("/api/orders/{order_id}/payments/{payment}/void");
    refused(&post(void.clone(), json!({})).await, None, "no reason");
    refused(&post(void.clone(), json!({"reason": "  "})).await, Some("reason"), "blank reason");
    refused(&post(void.clone(), json!({"reason": "x".repeat(501)})).await, Some("reason"), "oversize reason");
    post(format!("/api/orders/{order_id}/payments/not-a-uuid/void"), json!({"reason": "x"}))
        .await
        .assert_problem(400, "invalid_parameter");
    let bad_ids = [
        (Method::GET, "/api/orders/not-a-uuid"),
        (Method::PUT, "/api/orders/not-a-uuid"),
        (Method::DELETE, "/api/orders/12345"),
        (Method::POST, "/api/orders/not-a-uuid/status"),
        (Method::POST, "/api/orders/not-a-uuid/payments"),
    ];
    for (method, path) in bad_ids {
        let reply = app.as_studio(&s, method, path).json(json!({"status": "confirmed"})).send().await;
        reply.assert_problem(400, "invalid_parameter");
    }
    let put = app
        .as_studio(&s, Method::PUT, &format!("/api/orders/{order_id}"))
        .json(json!({"client_id": created["client_id"], "items": two_lines(), "paid": "80.00"}))
        .send()
        .await;
    refused(&put, Some("paid"), "paid sent on replace");

    let after = app.as_studio(&s, Method::GET, &format!("/api/orders/{order_id}")).send().await;
    assert_eq!(after.body["status"], "pending");
    assert_eq!((after.body["paid"].as_str(), after.body["payments"].as_array().unwrap().len()), (Some("10.00"), 1));
    assert_eq!(after.body["payments"][0]["status"], "completed");
    assert_eq!(after.body["updated_at"], paid.body["updated_at"], "nothing changed since the one good payment");
}

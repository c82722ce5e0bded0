//! The status workflow, its history, the minimum deposit to confirm, and what may still be
//! edited at each step.

use reqwest::Method;
use serde_json::{Value, json};

use super::{as_user, client_and_order, id, item, order, pay, set_status, setting, two_lines};
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_status_follows_its_workflow_and_the_history_says_who_when_from_and_to() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let accountant = app.user_with_role(&s, "accountant").await;
    let order = id(&client_and_order(&app, &s).await);

    let skipped = set_status(&app, &s, &order, "ready").await;
    skipped.assert_problem(409, "invalid_transition");
    assert_eq!(skipped.body["context"], json!({"from": "pending", "to": "ready"}));
    set_status(&app, &s, &order, "pending").await.assert_problem(409, "invalid_transition");
    set_status(&app, &s, &order, "shipped").await.assert_problem(400, "invalid_body");

    let mut last = Value::Null;
    for status in ["confirmed", "in_production", "ready"] {
        last = set_status(&app, &s, &order, status).await.assert(200).body.clone();
        assert_eq!(last["status"], status);
        assert_eq!(last["delivered_at"], Value::Null);
    }
    let delivered = as_user(&app, "acme", &accountant, Method::POST, &format!("/api/orders/{order}/status"))
        .json(json!({"status": "delivered", "note": "Recogió la mamá"}))
        .send()
        .await;
    delivered.assert(200);
    assert!(delivered.body["delivered_at"].is_string(), "{}", delivered.body);
    assert!(last["updated_at"] != delivered.body["updated_at"]);
    let history = delivered.body["history"].as_array().unwrap();
    let steps: Vec<(Value, Value)> = history.iter().map(|h| (h["from"].clone(), h["to"].clone())).collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("pending")),
            (json!("pending"), json!("confirmed")),
            (json!("confirmed"), json!("in_production")),
            (json!("in_production"), json!("ready")),
            (json!("ready"), json!("delivered")),
        ]
    );
    let last_step = history.last().unwrap();
    assert_eq!(
        (last_step["changed_by_name"].as_str(), last_step["note"].as_str()),
        (Some("accountant"), Some("Recogió la mamá"))
    );
    assert!(last_step["changed_at"].is_string());
    let back = set_status(&app, &s, &order, "cancelled").await;
    back.assert_problem(409, "invalid_transition");
    assert_eq!(back.body["context"], json!({"from": "delivered", "to": "cancelled"}));
    let actions = app.audit_actions("acme").await;
    assert_eq!(actions.iter().filter(|a| *a == "order.status_changed").count(), 4, "{actions:?}");
}

#[tokio::test]
async fn an_order_is_cancelled_from_any_status_before_delivery_and_then_stays() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let path = ["confirmed", "in_production", "ready"];
    for steps in 0..=path.len() {
        let order = id(&client_and_order(&app, &s).await);
        for status in &path[..steps] {
            set_status(&app, &s, &order, status).await.assert(200);
        }
        let cancelled = set_status(&app, &s, &order, "cancelled").await;
        assert_eq!(cancelled.assert(200).body["status"], "cancelled", "after {steps} steps");
        let stuck = set_status(&app, &s, &order, "confirmed").await;
        assert_eq!(stuck.assert_problem(409, "invalid_transition").body["context"]["from"], "cancelled");
    }
}

#[tokio::test]
async fn confirming_needs_the_studios_minimum_deposit() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    setting(&app, "acme", "min_deposit_percent", "\"30\"").await;
    let order = id(&client_and_order(&app, &s).await); // total 80.00: 24.00 to confirm
    let refused = set_status(&app, &s, &order, "confirmed").await;
    refused.assert_problem(409, "deposit_required");
    assert_eq!(refused.body["context"], json!({"required": "24.00", "paid": "0.00", "missing": "24.00"}));
    pay(&app, &s, &order, "20.00").await.assert(201);
    let refused = set_status(&app, &s, &order, "confirmed").await;
    assert_eq!(refused.assert_problem(409, "deposit_required").body["context"]["missing"], "4.00");
    pay(&app, &s, &order, "4.00").await.assert(201);
    set_status(&app, &s, &order, "confirmed").await.assert(200);
    // Without a minimum (the default), nothing needs paying first; cancelling never does.
    setting(&app, "acme", "min_deposit_percent", "0").await;
    let other = id(&client_and_order(&app, &s).await);
    set_status(&app, &s, &other, "confirmed").await.assert(200);
}

#[tokio::test]
async fn lines_change_until_production_starts_and_nothing_changes_once_closed() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let created = client_and_order(&app, &s).await;
    let (order_id, client) = (id(&created), created["client_id"].as_str().unwrap().to_owned());
    let put = |body: Value| app.as_studio(&s, Method::PUT, &format!("/api/orders/{order_id}")).json(body).send();
    let more =
        vec![item("print", "Impresión 20x30", 6, "25.00", "5.00"), item("frame", "Marco 20x30", 1, "10.00", "0")];

    set_status(&app, &s, &order_id, "confirmed").await.assert(200);
    let grown = put(order(&client, more.clone())).await;
    assert_eq!(grown.assert(200).body["total"], "155.00", "a confirmed order still takes more copies");
    pay(&app, &s, &order_id, "100.00").await.assert(201);
    let shrunk = put(order(&client, two_lines())).await;
    shrunk.assert_problem(409, "total_below_paid");
    assert_eq!(shrunk.body["context"], json!({"total": "80.00", "paid": "100.00"}));

    set_status(&app, &s, &order_id, "in_production").await.assert(200);
    let locked = put(order(&client, two_lines())).await;
    locked.assert_problem(409, "items_locked");
    assert_eq!(locked.body["context"], json!({"status": "in_production"}));
    let mut same_lines = order(&client, more.clone());
    same_lines["notes"] = json!("Entregar el viernes");
    let noted = put(same_lines.clone()).await;
    assert_eq!(noted.assert(200).body["notes"], "Entregar el viernes", "the other fields still change");
    assert_eq!(noted.body["items"][0]["id"], grown.body["items"][0]["id"], "unchanged lines are kept as they are");

    for status in ["ready", "delivered"] {
        set_status(&app, &s, &order_id, status).await.assert(200);
    }
    let closed = put(same_lines).await;
    closed.assert_problem(409, "order_closed");
    assert_eq!(closed.body["context"], json!({"status": "delivered"}));
}

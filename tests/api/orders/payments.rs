//! Payments: paid, balance and payment status follow them; overpayment is refused even when
//! payments race; voiding keeps the payment and says who, when and why; what may be deleted.

use reqwest::Method;
use serde_json::json;

use super::{client_and_order, id, pay, set_status};
use crate::helpers::spawn_app;

#[tokio::test]
async fn payments_make_paid_balance_and_payment_status_and_voiding_undoes_one() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let order = id(&client_and_order(&app, &s).await); // total 80.00
    let first = app
        .as_studio(&s, Method::POST, &format!("/api/orders/{order}/payments"))
        .json(json!({"amount": "30.50", "method": "transfer", "reference": "OP-123456"}))
        .send()
        .await;
    first.assert(201);
    assert_eq!(first.headers["location"], format!("/api/orders/{order}").as_str());
    let paid = |body: &serde_json::Value| {
        [&body["paid"], &body["balance"], &body["payment_status"]].map(|v| v.as_str().unwrap().to_owned())
    };
    assert_eq!(paid(&first.body), ["30.50", "49.50", "partial"]);
    let payment = &first.body["payments"][0];
    assert_eq!((payment["amount"].as_str(), payment["method"].as_str()), (Some("30.50"), Some("transfer")));
    assert_eq!((payment["reference"].as_str(), payment["status"].as_str()), (Some("OP-123456"), Some("completed")));
    let payment_id = payment["id"].as_str().unwrap().to_owned();

    let over = pay(&app, &s, &order, "49.51").await;
    over.assert_problem(422, "validation_failed");
    assert_eq!(over.fields(), ["amount"]);
    assert!(over.body["errors"][0]["message"].as_str().unwrap().contains("49.50"), "{}", over.body);
    let rest = pay(&app, &s, &order, "49.50").await;
    assert_eq!(paid(&rest.assert(201).body), ["80.00", "0.00", "paid"]);
    pay(&app, &s, &order, "0.01").await.assert_problem(422, "validation_failed");

    let void = |reason: &str| {
        app.as_studio(&s, Method::POST, &format!("/api/orders/{order}/payments/{payment_id}/void"))
            .json(json!({"reason": reason}))
            .send()
    };
    let voided = void("El voucher no corresponde").await;
    voided.assert(200);
    assert_eq!(paid(&voided.body), ["49.50", "30.50", "partial"]);
    let kept = &voided.body["payments"][0];
    assert_eq!(
        (kept["status"].as_str(), kept["void_reason"].as_str()),
        (Some("voided"), Some("El voucher no corresponde"))
    );
    assert!(kept["voided_at"].is_string() && kept["voided_by"].is_string(), "{kept}");
    void("otra vez").await.assert_problem(409, "payment_voided");

    let actions = app.audit_actions("acme").await;
    let count = |action: &str| actions.iter().filter(|a| *a == action).count();
    assert_eq!((count("payment.recorded"), count("payment.voided")), (2, 1), "{actions:?}");
}

#[tokio::test]
async fn payments_racing_for_the_balance_never_overpay() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let order = id(&client_and_order(&app, &s).await); // total 80.00
    let replies = futures::future::join_all((0..12).map(|_| pay(&app, &s, &order, "10.00"))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 8, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 4, "{statuses:?}");
    let got = app.as_studio(&s, Method::GET, &format!("/api/orders/{order}")).send().await;
    assert_eq!((got.body["paid"].as_str(), got.body["balance"].as_str()), (Some("80.00"), Some("0.00")));
}

#[tokio::test]
async fn a_cancelled_order_takes_no_payments_but_a_delivered_one_collects_its_balance() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let cancelled = id(&client_and_order(&app, &s).await);
    set_status(&app, &s, &cancelled, "cancelled").await.assert(200);
    pay(&app, &s, &cancelled, "10.00").await.assert_problem(409, "order_closed");

    let delivered = id(&client_and_order(&app, &s).await);
    for status in ["confirmed", "in_production", "ready", "delivered"] {
        set_status(&app, &s, &delivered, status).await.assert(200);
    }
    let settled = pay(&app, &s, &delivered, "80").await;
    assert_eq!(settled.assert(201).body["payment_status"], "paid");
}

#[tokio::test]
async fn a_payment_is_voided_only_through_its_own_order() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let first = id(&client_and_order(&app, &s).await);
    let second = id(&client_and_order(&app, &s).await);
    let paid = pay(&app, &s, &first, "10.00").await;
    let payment = paid.body["payments"][0]["id"].as_str().unwrap().to_owned();
    let through = |order: &str, payment: &str| {
        app.as_studio(&s, Method::POST, &format!("/api/orders/{order}/payments/{payment}/void"))
            .json(json!({"reason": "error"}))
            .send()
    };
    through(&second, &payment).await.assert_problem(404, "not_found");
    through(&first, &uuid::Uuid::new_v4().to_string()).await.assert_problem(404, "not_found");
    through(&first, &payment).await.assert(200);
}

#[tokio::test]
async fn only_pending_or_cancelled_orders_without_payments_are_deleted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let delete = |order: String| app.as_studio(&s, Method::DELETE, &format!("/api/orders/{order}")).send();

    let confirmed = id(&client_and_order(&app, &s).await);
    set_status(&app, &s, &confirmed, "confirmed").await.assert(200);
    let refused = delete(confirmed.clone()).await;
    refused.assert_problem(409, "order_not_deletable");
    assert_eq!(refused.body["context"], json!({"status": "confirmed"}));

    // A payment, even voided, keeps the order: the money trail stays.
    let with_payment = id(&client_and_order(&app, &s).await);
    let paid = pay(&app, &s, &with_payment, "5.00").await;
    let payment = paid.body["payments"][0]["id"].as_str().unwrap().to_owned();
    app.as_studio(&s, Method::POST, &format!("/api/orders/{with_payment}/payments/{payment}/void"))
        .json(json!({"reason": "prueba"}))
        .send()
        .await
        .assert(200);
    set_status(&app, &s, &with_payment, "cancelled").await.assert(200);
    let refused = delete(with_payment.clone()).await;
    refused.assert_problem(409, "order_has_payments");
    assert_eq!(refused.body["context"], json!({"payments": 1}));

    let pending = id(&client_and_order(&app, &s).await);
    delete(pending).await.assert(204);
    let cancelled = id(&client_and_order(&app, &s).await);
    set_status(&app, &s, &cancelled, "cancelled").await.assert(200);
    delete(cancelled).await.assert(204);
}

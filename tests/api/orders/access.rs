//! Isolation — another studio can neither see nor change an order, nor point at its client,
//! contract or staff — and roles: accountants move status and money only, staff cannot void,
//! only admins delete.

use reqwest::Method;
use serde_json::{Value, json};

use super::{as_user, client_and_order, contract_for, create, id, order, pay, set_status, two_lines, user_id};
use crate::helpers::{Via, individual, spawn_app};

#[tokio::test]
async fn another_studio_can_neither_see_nor_change_an_order_nor_point_at_its_records() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let created = client_and_order(&app, &a).await;
    let order_id = id(&created);
    let paid = pay(&app, &a, &order_id, "10.00").await;
    let payment = paid.body["payments"][0]["id"].as_str().unwrap().to_owned();
    let b_client = app.create_client(&b, individual("Cliente de Beta")).await;

    assert_eq!(app.as_studio(&b, Method::GET, "/api/orders").send().await.body["count"], 0);
    let number = created["number"].as_str().unwrap();
    assert_eq!(app.as_studio(&b, Method::GET, &format!("/api/orders/search?q={number}")).send().await.body["count"], 0);
    let filtered =
        app.as_studio(&b, Method::GET, &format!("/api/orders?client_id={}", created["client_id"].as_str().unwrap()));
    assert_eq!(filtered.send().await.body["count"], 0);
    let routes: Vec<(Method, String, Value)> = vec![
        (Method::GET, format!("/api/orders/{order_id}"), Value::Null),
        (Method::PUT, format!("/api/orders/{order_id}"), order(&b_client, two_lines())),
        (Method::POST, format!("/api/orders/{order_id}/status"), json!({"status": "cancelled"})),
        (Method::POST, format!("/api/orders/{order_id}/payments"), json!({"amount": "1", "method": "cash"})),
        (Method::POST, format!("/api/orders/{order_id}/payments/{payment}/void"), json!({"reason": "x"})),
        (Method::DELETE, format!("/api/orders/{order_id}"), Value::Null),
    ];
    for (method, path, body) in routes {
        let reply = app.as_studio(&b, method.clone(), &path).json(body.clone()).send().await;
        reply.assert_problem(404, "not_found");
        // A's own token sent to B's host is refused before anything is looked up.
        let foreign = app.call(method.clone(), &path).via(Via::Header("beta".into())).token(&a.token).json(body);
        foreign.send().await.assert(401);
    }

    // Nor can B's orders name A's client, contract or staff member.
    let school = app.create_client(&a, json!({"kind": "school", "name": "Colegio de Acme"})).await;
    let contract = contract_for(&app, &a, &school).await;
    let a_staff = app.user_with_role(&a, "staff").await;
    let a_staff_id = user_id(&app, "acme", &a_staff).await;
    let b_order = id(&create(&app, &b, order(&b_client, two_lines())).await);
    for (field, value) in [
        ("client_id", created["client_id"].clone()),
        ("contract_id", json!(contract)),
        ("assigned_to", json!(a_staff_id)),
    ] {
        let mut body = order(&b_client, two_lines());
        body[field] = value;
        for (method, path) in
            [(Method::POST, "/api/orders".to_owned()), (Method::PUT, format!("/api/orders/{b_order}"))]
        {
            let reply = app.as_studio(&b, method, &path).json(body.clone()).send().await;
            reply.assert_problem(422, "validation_failed");
            assert_eq!(reply.fields(), [field], "{path}: {}", reply.body);
        }
    }
    assert_eq!(app.as_studio(&b, Method::GET, "/api/orders").send().await.body["count"], 1);

    let untouched = app.as_studio(&a, Method::GET, &format!("/api/orders/{order_id}")).send().await;
    assert_eq!((untouched.body["status"].as_str(), untouched.body["paid"].as_str()), (Some("pending"), Some("10.00")));
    assert_eq!(untouched.body["payments"][0]["status"], "completed");
}

#[tokio::test]
async fn a_cancelled_contract_or_deactivated_user_is_not_newly_named() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Ana")).await;
    let school = app.create_client(&s, json!({"kind": "school", "name": "Colegio"})).await;
    let contract_id = contract_for(&app, &s, &school).await;
    let staff = app.user_with_role(&s, "staff").await;
    let staff_id = user_id(&app, "acme", &staff).await;
    let mut body = order(&client, two_lines());
    body["contract_id"] = json!(contract_id);
    body["assigned_to"] = json!(staff_id);
    let kept = id(&create(&app, &s, body.clone()).await);

    app.as_studio(&s, Method::POST, &format!("/api/contracts/{contract_id}/status"))
        .json(json!({"status": "cancelled"}))
        .send()
        .await
        .assert(200);
    app.as_studio(&s, Method::PUT, &format!("/api/users/{staff_id}"))
        .json(json!({"full_name": "staff", "role": "staff", "active": false}))
        .send()
        .await
        .assert(200);
    let refused = app.as_studio(&s, Method::POST, "/api/orders").json(body.clone()).send().await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.fields(), ["contract_id", "assigned_to"]);
    body["notes"] = json!("sigue igual");
    let put = app.as_studio(&s, Method::PUT, &format!("/api/orders/{kept}")).json(body).send().await;
    assert_eq!(put.assert(200).body["contract_id"], contract_id.as_str(), "an order keeps what it already named");
}

#[tokio::test]
async fn accountants_move_status_and_money_staff_cannot_void_managers_cannot_delete() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Ana")).await;
    let tokens: Vec<(&str, String)> = vec![
        ("manager", app.user_with_role(&s, "manager").await),
        ("accountant", app.user_with_role(&s, "accountant").await),
        ("staff", app.user_with_role(&s, "staff").await),
    ];
    for (role, token) in &tokens {
        let call = |method: Method, path: &str| as_user(&app, "acme", token, method, path);
        let writes = *role != "accountant";
        let made = call(Method::POST, "/api/orders").json(order(&client, two_lines())).send().await;
        let order_id = if writes {
            id(&made.assert(201).body)
        } else {
            made.assert_problem(403, "forbidden");
            id(&create(&app, &s, order(&client, two_lines())).await)
        };
        call(Method::GET, "/api/orders").send().await.assert(200);
        call(Method::GET, &format!("/api/orders/{order_id}")).send().await.assert(200);
        call(Method::GET, "/api/orders/search?q=ana").send().await.assert(200);
        let put = call(Method::PUT, &format!("/api/orders/{order_id}")).json(order(&client, two_lines())).send().await;
        if writes {
            put.assert(200);
        } else {
            put.assert_problem(403, "forbidden");
        }
        let paid = call(Method::POST, &format!("/api/orders/{order_id}/payments"))
            .json(json!({"amount": "10", "method": "qr"}))
            .send()
            .await;
        let payment = paid.assert(201).body["payments"][0]["id"].as_str().unwrap().to_owned();
        let void = call(Method::POST, &format!("/api/orders/{order_id}/payments/{payment}/void"))
            .json(json!({"reason": "error de digitación"}))
            .send()
            .await;
        if *role == "staff" {
            void.assert_problem(403, "forbidden");
        } else {
            void.assert(200);
        }
        call(Method::POST, &format!("/api/orders/{order_id}/status"))
            .json(json!({"status": "cancelled"}))
            .send()
            .await
            .assert(200);
        call(Method::DELETE, &format!("/api/orders/{order_id}")).send().await.assert_problem(403, "forbidden");
    }
    // Only the admin deletes.
    let pending = id(&create(&app, &s, order(&client, two_lines())).await);
    app.as_studio(&s, Method::DELETE, &format!("/api/orders/{pending}")).send().await.assert(204);
    set_status(&app, &s, &pending, "confirmed").await.assert_problem(404, "not_found");
}

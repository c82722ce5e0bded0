//! Orders: numbering under concurrency, the whole life of an order with its audit trail, and
//! what holds a client or a contract. Money, payments, the workflow, search and filters, bad
//! input, isolation and roles have their own files under `orders/`.

mod access;
mod bad_input;
mod money;
mod payments;
mod search;
mod workflow;
mod workshop;
mod writes;

use chrono::{Datelike, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, Studio, TestApp, Via, individual, spawn_app};

/// One line: kind, description, quantity, unit price, discount.
pub fn item(kind: &str, description: &str, quantity: i64, unit_price: &str, discount: &str) -> Value {
    json!({"kind": kind, "description": description, "quantity": quantity, "unit_price": unit_price,
           "discount": discount})
}

/// The two lines the money tests price: 3 × 25.00 − 5.00 and 1 × 10.00.
pub fn two_lines() -> Vec<Value> {
    vec![item("print", "Impresión 20x30", 3, "25.00", "5.00"), item("frame", "Marco 20x30", 1, "10.00", "0")]
}

pub fn order(client_id: &str, items: Vec<Value>) -> Value {
    json!({"client_id": client_id, "items": items})
}

/// The studio's year today (the helpers' studios are in Lima).
pub fn year() -> i32 {
    Utc::now().with_timezone(&chrono_tz::America::Lima).year()
}

pub async fn create(app: &TestApp, s: &Studio, body: Value) -> Value {
    let reply = app.as_studio(s, Method::POST, "/api/orders").json(body).send().await;
    reply.assert(201);
    reply.body
}

/// A client and an order of the two lines for it; returns the order.
pub async fn client_and_order(app: &TestApp, s: &Studio) -> Value {
    let client = app.create_client(s, individual("Ana Quispe")).await;
    create(app, s, order(&client, two_lines())).await
}

pub fn id(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

pub async fn set_status(app: &TestApp, s: &Studio, id: &str, status: &str) -> Reply {
    app.as_studio(s, Method::POST, &format!("/api/orders/{id}/status")).json(json!({"status": status})).send().await
}

pub async fn pay(app: &TestApp, s: &Studio, id: &str, amount: &str) -> Reply {
    app.as_studio(s, Method::POST, &format!("/api/orders/{id}/payments"))
        .json(json!({"amount": amount, "method": "cash"}))
        .send()
        .await
}

/// Sets one of the studio's settings the way the settings API will (a JSON value per key).
pub async fn setting(app: &TestApp, slug: &str, key: &str, value: &str) {
    let sql = format!(
        "INSERT INTO t_{slug}.settings (key, value) VALUES ('{key}', '{value}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut app.raw().await).await.unwrap();
}

/// A draft contract of `school` for this year; returns its id.
pub async fn contract_for(app: &TestApp, s: &Studio, school: &str) -> String {
    let y = year();
    let body = json!({"school_id": school, "title": "Promoción", "academic_year": y,
                      "starts_on": format!("{y}-03-01"), "ends_on": format!("{y}-12-15")});
    let reply = app.as_studio(s, Method::POST, "/api/contracts").json(body).send().await;
    id(&reply.assert(201).body)
}

/// The id of the user holding `token` at `slug`.
pub async fn user_id(app: &TestApp, slug: &str, token: &str) -> String {
    let profile = as_user(app, slug, token, Method::GET, "/api/auth/profile").send().await;
    profile.assert(200).body["id"].as_str().unwrap().to_owned()
}

/// A request as a user of `slug` holding `token`.
pub fn as_user<'a>(app: &'a TestApp, slug: &str, token: &str, method: Method, path: &str) -> crate::helpers::Call<'a> {
    app.call(method, path).via(Via::Header(slug.to_owned())).token(token)
}

#[tokio::test]
async fn an_order_is_numbered_read_replaced_and_deleted_with_its_audit_trail() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let client = app.create_client(&s, individual("Ana Quispe")).await;
    let mut body = order(&client, two_lines());
    body["items"][0]["specs"] = json!({"size": "20x30", "paper": "lustre", "copies": 3, "borderless": true});
    body["due_date"] = json!("2099-12-31");
    body["notes"] = json!("Entregar en sobre");
    let reply = app.as_studio(&s, Method::POST, "/api/orders").json(body).send().await;
    reply.assert(201);
    let created = reply.body.clone();
    let order_id = id(&created);
    assert_eq!(reply.headers["location"], format!("/api/orders/{order_id}").as_str());
    assert_eq!(created["number"], format!("ORD-{}-00001", year()));
    assert_eq!(created["status"], "pending");
    assert_eq!(created["client_name"], "Ana Quispe");
    assert_eq!(created["order_date"], Utc::now().with_timezone(&chrono_tz::America::Lima).date_naive().to_string());
    assert_eq!((created["total"].as_str(), created["paid"].as_str()), (Some("80.00"), Some("0.00")));
    assert_eq!((created["balance"].as_str(), created["payment_status"].as_str()), (Some("80.00"), Some("unpaid")));
    assert_eq!(
        created["items"][0]["specs"],
        json!({"size": "20x30", "paper": "lustre", "copies": 3, "borderless": true})
    );
    assert_eq!(created["items"][1]["description"], "Marco 20x30", "lines keep their order");
    assert_eq!(created["history"].as_array().unwrap().len(), 1);
    assert_eq!(created["history"][0]["from"], Value::Null);
    assert_eq!(created["history"][0]["to"], "pending");
    assert_eq!(created["history"][0]["changed_by_name"], "Administrador", "{}", created["history"]);

    let got = app.as_studio(&s, Method::GET, &format!("/api/orders/{order_id}")).send().await;
    assert_eq!(got.assert(200).body, created, "what was answered is what is stored");

    let mut replaced = order(&client, vec![item("session", "Sesión familiar", 1, "180.00", "0")]);
    replaced["notes"] = json!("Sesión el sábado");
    let put = app.as_studio(&s, Method::PUT, &format!("/api/orders/{order_id}")).json(replaced).send().await;
    put.assert(200);
    assert_eq!(put.body["number"], created["number"], "the number never changes");
    assert_eq!(put.body["order_date"], created["order_date"], "an absent order date keeps the order's");
    assert_eq!(put.body["due_date"], Value::Null, "PUT replaces every field");
    assert_eq!(put.body["items"].as_array().unwrap().len(), 1);
    assert_eq!((put.body["total"].as_str(), put.body["tax"].as_str()), (Some("180.00"), Some("27.46")));

    app.as_studio(&s, Method::DELETE, &format!("/api/orders/{order_id}")).send().await.assert(204);
    app.as_studio(&s, Method::GET, &format!("/api/orders/{order_id}")).send().await.assert_problem(404, "not_found");
    let actions = app.audit_actions("acme").await;
    for action in ["order.created", "order.updated", "order.deleted"] {
        assert_eq!(actions.iter().filter(|a| *a == action).count(), 1, "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn fifty_orders_at_once_get_consecutive_numbers_in_one_studio_and_spread_over_two() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let client_a = app.create_client(&a, individual("Cliente A")).await;
    let client_b = app.create_client(&b, individual("Cliente B")).await;
    let want = |from: usize, to: usize| (from..=to).map(|i| format!("ORD-{}-{i:05}", year())).collect::<Vec<_>>();
    let numbers = |replies: &[Reply]| {
        let mut n: Vec<String> =
            replies.iter().map(|r| r.assert(201).body["number"].as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };

    let at_once = (0..50).map(|_| app.as_studio(&a, Method::POST, "/api/orders").json(order(&client_a, two_lines())));
    let replies = futures::future::join_all(at_once.map(|call| call.send())).await;
    assert_eq!(numbers(&replies), want(1, 50), "50 at once in one studio: no gap, no duplicate");

    let spread = (0..50).map(|i| {
        let (studio, client) = if i % 2 == 0 { (&a, &client_a) } else { (&b, &client_b) };
        app.as_studio(studio, Method::POST, "/api/orders").json(order(client, two_lines()))
    });
    let replies = futures::future::join_all(spread.map(|call| call.send())).await;
    let (in_a, in_b): (Vec<_>, Vec<_>) = replies.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let strip = |v: Vec<(usize, Reply)>| v.into_iter().map(|(_, r)| r).collect::<Vec<_>>();
    assert_eq!(numbers(&strip(in_a)), want(51, 75), "acme goes on from where it was");
    assert_eq!(numbers(&strip(in_b)), want(1, 25), "beta has its own counter");
}

#[tokio::test]
async fn a_client_or_contract_held_by_orders_is_not_deleted_and_the_answer_says_by_what() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, json!({"kind": "school", "name": "Colegio San Agustín"})).await;
    let contracts = [contract_for(&app, &s, &school).await, contract_for(&app, &s, &school).await];
    for _ in 0..3 {
        let mut body = order(&school, two_lines());
        body["contract_id"] = json!(contracts[0]);
        create(&app, &s, body).await;
    }
    let held = app.as_studio(&s, Method::DELETE, &format!("/api/clients/{school}")).send().await;
    held.assert_problem(409, "client_in_use");
    assert!(held.body["detail"].as_str().unwrap().contains("held by 2 contracts and 3 orders"), "{}", held.body);
    assert_eq!(held.body["context"], json!({"contracts": 2, "orders": 3}));

    let in_use = app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{}", contracts[0])).send().await;
    in_use.assert_problem(409, "contract_in_use");
    assert_eq!(in_use.body["context"], json!({"orders": 3, "package_orders": 0}));
    app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{}", contracts[1])).send().await.assert(204);

    let person = app.create_client(&s, individual("Luis Rojas")).await;
    create(&app, &s, order(&person, two_lines())).await;
    let held = app.as_studio(&s, Method::DELETE, &format!("/api/clients/{person}")).send().await;
    held.assert_problem(409, "client_in_use");
    assert!(held.body["detail"].as_str().unwrap().contains("held by 1 order;"), "{}", held.body);
}

#[tokio::test]
async fn the_demo_studio_has_orders_in_every_status_with_partial_and_voided_payments() {
    let app = spawn_app().await;
    fotostudio::demo::ensure_demo_studio(&app.state).await.expect("the demo seeds");
    let mut db = app.raw().await;
    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM t_demo.orders GROUP BY status ORDER BY status")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(statuses.len(), 6, "every status: {statuses:?}");
    assert_eq!(statuses.iter().map(|(_, n)| n).sum::<i64>(), 50);
    let (partial, paid, voided, kinds): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM t_demo.orders WHERE payment_status = 'partial'), \
                (SELECT count(*) FROM t_demo.orders WHERE payment_status = 'paid'), \
                (SELECT count(*) FROM t_demo.order_payments WHERE status = 'voided'), \
                (SELECT count(DISTINCT kind) FROM t_demo.order_items)",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert!(partial >= 5 && paid >= 5, "partial {partial}, paid {paid}");
    assert_eq!(voided, 1);
    assert!(kinds >= 5, "{kinds} kinds of lines");
}

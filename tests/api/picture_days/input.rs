//! Bad input on the picture-day routes: a clear 4xx naming the field, and nothing written.

use reqwest::Method;
use serde_json::{Value, json};

use super::{contract_with_students, family_order, staff_order};
use crate::helpers::{Via, spawn_app};

#[tokio::test]
async fn bad_input_is_a_clear_4xx_naming_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, students) = contract_with_students(&app, &s, 1).await;
    let base = format!("/api/contracts/{contract}");
    let cases: Vec<(Method, String, Value, u16, Option<&str>)> = vec![
        (Method::POST, format!("{base}/packages"), json!({"name": "A", "price": 85.5}), 400, None),
        (Method::POST, format!("{base}/packages"), json!({"name": "A"}), 400, None),
        (Method::POST, format!("{base}/packages"), json!({"name": "A", "price": "-1"}), 422, Some("price")),
        (Method::POST, format!("{base}/packages"), json!({"name": " ", "price": "10"}), 422, Some("name")),
        (Method::POST, format!("{base}/packages"), json!({"name": "A", "price": "10", "contents": "x"}), 400, None),
        (Method::POST, format!("{base}/roster"), json!({"student_id": "B1", "name": "Ana"}), 400, None),
        (
            Method::POST,
            format!("{base}/roster"),
            json!({"student_id": "B/1", "name": "Ana", "grade": "1"}),
            422,
            Some("student_id"),
        ),
        (
            Method::POST,
            format!("{base}/roster"),
            json!({"student_id": "B1", "name": "Ana", "grade": "x".repeat(41)}),
            422,
            Some("grade"),
        ),
        (
            Method::POST,
            format!("{base}/package-orders"),
            json!({"student_id": "A0001", "package_id": "nope"}),
            400,
            None,
        ),
        (
            Method::POST,
            format!("{base}/package-orders"),
            json!({"student_id": " ", "package_id": uuid::Uuid::new_v4()}),
            422,
            Some("student_id"),
        ),
    ];
    for (method, path, body, status, field) in cases {
        let reply = app.as_studio(&s, method, &path).json(body.clone()).send().await;
        assert_eq!(reply.status.as_u16(), status, "{path} {body}: {}", reply.body);
        match field {
            Some(field) => assert_eq!(reply.fields().first().map(String::as_str), Some(field), "{body}"),
            None => assert_eq!(reply.code(), "invalid_body", "{body}"),
        }
    }
    for path in [
        format!("{base}/roster?format=pdf"),
        format!("{base}/package-orders?channel=fax"),
        "/api/contracts/nope/roster".to_owned(),
    ] {
        app.as_studio(&s, Method::GET, &path).send().await.assert_problem(400, "invalid_parameter");
    }
    let public = |body: Value| {
        app.call(Method::POST, "/api/public/package-orders").via(Via::Header("acme".into())).json(body).send()
    };
    public(json!({"access_code": students[0]["access_code"]})).await.assert_problem(400, "invalid_body");
    public(json!({"access_code": students[0]["access_code"], "package_id": "nope"}))
        .await
        .assert_problem(400, "invalid_body");
    public(json!({"access_code": "x".repeat(41), "package_id": uuid::Uuid::new_v4()}))
        .await
        .assert_problem(400, "invalid_body");
    family_order(&app, "acme", "ABC", &uuid::Uuid::new_v4().to_string()).await.assert_problem(422, "validation_failed");
    staff_order(&app, "acme", &s.token, &contract, "A0001", "00000000-0000-0000-0000-000000000000").await.assert(422);

    let packages = app.as_studio(&s, Method::GET, &format!("{base}/packages")).send().await;
    assert_eq!(packages.body["count"], 0, "nothing written");
    let roster = app.as_studio(&s, Method::GET, &format!("{base}/roster")).send().await;
    assert_eq!(roster.body["count"], 1);
    let orders = app.as_studio(&s, Method::GET, &format!("{base}/package-orders")).send().await;
    assert_eq!(orders.body["count"], 0);
}

//! Tokens are only good where they were issued: a studio's on that studio, an operator's on
//! the platform.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, Via, spawn_app};

#[tokio::test]
async fn a_token_of_studio_a_is_refused_on_studio_b() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    app.studio("beta").await;
    app.call(Method::GET, "/api/clients")
        .via(Via::Header("beta".into()))
        .token(&a.token)
        .send()
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_platform_token_is_refused_on_tenant_routes_and_a_tenant_token_on_platform_routes() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let operator = app.operator_token().await;
    app.call(Method::GET, "/api/clients")
        .via(Via::Header("acme".into()))
        .token(&operator)
        .send()
        .await
        .assert_problem(401, "unauthorized");
    app.call(Method::GET, "/api/tenants").token(&a.token).send().await.assert_problem(401, "unauthorized");
    app.call(Method::GET, "/api/tenants").token(&operator).send().await.assert(200);
}

#[tokio::test]
async fn missing_malformed_and_tampered_tokens_are_401() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let tampered = {
        let mut t = a.token.clone();
        let last = t.pop().unwrap();
        t.push(if last == 'A' { 'B' } else { 'A' });
        t
    };
    for token in [None, Some("garbage"), Some(tampered.as_str())] {
        let mut call = app.call(Method::GET, "/api/clients").via(Via::Header("acme".into()));
        if let Some(token) = token {
            call = call.token(token);
        }
        let reply = call.send().await;
        reply.assert_problem(401, "unauthorized");
        assert_eq!(reply.headers.get("www-authenticate").unwrap(), "Bearer");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_answer_alike() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let wrong = app
        .call(Method::POST, "/api/auth/login")
        .via(Via::Header("acme".into()))
        .json(json!({"email": a.admin_email, "password": "not the password"}))
        .send()
        .await;
    let unknown = app
        .call(Method::POST, "/api/auth/login")
        .via(Via::Header("acme".into()))
        .json(json!({"email": "nobody@acme.pe", "password": PASSWORD}))
        .send()
        .await;
    wrong.assert_problem(401, "unauthorized");
    unknown.assert_problem(401, "unauthorized");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
}

#[tokio::test]
async fn the_profile_and_current_studio_belong_to_the_token() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let profile = app.as_studio(&a, Method::GET, "/api/auth/profile").send().await;
    profile.assert(200);
    assert_eq!(profile.body["email"], a.admin_email);
    assert_eq!(profile.body["role"], "admin");
    let current = app.as_studio(&a, Method::GET, "/api/tenants/current").send().await;
    current.assert(200);
    assert_eq!(current.body["slug"], "acme");
    assert_eq!(current.body["id"], a.id);
}

#[tokio::test]
async fn operators_sign_in_with_their_own_credentials_only() {
    let app = spawn_app().await;
    app.operator_token().await;
    app.call(Method::POST, "/api/platform/auth/login")
        .json(json!({"email": "ops@fotostudio.test", "password": "wrong password!"}))
        .send()
        .await
        .assert_problem(401, "unauthorized");
}

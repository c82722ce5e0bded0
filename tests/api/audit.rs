//! The audit trail: security events and client writes, with who, what and the change, in
//! the studio where they happened only.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, individual, spawn_app};

async fn rows(
    app: &TestApp,
    slug: &str,
    action: &str,
) -> Vec<(Option<uuid::Uuid>, Option<String>, Value, Option<String>, Option<String>)> {
    let mut conn = app.raw().await;
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT actor_id, entity_id, changes, request_id, ip FROM t_{slug}.audit_log WHERE action = $1 ORDER BY at, id"
    )))
    .bind(action)
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn client_writes_are_audited_with_before_and_after_in_their_studio_only() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    app.studio("beta").await;
    let me = app.as_studio(&a, Method::GET, "/api/auth/profile").send().await;
    let admin: uuid::Uuid = me.body["id"].as_str().unwrap().parse().unwrap();
    let id = app.create_client(&a, individual("Ana")).await;
    let put = app
        .as_studio(&a, Method::PUT, &format!("/api/clients/{id}"))
        .json(json!({"kind": "individual", "name": "Ana María", "phone": "987654321"}))
        .send()
        .await;
    put.assert(200);
    let request_id = put.headers["x-request-id"].to_str().unwrap().to_owned();
    app.as_studio(&a, Method::DELETE, &format!("/api/clients/{id}")).send().await.assert(204);

    let created = rows(&app, "acme", "client.created").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0, Some(admin));
    assert_eq!(created[0].2["after"]["name"], "Ana");
    let updated = rows(&app, "acme", "client.updated").await;
    assert_eq!(updated[0].1.as_deref(), Some(id.as_str()));
    assert_eq!(
        updated[0].2,
        json!({"before": {"name": "Ana", "phone": null}, "after": {"name": "Ana María", "phone": "987654321"}})
    );
    assert_eq!(updated[0].3.as_deref(), Some(request_id.as_str()), "the request id ties the row to the request");
    assert_eq!(updated[0].4.as_deref(), Some("127.0.0.1"));
    let deleted = rows(&app, "acme", "client.deleted").await;
    assert_eq!(deleted[0].2["before"]["name"], "Ana María");
    assert!(rows(&app, "beta", "client.created").await.is_empty(), "nothing lands in another studio");
}

#[tokio::test]
async fn a_failed_write_leaves_no_audit_row() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let body = json!({"kind": "individual", "name": "Ana", "tax_id_type": "dni", "tax_id_number": "45678912"});
    app.create_client(&a, body.clone()).await;
    app.as_studio(&a, Method::POST, "/api/clients").json(body).send().await.assert_problem(409, "conflict");
    assert_eq!(rows(&app, "acme", "client.created").await.len(), 1);
}

#[tokio::test]
async fn security_events_are_audited() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    app.try_login("acme", &a.admin_email, "wrong password!!").await.assert(401);
    app.try_login("acme", "ghost@acme.pe", "wrong password!!").await.assert(401);
    let failed = rows(&app, "acme", "auth.login_failed").await;
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0].2["email"], a.admin_email);
    assert_eq!(failed[1].2["email"], "ghost@acme.pe");
    assert_eq!(failed[1].0, None, "an unknown account has no actor");

    app.user_with_role(&a, "staff").await;
    let users = app.as_studio(&a, Method::GET, "/api/users?role=staff").send().await;
    let staff = users.body["results"][0]["id"].as_str().unwrap().to_owned();
    app.as_studio(&a, Method::PUT, &format!("/api/users/{staff}"))
        .json(json!({"role": "manager"}))
        .send()
        .await
        .assert(200);
    let role_changed = rows(&app, "acme", "user.role_changed").await;
    assert_eq!(role_changed[0].2, json!({"before": "staff", "after": "manager"}));
    app.as_studio(&a, Method::PUT, &format!("/api/users/{staff}"))
        .json(json!({"active": false}))
        .send()
        .await
        .assert(200);
    app.as_studio(&a, Method::PUT, &format!("/api/users/{staff}"))
        .json(json!({"active": true}))
        .send()
        .await
        .assert(200);

    let actions = app.audit_actions("acme").await;
    for action in
        ["auth.login", "auth.login_failed", "user.created", "user.role_changed", "user.deactivated", "user.activated"]
    {
        assert!(actions.contains(&action.to_owned()), "{action} missing from {actions:?}");
    }
    // beta saw only its own admin's sign-in.
    let beta = app.audit_actions("beta").await;
    assert_eq!(beta, ["auth.login"], "{beta:?}");
    let _ = (b, PASSWORD);
}

//! Every way a request's studio can fail to resolve, with its status and code.

use std::time::Duration;

use reqwest::Method;

use crate::helpers::{Via, spawn_app};

const BASE: &str = "fotostudio.localhost";

async fn notify_and_wait(app: &crate::helpers::TestApp, sql: &str) {
    let mut conn = app.raw().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("{sql}; SELECT pg_notify('tenant_changed', 'test')")))
        .execute(&mut conn)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn unknown_studio_by_header_subdomain_or_domain_is_tenant_not_found() {
    let app = spawn_app().await;
    let studio = app.studio("acme").await;
    for via in [
        Via::Header("nobody".into()),
        Via::Header("NOT A SLUG;".into()),
        Via::Host(format!("nobody.{BASE}")),
        Via::Host("fotos.unknown-domain.pe".into()),
    ] {
        app.call(Method::GET, "/api/clients")
            .via(via.clone())
            .token(&studio.token)
            .send()
            .await
            .assert_problem(404, "tenant_not_found");
    }
}

#[tokio::test]
async fn header_and_host_naming_different_studios_is_tenant_mismatch() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    app.studio("beta").await;
    app.call(Method::GET, "/api/clients")
        .via(Via::HeaderAndHost("acme".into(), format!("beta.{BASE}:8080")))
        .token(&a.token)
        .send()
        .await
        .assert_problem(400, "tenant_mismatch");
    // The same studio named twice is fine.
    app.call(Method::GET, "/api/clients")
        .via(Via::HeaderAndHost("acme".into(), format!("acme.{BASE}")))
        .token(&a.token)
        .send()
        .await
        .assert(200);
}

#[tokio::test]
async fn a_tenant_route_without_a_studio_is_tenant_required() {
    let app = spawn_app().await;
    let studio = app.studio("acme").await;
    for via in [Via::None, Via::Host(BASE.into()), Via::Host(format!("www.{BASE}"))] {
        app.call(Method::GET, "/api/clients")
            .via(via)
            .token(&studio.token)
            .send()
            .await
            .assert_problem(400, "tenant_required");
    }
}

#[tokio::test]
async fn platform_routes_ignore_the_studio_named() {
    let app = spawn_app().await;
    app.call(Method::GET, "/health/live").via(Via::Header("nobody".into())).send().await.assert(200);
}

#[tokio::test]
async fn a_suspended_studio_answers_tenant_suspended_and_comes_back_when_activated() {
    let app = spawn_app().await;
    let studio = app.studio("acme").await;
    let operator = app.operator_token().await;
    app.call(Method::POST, &format!("/api/tenants/{}/suspend", studio.id)).token(&operator).send().await.assert(200);
    app.as_studio(&studio, Method::GET, "/api/clients").send().await.assert_problem(403, "tenant_suspended");
    // Even sign-in is refused.
    app.call(Method::POST, "/api/auth/login")
        .via(Via::Header("acme".into()))
        .json(serde_json::json!({"email": studio.admin_email, "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .assert_problem(403, "tenant_suspended");
    app.call(Method::POST, &format!("/api/tenants/{}/activate", studio.id)).token(&operator).send().await.assert(200);
    app.as_studio(&studio, Method::GET, "/api/clients").send().await.assert(200);
}

#[tokio::test]
async fn a_studio_whose_schema_is_behind_the_binary_answers_tenant_migrating() {
    let app = spawn_app().await;
    let studio = app.studio("acme").await;
    notify_and_wait(&app, "UPDATE public.tenants SET schema_version = 1 WHERE slug = 'acme'").await;
    let reply = app.as_studio(&studio, Method::GET, "/api/clients").send().await;
    reply.assert_problem(503, "tenant_migrating");
    assert!(reply.headers.get("retry-after").is_some(), "503 tenant_migrating carries Retry-After");
    let ready = app.call(Method::GET, "/health/ready").send().await;
    assert_eq!(ready.body["tenants_behind"], 1, "readiness counts tenants behind: {}", ready.body);
}

#[tokio::test]
async fn a_soft_deleted_studio_is_not_found() {
    let app = spawn_app().await;
    let studio = app.studio("acme").await;
    let operator = app.operator_token().await;
    app.call(Method::DELETE, &format!("/api/tenants/{}", studio.id)).token(&operator).send().await.assert(204);
    app.as_studio(&studio, Method::GET, "/api/clients").send().await.assert_problem(404, "tenant_not_found");
    // Its schema is still there until an operator purges it.
    let mut conn = app.raw().await;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 't_acme')")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(exists);
}

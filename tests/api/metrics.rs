//! `GET /metrics`: request counters by route template and status, latency histograms, the
//! resolution cache, pools, migrations and studios by status — never a studio's slug or id,
//! nor anything from a URL — behind a bearer token on the API's port (404 without one
//! configured) or on a separate listener.

use fotostudio::config::SearchPathMode;
use reqwest::Method;

use crate::helpers::{TestApp, individual, spawn_app, spawn_app_configured};

const TOKEN: &str = "scrape-token-0123456789";

async fn with_token() -> TestApp {
    spawn_app_configured(|s| s.metrics.bearer_token = TOKEN.to_owned()).await
}

async fn scrape(app: &TestApp) -> String {
    let reply = app.call(Method::GET, "/metrics").token(TOKEN).send().await;
    reply.assert(200);
    let content_type = reply.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    reply.body.as_str().unwrap().to_owned()
}

/// The value of the series that starts with `series` (name and labels as written).
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no series {series} in:\n{text}"))
}

#[tokio::test]
async fn with_the_token_requests_show_by_route_template_and_status_and_no_studio_appears() {
    let app = with_token().await;
    let s = app.studio("estudio-metricas").await;
    let client = app.create_client(&s, individual("Ana")).await;
    for _ in 0..3 {
        app.as_studio(&s, Method::GET, &format!("/api/clients/{client}")).send().await.assert(200);
    }
    let stranger = uuid::Uuid::new_v4();
    app.as_studio(&s, Method::GET, &format!("/api/clients/{stranger}")).send().await.assert(404);
    app.as_studio(&s, Method::GET, "/api/clients/not-a-uuid").send().await.assert(400);
    app.as_studio(&s, Method::GET, "/estudio-metricas/secret-path").send().await.assert(404);
    app.as_studio(&s, Method::GET, "/api/clients?search=estudio-metricas").send().await.assert(200);

    let text = scrape(&app).await;
    let by_id = r#"fotostudio_http_requests_total{method="GET",route="/api/clients/:id",status="#;
    assert_eq!(value(&text, &format!(r#"{by_id}"200"}}"#)), 3.0);
    assert_eq!(value(&text, &format!(r#"{by_id}"404"}}"#)), 1.0);
    assert_eq!(value(&text, &format!(r#"{by_id}"400"}}"#)), 1.0);
    assert_eq!(value(&text, r#"fotostudio_http_requests_total{method="POST",route="/api/clients",status="201"}"#), 1.0);
    assert_eq!(value(&text, r#"fotostudio_http_requests_total{method="POST",route="/api/tenants",status="201"}"#), 1.0);
    assert_eq!(value(&text, r#"fotostudio_http_requests_total{method="GET",route="unmatched",status="404"}"#), 1.0);
    let histogram =
        r#"fotostudio_http_request_duration_seconds_bucket{method="GET",route="/api/clients/:id",le="+Inf"}"#;
    assert_eq!(value(&text, histogram), 5.0);
    assert!(text.contains(
        r#"fotostudio_http_request_duration_seconds_bucket{method="GET",route="/api/clients/:id",le="0.005"}"#
    ));
    assert!(
        value(&text, r#"fotostudio_http_request_duration_seconds_sum{method="GET",route="/api/clients/:id"}"#) > 0.0
    );

    assert!(value(&text, "fotostudio_tenant_cache_hits_total") >= 5.0, "repeated requests hit the cache");
    assert!(value(&text, "fotostudio_tenant_cache_misses_total") >= 1.0);
    assert_eq!(value(&text, r#"fotostudio_db_pool_connections{pool="tenant",state="max"}"#), 4.0);
    assert!(value(&text, r#"fotostudio_db_pool_connections{pool="tenant",state="open"}"#) >= 1.0);
    assert_eq!(value(&text, r#"fotostudio_db_pool_connections{pool="tenant",state="waiting"}"#), 0.0);
    assert!(value(&text, r#"fotostudio_db_pool_connections{pool="catalog",state="open"}"#) >= 1.0);
    let acquires =
        |outcome: &str| value(&text, &format!(r#"fotostudio_tenant_pool_acquires_total{{outcome="{outcome}"}}"#));
    let total: f64 = ["hit", "switch", "opened", "waited"].into_iter().map(acquires).sum();
    assert!(total >= 6.0, "every studio request acquires: {total}");
    assert!(acquires("opened") >= 1.0);
    // One request at a time: nobody waits, so nothing is held for anyone.
    assert_eq!(value(&text, r#"fotostudio_tenant_pool_holds_total{outcome="held"}"#), 0.0);
    assert_eq!(value(&text, r#"fotostudio_tenant_pool_holds_total{outcome="taken"}"#), 0.0);
    match app.state.settings.database.search_path_mode {
        // One studio's requests, one after the other: after the first, each finds a
        // connection already on its schema.
        SearchPathMode::Session => assert!(acquires("hit") >= 5.0, "affinity hits"),
        // SET LOCAL leaves no schema on a connection (PgBouncer may hand the server
        // connection to anyone), so there is nothing to be affine to.
        SearchPathMode::Transaction => assert_eq!(acquires("hit"), 0.0),
    }
    assert!(value(&text, r#"fotostudio_migrations_applied_total{scope="tenant"}"#) >= 1.0, "provisioning migrated");
    assert!(text.contains(r#"fotostudio_migrations_failed_total{scope="tenant"}"#));
    assert_eq!(value(&text, r#"fotostudio_studios{status="active"}"#), 1.0);
    assert_eq!(value(&text, r#"fotostudio_studios{status="suspended"}"#), 0.0);

    for secret in [s.slug.as_str(), "metricas", s.id.as_str(), client.as_str(), &stranger.to_string(), "not-a-uuid"] {
        assert!(!text.contains(secret), "{secret} leaked into the metrics");
    }
}

#[tokio::test]
async fn studios_are_counted_by_status() {
    let app = with_token().await;
    app.studio("acme").await;
    let bravo = app.studio("bravo").await;
    let operator = app.operator_token().await;
    app.call(Method::POST, &format!("/api/tenants/{}/suspend", bravo.id)).token(&operator).send().await.assert(200);
    let text = scrape(&app).await;
    assert_eq!(value(&text, r#"fotostudio_studios{status="active"}"#), 1.0);
    assert_eq!(value(&text, r#"fotostudio_studios{status="suspended"}"#), 1.0);
    assert_eq!(value(&text, r#"fotostudio_studios{status="deleted"}"#), 0.0);
}

#[tokio::test]
async fn without_the_token_scraping_is_refused_and_without_one_configured_the_route_is_hidden() {
    let app = with_token().await;
    app.call(Method::GET, "/metrics").send().await.assert_problem(401, "unauthorized");
    app.call(Method::GET, "/metrics")
        .token("scrape-token-wrong-guess")
        .send()
        .await
        .assert_problem(401, "unauthorized");
    let s = app.studio("acme").await;
    // A studio's own token is not the scraper's.
    app.call(Method::GET, "/metrics").token(&s.token).send().await.assert_problem(401, "unauthorized");

    let closed = spawn_app().await;
    closed.call(Method::GET, "/metrics").send().await.assert_problem(404, "not_found");
    closed.call(Method::GET, "/metrics").token(TOKEN).send().await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_separate_listener_serves_metrics_without_a_token() {
    let app = spawn_app_configured(|s| s.metrics.bind = "127.0.0.1:0".to_owned()).await;
    app.studio("acme").await;
    let url = format!("{}/metrics", app.metrics_url.as_deref().expect("metrics.bind is set"));
    let response = app.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert_eq!(
        value(&text, r#"fotostudio_http_requests_total{method="POST",route="/api/auth/login",status="200"}"#),
        1.0
    );
    assert!(!text.contains("acme"));
    // The API's port keeps /metrics closed: no token is configured there.
    app.call(Method::GET, "/metrics").send().await.assert(404);
    let other = app.http.get(format!("{}/api/clients", app.metrics_url.as_deref().unwrap())).send().await.unwrap();
    assert_eq!(other.status(), 404, "the metrics listener serves nothing else");
}

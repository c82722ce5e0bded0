//! Guessing at once: however many wrong passwords arrive together, at most the configured
//! number are evaluated per account and per client IP.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, Via, spawn_app};

#[tokio::test]
async fn forty_concurrent_wrong_passwords_at_one_account_get_five_evaluated() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let attempts = (0..40).map(|_| {
        app.call(Method::POST, "/api/auth/login")
            .via(Via::Header("acme".into()))
            .json(json!({"email": s.admin_email, "password": "wrong wrong wrong"}))
            .send()
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts).await.iter().map(|r| r.status.as_u16()).collect();
    let evaluated = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((evaluated, refused), (5, 35), "{statuses:?}");
    let failures = app.audit_actions("acme").await.iter().filter(|a| *a == "auth.login_failed").count();
    assert_eq!(failures, 5, "only five passwords were checked");
    app.try_login("acme", &s.admin_email, PASSWORD).await.assert_problem(429, "too_many_requests");
}

#[tokio::test]
async fn forty_concurrent_guesses_from_one_ip_at_many_accounts_get_twenty_evaluated() {
    let app = spawn_app().await;
    app.studio("acme").await;
    let attempts = (0..40).map(|i| {
        app.call(Method::POST, "/api/auth/login")
            .via(Via::Header("acme".into()))
            .json(json!({"email": format!("nobody{i}@acme.pe"), "password": "wrong wrong wrong"}))
            .send()
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts).await.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 20, "{statuses:?}");
}

//! CORS for the studios' web apps, and the headers every answer carries.

use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn only_the_requests_studio_origins_get_cors_headers_and_never_a_wildcard() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    app.studio("beta").await;
    let operator = app.operator_token().await;
    app.call(Method::POST, &format!("/api/tenants/{}/domains", a.id))
        .token(&operator)
        .json(json!({"domain": "fotos.acme.pe"}))
        .send()
        .await
        .assert(201);
    let url = format!("{}/api/clients", app.base_url);
    let preflight = |origin: &str| {
        app.http
            .request(Method::OPTIONS, &url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization, x-tenant")
            .send()
    };
    for origin in
        ["https://acme.fotostudio.localhost", "https://fotos.acme.pe", "http://acme.fotostudio.localhost:8080"]
    {
        let reply = preflight(origin).await.unwrap();
        assert_eq!(reply.status().as_u16(), 204, "{origin}");
        let headers = reply.headers();
        assert_eq!(headers["access-control-allow-origin"], origin);
        assert!(headers["access-control-allow-headers"].to_str().unwrap().contains("x-tenant"));
        assert!(headers["access-control-allow-methods"].to_str().unwrap().contains("PUT"));
    }
    for origin in ["https://evil.example", "https://nobody.fotostudio.localhost", "null"] {
        let reply = preflight(origin).await.unwrap();
        assert_eq!(reply.status().as_u16(), 403, "{origin}");
        assert!(reply.headers().get("access-control-allow-origin").is_none(), "{origin}");
    }
    let get = |origin: &str| {
        app.http.get(&url).header("Origin", origin).header("X-Tenant", "acme").bearer_auth(&a.token).send()
    };
    for (origin, allowed) in [
        ("https://acme.fotostudio.localhost", true),
        ("https://fotos.acme.pe", true),
        ("https://beta.fotostudio.localhost", false),
        ("https://evil.example", false),
    ] {
        let reply = get(origin).await.unwrap();
        assert_eq!(reply.status().as_u16(), 200);
        let header = reply.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(header.as_deref(), allowed.then_some(origin), "{origin}");
        assert!(reply.headers().get_all("vary").iter().any(|v| v.to_str().unwrap().contains("Origin")));
        if allowed {
            let exposed = reply.headers()["access-control-expose-headers"].to_str().unwrap().to_owned();
            assert!(exposed.contains("location") && exposed.contains("x-request-id"), "{exposed}");
        }
    }
    // A refusal still names the origin it belongs to, so the web app can read the problem.
    let refused = app
        .http
        .get(&url)
        .header("Origin", "https://acme.fotostudio.localhost")
        .header("X-Tenant", "acme")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    assert_eq!(refused.headers()["access-control-allow-origin"], "https://acme.fotostudio.localhost");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_docs_a_strict_policy() {
    let app = spawn_app().await;
    for path in ["/health/live", "/api/clients", "/openapi.json", "/nowhere"] {
        let reply = app.call(Method::GET, path).send().await;
        assert_eq!(reply.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(reply.headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(reply.headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(reply.headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'", "{path}");
    }
    let docs = app.call(Method::GET, "/docs").send().await;
    let policy = docs.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.starts_with("default-src 'none'; script-src 'sha256-"), "{policy}");
    assert!(!policy.contains("'unsafe-inline'; img") || policy.contains("style-src 'unsafe-inline'"), "{policy}");
    assert!(!policy.contains("script-src 'unsafe-inline'") && !policy.contains("'unsafe-eval'"), "{policy}");
}

//! The route × role matrix, walked from the OpenAPI document: every tenant route has an
//! entry in the permission table, and every role is allowed or refused exactly as the
//! table says.

use fotostudio::auth::permissions::{self, ROUTES};
use fotostudio::auth::roles::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Via, spawn_app};

/// Routes open without a token (they still need a studio where they are tenant routes).
const PUBLIC: &[&str] = &[
    "/health/live",
    "/health/ready",
    "/api/auth/login",
    "/api/auth/refresh",
    "/api/auth/logout",
    "/api/platform/auth/login",
    "/api/platform/auth/refresh",
    "/api/platform/auth/logout",
    "/api/signup",
    "/api/public/access-code",
    "/api/public/package-orders",
];

#[tokio::test]
async fn every_route_allows_and_refuses_each_role_as_the_table_says() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let mut tokens = vec![(Role::Admin, s.token.clone())];
    for role in [Role::Manager, Role::Accountant, Role::Staff] {
        tokens.push((role, app.user_with_role(&s, role.as_str()).await));
    }
    let spec = app.call(Method::GET, "/openapi.json").send().await.body;
    let mut checked = 0;
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let schemes: Vec<&str> = operation["security"]
                .as_array()
                .map(|s| s.iter().flat_map(|r| r.as_object().unwrap().keys().map(String::as_str)).collect())
                .unwrap_or_default();
            if schemes.contains(&"PlatformToken") {
                continue;
            }
            if !schemes.contains(&"TenantToken") {
                assert!(
                    PUBLIC.contains(&path.as_str()),
                    "{method} {path} has no security scheme and is not a known public route"
                );
                continue;
            }
            let permission = permissions::for_route(&method, path)
                .unwrap_or_else(|| panic!("{method} {path} has no entry in the permission table"));
            let url = path.replace("{id}", &uuid::Uuid::new_v4().to_string());
            for (role, token) in &tokens {
                let reply = app
                    .call(method.clone(), &url)
                    .via(Via::Header("acme".into()))
                    .token(token)
                    .json(json!({}))
                    .send()
                    .await;
                let allowed = permissions::allows(*role, permission);
                if allowed {
                    assert!(
                        reply.status.as_u16() != 403 && reply.status.as_u16() != 401,
                        "{role:?} must be allowed {method} {path}: {} {}",
                        reply.status,
                        reply.body
                    );
                    // An empty body and an unknown id are bad input: a 4xx at worst, never a 500.
                    assert!(reply.status.as_u16() < 500, "{method} {path} answered {}: {}", reply.status, reply.body);
                } else {
                    assert_eq!(reply.status.as_u16(), 403, "{role:?} must be refused {method} {path}: {}", reply.body);
                    assert_eq!(reply.code(), "forbidden");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 4 * 17, "walked {checked} route × role pairs");
    // And no stale entries: every row of the table is a documented route.
    for (method, path, _) in ROUTES {
        let documented = spec["paths"]
            .as_object()
            .unwrap()
            .iter()
            .any(|(p, ops)| permissions::same_route(p, path) && ops.get(method.to_lowercase()).is_some());
        assert!(documented, "{method} {path} is in the table but not in the API");
    }
}

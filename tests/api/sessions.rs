//! Sessions: access and refresh tokens, rotation and reuse detection, logout, expiry,
//! deactivation, forged tokens, throttling, and no account enumeration.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, Via, spawn_app, spawn_app_with, test_settings};

async fn sign_in(app: &TestApp, slug: &str, email: &str) -> (String, String) {
    let reply = app.try_login(slug, email, PASSWORD).await;
    reply.assert(200);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 900);
    (reply.body["access_token"].as_str().unwrap().to_owned(), reply.body["refresh_token"].as_str().unwrap().to_owned())
}

fn tokens(reply: &crate::helpers::Reply) -> (String, String) {
    (reply.body["access_token"].as_str().unwrap().to_owned(), reply.body["refresh_token"].as_str().unwrap().to_owned())
}

async fn profile_status(app: &TestApp, slug: &str, access: &str) -> u16 {
    app.call(Method::GET, "/api/auth/profile").via(Via::Header(slug.into())).token(access).send().await.status.as_u16()
}

#[tokio::test]
async fn a_refresh_token_rotates_and_its_reuse_revokes_the_whole_family() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (_, first) = sign_in(&app, "acme", &s.admin_email).await;
    let second = app.refresh("acme", &first).await;
    second.assert(200);
    let (access2, second) = tokens(&second);
    assert_ne!(first, second, "a new refresh token each time");
    assert_eq!(profile_status(&app, "acme", &access2).await, 200);
    let third = app.refresh("acme", &second).await;
    third.assert(200);
    let (_, third) = tokens(&third);

    // The first token again: theft. The whole family dies, including the newest token.
    app.refresh("acme", &first).await.assert_problem(401, "unauthorized");
    app.refresh("acme", &third).await.assert_problem(401, "unauthorized");
    assert!(app.audit_actions("acme").await.contains(&"auth.refresh_reuse_detected".to_owned()));

    // Another sign-in is another family, untouched.
    let (_, other) = sign_in(&app, "acme", &s.admin_email).await;
    app.refresh("acme", &other).await.assert(200);
}

#[tokio::test]
async fn logout_revokes_the_sign_in_and_is_always_204() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (_, refresh) = sign_in(&app, "acme", &s.admin_email).await;
    let logout = |token: &str| {
        app.call(Method::POST, "/api/auth/logout")
            .via(Via::Header("acme".into()))
            .json(json!({"refresh_token": token}))
            .send()
    };
    logout(&refresh).await.assert(204);
    app.refresh("acme", &refresh).await.assert_problem(401, "unauthorized");
    logout(&refresh).await.assert(204);
    logout("not-a-token").await.assert(204);
    assert!(app.audit_actions("acme").await.contains(&"auth.logout".to_owned()));
}

#[tokio::test]
async fn an_expired_refresh_token_is_refused() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (_, refresh) = sign_in(&app, "acme", &s.admin_email).await;
    let mut conn = app.raw().await;
    sqlx::raw_sql("UPDATE t_acme.refresh_tokens SET expires_at = now() - interval '1 second'")
        .execute(&mut conn)
        .await
        .unwrap();
    app.refresh("acme", &refresh).await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_refresh_token_is_only_good_at_its_own_studio() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    app.studio("beta").await;
    let (_, refresh) = sign_in(&app, "acme", &a.admin_email).await;
    app.refresh("beta", &refresh).await.assert_problem(401, "unauthorized");
    app.refresh("acme", &refresh).await.assert(200);
}

#[tokio::test]
async fn a_deactivated_user_can_neither_refresh_nor_sign_in() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    app.user_with_role(&s, "staff").await;
    let (staff_access, staff_refresh) = sign_in(&app, "acme", "staff@acme.pe").await;
    let users = app.as_studio(&s, Method::GET, "/api/users?role=staff").send().await;
    let staff_id = users.body["results"][0]["id"].as_str().unwrap().to_owned();
    app.as_studio(&s, Method::PUT, &format!("/api/users/{staff_id}"))
        .json(json!({"active": false}))
        .send()
        .await
        .assert(200);
    app.refresh("acme", &staff_refresh).await.assert_problem(401, "unauthorized");
    app.try_login("acme", "staff@acme.pe", PASSWORD).await.assert_problem(401, "unauthorized");
    // Its access token stops at the account check of the profile at once, and everywhere
    // within its lifetime.
    assert_eq!(profile_status(&app, "acme", &staff_access).await, 401);
    let audit = app.audit_actions("acme").await;
    assert!(audit.contains(&"user.deactivated".to_owned()), "{audit:?}");
}

fn forge(header: Header, claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    use std::fmt::Write;
    // base64url without padding, enough for hand-made JWT parts.
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let _ = out.write_char(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let profile = app.as_studio(&s, Method::GET, "/api/auth/profile").send().await;
    let user_id = profile.body["id"].as_str().unwrap().to_owned();
    let secret = app.state.settings.auth.jwt_secret.clone();
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64| {
        json!({"sub": user_id, "tid": s.id, "role": "admin", "scope": "tenant", "aud": "fotostudio:tenant",
               "iat": now - 10, "exp": exp, "jti": uuid::Uuid::new_v4()})
    };
    let with_kid = |alg: Algorithm, kid: &str| Header { kid: Some(kid.into()), ..Header::new(alg) };

    // The control: a well-made token works.
    let good = forge(with_kid(Algorithm::HS256, "k1"), &claims(now + 300), &secret);
    assert_eq!(profile_status(&app, "acme", &good).await, 200);

    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT","kid":"k1"}"#),
        b64(claims(now + 300).to_string().as_bytes())
    );
    let rs_header = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#),
        b64(claims(now + 300).to_string().as_bytes()),
        good.rsplit('.').next().unwrap()
    );
    let cases = [
        ("alg none", none),
        ("RS256 header over an HS256 signature", rs_header),
        ("HS512 with the right secret", forge(with_kid(Algorithm::HS512, "k1"), &claims(now + 300), &secret)),
        ("unknown kid", forge(with_kid(Algorithm::HS256, "k9"), &claims(now + 300), &secret)),
        ("no kid", forge(Header::new(Algorithm::HS256), &claims(now + 300), &secret)),
        (
            "wrong secret",
            forge(with_kid(Algorithm::HS256, "k1"), &claims(now + 300), "another-secret-of-enough-length-000"),
        ),
        ("expired", forge(with_kid(Algorithm::HS256, "k1"), &claims(now - 120), &secret)),
        (
            "issued in the future",
            forge(
                with_kid(Algorithm::HS256, "k1"),
                &json!({"sub": user_id, "tid": s.id, "role": "admin", "scope": "tenant", "aud": "fotostudio:tenant", "iat": now + 3600, "exp": now + 7200, "jti": uuid::Uuid::new_v4()}),
                &secret,
            ),
        ),
        (
            "platform audience",
            forge(
                with_kid(Algorithm::HS256, "k1"),
                &json!({"sub": user_id, "tid": s.id, "role": "admin", "scope": "tenant", "aud": "fotostudio:platform", "iat": now, "exp": now + 300, "jti": uuid::Uuid::new_v4()}),
                &secret,
            ),
        ),
    ];
    for (why, token) in cases {
        assert_eq!(profile_status(&app, "acme", &token).await, 401, "{why}");
    }
}

#[tokio::test]
async fn tokens_signed_with_a_retired_key_work_until_it_is_dropped() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let old_token = s.token.clone();
    let old_secret = app.state.settings.auth.jwt_secret.clone();
    // Rotate: new signing key k2, k1 kept for verification.
    let mut rotated = test_settings(&app.db_name);
    rotated.auth.jwt_previous_secrets.insert("k1".into(), old_secret.clone());
    rotated.auth.jwt_kid = "k2".into();
    rotated.auth.jwt_secret = "the-next-signing-secret-0123456789abcd".into();
    let next = spawn_app_with(rotated.clone()).await;
    assert_eq!(profile_status(&next, "acme", &old_token).await, 200, "old tokens still verify");
    let fresh = next.login("acme", &s.admin_email, PASSWORD).await;
    let header = jsonwebtoken::decode_header(&fresh).unwrap();
    assert_eq!(header.kid.as_deref(), Some("k2"), "new tokens are signed with the new key");
    // Retired for good.
    rotated.auth.jwt_previous_secrets.clear();
    let last = spawn_app_with(rotated).await;
    assert_eq!(profile_status(&last, "acme", &old_token).await, 401);
    assert_eq!(profile_status(&last, "acme", &fresh).await, 200);
}

#[tokio::test]
async fn repeated_failures_throttle_an_account_and_an_ip_then_lift() {
    let first = spawn_app().await;
    let mut settings = test_settings(&first.db_name);
    settings.auth.login_max_failures_per_account = 3;
    settings.auth.login_max_failures_per_ip = 6;
    settings.auth.login_throttle_seconds = 2;
    let app = spawn_app_with(settings).await;
    let s = app.studio("acme").await;

    for _ in 0..3 {
        app.try_login("acme", &s.admin_email, "wrong password!!").await.assert_problem(401, "unauthorized");
    }
    // Even the right password is refused now, with Retry-After.
    let throttled = app.try_login("acme", &s.admin_email, PASSWORD).await;
    throttled.assert_problem(429, "too_many_requests");
    assert!(throttled.headers.get("retry-after").is_some());
    // An account that does not exist is throttled the same way: no enumeration.
    for _ in 0..3 {
        app.try_login("acme", "nobody@acme.pe", "wrong password!!").await.assert_problem(401, "unauthorized");
    }
    app.try_login("acme", "nobody@acme.pe", PASSWORD).await.assert_problem(429, "too_many_requests");
    // The IP has failed 6 times: a third account is refused too.
    app.try_login("acme", "third@acme.pe", PASSWORD).await.assert_problem(429, "too_many_requests");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    app.try_login("acme", &s.admin_email, PASSWORD).await.assert(200);
}

#[tokio::test]
async fn unknown_accounts_and_wrong_passwords_answer_alike() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let wrong = app.try_login("acme", &s.admin_email, "not the password").await;
    let unknown = app.try_login("acme", "nobody@acme.pe", PASSWORD).await;
    let inactive_like = app.try_login("acme", "ADMIN@ACME.PE ", "not the password").await;
    for reply in [&wrong, &unknown, &inactive_like] {
        reply.assert_problem(401, "unauthorized");
    }
    let shape = |r: &crate::helpers::Reply| {
        let mut body = r.body.clone();
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    assert_eq!(shape(&wrong), shape(&unknown));
    assert_eq!(shape(&wrong), shape(&inactive_like));
    let audit = app.audit_actions("acme").await;
    assert_eq!(audit.iter().filter(|a| *a == "auth.login_failed").count(), 3, "{audit:?}");
}

#[tokio::test]
async fn operators_have_their_own_refresh_families() {
    let app = spawn_app().await;
    app.operator_token().await;
    let login = app
        .call(Method::POST, "/api/platform/auth/login")
        .json(json!({"email": "ops@fotostudio.test", "password": PASSWORD}))
        .send()
        .await;
    login.assert(200);
    let (access, first) = tokens(&login);
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&access).unwrap().claims;
    assert_eq!(claims["scope"], "platform");
    assert!(claims.get("tid").is_none());
    let refresh =
        |token: &str| app.call(Method::POST, "/api/platform/auth/refresh").json(json!({"refresh_token": token})).send();
    let second = refresh(&first).await;
    second.assert(200);
    let (_, second) = tokens(&second);
    refresh(&first).await.assert_problem(401, "unauthorized");
    refresh(&second).await.assert_problem(401, "unauthorized");
    // An operator's refresh token means nothing to a studio, and the other way round.
    let s = app.studio("acme").await;
    app.refresh("acme", &second).await.assert_problem(401, "unauthorized");
    let (_, studio_refresh) = sign_in(&app, "acme", &s.admin_email).await;
    refresh(&studio_refresh).await.assert_problem(401, "unauthorized");
}

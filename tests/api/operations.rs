//! Operations: health, docs, request ids, bad input at the edge, configuration errors,
//! cross-instance invalidation, graceful shutdown.

use std::time::{Duration, Instant};

use crate::helpers::{spawn_app, spawn_second_instance};
use reqwest::Method;

#[tokio::test]
async fn health_docs_and_the_openapi_document_are_served() {
    let app = spawn_app().await;
    app.call(Method::GET, "/health/live").send().await.assert(200);
    let ready = app.call(Method::GET, "/health/ready").send().await;
    ready.assert(200);
    assert_eq!(ready.body["shared_schema_migrated"], true);
    let docs = app.call(Method::GET, "/docs").send().await;
    docs.assert(200);
    assert!(docs.body.as_str().unwrap().contains("swagger"), "an interactive UI");
    let spec = app.call(Method::GET, "/openapi.json").send().await;
    spec.assert(200);
    for path in ["/api/tenants", "/api/tenants/{id}/suspend", "/api/auth/login", "/api/clients/{id}", "/health/ready"] {
        assert!(spec.body["paths"].get(path).is_some(), "{path} is documented");
    }
}

#[tokio::test]
async fn readiness_fails_when_the_shared_schema_is_not_migrated() {
    let app = spawn_app().await;
    let mut conn = app.raw().await;
    sqlx::raw_sql("DELETE FROM public.refinery_schema_history").execute(&mut conn).await.unwrap();
    let ready = app.call(Method::GET, "/health/ready").send().await;
    ready.assert(503);
    assert_eq!(ready.body["shared_schema_migrated"], false);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_errors_quote_it() {
    let app = spawn_app().await;
    let reply = app.call(Method::GET, "/nowhere").send().await;
    reply.assert_problem(404, "not_found");
    let id = reply.headers.get("x-request-id").unwrap().to_str().unwrap();
    assert_eq!(reply.body["request_id"], id);
    let kept = app
        .http
        .get(format!("{}/health/live", app.base_url))
        .header("X-Request-Id", "trace-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers().get("x-request-id").unwrap(), "trace-abc.123");
    let replaced = app
        .http
        .get(format!("{}/health/live", app.base_url))
        .header("X-Request-Id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers().get("x-request-id").unwrap(), "bad id with spaces");
}

#[tokio::test]
async fn bad_input_at_the_edge_is_a_clear_4xx_problem() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let url = format!("{}/api/clients", app.base_url);
    let send = |body: reqwest::Body, content_type: &str| {
        app.http
            .post(&url)
            .header("X-Tenant", "acme")
            .bearer_auth(&s.token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let malformed = send("{\"kind\": \"individual\", ".into(), "application/json").await.unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(malformed.headers().get("content-type").unwrap(), "application/problem+json");
    let not_json = send("kind=individual".into(), "application/x-www-form-urlencoded").await.unwrap();
    assert_eq!(not_json.status(), 415);
    let huge = format!("{{\"kind\": \"individual\", \"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let too_big = send(huge.clone().into(), "application/json").await.unwrap();
    assert_eq!(too_big.status(), 413);
    let chunked = reqwest::Body::wrap_stream(futures::stream::iter(vec![Ok::<_, std::io::Error>(huge)]));
    let too_big_chunked = send(chunked, "application/json").await.unwrap();
    assert!(too_big_chunked.status().is_client_error(), "{}", too_big_chunked.status());
    let wrong_method = app.call(Method::PATCH, "/health/live").send().await;
    assert_eq!(wrong_method.status.as_u16(), 405);
    let list = app.as_studio(&s, Method::GET, "/api/clients").send().await;
    assert_eq!(list.body["count"], 0, "nothing was written");
}

#[tokio::test]
async fn a_trailing_slash_reaches_the_same_route() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    app.as_studio(&s, Method::GET, "/api/clients/").send().await.assert(200);
    app.call(Method::GET, "/health/live/").send().await.assert(200);
}

#[tokio::test]
async fn a_suspension_is_seen_by_a_second_instance_within_a_second() {
    let first = spawn_app().await;
    let second = spawn_second_instance(&first).await;
    let s = first.studio("acme").await;
    // The second instance has the studio cached.
    second.as_studio(&s, Method::GET, "/api/clients").send().await.assert(200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let operator = first.operator_token().await;
    first.call(Method::POST, &format!("/api/tenants/{}/suspend", s.id)).token(&operator).send().await.assert(200);
    let suspended_at = Instant::now();
    loop {
        let reply = second.as_studio(&s, Method::GET, "/api/clients").send().await;
        if reply.status.as_u16() == 403 {
            reply.assert_problem(403, "tenant_suspended");
            break;
        }
        assert!(
            suspended_at.elapsed() < Duration::from_secs(1),
            "still served {:?} after the suspension",
            suspended_at.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn in_flight_requests_finish_when_the_server_shuts_down() {
    let mut app = spawn_app().await;
    let s = app.studio("acme").await;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(2);
    let body = reqwest::Body::wrap_stream(tokio_stream_from(rx));
    let request = app
        .http
        .post(format!("{}/api/clients", app.base_url))
        .header("X-Tenant", "acme")
        .bearer_auth(&s.token)
        .header("Content-Type", "application/json")
        .body(body)
        .send();
    let in_flight = tokio::spawn(request);
    tx.send(Ok("{\"kind\": \"individual\",".to_owned())).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.begin_shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(Ok(" \"name\": \"Llegó tarde\"}".to_owned())).await.unwrap();
    drop(tx);
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), 201, "the in-flight request completed");
    let refused = reqwest::Client::new().get(format!("{}/health/live", app.base_url)).send().await;
    assert!(refused.is_err(), "new connections are refused after shutdown");
}

fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<String, std::io::Error>>,
) -> impl futures::Stream<Item = Result<String, std::io::Error>> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

#[test]
fn a_bad_setting_stops_start_up_with_a_message_naming_the_key() {
    for (var, value, key) in [
        ("FOTOSTUDIO__SERVER__PORT", "eighty", "port"),
        ("FOTOSTUDIO__DATABASE__MAX_CONNECTIONS", "5000", "database.max_connections"),
        ("FOTOSTUDIO__DATABASE__AFFINITY_HOLD_MICROSECONDS", "60000", "database.affinity_hold_microseconds"),
        ("FOTOSTUDIO__DATABASE__SEARCH_PATH_MODE", "sideways", "search_path_mode"),
        ("FOTOSTUDIO__AUTH__JWT_SECRET", "short", "auth.jwt_secret"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fotostudio"))
            .args(["migrate", "status"])
            .env("FOTOSTUDIO_ENV", "test")
            .env("FOTOSTUDIO_ROOT", env!("CARGO_MANIFEST_DIR"))
            .env(var, value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}: {stderr}");
        assert!(stderr.contains(key), "{var}={value}: the message names {key}: {stderr}");
    }
}

#[test]
fn the_openapi_document_is_locked_by_a_snapshot() {
    // Every change to the API surface shows up in review as a change to this snapshot
    // (`cargo insta review`, or INSTA_UPDATE=always cargo test, to accept one).
    let spec: serde_json::Value = serde_json::from_str(&fotostudio::routes::document()).unwrap();
    insta::assert_json_snapshot!("openapi", spec);
}

#[tokio::test]
async fn every_201_names_the_new_resource_in_location() {
    let app = crate::helpers::spawn_app().await;
    let operator = app.operator_token().await;
    let studio = app
        .call(Method::POST, "/api/tenants")
        .token(&operator)
        .json(serde_json::json!({"slug": "acme", "name": "Acme",
                                 "admin": {"email": "admin@acme.pe", "password": crate::helpers::PASSWORD}}))
        .send()
        .await;
    studio.assert(201);
    let s = crate::helpers::Studio {
        slug: "acme".into(),
        id: studio.body["id"].as_str().unwrap().into(),
        token: app.login("acme", "admin@acme.pe", crate::helpers::PASSWORD).await,
        admin_email: "admin@acme.pe".into(),
    };
    let location = |reply: &crate::helpers::Reply| reply.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(location(&studio), format!("/api/tenants/{}", s.id));
    let got = app.call(Method::GET, &location(&studio)).token(&operator).send().await;
    assert_eq!(got.assert(200).body["slug"], "acme");

    let domain = app
        .call(Method::POST, &format!("/api/tenants/{}/domains", s.id))
        .token(&operator)
        .json(serde_json::json!({"domain": "fotos.acme.pe"}))
        .send()
        .await;
    assert_eq!(location(domain.assert(201)), format!("/api/tenants/{}/domains/fotos.acme.pe", s.id));

    let school = serde_json::json!({"kind": "school", "name": "Colegio"});
    let created = [
        ("/api/clients", school),
        (
            "/api/users",
            serde_json::json!({"email": "ana@acme.pe", "full_name": "Ana", "role": "staff",
                                           "password": crate::helpers::PASSWORD}),
        ),
    ];
    let mut school_id = String::new();
    for (path, body) in created {
        let reply = app.as_studio(&s, Method::POST, path).json(body).send().await;
        let id = reply.assert(201).body["id"].as_str().unwrap().to_owned();
        assert_eq!(location(&reply), format!("{path}/{id}"));
        app.as_studio(&s, Method::GET, &location(&reply)).send().await.assert(200);
        if path == "/api/clients" {
            school_id = id;
        }
    }
    let contract = app
        .as_studio(&s, Method::POST, "/api/contracts")
        .json(serde_json::json!({"school_id": school_id, "title": "Promoción", "academic_year": 2026,
                                 "starts_on": "2026-03-01", "ends_on": "2026-12-01"}))
        .send()
        .await;
    let id = contract.assert(201).body["id"].as_str().unwrap().to_owned();
    assert_eq!(location(&contract), format!("/api/contracts/{id}"));
}

#[tokio::test]
async fn docs_and_the_served_document_let_a_browser_name_the_studio() {
    let app = spawn_app().await;
    let spec = app.call(Method::GET, "/openapi.json").send().await.body;
    for (path, method) in [("/api/clients", "get"), ("/api/auth/login", "post"), ("/api/tenants/current", "get")] {
        let names: Vec<&str> = spec["paths"][path][method]["parameters"]
            .as_array()
            .map(|p| p.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        assert!(names.contains(&"X-Tenant"), "{method} {path} declares X-Tenant: {names:?}");
    }
    let platform = &spec["paths"]["/api/tenants"]["get"]["parameters"];
    assert!(!platform.to_string().contains("X-Tenant"), "platform routes name no studio");
    let docs = app.call(Method::GET, "/docs").send().await;
    assert!(docs.body.as_str().unwrap().contains("\"X-Tenant\""), "the page embeds the served document");
}

#[tokio::test]
async fn the_cli_names_the_flags_typed_and_keeps_exit_codes_to_one_meaning() {
    let app = spawn_app().await;
    let url = crate::helpers::server_url(&app.db_name);
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fotostudio"))
            .args(args)
            .env("FOTOSTUDIO_ENV", "test")
            .env("FOTOSTUDIO_ROOT", env!("CARGO_MANIFEST_DIR"))
            .env("FOTOSTUDIO__DATABASE__URL", &url)
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code(), text)
    };
    let create = ["tenants", "create", "--slug", "acme", "--name", "Acme", "--admin-email", "a@acme.pe"];
    let (code, text) = cli(&[&create[..], &["--admin-password", "short"]].concat());
    assert_eq!(code, Some(2), "a bad value is a usage error: {text}");
    assert!(text.contains("--admin-password:"), "names the flag as typed: {text}");
    let (code, text) = cli(&[&create[..], &["--admin-password", "long-enough-2026"]].concat());
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = cli(&[&create[..], &["--admin-password", "long-enough-2026"]].concat());
    assert_eq!(code, Some(1), "a taken slug is not a usage error: {text}");
    assert!(text.contains("--slug:"), "{text}");
    let (code, text) = cli(&["tenants", "delete", "acme"]);
    assert_eq!(code, Some(2), "{text}");
    let (code, text) = cli(&["tenants", "suspend", "nobody"]);
    assert_eq!(code, Some(1), "{text}");
    let operator = ["operators", "create", "--email", "ops@acme.pe", "--password", "long-enough-2026"];
    assert!(cli(&operator).1.contains("created operator"));
    assert!(cli(&operator).1.contains("password reset"));
    let (_, help) = cli(&["tenants", "create", "--help"]);
    for rule in ["subdomain and X-Tenant value", "at least 10 characters", "PE → PEN", "PE → America/Lima"] {
        assert!(help.contains(rule), "`tenants create --help` explains {rule:?}: {help}");
    }
}

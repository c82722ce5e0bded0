//! Provisioning studios and the operator's catalog API.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, spawn_app};

fn request(slug: &str) -> Value {
    json!({"slug": slug, "name": "Estudio", "admin": {"email": "admin@estudio.pe", "password": PASSWORD}})
}

async fn schemas(app: &TestApp) -> Vec<String> {
    let mut conn = app.raw().await;
    sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 't\\_%' ORDER BY 1")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_provisioned_studio_has_its_schema_migrations_and_admin() {
    let app = spawn_app().await;
    let operator = app.operator_token().await;
    let reply = app
        .call(Method::POST, "/api/tenants")
        .token(&operator)
        .json(json!({"slug": "foto-lima", "name": "Foto Lima", "country": "BO",
                     "admin": {"email": "Dueña@FotoLima.pe", "full_name": "Dueña", "password": PASSWORD}}))
        .send()
        .await;
    reply.assert(201);
    assert_eq!(reply.body["schema_name"], "t_foto_lima");
    assert_eq!(reply.body["status"], "active");
    assert_eq!(reply.body["currency"], "BOB", "currency follows the country");
    assert_eq!(reply.body["timezone"], "America/La_Paz");
    assert_eq!(reply.body["schema_version"], fotostudio::tenancy::migrations::required_tenant_version());
    assert_eq!(schemas(&app).await, ["t_foto_lima"]);
    // The admin signs in with the email in any case.
    app.login("foto-lima", "dueña@fotolima.pe", PASSWORD).await;
}

#[tokio::test]
async fn hostile_slugs_are_422_and_create_nothing() {
    let app = spawn_app().await;
    let operator = app.operator_token().await;
    let long = "a".repeat(64);
    for slug in [
        "ac'me",
        "acme\"; DROP SCHEMA public; --",
        "pg_catalog",
        "Acme",
        long.as_str(),
        "www",
        "a",
        "acme-",
        "ac me",
        "t_x",
    ] {
        let reply = app.call(Method::POST, "/api/tenants").token(&operator).json(request(slug)).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), ["slug"], "{slug}");
    }
    assert!(schemas(&app).await.is_empty());
    let list = app.call(Method::GET, "/api/tenants").token(&operator).send().await;
    assert_eq!(list.body["count"], 0);
}

#[tokio::test]
async fn each_bad_field_of_a_provisioning_request_is_named() {
    let app = spawn_app().await;
    let operator = app.operator_token().await;
    let cases = [
        (json!({"slug": "acme", "name": " ", "admin": {"email": "a@b.pe", "password": PASSWORD}}), "name"),
        (
            json!({"slug": "acme", "name": "A", "country": "XX", "admin": {"email": "a@b.pe", "password": PASSWORD}}),
            "country",
        ),
        (
            json!({"slug": "acme", "name": "A", "currency": "ABC", "admin": {"email": "a@b.pe", "password": PASSWORD}}),
            "currency",
        ),
        (
            json!({"slug": "acme", "name": "A", "timezone": "Mars/Olympus", "admin": {"email": "a@b.pe", "password": PASSWORD}}),
            "timezone",
        ),
        (json!({"slug": "acme", "name": "A", "admin": {"email": "not-an-email", "password": PASSWORD}}), "admin.email"),
        (json!({"slug": "acme", "name": "A", "admin": {"email": "a@b.pe", "password": "short"}}), "admin.password"),
        (
            json!({"slug": "acme", "name": "A", "admin": {"email": "longpass@b.pe", "password": "longpass@b.pe"}}),
            "admin.password",
        ),
    ];
    for (body, field) in cases {
        let reply = app.call(Method::POST, "/api/tenants").token(&operator).json(body).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), [field]);
    }
    assert!(schemas(&app).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_slug_provisioned_twice_at_once_yields_one_studio_and_one_409() {
    let app = spawn_app().await;
    let operator = app.operator_token().await;
    for round in 0..3 {
        let slug = format!("twin-{round}");
        let send = || app.call(Method::POST, "/api/tenants").token(&operator).json(request(&slug)).send();
        let (one, two) = tokio::join!(send(), send());
        let mut statuses = [one.status.as_u16(), two.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {round}: {} / {}", one.body, two.body);
    }
    assert_eq!(schemas(&app).await, ["t_twin_0", "t_twin_1", "t_twin_2"]);
}

#[tokio::test]
async fn a_half_provisioned_studio_is_finished_by_a_retry() {
    let app = spawn_app().await;
    let operator = app.operator_token().await;
    // What a provisioning killed after claiming the slug leaves: the row, and maybe a
    // half-built schema (here with a stray table that would break the migrations).
    let mut conn = app.raw().await;
    sqlx::raw_sql(
        "INSERT INTO public.tenants (id, slug, name, schema_name, status, country, currency, timezone)
         VALUES (gen_random_uuid(), 'acme', 'Acme', 't_acme', 'provisioning', 'PE', 'PEN', 'America/Lima');
         CREATE SCHEMA t_acme; CREATE TABLE t_acme.users (half integer);",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let reply = app.call(Method::POST, "/api/tenants").token(&operator).json(request("acme")).send().await;
    reply.assert(201);
    assert_eq!(reply.body["status"], "active");
    app.login("acme", "admin@estudio.pe", PASSWORD).await;
    // Provisioned again: now it is taken.
    app.call(Method::POST, "/api/tenants")
        .token(&operator)
        .json(request("acme"))
        .send()
        .await
        .assert_problem(409, "conflict");
}

#[tokio::test]
async fn repair_removes_what_a_dead_provisioning_left() {
    let app = spawn_app().await;
    let mut conn = app.raw().await;
    sqlx::raw_sql(
        "INSERT INTO public.tenants (id, slug, name, schema_name, status, country, currency, timezone)
         VALUES (gen_random_uuid(), 'ghost', 'Ghost', 't_ghost', 'provisioning', 'PE', 'PEN', 'America/Lima');
         CREATE SCHEMA t_ghost;",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let cleaned = fotostudio::tenancy::provision::repair(&app.state.db.catalog).await.unwrap();
    assert_eq!(cleaned, ["ghost"]);
    assert!(schemas(&app).await.is_empty());
}

#[tokio::test]
async fn operators_list_filter_get_and_patch_studios() {
    let app = spawn_app().await;
    let operator = app.operator_token().await;
    let a = app.studio("acme").await;
    app.studio("beta").await;
    app.studio("gama").await;
    app.call(Method::POST, &format!("/api/tenants/{}/suspend", a.id)).token(&operator).send().await.assert(200);

    let page = app.call(Method::GET, "/api/tenants?page_size=2").token(&operator).send().await;
    assert_eq!(page.body["count"], 3);
    assert_eq!(page.body["results"].as_array().unwrap().len(), 2);
    assert_eq!(page.body["next"], "/api/tenants?page=2&page_size=2");
    let suspended = app.call(Method::GET, "/api/tenants?status=suspended").token(&operator).send().await;
    assert_eq!(suspended.body["count"], 1);
    assert_eq!(suspended.body["results"][0]["slug"], "acme");
    let search = app.call(Method::GET, "/api/tenants?search=GAM").token(&operator).send().await;
    assert_eq!(search.body["count"], 1);

    let patched = app
        .call(Method::PATCH, &format!("/api/tenants/{}", a.id))
        .token(&operator)
        .json(json!({"name": "Acme Fotografía", "plan": "pro"}))
        .send()
        .await;
    patched.assert(200);
    assert_eq!(patched.body["name"], "Acme Fotografía");
    assert_eq!(patched.body["plan"], "pro");
    assert_eq!(patched.body["slug"], "acme", "the slug never changes");
    app.call(Method::PATCH, &format!("/api/tenants/{}", a.id))
        .token(&operator)
        .json(json!({"currency": "XYZ"}))
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.call(Method::GET, &format!("/api/tenants/{}", uuid::Uuid::new_v4()))
        .token(&operator)
        .send()
        .await
        .assert_problem(404, "not_found");
    app.call(Method::GET, "/api/tenants?status=bogus")
        .token(&operator)
        .send()
        .await
        .assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn custom_domains_are_validated_unique_and_removable() {
    let app = spawn_app().await;
    let operator = app.operator_token().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let add = |id: &str, domain: &str| {
        app.call(Method::POST, &format!("/api/tenants/{id}/domains"))
            .token(&operator)
            .json(json!({"domain": domain}))
            .send()
    };
    add(&a.id, "Fotos.Acme.PE").await.assert(201);
    add(&b.id, "fotos.acme.pe").await.assert_problem(409, "conflict");
    add(&a.id, "https://evil.pe/x").await.assert_problem(422, "validation_failed");
    add(&a.id, "beta.fotostudio.localhost").await.assert_problem(422, "validation_failed");
    let list = app.call(Method::GET, &format!("/api/tenants/{}/domains", a.id)).token(&operator).send().await;
    assert_eq!(list.body[0]["domain"], "fotos.acme.pe");
    app.call(Method::DELETE, &format!("/api/tenants/{}/domains/fotos.acme.pe", a.id))
        .token(&operator)
        .send()
        .await
        .assert(204);
    app.call(Method::DELETE, &format!("/api/tenants/{}/domains/fotos.acme.pe", a.id))
        .token(&operator)
        .send()
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn self_service_signup_is_off_unless_enabled() {
    let app = spawn_app().await;
    app.call(Method::POST, "/api/signup").json(request("acme")).send().await.assert_problem(404, "not_found");
    let mut settings = crate::helpers::test_settings(&app.db_name);
    settings.provisioning.self_service = true;
    let open = crate::helpers::spawn_app_with(settings).await;
    open.call(Method::POST, "/api/signup").json(request("acme")).send().await.assert(201);
    let mut last = 0;
    for i in 0..6 {
        last = open.call(Method::POST, "/api/signup").json(request(&format!("more-{i}"))).send().await.status.as_u16();
    }
    assert_eq!(last, 429, "sign-ups are limited per client IP");
}

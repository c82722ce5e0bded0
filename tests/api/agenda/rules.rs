//! Bad input on every route, links to this studio's records only, roles, isolation between
//! studios, and the demo week.

use chrono::{Datelike, Days, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use super::{book, booking, count, read, replace, try_book, user_id, with};
use crate::helpers::{Via, individual, spawn_app};

const START: &str = "2030-06-03T10:00:00-05:00";
const END: &str = "2030-06-03T11:00:00-05:00";

#[tokio::test]
async fn bad_input_on_every_route_is_a_clear_4xx_naming_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let kept = book(&app, &s, booking("La que queda", START, END)).await;
    let base = booking("Sesión", START, END);
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (with(base.clone(), "starts_at", json!("1900-06-03T10:00:00-05:00")), 422, "year 1900", "starts_at"),
        (with(base.clone(), "ends_at", json!("2030-06-03T09:00:00-05:00")), 422, "ends before it starts", "ends_at"),
        (with(base.clone(), "ends_at", json!(START)), 422, "ends as it starts", "ends_at"),
        (with(base.clone(), "ends_at", json!("2030-06-13T10:00:00-05:00")), 422, "ten days long", "ends_at"),
        (with(base.clone(), "title", json!(" ")), 422, "blank title", "title"),
        (with(base.clone(), "title", json!("x".repeat(201))), 422, "oversize title", "title"),
        (with(base.clone(), "resource", json!("x".repeat(81))), 422, "oversize resource", "resource"),
        (with(base.clone(), "location", json!("x".repeat(301))), 422, "oversize location", "location"),
        (with(base.clone(), "notes", json!("x".repeat(2001))), 422, "oversize notes", "notes"),
        (with(base.clone(), "kind", json!("party")), 400, "unknown kind", "kind"),
        (with(base.clone(), "status", json!("postponed")), 400, "unknown status", "status"),
        (with(base.clone(), "staff_id", json!("not-a-uuid")), 400, "bad uuid", "staff_id"),
        (with(base.clone(), "client_id", json!(42)), 400, "a number for a uuid", "client_id"),
        (with(base.clone(), "starts_at", json!("2030-06-03T10:00:00")), 400, "no offset", "starts_at"),
        (with(base.clone(), "starts_at", json!("+99999-06-03T10:00:00Z")), 422, "year 99999", "starts_at"),
        (with(base.clone(), "ends_at", json!(1_900_000_000)), 400, "a number for a time", "ends_at"),
        (with(base.clone(), "title", json!(["Sesión"])), 400, "an array for a string", "title"),
        (json!({"kind": "session", "starts_at": START, "ends_at": END}), 400, "missing title", "title"),
        (json!({"kind": "session", "title": "Sin hora"}), 400, "missing times", "starts_at"),
    ];
    for (body, status, why, field) in cases {
        for reply in [try_book(&app, &s, body.clone()).await, replace(&app, &s, &kept["id"], body).await] {
            assert_eq!(reply.status.as_u16(), status, "{why}: {}", reply.body);
            if status == 422 {
                assert_eq!(reply.fields().first().map(String::as_str), Some(field), "{why}: {}", reply.body);
            } else {
                assert_eq!(reply.code(), "invalid_body", "{why}");
                assert!(reply.body["detail"].as_str().unwrap().contains(field), "{why} names {field}: {}", reply.body);
            }
        }
    }
    let id = kept["id"].as_str().unwrap();
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let reply =
            app.as_studio(&s, method, "/api/appointments/not-a-uuid").json(booking("x", START, END)).send().await;
        reply.assert_problem(400, "invalid_parameter");
    }
    assert_eq!(count(&app, &s).await, 1, "nothing written");
    assert_eq!(read(&app, &s, &format!("/api/appointments/{id}")).await, kept, "nothing changed");
    let actions: Vec<String> =
        app.audit_actions("acme").await.into_iter().filter(|a| a.starts_with("appointment.")).collect();
    assert_eq!(actions, ["appointment.created"]);
}

fn contract(school_id: &str) -> Value {
    json!({"school_id": school_id, "title": "Promoción 2030", "academic_year": 2030,
           "starts_on": "2030-03-01", "ends_on": "2030-12-15"})
}

#[tokio::test]
async fn links_must_be_this_studios_client_contract_order_and_active_staff_member() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let school = |name: &str| json!({"kind": "school", "name": name});
    let (our_school, their_school) =
        (app.create_client(&a, school("Colegio A")).await, app.create_client(&b, school("Colegio B")).await);
    let contract_of = |s, school: String| {
        let app = &app;
        async move {
            app.as_studio(s, Method::POST, "/api/contracts").json(contract(&school)).send().await.body["id"].clone()
        }
    };
    let (our_contract, their_contract) =
        (contract_of(&a, our_school.clone()).await, contract_of(&b, their_school.clone()).await);
    let their_admin = user_id(&app, &b, &b.token).await;
    let links = |client: &str, contract: &Value, staff: &str| {
        let body = with(booking("Jornada", START, END), "kind", json!("school_day"));
        with(with(with(body, "client_id", json!(client)), "contract_id", contract.clone()), "staff_id", json!(staff))
    };
    let foreign = try_book(&app, &a, links(&their_school, &their_contract, &their_admin)).await;
    assert_eq!(foreign.assert_problem(422, "validation_failed").fields(), ["client_id", "contract_id", "staff_id"]);
    let nobody = uuid::Uuid::new_v4().to_string();
    let unknown = try_book(&app, &a, links(&nobody, &json!(nobody), &nobody)).await;
    assert_eq!(unknown.assert_problem(422, "validation_failed").fields(), ["client_id", "contract_id", "staff_id"]);
    assert_eq!(count(&app, &a).await, 0, "nothing written");

    // An order must be this studio's too.
    let unknown_order = with(links(&our_school, &our_contract, &admin_of(&app, &a).await), "order_id", json!(nobody));
    assert_eq!(try_book(&app, &a, unknown_order).await.assert_problem(422, "validation_failed").fields(), ["order_id"]);
    let order_body = crate::orders::order(&our_school, crate::orders::two_lines());
    let order = crate::orders::id(&app.as_studio(&a, Method::POST, "/api/orders").json(order_body).send().await.body);
    let staff_token = app.user_with_role(&a, "staff").await;
    let staff = user_id(&app, &a, &staff_token).await;
    let ours = with(links(&our_school, &our_contract, &staff), "order_id", json!(order));
    let made = book(&app, &a, ours.clone()).await;
    assert_eq!((&made["order_id"], &made["contract_id"]), (&json!(order), &our_contract));
    assert_eq!(made["client_name"], "Colegio A");
    assert!(made["contract_number"].as_str().unwrap().starts_with("CTR-"));

    // A deactivated user stays on what they had, but takes nothing new.
    app.as_studio(&a, Method::PUT, &format!("/api/users/{staff}"))
        .json(json!({"active": false}))
        .send()
        .await
        .assert(200);
    replace(&app, &a, &made["id"], with(ours.clone(), "title", json!("Jornada (tarde)"))).await.assert(200);
    let other_day = with(
        with(ours, "starts_at", json!("2030-06-04T10:00:00-05:00")),
        "ends_at",
        json!("2030-06-04T11:00:00-05:00"),
    );
    assert_eq!(try_book(&app, &a, other_day).await.assert_problem(422, "validation_failed").fields(), ["staff_id"]);

    // What an appointment links to cannot be deleted from under it.
    let contract_id = our_contract.as_str().unwrap();
    for path in [format!("/api/users/{staff}"), format!("/api/contracts/{contract_id}")] {
        app.as_studio(&a, Method::DELETE, &path).send().await.assert_problem(409, "conflict");
    }
    let client = app.create_client(&a, individual("Rosa Condori")).await;
    book(&app, &a, with(booking("Entrega", START, END), "client_id", json!(client))).await;
    app.as_studio(&a, Method::DELETE, &format!("/api/clients/{client}")).send().await.assert_problem(409, "conflict");
}

#[tokio::test]
async fn everyone_but_accountants_books_and_changes_accountants_read_and_only_admins_delete() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let as_role =
        |token: &str, method: Method, path: &str| app.call(method, path).via(Via::Header("acme".into())).token(token);
    let mut made = Vec::new();
    for (n, role) in ["manager", "staff"].into_iter().enumerate() {
        let token = app.user_with_role(&s, role).await;
        let body =
            booking(role, &format!("2030-06-0{}T10:00:00-05:00", n + 3), &format!("2030-06-0{}T11:00:00-05:00", n + 3));
        let created = as_role(&token, Method::POST, "/api/appointments").json(body.clone()).send().await;
        let id = created.assert(201).body["id"].as_str().unwrap().to_owned();
        let path = format!("/api/appointments/{id}");
        as_role(&token, Method::PUT, &path).json(with(body, "status", json!("confirmed"))).send().await.assert(200);
        as_role(&token, Method::DELETE, &path).send().await.assert_problem(403, "forbidden");
        made.push(path);
    }
    let accountant = app.user_with_role(&s, "accountant").await;
    for path in ["/api/appointments", "/api/appointments/calendar?from=2030-06-01&to=2030-06-30", made[0].as_str()] {
        as_role(&accountant, Method::GET, path).send().await.assert(200);
    }
    as_role(&accountant, Method::POST, "/api/appointments")
        .json(booking("x", START, END))
        .send()
        .await
        .assert_problem(403, "forbidden");
    as_role(&accountant, Method::PUT, &made[0])
        .json(booking("x", START, END))
        .send()
        .await
        .assert_problem(403, "forbidden");
    as_role(&accountant, Method::DELETE, &made[0]).send().await.assert_problem(403, "forbidden");
    app.as_studio(&s, Method::DELETE, &made[0]).send().await.assert(204);
    assert_eq!(count(&app, &s).await, 1);
}

#[tokio::test]
async fn another_studio_can_neither_see_nor_change_an_appointment_nor_clash_with_it() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let client = app.create_client(&a, individual("Ana Quispe")).await;
    let room = |body: Value| with(body, "resource", json!("Estudio 1"));
    let ours = book(&app, &a, with(room(booking("De Acme", START, END)), "client_id", json!(client))).await;
    let id = ours["id"].as_str().unwrap();
    let path = format!("/api/appointments/{id}");

    assert_eq!(count(&app, &b).await, 0);
    assert_eq!(read(&app, &b, "/api/appointments/calendar?from=2030-06-01&to=2030-06-30").await["count"], 0);
    app.as_studio(&b, Method::GET, &path).send().await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::PUT, &path)
        .json(booking("Mía", START, END))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_studio(&b, Method::DELETE, &path).send().await.assert_problem(404, "not_found");
    // Their room of the same name at the same time is their own.
    book(&app, &b, room(booking("De Beta", START, END))).await;
    // A's token is refused at B, and A's appointment is untouched.
    app.call(Method::GET, &path).via(Via::Header("beta".into())).token(&a.token).send().await.assert(401);
    assert_eq!(read(&app, &a, &path).await, ours);
    let theirs = read(&app, &b, "/api/appointments").await;
    assert_eq!(theirs["results"][0]["title"], "De Beta");
    assert_eq!(theirs["results"][0]["client_id"], Value::Null);
}

#[tokio::test]
async fn the_demo_books_a_week_of_every_kind_for_its_admin_some_cancelled() {
    let app = spawn_app().await;
    fotostudio::demo::ensure_demo_studio(&app.state).await.expect("demo studio");
    let token =
        app.login(fotostudio::demo::SLUG, fotostudio::demo::ADMIN_EMAIL, fotostudio::demo::ADMIN_PASSWORD).await;
    let demo = crate::helpers::Studio {
        slug: "demo".into(),
        id: String::new(),
        token: token.clone(),
        admin_email: String::new(),
    };
    let admin = user_id(&app, &demo, &token).await;
    let today = Utc::now().with_timezone(&chrono_tz::America::Lima).date_naive();
    let monday = today - Days::new(today.weekday().num_days_from_monday() as u64);
    let week = format!("from={monday}&to={}", monday + Days::new(6));
    let calendar = read(&app, &demo, &format!("/api/appointments/calendar?{week}")).await;
    let shown = calendar["appointments"].as_array().unwrap();
    assert!(shown.len() >= 8, "{calendar}");
    for kind in ["session", "delivery", "school_day", "meeting"] {
        assert!(shown.iter().any(|a| a["kind"] == kind), "a {kind} this week");
    }
    assert!(
        shown.iter().all(|a| a["staff_id"] == admin.as_str() && a["starts_at"].as_str().unwrap().ends_with("-05:00"))
    );
    let resources: std::collections::BTreeSet<&str> = shown.iter().filter_map(|a| a["resource"].as_str()).collect();
    assert_eq!(resources.len(), 2, "{resources:?}");
    let cancelled = read(&app, &demo, &format!("/api/appointments?status=cancelled&{week}")).await;
    assert!(cancelled["count"].as_i64().unwrap() >= 1);
}

/// The id of a studio's admin.
async fn admin_of(app: &crate::helpers::TestApp, s: &crate::helpers::Studio) -> String {
    user_id(app, s, &s.token).await
}

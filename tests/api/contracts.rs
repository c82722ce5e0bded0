//! Contracts with schools: gap-free numbers under concurrency, only schools sign, the status
//! workflow, expiry in the studio's time zone, the expiring list, roles, bad input, audit and
//! isolation.

use chrono::{Datelike, Days, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Studio, TestApp, individual, spawn_app};

fn school_body(name: &str) -> Value {
    json!({"kind": "school", "name": name, "contact_name": "Carmen Soto", "contact_role": "Directora"})
}

fn contract(school_id: &str, starts_on: NaiveDate, ends_on: NaiveDate) -> Value {
    json!({
        "school_id": school_id, "title": "Fotos de promoción", "academic_year": starts_on.year(),
        "starts_on": starts_on.to_string(), "ends_on": ends_on.to_string(), "expected_students": 120,
        "package_price": "85.50", "deposit": "500", "commission_percent": "12.50"
    })
}

fn this_year() -> (NaiveDate, NaiveDate) {
    let year = Utc::now().year();
    (NaiveDate::from_ymd_opt(year, 3, 1).unwrap(), NaiveDate::from_ymd_opt(year, 12, 15).unwrap())
}

async fn create(app: &TestApp, s: &Studio, body: Value) -> Value {
    let reply = app.as_studio(s, Method::POST, "/api/contracts").json(body).send().await;
    reply.assert(201);
    reply.body
}

async fn set_status(app: &TestApp, s: &Studio, id: &str, status: &str) -> crate::helpers::Reply {
    app.as_studio(s, Method::POST, &format!("/api/contracts/{id}/status")).json(json!({"status": status})).send().await
}

#[tokio::test]
async fn a_contract_is_numbered_read_replaced_and_deleted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, school_body("Colegio San Agustín")).await;
    let (start, end) = this_year();
    let first = create(&app, &s, contract(&school, start, end)).await;
    let year = Utc::now().year();
    assert_eq!(first["number"], format!("CTR-{year}-00001"));
    assert_eq!(first["status"], "draft");
    assert_eq!(first["school_name"], "Colegio San Agustín");
    assert_eq!(first["package_price"], "85.50", "money is a string with two places");
    assert_eq!(first["deposit"], "500.00");
    assert_eq!(first["commission_percent"], "12.50");
    let second = create(&app, &s, contract(&school, start, end)).await;
    assert_eq!(second["number"], format!("CTR-{year}-00002"));

    let id = first["id"].as_str().unwrap();
    let mut changed = contract(&school, start, end);
    changed["title"] = json!("Fotos de promoción y graduación");
    let put = app.as_studio(&s, Method::PUT, &format!("/api/contracts/{id}")).json(changed).send().await;
    put.assert(200);
    assert_eq!(put.body["title"], "Fotos de promoción y graduación");
    assert_eq!(put.body["number"], first["number"], "the number never changes");

    let list = app.as_studio(&s, Method::GET, "/api/contracts").send().await;
    assert_eq!(list.body["count"], 2);
    assert_eq!(list.body["results"][0]["number"], second["number"], "newest first");
    let found = app.as_studio(&s, Method::GET, "/api/contracts?search=graduaci").send().await;
    assert_eq!(found.body["count"], 1);

    app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{id}")).send().await.assert(204);
    app.as_studio(&s, Method::GET, &format!("/api/contracts/{id}")).send().await.assert_problem(404, "not_found");
    let actions = app.audit_actions("acme").await;
    for action in ["contract.created", "contract.updated", "contract.deleted"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn fifty_contracts_created_at_once_get_fifty_consecutive_numbers_in_each_studio() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let (start, end) = this_year();
    let school_a = app.create_client(&a, school_body("Colegio A")).await;
    let school_b = app.create_client(&b, school_body("Colegio B")).await;
    // 50 at once in one studio, and 50 more spread over two studios (25 each) at the same time.
    let mut calls = Vec::new();
    for i in 0..100 {
        let (studio, school) = if i < 75 { (&a, &school_a) } else { (&b, &school_b) };
        calls.push(app.as_studio(studio, Method::POST, "/api/contracts").json(contract(school, start, end)).send());
    }
    let replies = futures::future::join_all(calls).await;
    let year = Utc::now().year();
    let numbers = |range: std::ops::Range<usize>| {
        let mut n: Vec<String> =
            replies[range].iter().map(|r| r.assert(201).body["number"].as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };
    let want = |count: usize| (1..=count).map(|i| format!("CTR-{year}-{i:05}")).collect::<Vec<_>>();
    assert_eq!(numbers(0..75), want(75), "no gap and no duplicate in acme");
    assert_eq!(numbers(75..100), want(25), "beta has its own counter");
}

#[tokio::test]
async fn only_a_school_of_this_studio_may_sign() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let other = app.studio("beta").await;
    let person = app.create_client(&s, individual("Ana Quispe")).await;
    let foreign_school = app.create_client(&other, school_body("Colegio de Beta")).await;
    let (start, end) = this_year();
    for (school_id, why) in [(person, "an individual"), (foreign_school, "another studio's school")] {
        let reply =
            app.as_studio(&s, Method::POST, "/api/contracts").json(contract(&school_id, start, end)).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), ["school_id"], "{why}");
    }
    let listed = app.as_studio(&s, Method::GET, "/api/contracts").send().await;
    assert_eq!(listed.body["count"], 0, "nothing written");
}

#[tokio::test]
async fn the_status_follows_its_workflow_and_refusals_name_from_and_to() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, school_body("Colegio")).await;
    let (start, end) = this_year();
    let id = create(&app, &s, contract(&school, start, end)).await["id"].as_str().unwrap().to_owned();

    let refused = set_status(&app, &s, &id, "completed").await;
    refused.assert_problem(409, "invalid_transition");
    assert_eq!(refused.body["context"], json!({"from": "draft", "to": "completed"}));
    set_status(&app, &s, &id, "expired").await.assert_problem(422, "validation_failed");
    set_status(&app, &s, &id, "signed").await.assert_problem(400, "invalid_body");

    assert_eq!(set_status(&app, &s, &id, "active").await.assert(200).body["status"], "active");
    assert_eq!(set_status(&app, &s, &id, "completed").await.assert(200).body["status"], "completed");
    let back = set_status(&app, &s, &id, "active").await;
    back.assert_problem(409, "invalid_transition");
    assert_eq!(back.body["context"], json!({"from": "completed", "to": "active"}));
    let closed = app
        .as_studio(&s, Method::PUT, &format!("/api/contracts/{id}"))
        .json(contract(&school, start, end))
        .send()
        .await;
    closed.assert_problem(409, "contract_closed");

    // Cancelled from draft too; a cancelled contract goes nowhere.
    let other = create(&app, &s, contract(&school, start, end)).await["id"].as_str().unwrap().to_owned();
    set_status(&app, &s, &other, "cancelled").await.assert(200);
    set_status(&app, &s, &other, "active").await.assert_problem(409, "invalid_transition");
}

/// A studio on `timezone`, provisioned through the platform API.
pub async fn studio_in(app: &TestApp, slug: &str, timezone: &str) -> Studio {
    let operator = app.operator_token().await;
    let email = format!("admin@{slug}.pe");
    app.call(Method::POST, "/api/tenants")
        .token(&operator)
        .json(json!({"slug": slug, "name": slug, "timezone": timezone,
                     "admin": {"email": email, "password": crate::helpers::PASSWORD}}))
        .send()
        .await
        .assert(201);
    let token = app.login(slug, &email, crate::helpers::PASSWORD).await;
    Studio { slug: slug.to_owned(), id: String::new(), token, admin_email: email }
}

fn today_in(tz: chrono_tz::Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

#[tokio::test]
async fn an_active_contract_expires_after_its_end_date_in_the_studios_time_zone() {
    let app = spawn_app().await;
    // 25 hours apart: their dates always differ, so one contract can have ended in one and
    // not in the other.
    let east = studio_in(&app, "kiritimati", "Pacific/Kiritimati").await;
    let west = studio_in(&app, "pago-pago", "Pacific/Pago_Pago").await;
    let end = today_in(chrono_tz::Pacific::Pago_Pago);
    assert!(end < today_in(chrono_tz::Pacific::Kiritimati));
    let start = end - Days::new(200);
    for (studio, want) in [(&east, "expired"), (&west, "active")] {
        let school = app.create_client(studio, school_body("Colegio")).await;
        let id = create(&app, studio, contract(&school, start, end)).await["id"].as_str().unwrap().to_owned();
        set_status(&app, studio, &id, "active").await.assert(200);
        let got = app.as_studio(studio, Method::GET, &format!("/api/contracts/{id}")).send().await;
        assert_eq!(got.body["status"], want, "{}", studio.slug);
        let filtered = app.as_studio(studio, Method::GET, &format!("/api/contracts?status={want}")).send().await;
        assert_eq!(filtered.body["count"], 1, "{}: ?status={want}", studio.slug);
        let other = if want == "expired" { "active" } else { "expired" };
        let filtered = app.as_studio(studio, Method::GET, &format!("/api/contracts?status={other}")).send().await;
        assert_eq!(filtered.body["count"], 0, "{}: ?status={other}", studio.slug);
    }
    // An expired contract can still be completed.
    let expired = app.as_studio(&east, Method::GET, "/api/contracts").send().await.body["results"][0]["id"].clone();
    set_status(&app, &east, expired.as_str().unwrap(), "completed").await.assert(200);
}

#[tokio::test]
async fn expiring_lists_active_contracts_ending_within_the_days_asked() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, school_body("Colegio")).await;
    let today = today_in(chrono_tz::America::Lima);
    let start = today - Days::new(100);
    let mut ids = Vec::new();
    for days in [10, 40] {
        let id = create(&app, &s, contract(&school, start, today + Days::new(days))).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        set_status(&app, &s, &id, "active").await.assert(200);
        ids.push(id);
    }
    create(&app, &s, contract(&school, start, today + Days::new(5))).await; // a draft: not expiring
    let soon = app.as_studio(&s, Method::GET, "/api/contracts/expiring").send().await;
    soon.assert(200);
    assert_eq!(soon.body["count"], 1, "30 days by default: {}", soon.body);
    assert_eq!(soon.body["results"][0]["id"], ids[0].as_str());
    let later = app.as_studio(&s, Method::GET, "/api/contracts/expiring?days=45").send().await;
    let order: Vec<&str> =
        later.body["results"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(order, [ids[0].as_str(), ids[1].as_str()], "soonest first");
    for bad in ["0", "366", "-1"] {
        let reply = app.as_studio(&s, Method::GET, &format!("/api/contracts/expiring?days={bad}")).send().await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.fields(), ["days"]);
    }
    app.as_studio(&s, Method::GET, "/api/contracts/expiring?days=soon")
        .send()
        .await
        .assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx_and_writes_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, school_body("Colegio")).await;
    let (start, end) = this_year();
    let with = |key: &str, value: Value| {
        let mut body = contract(&school, start, end);
        body[key] = value;
        body
    };
    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        (with("starts_on", json!("+99999-01-01")), 422, "absurd date", Some("starts_on")),
        (with("ends_on", json!(start.pred_opt().unwrap().to_string())), 422, "ends before it starts", Some("ends_on")),
        (with("commission_percent", json!("100.01")), 422, "commission over 100", Some("commission_percent")),
        (with("commission_percent", json!("12.345")), 422, "three decimals", Some("commission_percent")),
        (with("package_price", json!("-5")), 422, "negative price", Some("package_price")),
        (with("package_price", json!("99999999999")), 422, "absurd price", Some("package_price")),
        (with("academic_year", json!(1899)), 422, "absurd year", Some("academic_year")),
        (with("title", json!("x".repeat(201))), 422, "oversize title", Some("title")),
        (with("expected_students", json!(-3)), 422, "negative students", Some("expected_students")),
        (with("package_price", json!(85.5)), 400, "money as a JSON float", None),
        (with("starts_on", json!("2026-02-30")), 400, "no such date", None),
        (with("school_id", json!("not-a-uuid")), 400, "bad uuid", None),
        (with("academic_year", json!("2026")), 400, "a string for a number", None),
        (json!({"title": "sin colegio"}), 400, "missing fields", None),
    ];
    for (body, status, why, field) in cases {
        let reply = app.as_studio(&s, Method::POST, "/api/contracts").json(body).send().await;
        assert_eq!(reply.status.as_u16(), status, "{why}: {}", reply.body);
        if let Some(field) = field {
            assert_eq!(reply.fields().first().map(String::as_str), Some(field), "{why}: {}", reply.body);
        } else {
            assert_eq!(reply.code(), "invalid_body", "{why}");
        }
    }
    app.as_studio(&s, Method::GET, "/api/contracts/not-a-uuid").send().await.assert_problem(400, "invalid_parameter");
    let listed = app.as_studio(&s, Method::GET, "/api/contracts").send().await;
    assert_eq!(listed.body["count"], 0, "nothing written");
    // The numbering did not move either: the next contract is still number 1.
    assert!(create(&app, &s, contract(&school, start, end)).await["number"].as_str().unwrap().ends_with("-00001"));
}

#[tokio::test]
async fn roles_managers_write_staff_and_accountants_read_only_admins_delete() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, school_body("Colegio")).await;
    let (start, end) = this_year();
    let manager = app.user_with_role(&s, "manager").await;
    let staff = app.user_with_role(&s, "staff").await;
    let accountant = app.user_with_role(&s, "accountant").await;
    let as_role = |token: &str, method: Method, path: &str| {
        app.call(method, path).via(crate::helpers::Via::Header("acme".into())).token(token)
    };
    let made = as_role(&manager, Method::POST, "/api/contracts").json(contract(&school, start, end)).send().await;
    made.assert(201);
    let id = made.body["id"].as_str().unwrap();
    for token in [&staff, &accountant] {
        as_role(token, Method::GET, &format!("/api/contracts/{id}")).send().await.assert(200);
        as_role(token, Method::POST, "/api/contracts")
            .json(contract(&school, start, end))
            .send()
            .await
            .assert_problem(403, "forbidden");
    }
    as_role(&manager, Method::DELETE, &format!("/api/contracts/{id}")).send().await.assert_problem(403, "forbidden");
    // A school with a contract cannot be deleted: the answer says what holds it.
    let held = app.as_studio(&s, Method::DELETE, &format!("/api/clients/{school}")).send().await;
    held.assert_problem(409, "client_in_use");
    assert!(held.body["detail"].as_str().unwrap().contains("1 contract"), "{}", held.body);
    app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{id}")).send().await.assert(204);
    app.as_studio(&s, Method::DELETE, &format!("/api/clients/{school}")).send().await.assert(204);
}

#[tokio::test]
async fn another_studio_cannot_see_or_change_a_contract() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let school = app.create_client(&a, school_body("Colegio de Acme")).await;
    let (start, end) = this_year();
    let id = create(&app, &a, contract(&school, start, end)).await["id"].as_str().unwrap().to_owned();
    let b_school = app.create_client(&b, school_body("Colegio de Beta")).await;

    assert_eq!(app.as_studio(&b, Method::GET, "/api/contracts").send().await.body["count"], 0);
    assert_eq!(app.as_studio(&b, Method::GET, "/api/contracts/expiring?days=365").send().await.body["count"], 0);
    app.as_studio(&b, Method::GET, &format!("/api/contracts/{id}")).send().await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::PUT, &format!("/api/contracts/{id}"))
        .json(contract(&b_school, start, end))
        .send()
        .await
        .assert_problem(404, "not_found");
    set_status(&app, &b, &id, "active").await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::DELETE, &format!("/api/contracts/{id}")).send().await.assert_problem(404, "not_found");
    // A's token is refused at B, and A's contract is untouched.
    app.call(Method::GET, &format!("/api/contracts/{id}"))
        .via(crate::helpers::Via::Header("beta".into()))
        .token(&a.token)
        .send()
        .await
        .assert(401);
    let got = app.as_studio(&a, Method::GET, &format!("/api/contracts/{id}")).send().await;
    assert_eq!(got.body["status"], "draft");
    assert_eq!(got.body["school_name"], "Colegio de Acme");
}

#[tokio::test]
async fn a_contract_keeps_its_order_deadline_and_late_fee_and_checks_them() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let school = app.create_client(&s, school_body("Colegio")).await;
    let (start, end) = this_year();
    let plain = create(&app, &s, contract(&school, start, end)).await;
    assert_eq!((plain["order_deadline"].clone(), plain["late_fee"].clone()), (Value::Null, json!("0.00")));
    let mut body = contract(&school, start, end);
    body["order_deadline"] = json!(start.checked_add_days(Days::new(30)).unwrap().to_string());
    body["late_fee"] = json!("12.5");
    let with = create(&app, &s, body.clone()).await;
    assert_eq!(with["order_deadline"], body["order_deadline"]);
    assert_eq!(with["late_fee"], "12.50");
    body["order_deadline"] = json!(end.checked_add_days(Days::new(1)).unwrap().to_string());
    body["late_fee"] = json!("-1");
    let refused = app.as_studio(&s, Method::POST, "/api/contracts").json(body).send().await;
    assert_eq!(refused.fields(), ["order_deadline", "late_fee"]);
}

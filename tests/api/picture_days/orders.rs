//! Package orders: families with a code and no token, staff for a student; the same 404 for
//! every code that opens nothing, 429 for a guesser, late orders with the fee, contracts
//! that take no orders, and who may do what.

use chrono::Days;
use reqwest::Method;
use serde_json::{Value, json};

use super::{active_contract, contract_with_students, family_order, import, package, set_status, staff_order, today};
use crate::helpers::{Via, spawn_app};

/// A problem body without what differs per request.
fn without_request_id(mut body: Value) -> Value {
    body.as_object_mut().unwrap().remove("request_id");
    body
}

#[tokio::test]
async fn a_family_orders_with_the_right_code_and_no_token() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, students) = contract_with_students(&app, &s, 3).await;
    let a = package(&app, &s, &contract, "Paquete A", "85.50").await;
    let b = package(&app, &s, &contract, "Paquete B", "120").await;
    let code = students[0]["access_code"].as_str().unwrap();
    // Typed as a family would: lower case, with a dash.
    let typed = format!("{}-{}", code[..4].to_lowercase(), &code[4..]);

    let offer = app
        .call(Method::POST, "/api/public/access-code")
        .via(Via::Header("acme".into()))
        .json(json!({"access_code": typed}))
        .send()
        .await;
    offer.assert(200);
    assert_eq!(offer.body["student"], "María P.", "first name and initial only");
    assert_eq!(offer.body["school"], "Colegio de acme");
    assert_eq!(offer.body["packages"].as_array().unwrap().len(), 2);
    assert_eq!(offer.body["packages"][0]["ordered"], false);

    let placed = family_order(&app, "acme", &typed, &a).await;
    placed.assert(201);
    let reference = placed.body["reference"].as_str().unwrap();
    assert!(reference.starts_with("PKG-") && reference.ends_with("-00001"), "{reference}");
    assert_eq!(placed.body["student"], "María P.");
    assert_eq!(placed.body["package_name"], "Paquete A");
    assert_eq!(placed.body["price"], "85.50");
    assert_eq!(placed.body["late"], false);
    assert_eq!(placed.body["late_fee"], "0.00");
    assert_eq!(placed.body["total"], "85.50");
    assert!(placed.body.get("student_id").is_none() && placed.body.get("guardian_phone").is_none());

    // The same package again is a double submit; another package is a second order.
    let again = family_order(&app, "acme", code, &a).await;
    again.assert_problem(409, "already_ordered");
    assert_eq!(again.body["context"]["reference"], reference);
    family_order(&app, "acme", code, &b).await.assert(201);

    // A new code for the student: the old one opens nothing any more, the new one does.
    let renewed =
        app.as_studio(&s, Method::POST, &format!("/api/contracts/{contract}/roster/A0001/new-code")).send().await;
    renewed.assert(200);
    let new_code = renewed.body["access_code"].as_str().unwrap();
    assert_ne!(new_code, code);
    family_order(&app, "acme", code, &b).await.assert_problem(404, "not_found");
    family_order(&app, "acme", new_code, &b).await.assert_problem(409, "already_ordered");

    // Staff see it, recorded with no actor in the audit trail.
    let listed = app
        .as_studio(&s, Method::GET, &format!("/api/contracts/{contract}/package-orders?channel=family"))
        .send()
        .await;
    assert_eq!(listed.body["count"], 2);
    assert_eq!(listed.body["results"][1]["student_id"], "A0001");
    assert_eq!(listed.body["results"][1]["recorded_by"], json!(null));
    let mut conn = app.raw().await;
    let actors: Vec<Option<uuid::Uuid>> =
        sqlx::query_scalar("SELECT actor_id FROM t_acme.audit_log WHERE action = 'package_order.created'")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(actors, [None, None]);
}

#[tokio::test]
async fn unknown_codes_and_codes_of_another_contract_or_studio_get_the_same_404() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let other = app.studio("beta").await;
    let (first, first_students) = contract_with_students(&app, &s, 2).await;
    let (second, second_students) = contract_with_students(&app, &s, 2).await;
    let (_, beta_students) = contract_with_students(&app, &other, 2).await;
    let package_of_first = package(&app, &s, &first, "Paquete A", "50").await;
    package(&app, &s, &second, "Paquete A", "50").await;

    let unknown = family_order(&app, "acme", "ZZZZ-ZZZZ", &package_of_first).await;
    unknown.assert_problem(404, "not_found");
    let of_another_contract =
        family_order(&app, "acme", second_students[0]["access_code"].as_str().unwrap(), &package_of_first).await;
    let of_another_studio =
        family_order(&app, "acme", beta_students[0]["access_code"].as_str().unwrap(), &package_of_first).await;
    let unknown_package = family_order(
        &app,
        "acme",
        first_students[0]["access_code"].as_str().unwrap(),
        &uuid::Uuid::new_v4().to_string(),
    )
    .await;
    for reply in [&of_another_contract, &of_another_studio, &unknown_package] {
        reply.assert_problem(404, "not_found");
        assert_eq!(without_request_id(reply.body.clone()), without_request_id(unknown.body.clone()));
    }
    // What cannot be a code at all is a plain 422 on the field.
    family_order(&app, "acme", "0000", &package_of_first).await.assert_problem(422, "validation_failed");
    let count = app.as_studio(&s, Method::GET, &format!("/api/contracts/{first}/package-orders")).send().await;
    assert_eq!(count.body["count"], 0, "nothing ordered");
}

#[tokio::test]
async fn the_eleventh_wrong_code_from_one_ip_gets_429_even_with_a_right_code_after() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, students) = contract_with_students(&app, &s, 1).await;
    let a = package(&app, &s, &contract, "Paquete A", "50").await;
    for i in 0..10 {
        let guess = format!("ZZZZZZ{}{}", (b'2' + i / 8) as char, (b'2' + i % 8) as char);
        family_order(&app, "acme", &guess, &a).await.assert_problem(404, "not_found");
    }
    let throttled = family_order(&app, "acme", "ZZZZZZZZ", &a).await;
    throttled.assert_problem(429, "too_many_requests");
    assert!(throttled.headers.get("retry-after").is_some());
    let right = family_order(&app, "acme", students[0]["access_code"].as_str().unwrap(), &a).await;
    right.assert_problem(429, "too_many_requests");
}

#[tokio::test]
async fn forty_concurrent_wrong_codes_get_ten_looked_up_and_right_codes_are_not_counted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, students) = contract_with_students(&app, &s, 12).await;
    let a = package(&app, &s, &contract, "Paquete A", "50").await;
    // Twelve families on one network ordering with their real codes: none is throttled.
    for student in &students {
        family_order(&app, "acme", student["access_code"].as_str().unwrap(), &a).await.assert(201);
    }
    let guesses = (0..40u8).map(|i| {
        let guess = format!("ZZZZZ{}{}{}", (b'2' + i / 8) as char, (b'2' + i % 8) as char, 'Z');
        let app = &app;
        let a = &a;
        async move { family_order(app, "acme", &guess, a).await.status.as_u16() }
    });
    let statuses = futures::future::join_all(guesses).await;
    assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 10, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 30, "{statuses:?}");
}

#[tokio::test]
async fn after_the_deadline_an_order_is_still_taken_flagged_late_with_the_fee() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let yesterday = today() - Days::new(1);
    let contract = active_contract(&app, &s, Some(yesterday), "15.50", "10").await;
    import(&app, &s, &contract, super::csv_text(&super::HEADER, &super::students(2), ',').into_bytes(), "l.csv")
        .await
        .assert(200);
    let students = super::roster(&app, &s, &contract).await;
    let a = package(&app, &s, &contract, "Paquete A", "85.50").await;

    let family = family_order(&app, "acme", students[0]["access_code"].as_str().unwrap(), &a).await;
    family.assert(201);
    assert_eq!(family.body["late"], true);
    assert_eq!(family.body["late_fee"], "15.50");
    assert_eq!(family.body["total"], "101.00");
    let staff = staff_order(&app, "acme", &s.token, &contract, "A0002", &a).await;
    staff.assert(201);
    assert_eq!((staff.body["late"].clone(), staff.body["late_fee"].clone()), (json!(true), json!("15.50")));
    assert_eq!(staff.body["channel"], "staff");
    let late =
        app.as_studio(&s, Method::GET, &format!("/api/contracts/{contract}/package-orders?late=true")).send().await;
    assert_eq!(late.body["count"], 2);
}

#[tokio::test]
async fn only_an_active_contract_takes_family_orders_and_only_packages_on_sale() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, students) = contract_with_students(&app, &s, 2).await;
    let a = package(&app, &s, &contract, "Paquete A", "50").await;
    let code = students[0]["access_code"].as_str().unwrap();

    app.as_studio(&s, Method::PUT, &format!("/api/contracts/{contract}/packages/{a}"))
        .json(json!({"name": "Paquete A", "price": "50", "active": false}))
        .send()
        .await
        .assert(200);
    family_order(&app, "acme", code, &a).await.assert_problem(409, "package_unavailable");
    app.as_studio(&s, Method::PUT, &format!("/api/contracts/{contract}/packages/{a}"))
        .json(json!({"name": "Paquete A", "price": "50"}))
        .send()
        .await
        .assert(200);

    set_status(&app, &s, &contract, "completed").await;
    let refused = family_order(&app, "acme", code, &a).await;
    refused.assert_problem(409, "contract_not_open");
    assert_eq!(refused.body["context"], json!({"status": "completed"}));
    staff_order(&app, "acme", &s.token, &contract, "A0001", &a).await.assert_problem(409, "contract_not_open");

    // A draft contract: its packages and roster can be prepared, but nobody orders yet.
    let school = app.create_client(&s, json!({"kind": "school", "name": "Colegio Nuevo"})).await;
    let draft = app
        .as_studio(&s, Method::POST, "/api/contracts")
        .json(super::contract_body(&school, None, "0", "0"))
        .send()
        .await;
    let draft = draft.body["id"].as_str().unwrap().to_owned();
    import(&app, &s, &draft, super::csv_text(&super::HEADER, &super::students(1), ',').into_bytes(), "x.csv")
        .await
        .assert(200);
    let p = package(&app, &s, &draft, "Paquete A", "50").await;
    let code = super::roster(&app, &s, &draft).await[0]["access_code"].as_str().unwrap().to_owned();
    let refused = family_order(&app, "acme", &code, &p).await;
    assert_eq!(refused.body["context"], json!({"status": "draft"}));
}

#[tokio::test]
async fn staff_record_orders_managers_prepare_rosters_accountants_only_read() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, _) = contract_with_students(&app, &s, 3).await;
    let a = package(&app, &s, &contract, "Paquete A", "50").await;
    let staff = app.user_with_role(&s, "staff").await;
    let manager = app.user_with_role(&s, "manager").await;
    let accountant = app.user_with_role(&s, "accountant").await;

    let recorded = staff_order(&app, "acme", &staff, &contract, "A0001", &a).await;
    recorded.assert(201);
    let location = recorded.headers["location"].to_str().unwrap().to_owned();
    let got = app.call(Method::GET, &location).via(Via::Header("acme".into())).token(&accountant).send().await;
    got.assert(200);
    assert!(got.body["recorded_by"].is_string());
    staff_order(&app, "acme", &accountant, &contract, "A0002", &a).await.assert_problem(403, "forbidden");
    staff_order(&app, "acme", &manager, &contract, "A0002", &a).await.assert(201);
    // The student and package must be of this contract.
    let bad = staff_order(&app, "acme", &staff, &contract, "NOPE", &uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(bad.fields(), ["student_id", "package_id"]);

    let csv = super::csv_text(&super::HEADER, &super::students(4), ',').into_bytes();
    super::upload_as(&app, "acme", &staff, &contract, csv.clone(), "l.csv").await.assert_problem(403, "forbidden");
    super::upload_as(&app, "acme", &manager, &contract, csv, "l.csv").await.assert(200);
    let as_role = |token: &str, method: Method, path: String| {
        app.call(method, &path).via(Via::Header("acme".into())).token(token).send()
    };
    let summary = format!("/api/contracts/{contract}/summary");
    as_role(&accountant, Method::GET, summary).await.assert(200);
    as_role(&manager, Method::DELETE, format!("/api/contracts/{contract}/roster/A0004"))
        .await
        .assert_problem(403, "forbidden");
    // A student or package with orders stays; so does the contract.
    let remove = app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{contract}/roster/A0001")).send().await;
    remove.assert_problem(409, "student_has_orders");
    let drop = app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{contract}/packages/{a}")).send().await;
    drop.assert_problem(409, "package_has_orders");
    let gone = app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{contract}")).send().await;
    gone.assert_problem(409, "contract_in_use");
    assert_eq!(gone.body["context"], json!({"orders": 0, "package_orders": 2}));
    app.as_studio(&s, Method::DELETE, &format!("/api/contracts/{contract}/roster/A0004")).send().await.assert(204);
}

#[tokio::test]
async fn five_submits_of_one_order_at_once_make_one_order() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let (contract, students) = contract_with_students(&app, &s, 1).await;
    let a = package(&app, &s, &contract, "Paquete A", "50").await;
    let code = students[0]["access_code"].as_str().unwrap();
    let replies = futures::future::join_all((0..5).map(|_| family_order(&app, "acme", code, &a))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    for reply in replies.iter().filter(|r| r.status != 201) {
        reply.assert_problem(409, "already_ordered");
    }
    let listed = app.as_studio(&s, Method::GET, &format!("/api/contracts/{contract}/package-orders")).send().await;
    assert_eq!(listed.body["count"], 1);
    assert!(listed.body["results"][0]["number"].as_str().unwrap().ends_with("-00001"), "no number lost");
}

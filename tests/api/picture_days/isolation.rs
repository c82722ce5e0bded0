//! Another studio can neither see, change nor point at a studio's picture days: its
//! contract ids, student ids, package ids, order ids and access codes are refused on every
//! route, and A's data stays as it was.

use reqwest::Method;
use serde_json::json;

use super::{HEADER, contract_with_students, csv_text, family_order, package, staff_order, upload_as};
use crate::helpers::{Via, spawn_app};

#[tokio::test]
async fn another_studio_can_neither_see_nor_change_nor_point_at_picture_days() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let (contract, students) = contract_with_students(&app, &a, 2).await;
    let pkg = package(&app, &a, &contract, "Paquete A", "50").await;
    let order = staff_order(&app, "acme", &a.token, &contract, "A0001", &pkg).await;
    order.assert(201);
    let order_id = order.body["id"].as_str().unwrap().to_owned();
    let code = students[1]["access_code"].as_str().unwrap().to_owned();

    // Every route of A's contract, called by B.
    let student = json!({"student_id": "A0001", "name": "Robado", "grade": "1ro"});
    let pkg_body = json!({"name": "Robado", "price": "1"});
    let order_body = json!({"student_id": "A0002", "package_id": pkg});
    let base = format!("/api/contracts/{contract}");
    let calls: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, format!("{base}/roster"), None),
        (Method::GET, format!("{base}/roster?format=csv"), None),
        (Method::POST, format!("{base}/roster"), Some(student.clone())),
        (Method::GET, format!("{base}/roster/A0001"), None),
        (Method::PUT, format!("{base}/roster/A0001"), Some(student)),
        (Method::DELETE, format!("{base}/roster/A0002"), None),
        (Method::POST, format!("{base}/roster/A0001/new-code"), None),
        (Method::GET, format!("{base}/packages"), None),
        (Method::POST, format!("{base}/packages"), Some(pkg_body.clone())),
        (Method::GET, format!("{base}/packages/{pkg}"), None),
        (Method::PUT, format!("{base}/packages/{pkg}"), Some(pkg_body)),
        (Method::DELETE, format!("{base}/packages/{pkg}"), None),
        (Method::GET, format!("{base}/package-orders"), None),
        (Method::POST, format!("{base}/package-orders"), Some(order_body)),
        (Method::GET, format!("{base}/package-orders/{order_id}"), None),
        (Method::GET, format!("{base}/summary"), None),
    ];
    for (method, path, body) in calls {
        let mut call = app.as_studio(&b, method.clone(), &path);
        if let Some(body) = body {
            call = call.json(body);
        }
        call.send().await.assert_problem(404, "not_found");
    }
    let csv = csv_text(&HEADER, &super::students(1), ',').into_bytes();
    upload_as(&app, "beta", &b.token, &contract, csv, "x.csv").await.assert_problem(404, "not_found");
    // A's token does not work at B, and B's at A.
    app.call(Method::GET, &format!("{base}/roster"))
        .via(Via::Header("beta".into()))
        .token(&a.token)
        .send()
        .await
        .assert(401);

    // B's own contract cannot point at A's package, students or order.
    let (b_contract, _) = contract_with_students(&app, &b, 1).await;
    let b_pkg = package(&app, &b, &b_contract, "Paquete B", "10").await;
    let pointing = staff_order(&app, "beta", &b.token, &b_contract, "A0001", &pkg).await;
    assert_eq!(pointing.fields(), ["package_id"], "A's package is not B's");
    let b_base = format!("/api/contracts/{b_contract}");
    app.as_studio(&b, Method::GET, &format!("{b_base}/package-orders/{order_id}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_studio(&b, Method::GET, &format!("{b_base}/packages/{pkg}")).send().await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::GET, &format!("{b_base}/roster/A0002")).send().await.assert_problem(404, "not_found");
    // A's access code at B's host opens nothing, like an unknown one.
    family_order(&app, "beta", &code, &b_pkg).await.assert_problem(404, "not_found");
    family_order(&app, "beta", &code, &pkg).await.assert_problem(404, "not_found");
    let offer = app
        .call(Method::POST, "/api/public/access-code")
        .via(Via::Header("beta".into()))
        .json(json!({"access_code": code}))
        .send()
        .await;
    offer.assert_problem(404, "not_found");
    // The public routes still need a studio.
    let nowhere = app
        .call(Method::POST, "/api/public/package-orders")
        .json(json!({"access_code": code, "package_id": pkg}))
        .send()
        .await;
    nowhere.assert_problem(400, "tenant_required");

    // A's picture day is as it was.
    let summary = app.as_studio(&a, Method::GET, &format!("{base}/summary")).send().await;
    assert_eq!((summary.body["students"].clone(), summary.body["orders"].clone()), (json!(2), json!(1)));
    let got = app.as_studio(&a, Method::GET, &format!("{base}/roster/A0001")).send().await;
    assert_eq!(got.body["name"], "Peña Núñez, María José 1");
    let pkg_now = app.as_studio(&a, Method::GET, &format!("{base}/packages/{pkg}")).send().await;
    assert_eq!(pkg_now.body["price"], "50.00");
    let mut conn = app.raw().await;
    let beta_rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM t_beta.roster_students").fetch_one(&mut conn).await.unwrap();
    assert_eq!(beta_rows, 1);
}

//! The summary against numbers worked out by hand, to the cent.

use chrono::Days;
use reqwest::Method;
use serde_json::json;

use super::{active_contract, family_order, import, package, roster, staff_order, today};
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_summary_matches_hand_computed_numbers_to_the_cent() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let end = today() + Days::new(120);
    let contract = active_contract(&app, &s, Some(end), "7.35", "7.75").await;
    import(&app, &s, &contract, super::csv_text(&super::HEADER, &super::students(5), ',').into_bytes(), "l.csv")
        .await
        .assert(200);
    let students = roster(&app, &s, &contract).await;
    let code = |student_id: &str| {
        students.iter().find(|s| s["student_id"] == student_id).unwrap()["access_code"].as_str().unwrap().to_owned()
    };
    let a = package(&app, &s, &contract, "Paquete A", "85.50").await;
    let b = package(&app, &s, &contract, "Paquete B", "120.00").await;
    let c = package(&app, &s, &contract, "Paquete C", "45.90").await;

    // On time: A0001 A, A0002 A and B, A0003 B.
    family_order(&app, "acme", &code("A0001"), &a).await.assert(201);
    family_order(&app, "acme", &code("A0002"), &a).await.assert(201);
    staff_order(&app, "acme", &s.token, &contract, "A0002", &b).await.assert(201);
    family_order(&app, "acme", &code("A0003"), &b).await.assert(201);
    // The deadline moves to yesterday: A0004's A is late, and so is A0003's A.
    let school =
        app.as_studio(&s, Method::GET, &format!("/api/contracts/{contract}")).send().await.body["school_id"].clone();
    let mut terms = super::contract_body(school.as_str().unwrap(), Some(today() - Days::new(1)), "7.35", "7.75");
    terms["title"] = json!("Fotos escolares");
    app.as_studio(&s, Method::PUT, &format!("/api/contracts/{contract}")).json(terms).send().await.assert(200);
    family_order(&app, "acme", &code("A0004"), &a).await.assert(201);
    staff_order(&app, "acme", &s.token, &contract, "A0003", &a).await.assert(201);
    // A's price changes afterwards: the orders keep theirs.
    app.as_studio(&s, Method::PUT, &format!("/api/contracts/{contract}/packages/{a}"))
        .json(json!({"name": "Paquete A", "price": "90.00"}))
        .send()
        .await
        .assert(200);

    let summary = app.as_studio(&s, Method::GET, &format!("/api/contracts/{contract}/summary")).send().await;
    summary.assert(200);
    let sum = &summary.body;
    assert_eq!(sum["students"], 5);
    assert_eq!(sum["students_with_order"], 4);
    assert_eq!(sum["students_without_order"], 1);
    assert_eq!(sum["orders"], 6);
    assert_eq!(sum["late_orders"], 2);
    // By hand: A 4 × 85.50 = 342.00; B 2 × 120.00 = 240.00; C nothing.
    let by_package: Vec<_> = sum["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["package_id"].as_str().unwrap().to_owned(), p["orders"].clone(), p["revenue"].clone()))
        .collect();
    assert_eq!(
        by_package,
        [
            (c.clone(), json!(0), json!("0.00")),
            (a.clone(), json!(4), json!("342.00")),
            (b.clone(), json!(2), json!("240.00"))
        ]
    );
    assert_eq!(sum["packages"][1]["price"], "90.00");
    // 342.00 + 240.00 = 582.00 for packages, 2 × 7.35 = 14.70 late: 596.70 in all.
    assert_eq!(sum["package_revenue"], "582.00");
    assert_eq!(sum["late_fees"], "14.70");
    assert_eq!(sum["revenue"], "596.70");
    // 7.75 % of 596.70 = 46.24425 → 46.24.
    assert_eq!(sum["commission_percent"], "7.75");
    assert_eq!(sum["commission"], "46.24");
}

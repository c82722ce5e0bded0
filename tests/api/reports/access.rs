//! Who sees which report, bad periods, names and formats, and one studio's figures never
//! reaching another.

use reqwest::Method;
use serde_json::json;

use super::fixture::{la_paz_sales, studio_in};
use super::{download, report};
use crate::helpers::{Via, individual, spawn_app};

#[tokio::test]
async fn accountants_get_the_financial_report_only_and_staff_get_nothing() {
    let app = spawn_app().await;
    let s = studio_in(&app, "acme", "PE").await;
    let manager = app.user_with_role(&s, "manager").await;
    let accountant = app.user_with_role(&s, "accountant").await;
    let staff = app.user_with_role(&s, "staff").await;
    let as_user =
        |token: &str, path: &str| app.call(Method::GET, path).via(Via::Header("acme".into())).token(token).send();
    for (token, financial, workshop) in
        [(&s.token, 200, 200), (&manager, 200, 200), (&accountant, 200, 403), (&staff, 403, 403)]
    {
        assert_eq!(as_user(token, "/api/reports/financial").await.status.as_u16(), financial);
        assert_eq!(as_user(token, "/api/reports/inventory").await.status.as_u16(), workshop);
        assert_eq!(as_user(token, "/api/reports/production").await.status.as_u16(), workshop);
        for format in ["pdf", "excel", "csv"] {
            assert_eq!(download(&app, "acme", token, format, "report=financial").await.status, financial);
            assert_eq!(download(&app, "acme", token, format, "report=inventory").await.status, workshop);
            assert_eq!(download(&app, "acme", token, format, "report=production").await.status, workshop);
        }
    }
    let refused = as_user(&accountant, "/api/reports/export/pdf?report=inventory").await;
    refused.assert_problem(403, "forbidden");
    as_user(&staff, "/api/reports/financial").await.assert_problem(403, "forbidden");
}

#[tokio::test]
async fn reversed_absurd_and_over_long_periods_unknown_names_and_formats_are_named_and_write_nothing() {
    let app = spawn_app().await;
    let s = studio_in(&app, "acme", "PE").await;
    let audit_before = app.audit_actions("acme").await.len();
    let cases = [
        ("/api/reports/financial?from=2025-03-01&to=2025-02-28", 422, vec!["to"]),
        ("/api/reports/inventory?from=1900-01-01&to=2025-02-28", 422, vec!["from"]),
        ("/api/reports/production?from=2025-01-01&to=3025-01-01", 422, vec!["to"]),
        ("/api/reports/financial?from=2019-01-01&to=2024-01-01", 422, vec!["to"]),
        ("/api/reports/financial?to=2020-01-01&from=2026-01-01", 422, vec!["to"]),
        ("/api/reports/export/pdf?report=sales", 422, vec!["report"]),
        ("/api/reports/export/docx?report=financial", 422, vec!["format"]),
        ("/api/reports/export/xls?report=ventas", 422, vec!["format", "report"]),
        ("/api/reports/export/csv?report=financial&from=2025-02-01&to=2025-01-01", 422, vec!["to"]),
    ];
    for (path, status, fields) in cases {
        let reply = app.as_studio(&s, Method::GET, path).send().await;
        reply.assert_problem(status, "validation_failed");
        assert_eq!(reply.fields(), fields, "{path}");
    }
    for path in [
        "/api/reports/financial?from=2025-13-01",
        "/api/reports/financial?to=yesterday",
        "/api/reports/inventory?from=2025-02-30",
        "/api/reports/export/pdf",
        "/api/reports/export/pdf?report=financial&from=1",
    ] {
        let reply = app.as_studio(&s, Method::GET, path).send().await;
        reply.assert_problem(400, "invalid_parameter");
    }
    let reply = app.as_studio(&s, Method::GET, "/api/reports/financial?from=2025-13-01").send().await;
    assert!(reply.body["detail"].as_str().unwrap().contains("`from`"), "{}", reply.body);
    // Five years less a day is the longest period.
    app.as_studio(&s, Method::GET, "/api/reports/financial?from=2020-01-01&to=2024-12-31").send().await.assert(200);
    assert_eq!(app.audit_actions("acme").await.len(), audit_before, "reports write nothing");
}

#[tokio::test]
async fn a_studio_reports_its_own_figures_only() {
    let app = spawn_app().await;
    let la_paz = studio_in(&app, "lapaz", "BO").await;
    la_paz_sales(&app, &la_paz).await;
    let other = studio_in(&app, "otro", "BO").await;
    let client = app.create_client(&other, individual("Rosa")).await;
    app.as_studio(&other, Method::POST, "/api/orders")
        .json(json!({"client_id": client, "order_date": "2025-01-20",
                     "items": [{"kind": "print", "description": "Foto", "quantity": 1, "unit_price": "10.00"}]}))
        .send()
        .await
        .assert(201);
    let mine = report(&app, &other, "financial", "from=2025-01-01&to=2025-02-28").await;
    assert_eq!(mine.assert(200).body["revenue"]["total"], "10.00", "only its own order");
    assert_eq!(mine.body["receivables"]["total"], "10.00");
    assert_eq!(mine.body["studio"], "Foto otro");
    // Another studio's token does not open La Paz's reports or files.
    let theirs = app
        .call(Method::GET, "/api/reports/financial?from=2025-01-01&to=2025-02-28")
        .via(Via::Header("lapaz".into()))
        .token(&other.token)
        .send()
        .await;
    theirs.assert_problem(401, "unauthorized");
    assert_eq!(download(&app, "lapaz", &other.token, "pdf", "report=financial").await.status, 401);
    let csv = download(&app, "otro", &other.token, "csv", "report=financial&from=2025-01-01&to=2025-02-28").await;
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(!text.contains("Ana Mamani") && text.contains("Rosa"), "{text}");
}

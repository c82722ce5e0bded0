//! Search over number, client name and notes, and the list's filters and pages.

use reqwest::Method;
use serde_json::{Value, json};

use super::{contract_for, create, id, order, pay, set_status, two_lines, user_id, year};
use crate::helpers::{individual, spawn_app};

#[tokio::test]
async fn search_matches_number_client_name_and_notes_and_follows_a_renamed_client() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let ana = app.create_client(&s, individual("Ana Quispe")).await;
    let luis = app.create_client(&s, individual("Luis Fernández")).await;
    let mut noted = order(&luis, two_lines());
    noted["notes"] = json!("Marco dorado 100% madera");
    create(&app, &s, order(&ana, two_lines())).await;
    create(&app, &s, noted).await;
    let found = |q: &str| {
        let call = app.as_studio(&s, Method::GET, &format!("/api/orders/search?q={q}"));
        async move {
            let reply = call.send().await;
            reply.assert(200);
            reply.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["client_name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("QUISPE").await, ["Ana Quispe"], "client name, any case");
    assert_eq!(found(&format!("ORD-{}-00002", year())).await, ["Luis Fernández"], "number");
    assert_eq!(found("dorado").await, ["Luis Fernández"], "notes");
    assert_eq!(found("100%25").await, ["Luis Fernández"], "a % is literal");
    assert_eq!(found(&format!("ord-{}", year())).await, ["Luis Fernández", "Ana Quispe"], "newest first");
    assert!(found("nadie").await.is_empty());

    app.as_studio(&s, Method::PUT, &format!("/api/clients/{ana}"))
        .json(individual("Ana María Torres"))
        .send()
        .await
        .assert(200);
    assert_eq!(found("torres").await, ["Ana María Torres"], "a renamed client is found by the new name");
    assert!(found("quispe").await.is_empty());

    let list = app.as_studio(&s, Method::GET, "/api/orders?search=dorado").send().await;
    assert_eq!(list.body["count"], 1, "the list searches the same way");
    app.as_studio(&s, Method::GET, "/api/orders/search?q=%20").send().await.assert_problem(422, "validation_failed");
    app.as_studio(&s, Method::GET, "/api/orders/search").send().await.assert_problem(400, "invalid_parameter");
    let long = "x".repeat(101);
    app.as_studio(&s, Method::GET, &format!("/api/orders/search?q={long}"))
        .send()
        .await
        .assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn the_list_filters_by_status_payment_client_contract_staff_and_dates() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let staff = app.user_with_role(&s, "staff").await;
    let staff_id = user_id(&app, "acme", &staff).await;
    let ana = app.create_client(&s, individual("Ana")).await;
    let school = app.create_client(&s, json!({"kind": "school", "name": "Colegio"})).await;
    let contract_id = contract_for(&app, &s, &school).await;
    let mut first = order(&ana, two_lines());
    first["order_date"] = json!("2025-01-10");
    let first = id(&create(&app, &s, first).await);
    let mut second = order(&school, two_lines());
    second["order_date"] = json!("2025-02-20");
    second["contract_id"] = json!(contract_id);
    second["assigned_to"] = json!(staff_id);
    let second = id(&create(&app, &s, second).await);
    let mut third = order(&ana, two_lines());
    third["order_date"] = json!("2025-03-05");
    create(&app, &s, third).await;
    pay(&app, &s, &first, "80.00").await.assert(201);
    pay(&app, &s, &second, "10.00").await.assert(201);
    set_status(&app, &s, &first, "confirmed").await.assert(200);

    let numbers = |q: String| {
        let call = app.as_studio(&s, Method::GET, &format!("/api/orders?{q}"));
        async move {
            let reply = call.send().await;
            reply.assert(200);
            reply.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["order_date"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(numbers(String::new()).await, ["2025-03-05", "2025-02-20", "2025-01-10"], "newest first");
    assert_eq!(numbers("status=confirmed".into()).await, ["2025-01-10"]);
    assert_eq!(numbers("status=pending".into()).await, ["2025-03-05", "2025-02-20"]);
    assert_eq!(numbers("payment_status=paid".into()).await, ["2025-01-10"]);
    assert_eq!(numbers("payment_status=partial".into()).await, ["2025-02-20"]);
    assert_eq!(numbers("payment_status=unpaid".into()).await, ["2025-03-05"]);
    assert_eq!(numbers(format!("client_id={ana}")).await, ["2025-03-05", "2025-01-10"]);
    assert_eq!(numbers(format!("contract_id={contract_id}")).await, ["2025-02-20"]);
    assert_eq!(numbers(format!("assigned_to={staff_id}")).await, ["2025-02-20"]);
    assert_eq!(numbers("from=2025-02-01".into()).await, ["2025-03-05", "2025-02-20"]);
    assert_eq!(numbers("to=2025-02-20".into()).await, ["2025-02-20", "2025-01-10"], "to is inclusive");
    assert_eq!(numbers("from=2025-02-01&to=2025-02-28&status=pending".into()).await, ["2025-02-20"]);
    assert_eq!(numbers(format!("client_id={ana}&payment_status=unpaid")).await, ["2025-03-05"]);

    let page = app.as_studio(&s, Method::GET, "/api/orders?page_size=2&page=2").send().await;
    assert_eq!(page.body["count"], 3);
    assert_eq!(page.body["results"].as_array().unwrap().len(), 1);
    assert_eq!(page.body["previous"], "/api/orders?page=1&page_size=2");
    assert_eq!(page.body["results"][0]["items"], Value::Null, "lists carry summaries, not lines");
    // The total counts the filtered orders, on a page of them and past the last one.
    let one_pending = app.as_studio(&s, Method::GET, "/api/orders?status=pending&page_size=1").send().await;
    assert_eq!(one_pending.body["count"], 2);
    assert_eq!(one_pending.body["results"].as_array().unwrap().len(), 1);
    let past_the_end = app.as_studio(&s, Method::GET, "/api/orders?status=pending&page_size=1&page=5").send().await;
    assert_eq!(past_the_end.body["count"], 2, "counted with its filter even past the last page");
    assert!(past_the_end.body["results"].as_array().unwrap().is_empty());

    let reversed = app.as_studio(&s, Method::GET, "/api/orders?from=2025-03-01&to=2025-02-01").send().await;
    reversed.assert_problem(422, "validation_failed");
    assert_eq!(reversed.fields(), ["to"]);
    for bad in ["status=lost", "payment_status=some", "client_id=nope", "from=2025-13-01", "assigned_to=1"] {
        app.as_studio(&s, Method::GET, &format!("/api/orders?{bad}"))
            .send()
            .await
            .assert_problem(400, "invalid_parameter");
    }
}

#[tokio::test]
async fn the_search_text_is_covered_by_a_trigram_index() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let ana = app.create_client(&s, individual("Ana Quispe")).await;
    create(&app, &s, order(&ana, two_lines())).await;
    let mut db = app.raw().await;
    sqlx::raw_sql("SET enable_seqscan = off").execute(&mut db).await.unwrap();
    let plan: Vec<String> = sqlx::query_scalar("EXPLAIN SELECT id FROM t_acme.orders WHERE search_text LIKE '%quisp%'")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert!(plan.iter().any(|line| line.contains("orders_search_idx")), "{plan:#?}");
}

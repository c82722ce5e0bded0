//! Production: gap-free `PRD` numbers under concurrency, the status workflow and its times,
//! registrations that take exactly a quoted frame's moulding and make its product, any bad
//! line writing nothing, efficiency per order and per category, roles, bad input and
//! isolation.

use chrono::{Datelike, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, Studio, TestApp, Via, spawn_app};
use crate::inventory::{buy, create, fetch, id, ledger_size, material, mismatches, rack, record};
use crate::quotes::{quote, shop};

pub async fn create_order(app: &TestApp, s: &Studio, body: Value) -> Value {
    let reply = app.as_studio(s, Method::POST, "/api/production/orders").json(body).send().await;
    reply.assert(201);
    reply.body
}

pub async fn register(app: &TestApp, s: &Studio, body: Value) -> Reply {
    app.as_studio(s, Method::POST, "/api/production/register").json(body).send().await
}

async fn set_status(app: &TestApp, s: &Studio, id: &str, status: &str) -> Reply {
    app.as_studio(s, Method::POST, &format!("/api/production/orders/{id}/status"))
        .json(json!({"status": status}))
        .send()
        .await
}

async fn product_count(app: &TestApp, s: &Studio) -> i64 {
    app.as_studio(s, Method::GET, "/api/products").send().await.assert(200).body["count"].as_i64().unwrap()
}

#[tokio::test]
async fn thirty_orders_created_at_once_get_thirty_consecutive_numbers() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let calls = (0..30).map(|i| {
        app.as_studio(&s, Method::POST, "/api/production/orders")
            .json(json!({"description": format!("Marco {i}"), "planned_quantity": 1}))
            .send()
    });
    let replies = futures::future::join_all(calls).await;
    let mut numbers: Vec<String> =
        replies.iter().map(|r| r.assert(201).body["number"].as_str().unwrap().to_owned()).collect();
    numbers.sort();
    let year = Utc::now().year();
    assert_eq!(numbers, (1..=30).map(|i| format!("PRD-{year}-{i:05}")).collect::<Vec<_>>());
    let listed = app.as_studio(&s, Method::GET, "/api/production/orders?page_size=5").send().await;
    assert_eq!(listed.body["count"], 30);
    assert_eq!(listed.body["results"][0]["number"], format!("PRD-{year}-00030"), "newest first");
}

#[tokio::test]
async fn the_status_follows_its_workflow_and_the_transitions_set_the_times() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let staff = app.user_with_role(&s, "staff").await;
    let users = app.as_studio(&s, Method::GET, "/api/users?role=staff").send().await;
    let assignee = users.body["results"][0]["id"].as_str().unwrap().to_owned();
    let customer = crate::orders::client_and_order(&app, &s).await;
    let order = create_order(&app, &s, json!({"description": "Álbum de graduación", "planned_quantity": 3,
                                                "assignee_id": assignee, "due_on": "2026-12-01",
                                                "order_id": customer["id"], "order_item_id": customer["items"][0]["id"]})).await;
    assert_eq!(order["status"], "planned");
    assert_eq!(order["assignee_name"], "staff");
    assert_eq!(order["started_at"], Value::Null);
    let oid = id(&order);
    let early = set_status(&app, &s, &oid, "done").await;
    early.assert_problem(409, "invalid_transition");
    assert_eq!(early.body["context"], json!({"from": "planned", "to": "done"}));
    let started = set_status(&app, &s, &oid, "in_progress").await;
    assert!(started.assert(200).body["started_at"].is_string());
    assert_eq!(started.body["finished_at"], Value::Null);
    // Staff move production along too.
    let done = app
        .call(Method::POST, &format!("/api/production/orders/{oid}/status"))
        .via(Via::Header("acme".into()))
        .token(&staff)
        .json(json!({"status": "done"}))
        .send()
        .await;
    assert!(done.assert(200).body["finished_at"].is_string());
    let back = set_status(&app, &s, &oid, "in_progress").await;
    back.assert_problem(409, "invalid_transition");
    assert_eq!(back.body["context"], json!({"from": "done", "to": "in_progress"}));
    app.as_studio(&s, Method::PUT, &format!("/api/production/orders/{oid}"))
        .json(json!({"description": "otra cosa"}))
        .send()
        .await
        .assert_problem(409, "production_order_closed");
    let other = id(&create_order(&app, &s, json!({"description": "Retablo"})).await);
    let cancelled = set_status(&app, &s, &other, "cancelled").await;
    assert!(cancelled.assert(200).body["finished_at"].is_string());
    set_status(&app, &s, &other, "planned").await.assert_problem(409, "invalid_transition");
    set_status(&app, &s, &other, "paused").await.assert_problem(400, "invalid_body");
    let actions = app.audit_actions("acme").await;
    assert!(actions.iter().filter(|a| *a == "production_order.updated").count() >= 3, "{actions:?}");
}

#[tokio::test]
async fn registering_a_quoted_frame_takes_exactly_its_moulding_and_makes_its_product() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let shop = shop(&app, &s).await;
    buy(&app, &s, &shop.narrow, "5.8", "8.00").await;
    buy(&app, &s, &shop.glazing, "2", "45.00").await;
    buy(&app, &s, &shop.backing, "2", "18.00").await;
    let q = quote(
        &app,
        &s,
        json!({"artwork_width_cm": "30", "artwork_height_cm": "40", "moulding_id": shop.narrow,
                                   "glazing_id": shop.glazing, "backing_id": shop.backing}),
    )
    .await;
    let item = q.assert(200).body["frame_item"].clone();
    assert_eq!(q.body["lines"][0]["in_stock"], true);
    // The order item the orders module will keep: its production order carries the specs.
    let customer_order = crate::orders::id(&crate::orders::client_and_order(&app, &s).await);
    let order = create_order(
        &app,
        &s,
        json!({"description": item["description"], "order_id": customer_order,
                                                "specs": item["specs"]}),
    )
    .await;
    let oid = id(&order);
    let reply = register(&app, &s, json!({
        "production_order_id": oid,
        "used": item["specs"]["consumption"],
        "wasted": [{"material_id": shop.glazing, "quantity": "0.12", "reason": "damage", "note": "vidrio rajado al cortar"}],
        "products": [{"name": "Marco 30 × 40 negro", "kind": "framed_picture", "price": item["unit_price"],
                      "location": "Mostrador"}],
    })).await;
    reply.assert(201);
    let r = &reply.body;
    assert_eq!(r["produced_quantity"], 1, "the products made, by default");
    assert_eq!(r["production_order"]["status"], "in_progress", "a planned order starts");
    assert_eq!(r["production_order"]["produced_quantity"], 1);
    // Used 1.716 m of moulding cut as quoted: 379 + 379 + 479 + 479 from one stick, 1184 left.
    let moulding_moves: Vec<&Value> =
        r["movements"].as_array().unwrap().iter().filter(|m| m["material_id"] == shop.narrow.as_str()).collect();
    assert_eq!(moulding_moves.len(), 1);
    assert_eq!(moulding_moves[0]["quantity"], "-1.716");
    assert_eq!(moulding_moves[0]["production_order_id"], oid.as_str());
    assert_eq!(moulding_moves[0]["registration_id"], r["id"]);
    assert_eq!(fetch(&app, &s, &shop.narrow).await["stock"], "4.084");
    assert_eq!(rack(&app, &s, &shop.narrow).await, [2900, 1184]);
    // Glazing: 0.12 used and 0.12 wasted.
    assert_eq!(fetch(&app, &s, &shop.glazing).await["stock"], "1.760");
    let product = &r["products"][0];
    assert_eq!(product["status"], "reserved", "made for a customer order: held for it");
    assert_eq!(product["order_id"], customer_order);
    assert_eq!(product["production_order_id"], oid.as_str());
    assert_eq!(product["price"], "69.00");
    assert!(product["code"].as_str().unwrap().starts_with(&format!("FP-{}-", Utc::now().year())));
    // The order now shows what it used and wasted.
    let detail = app.as_studio(&s, Method::GET, &format!("/api/production/orders/{oid}")).send().await;
    let eff = &detail.assert(200).body["efficiency"];
    assert_eq!(detail.body["registrations"], 1);
    assert_eq!(detail.body["number"], order["number"], "the order's own fields, flattened");
    let glazing =
        eff["materials"].as_array().unwrap().iter().find(|m| m["material_id"] == shop.glazing.as_str()).unwrap();
    assert_eq!((glazing["used"].as_str(), glazing["wasted"].as_str()), (Some("0.120"), Some("0.120")));
    assert_eq!(glazing["efficiency_percent"], "50.00");
    let moulding =
        eff["materials"].as_array().unwrap().iter().find(|m| m["material_id"] == shop.narrow.as_str()).unwrap();
    assert_eq!(moulding["efficiency_percent"], "100.00");
    // Value: used 13.73 + 5.40 + 2.16 = 21.29; wasted 5.40: 21.29 / 26.69 = 79.77%.
    assert_eq!(eff["used_value"], "21.29");
    assert_eq!(eff["wasted_value"], "5.40");
    assert_eq!(eff["efficiency_percent"], "79.77");
    assert_eq!(eff["waste_by_reason"], json!([{"reason": "damage", "value": "5.40"}]));
    assert!(mismatches(&app, "acme").await.is_empty());
    assert!(app.audit_actions("acme").await.contains(&"production.registered".to_owned()));
    let by_order =
        app.as_studio(&s, Method::GET, &format!("/api/inventory/movements?production_order_id={oid}")).send().await;
    assert_eq!(by_order.body["count"], 4);
}

#[tokio::test]
async fn one_bad_line_rolls_back_the_whole_registration() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let other = app.studio("beta").await;
    let shop = shop(&app, &s).await;
    buy(&app, &s, &shop.narrow, "2.9", "8.00").await;
    let mugs = id(&create(&app, &s, material("souvenirs", "TAZA")).await);
    buy(&app, &s, &mugs, "5", "4.00").await;
    let foreign = id(&create(&app, &other, material("souvenirs", "AJENA")).await);
    buy(&app, &other, &foreign, "5", "4.00").await;
    app.as_studio(&s, Method::POST, "/api/products")
        .json(json!({"code": "TAKEN-1", "name": "Existente", "kind": "other"}))
        .send()
        .await
        .assert(201);
    let oid = id(&create_order(&app, &s, json!({"description": "Lote de tazas"})).await);
    let good_cut = json!({"material_id": shop.narrow, "quantity": "1.2", "cuts_mm": [300, 300, 300, 300]});
    let good_mugs = json!({"material_id": mugs, "quantity": "2"});
    let good_product = json!({"name": "Taza personalizada", "kind": "souvenir", "price": "25"});
    let before_ledger = ledger_size(&app, &s).await;
    let before_products = product_count(&app, &s).await;
    let before_audit = app.audit_actions("acme").await.len();
    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        // Not enough mugs on the last line: the cut before it is undone too.
        (
            json!({"used": [good_cut, good_mugs, {"material_id": mugs, "quantity": "4"}], "products": [good_product]}),
            409,
            "insufficient_stock",
            None,
        ),
        // A cut longer than any piece.
        (
            json!({"used": [good_mugs, {"material_id": shop.narrow, "quantity": "3", "cuts_mm": [3000]}]}),
            409,
            "insufficient_stock",
            None,
        ),
        // Another studio's material.
        (
            json!({"used": [good_cut, {"material_id": foreign, "quantity": "1"}]}),
            422,
            "validation_failed",
            Some("used[1].material_id"),
        ),
        // Bad quantities.
        (
            json!({"used": [good_cut], "wasted": [{"material_id": mugs, "quantity": "-1", "reason": "damage"}]}),
            422,
            "validation_failed",
            Some("wasted[0].quantity"),
        ),
        (
            json!({"used": [good_cut, {"material_id": mugs, "quantity": "0.5"}]}),
            422,
            "validation_failed",
            Some("used[1].quantity"),
        ),
        (
            json!({"used": [{"material_id": shop.narrow, "quantity": "1.2", "cuts_mm": [600, 500]}]}),
            422,
            "validation_failed",
            Some("used[0].cuts_mm"),
        ),
        (
            json!({"used": [good_cut], "wasted": [{"material_id": mugs, "quantity": "1", "reason": "offcut"}]}),
            422,
            "validation_failed",
            Some("wasted[0].reason"),
        ),
        // A product code already taken, after the materials were applied.
        (
            json!({"used": [good_cut, good_mugs], "products": [good_product, {"code": "taken-1", "name": "Dup", "kind": "other"}]}),
            409,
            "conflict",
            Some("products[1].code"),
        ),
        // A product naming another studio's client.
        (
            json!({"used": [good_cut], "products": [{"name": "X", "kind": "other", "client_id": uuid::Uuid::new_v4()}]}),
            422,
            "validation_failed",
            Some("products[0].client_id"),
        ),
        (
            json!({"used": [good_cut], "wasted": [{"material_id": mugs, "quantity": 1.5, "reason": "damage"}]}),
            400,
            "invalid_body",
            None,
        ),
        (json!({}), 422, "validation_failed", Some("used")),
    ];
    for (mut body, status, code, field) in cases {
        body["production_order_id"] = json!(oid);
        let reply = register(&app, &s, body.clone()).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        assert_eq!(reply.code(), code, "{body}");
        if let Some(field) = field {
            assert_eq!(reply.fields(), [field], "{body}");
        }
        // Nothing at all was written.
        assert_eq!(ledger_size(&app, &s).await, before_ledger, "{body}");
        assert_eq!(fetch(&app, &s, &shop.narrow).await["stock"], "2.900");
        assert_eq!(rack(&app, &s, &shop.narrow).await, [2900], "{body}");
        assert_eq!(fetch(&app, &s, &mugs).await["stock"], "5.000");
        assert_eq!(product_count(&app, &s).await, before_products);
        assert_eq!(app.audit_actions("acme").await.len(), before_audit, "{body}");
    }
    let order = app.as_studio(&s, Method::GET, &format!("/api/production/orders/{oid}")).send().await;
    assert_eq!(order.body["status"], "planned", "not even started");
    assert_eq!(order.body["produced_quantity"], 0);
    assert_eq!(order.body["registrations"], 0);
    // Another studio's production order cannot be registered on; a closed one refuses.
    let theirs = register(
        &app,
        &other,
        json!({"production_order_id": oid, "used": [{"material_id": foreign, "quantity": "1"}]}),
    )
    .await;
    assert_eq!(theirs.assert(422).fields(), ["production_order_id"]);
    set_status(&app, &s, &oid, "cancelled").await.assert(200);
    register(&app, &s, json!({"production_order_id": oid, "used": [good_mugs]}))
        .await
        .assert_problem(409, "production_order_closed");
    // And a good registration goes through whole.
    let next = id(&create_order(&app, &s, json!({"description": "Otro lote"})).await);
    let ok = register(
        &app,
        &s,
        json!({"production_order_id": next, "used": [good_cut, good_mugs], "products": [good_product],
                                        "produced_quantity": 2}),
    )
    .await;
    ok.assert(201);
    assert_eq!(ok.body["products"][0]["status"], "in_stock", "no customer order: in stock");
    assert_eq!(ok.body["production_order"]["produced_quantity"], 2);
    assert_eq!(rack(&app, &s, &shop.narrow).await, [1700]);
    assert!(mismatches(&app, "acme").await.is_empty());
}

#[tokio::test]
async fn efficiency_over_a_period_is_per_category_by_value_and_per_material() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let paper = id(&create(&app, &s, material("printing", "PAP")).await);
    let paint = id(&create(&app, &s, material("paints", "PIN")).await);
    buy(&app, &s, &paper, "100", "0.50").await;
    buy(&app, &s, &paint, "4", "20.00").await;
    let oid = id(&create_order(&app, &s, json!({"description": "Impresiones"})).await);
    register(
        &app,
        &s,
        json!({"production_order_id": oid,
        "used": [{"material_id": paper, "quantity": "40"}, {"material_id": paint, "quantity": "1.5"}],
        "wasted": [{"material_id": paper, "quantity": "10", "reason": "test_print"}],
        "produced_quantity": 40}),
    )
    .await
    .assert(201);
    // Outside production too: waste in storage, and paper back on the shelf.
    record(&app, &s, json!({"material_id": paint, "kind": "waste", "quantity": "0.5", "waste_reason": "damage", "reason": "lata abierta"})).await.assert(201);
    record(&app, &s, json!({"material_id": paper, "kind": "return", "quantity": "5"})).await.assert(201);
    let reply = app.as_studio(&s, Method::GET, "/api/production/efficiency").send().await;
    let e = &reply.assert(200).body;
    // Paper: used 40 - 5 = 35, wasted 10 → 35/45 = 77.78%; by value 17.50 vs 5.00.
    let paper_row = e["materials"].as_array().unwrap().iter().find(|m| m["sku"] == "PAP").unwrap();
    assert_eq!((paper_row["used"].as_str(), paper_row["wasted"].as_str()), (Some("35.000"), Some("10.000")));
    assert_eq!(paper_row["efficiency_percent"], "77.78");
    let printing = e["categories"].as_array().unwrap().iter().find(|c| c["category"] == "printing").unwrap();
    assert_eq!((printing["used_value"].as_str(), printing["wasted_value"].as_str()), (Some("17.50"), Some("5.00")));
    // Paint: used 1.5 (30.00), wasted 0.5 (10.00) → 75%.
    let paints = e["categories"].as_array().unwrap().iter().find(|c| c["category"] == "paints").unwrap();
    assert_eq!(paints["efficiency_percent"], "75.00");
    // All: used 47.50, wasted 15.00 → 76.00%.
    assert_eq!(e["used_value"], "47.50");
    assert_eq!(e["wasted_value"], "15.00");
    assert_eq!(e["efficiency_percent"], "76.00");
    assert_eq!(
        e["waste_by_reason"],
        json!([{"reason": "damage", "value": "10.00"}, {"reason": "test_print", "value": "5.00"}])
    );
    // A period before any of it is empty; a reversed period is refused.
    let empty = app.as_studio(&s, Method::GET, "/api/production/efficiency?from=2024-01-01&to=2024-01-31").send().await;
    assert_eq!(empty.assert(200).body["materials"], json!([]));
    assert_eq!(empty.body["efficiency_percent"], Value::Null);
    app.as_studio(&s, Method::GET, "/api/production/efficiency?from=2024-02-01&to=2024-01-01")
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.as_studio(&s, Method::GET, "/api/production/efficiency?from=2020-01-01&to=2024-01-01")
        .send()
        .await
        .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn bad_orders_are_refused_naming_the_field_and_only_unused_orders_are_deleted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let other = app.studio("beta").await;
    let their_admin = app.as_studio(&other, Method::GET, "/api/users").send().await.body["results"][0]["id"].clone();
    let ours = crate::orders::client_and_order(&app, &s).await;
    let another = crate::orders::client_and_order(&app, &s).await;
    let theirs = crate::orders::client_and_order(&app, &other).await;
    let cases: Vec<(Value, u16, Option<&str>)> = vec![
        (json!({"description": "x", "order_id": uuid::Uuid::new_v4()}), 422, Some("order_id")),
        (json!({"description": "x", "order_id": theirs["id"]}), 422, Some("order_id")),
        (
            json!({"description": "x", "order_id": ours["id"], "order_item_id": another["items"][0]["id"]}),
            422,
            Some("order_item_id"),
        ),
        (json!({"description": ""}), 422, Some("description")),
        (json!({"description": "x", "planned_quantity": 0}), 422, Some("planned_quantity")),
        (json!({"description": "x", "planned_quantity": 1_000_000}), 422, Some("planned_quantity")),
        (json!({"description": "x", "order_item_id": uuid::Uuid::new_v4()}), 422, Some("order_item_id")),
        (json!({"description": "x", "assignee_id": their_admin}), 422, Some("assignee_id")),
        (json!({"description": "x", "specs": [1, 2]}), 422, Some("specs")),
        (json!({"description": "x", "due_on": "1800-01-01"}), 422, Some("due_on")),
        (json!({"description": "x", "order_id": "not-a-uuid"}), 400, None),
        (json!({"description": "x", "planned_quantity": "tres"}), 400, None),
    ];
    for (body, status, field) in cases {
        let reply = app.as_studio(&s, Method::POST, "/api/production/orders").json(body.clone()).send().await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        if let Some(field) = field {
            assert_eq!(reply.fields(), [field], "{body}");
        }
    }
    assert_eq!(app.as_studio(&s, Method::GET, "/api/production/orders").send().await.body["count"], 0);
    app.as_studio(&s, Method::GET, "/api/production/orders/not-a-uuid")
        .send()
        .await
        .assert_problem(400, "invalid_parameter");
    // Deleting: an unused order goes (admins only); one with a registration stays.
    let unused = id(&create_order(&app, &s, json!({"description": "Sin uso"})).await);
    let manager = app.user_with_role(&s, "manager").await;
    app.call(Method::DELETE, &format!("/api/production/orders/{unused}"))
        .via(Via::Header("acme".into()))
        .token(&manager)
        .send()
        .await
        .assert_problem(403, "forbidden");
    app.as_studio(&s, Method::DELETE, &format!("/api/production/orders/{unused}")).send().await.assert(204);
    let used = id(&create_order(&app, &s, json!({"description": "Con registro"})).await);
    register(&app, &s, json!({"production_order_id": used, "produced_quantity": 1})).await.assert(201);
    app.as_studio(&s, Method::DELETE, &format!("/api/production/orders/{used}"))
        .send()
        .await
        .assert_problem(409, "production_order_in_use");
}

#[tokio::test]
async fn another_studio_can_neither_see_change_nor_name_a_studios_production() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let paper = id(&create(&app, &a, material("printing", "PAP")).await);
    buy(&app, &a, &paper, "10", "1").await;
    let oid = id(&create_order(&app, &a, json!({"description": "Secreto de Acme"})).await);
    register(&app, &a, json!({"production_order_id": oid, "used": [{"material_id": paper, "quantity": "2"}]}))
        .await
        .assert(201);
    assert_eq!(app.as_studio(&b, Method::GET, "/api/production/orders").send().await.body["count"], 0);
    let eff = app.as_studio(&b, Method::GET, "/api/production/efficiency").send().await;
    assert_eq!(eff.assert(200).body["materials"], json!([]));
    app.as_studio(&b, Method::GET, &format!("/api/production/orders/{oid}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_studio(&b, Method::PUT, &format!("/api/production/orders/{oid}"))
        .json(json!({"description": "robado"}))
        .send()
        .await
        .assert_problem(404, "not_found");
    set_status(&app, &b, &oid, "done").await.assert_problem(404, "not_found");
    app.as_studio(&b, Method::DELETE, &format!("/api/production/orders/{oid}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    // B cannot point its own records at A's order.
    let their_paper = id(&create(&app, &b, material("printing", "PAP-B")).await);
    buy(&app, &b, &their_paper, "10", "1").await;
    let movement = record(
        &app,
        &b,
        json!({"material_id": their_paper, "kind": "consumption", "quantity": "1",
                                            "production_order_id": oid}),
    )
    .await;
    assert_eq!(movement.assert(422).fields(), ["production_order_id"]);
    let product = app
        .as_studio(&b, Method::POST, "/api/products")
        .json(json!({"name": "x", "kind": "other", "production_order_id": oid}))
        .send()
        .await;
    assert_eq!(product.assert(422).fields(), ["production_order_id"]);
    let detail = app.as_studio(&a, Method::GET, &format!("/api/production/orders/{oid}")).send().await;
    assert_eq!(detail.body["description"], "Secreto de Acme");
    assert_eq!(detail.body["status"], "in_progress");
}

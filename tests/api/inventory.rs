//! The inventory: materials per category with checked attributes, the stock ledger (its
//! invariant under random movements, races that never take stock under zero, weighted
//! average cost, reversals), mouldings as sticks and remnants cut by best fit, alerts,
//! the verify command, roles, bad input and isolation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, Studio, TestApp, Via, spawn_app};

/// A valid material of `category` with `sku`.
pub fn material(category: &str, sku: &str) -> Value {
    let (unit, attributes) = match category {
        "mouldings" => (
            "metre",
            json!({"width_mm": 20, "rebate_mm": 6, "colour": "roble", "profile": "plano",
                                        "stick_length_mm": 2900}),
        ),
        "paints" => ("litre", json!({"colour": "blanco", "base": "acrylic", "finish": "matte"})),
        "printing" => ("sheet", json!({"kind": "paper", "size": "A4", "weight_gsm": 260, "finish": "lustre"})),
        "souvenirs" => ("unit", json!({"item": "taza", "customisable": true})),
        "equipment" => ("unit", json!({"kind": "printer", "brand": "Epson", "model": "SureColor P700"})),
        "painting_supplies" => ("unit", json!({"kind": "canvas", "size": "40x50 cm"})),
        "design" => ("square_metre", json!({"kind": "glazing", "thickness_mm": 2})),
        other => panic!("no such category {other}"),
    };
    json!({"sku": sku, "name": format!("Material {sku}"), "category": category, "unit": unit,
           "minimum_stock": "0", "unit_cost": "10.00", "supplier": "Proveedor SAC", "location": "Estante A",
           "attributes": attributes})
}

/// A moulding of `width_mm` sold in sticks of `stick_mm`, at `cost` a metre.
pub fn moulding(sku: &str, width_mm: i64, stick_mm: i64, cost: &str) -> Value {
    json!({"sku": sku, "name": format!("Moldura {sku}"), "category": "mouldings", "unit": "metre",
           "minimum_stock": "0", "unit_cost": cost,
           "attributes": {"width_mm": width_mm, "rebate_mm": 6, "colour": "negro", "profile": "plano",
                          "stick_length_mm": stick_mm}})
}

/// Creates a material as the studio's admin and returns it.
pub async fn create(app: &TestApp, s: &Studio, body: Value) -> Value {
    let reply = app.as_studio(s, Method::POST, "/api/inventory/materials").json(body).send().await;
    reply.assert(201);
    reply.body
}

/// Records a movement as the studio's admin.
pub async fn record(app: &TestApp, s: &Studio, body: Value) -> Reply {
    app.as_studio(s, Method::POST, "/api/inventory/movements").json(body).send().await
}

/// Buys `quantity` of a material at `cost`.
pub async fn buy(app: &TestApp, s: &Studio, id: &str, quantity: &str, cost: &str) -> Value {
    let reply =
        record(app, s, json!({"material_id": id, "kind": "purchase", "quantity": quantity, "unit_cost": cost})).await;
    reply.assert(201);
    reply.body
}

/// A material as the API shows it now.
pub async fn fetch(app: &TestApp, s: &Studio, id: &str) -> Value {
    app.as_studio(s, Method::GET, &format!("/api/inventory/materials/{id}")).send().await.assert(200).body.clone()
}

/// The lengths of a moulding's pieces on the rack, longest first.
pub async fn rack(app: &TestApp, s: &Studio, id: &str) -> Vec<i64> {
    let reply =
        app.as_studio(s, Method::GET, &format!("/api/inventory/materials/{id}/pieces?page_size=100")).send().await;
    reply.assert(200);
    reply.body["results"].as_array().unwrap().iter().map(|p| p["length_mm"].as_i64().unwrap()).collect()
}

/// What the verify command's check finds in one studio.
pub async fn mismatches(app: &TestApp, slug: &str) -> Vec<fotostudio::studio::inventory::verify::Mismatch> {
    let tenant = fotostudio::tenancy::catalog::find_by_slug(&app.state.db.catalog, slug).await.unwrap().unwrap();
    let mut db = app.state.db.tenants.acquire(&tenant.schema).await.unwrap();
    fotostudio::studio::inventory::verify::mismatches(&mut db).await.unwrap()
}

/// How many movements a studio's ledger holds.
pub async fn ledger_size(app: &TestApp, s: &Studio) -> i64 {
    app.as_studio(s, Method::GET, "/api/inventory/movements").send().await.assert(200).body["count"].as_i64().unwrap()
}

/// The `id` of a created record.
pub fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn materials_of_every_category_are_created_listed_replaced_and_deleted() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let categories = ["mouldings", "paints", "printing", "souvenirs", "equipment", "painting_supplies", "design"];
    for (i, category) in categories.iter().enumerate() {
        let made = create(&app, &s, material(category, &format!("mat-{i}"))).await;
        assert_eq!(made["sku"], format!("MAT-{i}"), "skus are upper-cased");
        assert_eq!(made["stock"], "0.000", "quantities are strings with three places");
        assert_eq!(made["unit_cost"], "10.00");
        let listed = app.as_studio(&s, Method::GET, &format!("/api/inventory/{category}")).send().await;
        listed.assert(200);
        assert_eq!(listed.body["count"], 1, "{category}");
        assert_eq!(listed.body["results"][0]["category"], *category);
    }
    app.as_studio(&s, Method::GET, "/api/inventory/frames").send().await.assert_problem(404, "not_found");
    let all = app.as_studio(&s, Method::GET, "/api/inventory/materials?page_size=100").send().await;
    assert_eq!(all.body["count"], 7);
    let filtered = app.as_studio(&s, Method::GET, "/api/inventory/materials?category=paints").send().await;
    assert_eq!(filtered.body["count"], 1);
    let found = app.as_studio(&s, Method::GET, "/api/inventory/materials?search=mat-3").send().await;
    assert_eq!(found.body["results"][0]["category"], "souvenirs");

    // The sku is unique whatever its case: 409 naming it.
    let twice =
        app.as_studio(&s, Method::POST, "/api/inventory/materials").json(material("paints", "Mat-1")).send().await;
    twice.assert_problem(409, "conflict");
    assert_eq!(twice.fields(), ["sku"]);

    // Replaced; a material with movements keeps its category and unit, and is not deleted.
    let paint = app.as_studio(&s, Method::GET, "/api/inventory/paints").send().await.body["results"][0].clone();
    let mut changed = material("paints", "MAT-1");
    changed["name"] = json!("Acrílico blanco 1 L");
    changed["location"] = json!("Estante B");
    let put =
        app.as_studio(&s, Method::PUT, &format!("/api/inventory/materials/{}", id(&paint))).json(changed).send().await;
    assert_eq!(put.assert(200).body["location"], "Estante B");
    buy(&app, &s, &id(&paint), "3", "25.00").await;
    let mut recategorised = material("paints", "MAT-1");
    recategorised["unit"] = json!("millilitre");
    let refused = app
        .as_studio(&s, Method::PUT, &format!("/api/inventory/materials/{}", id(&paint)))
        .json(recategorised)
        .send()
        .await;
    refused.assert_problem(409, "material_in_use");
    assert_eq!(refused.fields(), ["unit"]);
    app.as_studio(&s, Method::DELETE, &format!("/api/inventory/materials/{}", id(&paint)))
        .send()
        .await
        .assert_problem(409, "material_in_use");
    let unused = app.as_studio(&s, Method::GET, "/api/inventory/equipment").send().await.body["results"][0].clone();
    app.as_studio(&s, Method::DELETE, &format!("/api/inventory/materials/{}", id(&unused))).send().await.assert(204);
    let actions = app.audit_actions("acme").await;
    for action in ["material.created", "material.updated", "material.deleted", "stock_movement.created"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn attributes_and_units_are_checked_per_category_and_bad_input_writes_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let with = |category: &str, key: &str, value: Value| {
        let mut body = material(category, "BAD-1");
        body[key] = value;
        body
    };
    let attrs = |category: &str, value: Value| with(category, "attributes", value);
    let cases: Vec<(Value, u16, Vec<&str>)> = vec![
        (
            attrs("mouldings", json!({"width_mm": 20, "rebate_mm": 6, "colour": "negro", "profile": "plano"})),
            422,
            vec!["attributes.stick_length_mm"],
        ),
        (
            attrs(
                "mouldings",
                json!({"width_mm": "20", "rebate_mm": 30, "colour": "negro", "profile": "plano",
                                   "stick_length_mm": 2900}),
            ),
            422,
            vec!["attributes.width_mm"],
        ),
        (
            attrs(
                "mouldings",
                json!({"width_mm": 20, "rebate_mm": 25, "colour": "negro", "profile": "plano",
                                   "stick_length_mm": 2900}),
            ),
            422,
            vec!["attributes.rebate_mm"],
        ),
        (attrs("printing", json!({"kind": "paper", "size": "A4"})), 422, vec!["attributes.weight_gsm"]),
        (attrs("paints", json!({"colour": "rojo", "base": "acrylic", "gloss": 3})), 422, vec!["attributes.gloss"]),
        (attrs("design", json!("glazing")), 422, vec!["attributes"]),
        (with("mouldings", "unit", json!("unit")), 422, vec!["unit"]),
        (with("paints", "unit", json!("gallon")), 400, vec![]),
        (with("paints", "minimum_stock", json!("-2")), 422, vec!["minimum_stock"]),
        (with("paints", "minimum_stock", json!("5000000")), 422, vec!["minimum_stock"]),
        (with("paints", "minimum_stock", json!(1.5)), 400, vec![]),
        (with("paints", "unit_cost", json!("-1")), 422, vec!["unit_cost"]),
        (with("paints", "sku", json!("ES PACIO")), 422, vec!["sku"]),
        (with("paints", "category", json!("frames")), 400, vec![]),
        (with("paints", "name", json!("")), 422, vec!["name"]),
    ];
    for (body, status, fields) in cases {
        let reply = app.as_studio(&s, Method::POST, "/api/inventory/materials").json(body.clone()).send().await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        if status == 422 {
            assert_eq!(reply.fields(), fields, "{body}");
        } else {
            assert_eq!(reply.code(), "invalid_body");
        }
    }
    app.as_studio(&s, Method::GET, "/api/inventory/materials/not-a-uuid")
        .send()
        .await
        .assert_problem(400, "invalid_parameter");
    let listed = app.as_studio(&s, Method::GET, "/api/inventory/materials").send().await;
    assert_eq!(listed.body["count"], 0, "nothing written");
}

#[tokio::test]
async fn purchases_average_the_cost_and_outflows_move_at_the_average() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let paper = id(&create(&app, &s, material("printing", "PAP-A4")).await);
    // 100 sheets at 0.50, then 300 at 0.70: (50 + 210) / 400 = 0.65.
    buy(&app, &s, &paper, "100", "0.50").await;
    let second = buy(&app, &s, &paper, "300", "0.70").await;
    assert_eq!(second["movement"]["unit_cost"], "0.70", "a purchase keeps the price paid");
    assert_eq!(second["movement"]["value"], "210.00");
    assert_eq!(second["stock"], "400.000");
    assert_eq!(fetch(&app, &s, &paper).await["unit_cost"], "0.65");
    let used = record(&app, &s, json!({"material_id": paper, "kind": "consumption", "quantity": "40"})).await;
    used.assert(201);
    assert_eq!(used.body["movement"]["quantity"], "-40.000", "the ledger keeps the signed change");
    assert_eq!(used.body["movement"]["unit_cost"], "0.65");
    assert_eq!(used.body["movement"]["value"], "-26.00");
    assert_eq!(used.body["movement"]["stock_after"], "360.000");
    let test_print = json!({"material_id": paper, "kind": "waste", "quantity": "3", "waste_reason": "test_print",
                            "reason": "calibración de color"});
    record(&app, &s, test_print).await.assert(201);
    let back = json!({"material_id": paper, "kind": "return", "quantity": "10", "reason": "sobrante"});
    record(&app, &s, back).await.assert(201);
    let count = json!({"material_id": paper, "kind": "adjustment", "quantity": "-2", "reason": "recuento"});
    record(&app, &s, count).await.assert(201);
    let material = fetch(&app, &s, &paper).await;
    assert_eq!(material["stock"], "365.000");
    assert_eq!(material["unit_cost"], "0.65", "only purchases move the average");
    assert_eq!(material["stock_value"], "237.25");
    let ledger = app.as_studio(&s, Method::GET, &format!("/api/inventory/movements?material_id={paper}")).send().await;
    assert_eq!(ledger.body["count"], 6);
    assert_eq!(ledger.body["results"][0]["kind"], "adjustment", "latest first");
    assert_eq!(ledger.body["results"][0]["actor_name"], "Administrador");
    let wastes = app.as_studio(&s, Method::GET, "/api/inventory/movements?kind=waste").send().await;
    assert_eq!(wastes.body["results"][0]["waste_reason"], "test_print");
    assert!(mismatches(&app, "acme").await.is_empty());
}

/// A small deterministic generator (xorshift64*), so a failing sequence can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[tokio::test]
async fn the_ledger_always_sums_to_the_stock_after_random_movements_and_verify_finds_tampering() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let mut materials = Vec::new();
    for (i, category) in ["mouldings", "paints", "printing", "design"].iter().enumerate() {
        materials.push((id(&create(&app, &s, material(category, &format!("RND-{i}"))).await), *category));
    }
    let mut rng = Rng(0x5EED_2026);
    let (mut accepted, mut refused) = (0, 0);
    for step in 0..160 {
        let (material_id, category) = &materials[rng.below(materials.len() as u64) as usize];
        let moulding = *category == "mouldings";
        let amount = |rng: &mut Rng| -> String {
            if moulding {
                format!("{}.{:03}", rng.below(2), 50 + rng.below(900))
            } else if *category == "printing" {
                (1 + rng.below(30)).to_string()
            } else {
                format!("{}.{:03}", rng.below(4), 1 + rng.below(999))
            }
        };
        let body = match rng.below(6) {
            0 | 1 => {
                let quantity = if moulding { format!("{}.800", 2 * (1 + rng.below(2))) } else { amount(&mut rng) };
                json!({"material_id": material_id, "kind": "purchase", "quantity": quantity,
                       "unit_cost": format!("{}.{:02}", 1 + rng.below(20), rng.below(100))})
            }
            2 => json!({"material_id": material_id, "kind": "consumption", "quantity": amount(&mut rng)}),
            3 => json!({"material_id": material_id, "kind": "waste", "quantity": amount(&mut rng),
                        "waste_reason": "damage", "reason": "golpe"}),
            4 => json!({"material_id": material_id, "kind": "return", "quantity": amount(&mut rng)}),
            _ => {
                let sign = if rng.below(2) == 0 { "-" } else { "" };
                json!({"material_id": material_id, "kind": "adjustment", "quantity": format!("{sign}{}", amount(&mut rng)),
                       "reason": "recuento"})
            }
        };
        // A moulding purchase is in whole sticks of 2.9 m: 2.8 and 4.8 are refused, 5.8 is not.
        let body = if moulding && body["kind"] == "purchase" {
            json!({"material_id": material_id, "kind": "purchase", "quantity": "5.800", "unit_cost": "7.00"})
        } else {
            body
        };
        let reply = record(&app, &s, body.clone()).await;
        match reply.status.as_u16() {
            201 => accepted += 1,
            409 => {
                assert_eq!(reply.code(), "insufficient_stock", "step {step}: {body} → {}", reply.body);
                refused += 1;
            }
            other => panic!("step {step}: {body} answered {other}: {}", reply.body),
        }
        if step % 40 == 39 {
            assert!(mismatches(&app, "acme").await.is_empty(), "after step {step}");
        }
    }
    assert!(accepted > 80 && refused > 0, "accepted {accepted}, refused {refused}");
    // Stock is the sum of the ledger, read through the API too.
    for (material_id, _) in &materials {
        let ledger = app
            .as_studio(&s, Method::GET, &format!("/api/inventory/movements?material_id={material_id}&page_size=100"))
            .send()
            .await;
        let sum: rust_decimal::Decimal = ledger.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["quantity"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap())
            .sum();
        let stock: rust_decimal::Decimal =
            fetch(&app, &s, material_id).await["stock"].as_str().unwrap().parse().unwrap();
        assert_eq!(stock, sum, "{material_id}");
        assert!(stock >= rust_decimal::Decimal::ZERO);
    }
    assert!(mismatches(&app, "acme").await.is_empty());

    // A stock changed behind the ledger's back is found, by the check and by the command.
    let mut raw = app.raw().await;
    sqlx::query(sqlx::AssertSqlSafe("UPDATE t_acme.materials SET stock = stock + 1 WHERE sku = 'RND-1'"))
        .execute(&mut raw)
        .await
        .unwrap();
    let found = mismatches(&app, "acme").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].sku, "RND-1");
    assert_eq!(found[0].stock.0 - found[0].ledger.0, rust_decimal::Decimal::ONE);
    let mut out = Vec::new();
    let clean =
        fotostudio::cli::inventory::verify_ledgers(&app.state.db, &["acme".to_owned()], &mut out).await.unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(!clean, "{out}");
    assert!(out.contains("acme: 1 material(s) differ") && out.contains("RND-1"), "{out}");
    // A moulding whose pieces no longer add up to its stock is found too.
    sqlx::query(sqlx::AssertSqlSafe(
        "UPDATE t_acme.moulding_pieces SET length_mm = length_mm - 1 \
         WHERE id = (SELECT id FROM t_acme.moulding_pieces WHERE consumed_by IS NULL LIMIT 1)",
    ))
    .execute(&mut raw)
    .await
    .unwrap();
    let found = mismatches(&app, "acme").await;
    assert_eq!(found.iter().map(|m| m.sku.as_str()).collect::<Vec<_>>(), ["RND-0", "RND-1"]);
    assert_ne!(found[0].pieces, Some(found[0].stock));
    // Movements cannot be edited behind its back either.
    let edit =
        sqlx::query(sqlx::AssertSqlSafe("UPDATE t_acme.stock_movements SET quantity = 1")).execute(&mut raw).await;
    assert!(edit.is_err(), "the ledger is append-only");
}

#[tokio::test]
async fn a_hundred_concurrent_consumptions_of_sixty_units_leave_exactly_zero() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let mugs = id(&create(&app, &s, material("souvenirs", "TAZA-11")).await);
    buy(&app, &s, &mugs, "60", "4.20").await;
    let calls = (0..100).map(|_| record(&app, &s, json!({"material_id": mugs, "kind": "consumption", "quantity": 1})));
    let replies = futures::future::join_all(calls).await;
    let ok = replies.iter().filter(|r| r.status.as_u16() == 201).count();
    assert_eq!(ok, 60, "exactly the stock there was");
    for refused in replies.iter().filter(|r| r.status.as_u16() != 201) {
        refused.assert_problem(409, "insufficient_stock");
        assert_eq!(refused.body["context"]["available"], "0.000");
        assert_eq!(refused.body["context"]["requested"], "1.000");
        assert_eq!(refused.body["context"]["material_id"], mugs.as_str());
    }
    assert_eq!(fetch(&app, &s, &mugs).await["stock"], "0.000");
    assert_eq!(ledger_size(&app, &s).await, 61);
    assert!(mismatches(&app, "acme").await.is_empty());
}

#[tokio::test]
async fn a_moulding_is_cut_by_best_fit_keeping_remnants_and_wasting_short_offcuts() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let m = id(&create(&app, &s, moulding("MOL-NEG-20", 20, 2900, "8.00")).await);
    // Two sticks of 2900 mm.
    let bought = buy(&app, &s, &m, "5.8", "8.00").await;
    assert_eq!(bought["pieces_added"].as_array().unwrap().len(), 2);
    assert_eq!(rack(&app, &s, &m).await, [2900, 2900]);
    let cut = |quantity: &str, cuts: Value| json!({"material_id": m, "kind": "consumption", "quantity": quantity, "cuts_mm": cuts});
    // A 40 × 50 cm frame: 2 × 440 + 2 × 540 = 1960 mm from one stick; 940 mm stays.
    let first = record(&app, &s, cut("1.96", json!([540, 540, 440, 440]))).await;
    first.assert(201);
    assert_eq!(first.body["pieces_taken"][0]["length_mm"], 2900);
    assert_eq!(first.body["pieces_added"][0]["length_mm"], 940);
    assert_eq!(first.body["pieces_added"][0]["kind"], "remnant");
    assert_eq!(rack(&app, &s, &m).await, [2900, 940]);
    // 900 mm fits the 940 remnant (best fit, not the fresh stick): the 40 mm left is under
    // the 200 mm minimum, so it is wasted automatically.
    let second = record(&app, &s, cut("0.9", json!([900]))).await;
    second.assert(201);
    assert_eq!(second.body["pieces_taken"][0]["length_mm"], 940);
    let offcut = &second.body["offcuts"][0];
    assert_eq!(offcut["kind"], "waste");
    assert_eq!(offcut["waste_reason"], "offcut");
    assert_eq!(offcut["quantity"], "-0.040");
    assert_eq!(offcut["parent_id"], second.body["movement"]["id"]);
    assert_eq!(rack(&app, &s, &m).await, [2900]);
    // 2 × 1000 from the last stick: 1000 cut, 1900 left; 1000 cut from it, 900 left.
    let third = record(&app, &s, cut("2", json!([1000, 1000]))).await;
    third.assert(201);
    assert_eq!(rack(&app, &s, &m).await, [900]);
    // 1000 mm no longer fits anywhere: refused, with the longest piece named.
    let short = record(&app, &s, cut("1", json!([1000]))).await;
    short.assert_problem(409, "insufficient_stock");
    assert_eq!(short.body["context"]["longest_piece_mm"], 900);
    assert_eq!(short.body["context"]["available"], "0.900");
    // Stock is the rack and the ledger: 5.8 - 1.96 - 0.9 - 0.04 - 2 = 0.9 m.
    assert_eq!(fetch(&app, &s, &m).await["stock"], "0.900");
    let wastes =
        app.as_studio(&s, Method::GET, &format!("/api/inventory/movements?material_id={m}&kind=waste")).send().await;
    assert_eq!(wastes.body["count"], 1);
    let all = app.as_studio(&s, Method::GET, &format!("/api/inventory/materials/{m}/pieces?all=true")).send().await;
    // 2 sticks, the 940 remnant, the 40 scrap and the 900 left (the 1900 between the two
    // cuts of one movement never reached the rack).
    assert_eq!(all.body["count"], 5);
    assert!(mismatches(&app, "acme").await.is_empty());
    // A return adds a remnant; a purchase must be whole sticks; cuts must add up.
    let back = json!({"material_id": m, "kind": "return", "quantity": "0.65", "reason": "sobrante"});
    record(&app, &s, back).await.assert(201);
    assert_eq!(rack(&app, &s, &m).await, [900, 650]);
    let half =
        record(&app, &s, json!({"material_id": m, "kind": "purchase", "quantity": "1.45", "unit_cost": "8"})).await;
    half.assert_problem(422, "validation_failed");
    assert_eq!(half.fields(), ["quantity"]);
    let long = record(&app, &s, json!({"material_id": m, "kind": "return", "quantity": "15", "reason": "x"})).await;
    assert_eq!(long.assert(422).fields(), ["quantity"], "no piece is 15 m long");
    let uneven = record(&app, &s, cut("1", json!([300, 300]))).await;
    assert_eq!(uneven.assert(422).fields(), ["cuts_mm"]);
    app.as_studio(
        &s,
        Method::GET,
        &format!("/api/inventory/materials/{}/pieces", id(&create(&app, &s, material("paints", "P-1")).await)),
    )
    .send()
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_reversal_undoes_a_movement_once_and_gives_a_moulding_its_pieces_back() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let m = id(&create(&app, &s, moulding("MOL-ORO-30", 30, 3000, "10.00")).await);
    buy(&app, &s, &m, "3", "10.00").await;
    buy(&app, &s, &m, "3", "14.00").await;
    assert_eq!(fetch(&app, &s, &m).await["unit_cost"], "12.00");
    let cut = record(&app, &s, json!({"material_id": m, "kind": "consumption", "quantity": "2.95"})).await;
    cut.assert(201);
    assert_eq!(cut.body["offcuts"][0]["quantity"], "-0.050");
    assert_eq!(rack(&app, &s, &m).await, [3000]);
    let movement = cut.body["movement"]["id"].as_str().unwrap().to_owned();
    let offcut = cut.body["offcuts"][0]["id"].as_str().unwrap().to_owned();
    let reverse = |id: &str| {
        app.as_studio(&s, Method::POST, &format!("/api/inventory/movements/{id}/reverse"))
            .json(json!({"reason": "se cortó la moldura equivocada"}))
    };
    reverse(&offcut).send().await.assert_problem(409, "not_reversible");
    let undone = reverse(&movement).send().await;
    undone.assert(201);
    assert_eq!(undone.body["movement"]["kind"], "adjustment");
    assert_eq!(undone.body["movement"]["quantity"], "2.950");
    assert_eq!(undone.body["movement"]["reverses_id"], movement.as_str());
    assert_eq!(undone.body["offcuts"][0]["quantity"], "0.050", "the offcut is undone with its cut");
    assert_eq!(rack(&app, &s, &m).await, [3000, 3000], "the stick is back whole");
    assert_eq!(fetch(&app, &s, &m).await["stock"], "6.000");
    reverse(&movement).send().await.assert_problem(409, "already_reversed");
    let reversal = undone.body["movement"]["id"].as_str().unwrap().to_owned();
    reverse(&reversal).send().await.assert_problem(409, "not_reversible");
    let got = app.as_studio(&s, Method::GET, &format!("/api/inventory/movements/{movement}")).send().await;
    assert_eq!(got.body["reversed_by_id"], reversal.as_str());
    // Reversing the second purchase takes its stick off the rack and the cost back to 10.
    let purchases =
        app.as_studio(&s, Method::GET, &format!("/api/inventory/movements?material_id={m}&kind=purchase")).send().await;
    let second = purchases.body["results"][0]["id"].as_str().unwrap().to_owned();
    reverse(&second).send().await.assert(201);
    let after = fetch(&app, &s, &m).await;
    assert_eq!((after["stock"].as_str(), after["unit_cost"].as_str()), (Some("3.000"), Some("10.00")));
    // A purchase whose stick was cut since cannot be undone.
    let first = purchases.body["results"][1]["id"].as_str().unwrap().to_owned();
    record(&app, &s, json!({"material_id": m, "kind": "consumption", "quantity": "1"})).await.assert(201);
    let used = reverse(&first).send().await;
    used.assert_problem(409, "pieces_in_use");
    assert!(mismatches(&app, "acme").await.is_empty());
    app.as_studio(&s, Method::POST, &format!("/api/inventory/movements/{}/reverse", uuid::Uuid::new_v4()))
        .json(json!({"reason": "x"}))
        .send()
        .await
        .assert_problem(404, "not_found");
    reverse(&first).json(json!({"reason": " "})).send().await.assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn alerts_list_low_materials_worst_first_with_a_reorder() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let mut moulding_body = moulding("MOL-ALERT", 20, 2900, "8.00");
    moulding_body["minimum_stock"] = json!("12");
    let m = id(&create(&app, &s, moulding_body).await);
    buy(&app, &s, &m, "8.7", "8.00").await;
    let mut mugs_body = material("souvenirs", "TAZA");
    mugs_body["minimum_stock"] = json!("20");
    let mugs = id(&create(&app, &s, mugs_body).await);
    buy(&app, &s, &mugs, "2", "4.00").await;
    let mut fine_body = material("paints", "FINE");
    fine_body["minimum_stock"] = json!("1");
    let fine = id(&create(&app, &s, fine_body).await);
    buy(&app, &s, &fine, "5", "20.00").await;
    create(&app, &s, material("design", "NO-MIN")).await; // minimum 0: never alerts
    let alerts = app.as_studio(&s, Method::GET, "/api/inventory/alerts").send().await;
    alerts.assert(200);
    assert_eq!(alerts.body["count"], 2);
    let first = &alerts.body["results"][0];
    assert_eq!(first["material"]["sku"], "TAZA", "2 of 20 is worse than 8.7 of 12");
    assert_eq!(first["shortfall"], "18.000");
    assert_eq!(first["suggested_reorder"], "38.000", "up to twice the minimum");
    let second = &alerts.body["results"][1];
    assert_eq!(second["material"]["sku"], "MOL-ALERT");
    // 24 - 8.7 = 15.3 m → 6 sticks of 2.9 m = 17.4 m.
    assert_eq!(second["suggested_sticks"], 6);
    assert_eq!(second["suggested_reorder"], "17.400");
    assert_eq!(second["suggested_cost"], "139.20");
    let low = app.as_studio(&s, Method::GET, "/api/inventory/materials?low_stock=true").send().await;
    assert_eq!(low.body["count"], 2);
    // A material created without a minimum takes the studio's default for its category.
    let mut defaulted = material("mouldings", "MOL-DEF");
    defaulted.as_object_mut().unwrap().remove("minimum_stock");
    assert_eq!(create(&app, &s, defaulted).await["minimum_stock"], "12.000");
}

#[tokio::test]
async fn bad_movements_are_refused_naming_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let other = app.studio("beta").await;
    let mugs = id(&create(&app, &s, material("souvenirs", "TAZA")).await);
    let paint = id(&create(&app, &s, material("paints", "PINT")).await);
    let foreign = id(&create(&app, &other, material("souvenirs", "AJENA")).await);
    buy(&app, &s, &mugs, "10", "4.00").await;
    let before = ledger_size(&app, &s).await;
    let movement = |changes: Value| {
        let mut body = json!({"material_id": mugs, "kind": "consumption", "quantity": "1"});
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases: Vec<(Value, u16, Vec<&str>)> = vec![
        (movement(json!({"quantity": "-1"})), 422, vec!["quantity"]),
        (movement(json!({"quantity": "0"})), 422, vec!["quantity"]),
        (movement(json!({"quantity": "1000000"})), 422, vec!["quantity"]),
        (movement(json!({"quantity": "0.0001"})), 422, vec!["quantity"]),
        (movement(json!({"quantity": "1.5"})), 422, vec!["quantity"]),
        (movement(json!({"quantity": 1.5})), 400, vec![]),
        (movement(json!({"quantity": "uno"})), 400, vec![]),
        (movement(json!({"kind": "theft"})), 400, vec![]),
        (movement(json!({"material_id": "not-a-uuid"})), 400, vec![]),
        (movement(json!({"material_id": foreign})), 422, vec!["material_id"]),
        (movement(json!({"material_id": uuid::Uuid::new_v4()})), 422, vec!["material_id"]),
        (movement(json!({"production_order_id": uuid::Uuid::new_v4()})), 422, vec!["production_order_id"]),
        (movement(json!({"kind": "purchase"})), 422, vec!["unit_cost"]),
        (movement(json!({"kind": "purchase", "unit_cost": "-3"})), 422, vec!["unit_cost"]),
        (movement(json!({"unit_cost": "3"})), 422, vec!["unit_cost"]),
        (movement(json!({"kind": "waste", "reason": "roto"})), 422, vec!["waste_reason"]),
        (movement(json!({"kind": "waste", "reason": "roto", "waste_reason": "stolen"})), 400, vec![]),
        (movement(json!({"kind": "adjustment"})), 422, vec!["reason"]),
        (movement(json!({"cuts_mm": [500]})), 422, vec!["cuts_mm"]),
        (movement(json!({"occurred_at": "2001-01-01T00:00:00Z"})), 422, vec!["occurred_at"]),
        (movement(json!({"material_id": paint, "quantity": "1"})), 409, vec![]),
        (movement(json!({"quantity": "11"})), 409, vec![]),
    ];
    for (body, status, fields) in cases {
        let reply = record(&app, &s, body.clone()).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        match status {
            422 => assert_eq!(reply.fields(), fields, "{body}"),
            409 => assert_eq!(reply.code(), "insufficient_stock"),
            _ => assert_eq!(reply.code(), "invalid_body", "{body}"),
        }
    }
    assert_eq!(ledger_size(&app, &s).await, before, "nothing written");
    assert_eq!(fetch(&app, &s, &mugs).await["stock"], "10.000");
    app.as_studio(&s, Method::GET, "/api/inventory/movements?from=2026-05-02&to=2026-05-01")
        .send()
        .await
        .assert_problem(422, "validation_failed");
    app.as_studio(&s, Method::GET, "/api/inventory/movements?kind=theft")
        .send()
        .await
        .assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn roles_staff_record_movements_accountants_only_read_managers_never_delete() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let manager = app.user_with_role(&s, "manager").await;
    let staff = app.user_with_role(&s, "staff").await;
    let accountant = app.user_with_role(&s, "accountant").await;
    let as_role =
        |token: &str, method: Method, path: &str| app.call(method, path).via(Via::Header("acme".into())).token(token);
    let made = as_role(&manager, Method::POST, "/api/inventory/materials").json(material("paints", "P-1")).send().await;
    made.assert(201);
    let paint = id(&made.body);
    as_role(&staff, Method::POST, "/api/inventory/materials").json(material("paints", "P-2")).send().await.assert(403);
    let bought = json!({"material_id": paint, "kind": "purchase", "quantity": "4", "unit_cost": "20"});
    as_role(&staff, Method::POST, "/api/inventory/movements").json(bought.clone()).send().await.assert(201);
    as_role(&accountant, Method::POST, "/api/inventory/movements").json(bought).send().await.assert(403);
    for token in [&staff, &accountant] {
        as_role(token, Method::GET, &format!("/api/inventory/materials/{paint}")).send().await.assert(200);
        as_role(token, Method::GET, "/api/inventory/alerts").send().await.assert(200);
    }
    as_role(&manager, Method::DELETE, &format!("/api/inventory/materials/{paint}")).send().await.assert(403);
    // The ledger outlives the people who wrote it: a user who recorded movements can be
    // deleted, and the movement keeps who it was.
    let staff_id =
        app.as_studio(&s, Method::GET, "/api/users?role=staff").send().await.body["results"][0]["id"].clone();
    app.as_studio(&s, Method::DELETE, &format!("/api/users/{}", staff_id.as_str().unwrap())).send().await.assert(204);
    let ledger = app.as_studio(&s, Method::GET, &format!("/api/inventory/movements?material_id={paint}")).send().await;
    assert_eq!(ledger.body["results"][0]["actor_id"], staff_id);
    assert_eq!(ledger.body["results"][0]["actor_name"], Value::Null);
}

#[tokio::test]
async fn another_studio_can_neither_see_change_nor_name_a_studios_materials_and_movements() {
    let app = spawn_app().await;
    let a = app.studio("acme").await;
    let b = app.studio("beta").await;
    let m = id(&create(&app, &a, moulding("MOL-A", 20, 2900, "8.00")).await);
    let bought = buy(&app, &a, &m, "2.9", "8.00").await;
    let movement = bought["movement"]["id"].as_str().unwrap().to_owned();
    for path in
        ["/api/inventory/materials", "/api/inventory/mouldings", "/api/inventory/movements", "/api/inventory/alerts"]
    {
        let listed = app.as_studio(&b, Method::GET, path).send().await;
        assert_eq!(listed.assert(200).body["count"], 0, "{path}");
    }
    for path in [
        format!("/api/inventory/materials/{m}"),
        format!("/api/inventory/materials/{m}/pieces"),
        format!("/api/inventory/movements/{movement}"),
    ] {
        app.as_studio(&b, Method::GET, &path).send().await.assert_problem(404, "not_found");
    }
    app.as_studio(&b, Method::PUT, &format!("/api/inventory/materials/{m}"))
        .json(moulding("MOL-B", 20, 2900, "1"))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_studio(&b, Method::DELETE, &format!("/api/inventory/materials/{m}"))
        .send()
        .await
        .assert_problem(404, "not_found");
    app.as_studio(&b, Method::POST, &format!("/api/inventory/movements/{movement}/reverse"))
        .json(json!({"reason": "ajeno"}))
        .send()
        .await
        .assert_problem(404, "not_found");
    let named = record(&app, &b, json!({"material_id": m, "kind": "consumption", "quantity": "1"})).await;
    assert_eq!(named.assert(422).fields(), ["material_id"]);
    app.call(Method::GET, &format!("/api/inventory/materials/{m}"))
        .via(Via::Header("beta".into()))
        .token(&a.token)
        .send()
        .await
        .assert(401);
    assert_eq!(fetch(&app, &a, &m).await["stock"], "2.900", "untouched");
    assert_eq!(rack(&app, &a, &m).await, [2900]);
}

#[tokio::test]
async fn the_demo_workshop_has_every_category_a_month_of_movements_and_products_in_every_status() {
    let app = spawn_app().await;
    fotostudio::demo::ensure_demo_studio(&app.state).await.unwrap();
    let token =
        app.login(fotostudio::demo::SLUG, fotostudio::demo::ADMIN_EMAIL, fotostudio::demo::ADMIN_PASSWORD).await;
    let get = |path: String| app.call(Method::GET, &path).via(Via::Header("demo".into())).token(&token).send();
    for category in ["mouldings", "paints", "printing", "souvenirs", "equipment", "painting_supplies", "design"] {
        let listed = get(format!("/api/inventory/{category}")).await;
        assert!(listed.assert(200).body["count"].as_i64().unwrap() > 0, "{category}");
    }
    let mouldings = get("/api/inventory/mouldings".into()).await.body["results"].clone();
    let oak = mouldings.as_array().unwrap().iter().find(|m| m["sku"] == "MOL-RB-20").unwrap();
    let pieces = get(format!("/api/inventory/materials/{}/pieces?page_size=100", oak["id"].as_str().unwrap())).await;
    let kinds: Vec<&str> =
        pieces.body["results"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"stick") && kinds.contains(&"remnant"), "{kinds:?}");
    let old =
        get(format!("/api/inventory/movements?to={}", (chrono::Utc::now() - chrono::Duration::days(20)).date_naive()))
            .await;
    assert!(old.body["count"].as_i64().unwrap() > 10, "a month of movements, not just today's");
    let waste = get("/api/inventory/movements?kind=waste".into()).await;
    assert!(waste.body["count"].as_i64().unwrap() >= 3);
    for status in ["in_stock", "reserved", "sold", "delivered"] {
        assert!(get(format!("/api/products/status/{status}")).await.body["count"].as_i64().unwrap() > 0, "{status}");
    }
    let orders = get("/api/production/orders".into()).await;
    let statuses: Vec<&str> =
        orders.body["results"].as_array().unwrap().iter().map(|o| o["status"].as_str().unwrap()).collect();
    for status in ["planned", "in_progress", "done", "cancelled"] {
        assert!(statuses.contains(&status), "{status} in {statuses:?}");
    }
    assert!(get("/api/inventory/alerts".into()).await.body["count"].as_i64().unwrap() > 0);
    let efficiency = get("/api/production/efficiency".into()).await;
    assert!(efficiency.assert(200).body["wasted_value"] != "0.00");
    assert!(mismatches(&app, "demo").await.is_empty());
}

//! Frame quotes against hand-worked examples (to the cent, with the working beside each),
//! the studio's settings in every figure, the order item the quote becomes, bad input and
//! isolation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, Studio, TestApp, spawn_app};
use crate::inventory::{create, moulding};

/// A `design` sheet material of `kind`, in square metres, at `cost` a m².
pub fn sheet(sku: &str, kind: &str, cost: &str) -> Value {
    json!({"sku": sku, "name": format!("{kind} {sku}"), "category": "design", "unit": "square_metre",
           "minimum_stock": "0", "unit_cost": cost, "attributes": {"kind": kind, "thickness_mm": 2}})
}

/// The studio's framing materials: a 20 mm moulding at 8.00/m, a 35 mm one at 12.50/m,
/// glazing at 45.00/m², backing at 18.00/m², mat board at 30.00/m².
pub struct Shop {
    pub narrow: String,
    pub wide: String,
    pub glazing: String,
    pub backing: String,
    pub mat: String,
}

pub async fn shop(app: &TestApp, s: &Studio) -> Shop {
    let id = |v: Value| v["id"].as_str().unwrap().to_owned();
    Shop {
        narrow: id(create(app, s, moulding("MOL-20", 20, 2900, "8.00")).await),
        wide: id(create(app, s, moulding("MOL-35", 35, 2900, "12.50")).await),
        glazing: id(create(app, s, sheet("VID-2", "glazing", "45.00")).await),
        backing: id(create(app, s, sheet("FON-3", "backing", "18.00")).await),
        mat: id(create(app, s, sheet("PAS-BL", "mat_board", "30.00")).await),
    }
}

pub async fn quote(app: &TestApp, s: &Studio, body: Value) -> Reply {
    app.as_studio(s, Method::POST, "/api/quotes/frame").json(body).send().await
}

fn prices(quote: &Value) -> Vec<(String, String, String)> {
    quote["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["role"].as_str().unwrap().to_owned(),
                l["cost"].as_str().unwrap().to_owned(),
                l["price"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn line(role: &str, cost: &str, price: &str) -> (String, String, String) {
    (role.to_owned(), cost.to_owned(), price.to_owned())
}

#[tokio::test]
async fn a_30_by_40_frame_without_mat_is_priced_as_worked_by_hand() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let shop = shop(&app, &s).await;
    let reply = quote(
        &app,
        &s,
        json!({"artwork_width_cm": "30", "artwork_height_cm": 40, "moulding_id": shop.narrow,
                                       "glazing_id": shop.glazing, "backing_id": shop.backing}),
    )
    .await;
    let q = &reply.assert(200).body;
    // Outer 300 × 400 mm. Moulding: 2 × (300 + 400) = 1400 + 8 × 20 = 160 → 1560;
    // 10% waste = 156 → 1716 mm = 1.716 m.
    assert_eq!((q["outer_width_mm"].as_i64(), q["outer_height_mm"].as_i64()), (Some(300), Some(400)));
    assert_eq!((q["perimeter_mm"].as_i64(), q["mitre_allowance_mm"].as_i64()), (Some(1400), Some(160)));
    assert_eq!((q["waste_allowance_mm"].as_i64(), q["moulding_length_mm"].as_i64()), (Some(156), Some(1716)));
    assert_eq!(q["cuts_mm"], json!([379, 379, 479, 479]));
    // Moulding 1.716 × 8.00 = 13.728 → 13.73; × 2.20 (120%) = 30.206 → 30.21.
    // Area 300 × 400 = 0.12 m². Glazing 0.12 × 45 = 5.40 → 10.80; backing 0.12 × 18 = 2.16 → 4.32.
    assert_eq!(
        prices(q),
        [line("moulding", "13.73", "30.21"), line("glazing", "5.40", "10.80"), line("backing", "2.16", "4.32")]
    );
    assert_eq!(q["lines"][0]["quantity"], "1.716");
    assert_eq!(q["lines"][1]["quantity"], "0.120");
    assert_eq!(q["material_cost"], "21.29");
    assert_eq!(q["materials_price"], "45.33");
    // Labour 15.00 + 5.00 × 1.716 = 23.58. Subtotal 45.33 + 23.58 = 68.91 → up to 69.00.
    assert_eq!(q["labour"], "23.58");
    assert_eq!(q["subtotal"], "68.91");
    assert_eq!(q["price"], "69.00");
    let item = &q["frame_item"];
    assert_eq!(item["kind"], "frame");
    assert_eq!(item["quantity"], 1);
    assert_eq!(item["unit_price"], "69.00");
    assert!(item["description"].as_str().unwrap().starts_with("Enmarcado 30 × 40 cm: Moldura MOL-20"), "{item}");
    // The snapshot keeps the figures and says what production will take.
    let specs = &item["specs"];
    assert_eq!(specs["price"], "69.00");
    assert_eq!(specs["currency"], "PEN");
    assert_eq!(specs["settings"]["markup_moulding_percent"], "120.000");
    assert_eq!(
        specs["consumption"][0],
        json!({"material_id": shop.narrow, "quantity": "1.716", "cuts_mm": [379, 379, 479, 479]})
    );
    assert_eq!(specs["consumption"][1], json!({"material_id": shop.glazing, "quantity": "0.120"}));
    assert_eq!(q["lines"][0]["in_stock"], false, "nothing on the rack yet");
}

#[tokio::test]
async fn a_40_by_50_frame_with_a_5_cm_mat_is_priced_as_worked_by_hand() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let shop = shop(&app, &s).await;
    let reply = quote(
        &app,
        &s,
        json!({"artwork_width_cm": "40", "artwork_height_cm": "50", "mat_border_cm": "5",
                                       "moulding_id": shop.narrow, "glazing_id": shop.glazing,
                                       "backing_id": shop.backing, "mat_id": shop.mat}),
    )
    .await;
    let q = &reply.assert(200).body;
    // Outer 400 + 2 × 50 = 500 by 600. Moulding 2 × 1100 + 160 = 2360; + 236 = 2596 mm.
    assert_eq!((q["outer_width_mm"].as_i64(), q["outer_height_mm"].as_i64()), (Some(500), Some(600)));
    assert_eq!(q["moulding_length_mm"], 2596);
    // Moulding 2.596 × 8 = 20.768 → 20.77; × 2.2 = 45.694 → 45.69.
    // Area 0.30 m²: glazing 13.50 → 27.00; backing 5.40 → 10.80; mat 9.00 → 18.00.
    assert_eq!(
        prices(q),
        [
            line("moulding", "20.77", "45.69"),
            line("glazing", "13.50", "27.00"),
            line("backing", "5.40", "10.80"),
            line("mat", "9.00", "18.00")
        ]
    );
    // Labour 15 + 5 × 2.596 = 27.98. Subtotal 101.49 + 27.98 = 129.47 → 130.00.
    assert_eq!(q["materials_price"], "101.49");
    assert_eq!(q["labour"], "27.98");
    assert_eq!(q["subtotal"], "129.47");
    assert_eq!(q["price"], "130.00");
    assert!(q["frame_item"]["description"].as_str().unwrap().contains("paspartú 5 cm"));
}

#[tokio::test]
async fn an_a4_frame_with_a_3_5_cm_mat_on_a_wide_moulding_rounds_its_area_up() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let shop = shop(&app, &s).await;
    let reply = quote(
        &app,
        &s,
        json!({"artwork_width_cm": "21", "artwork_height_cm": "29.7", "mat_border_cm": "3.5",
                                       "moulding_id": shop.wide, "glazing_id": shop.glazing,
                                       "backing_id": shop.backing}),
    )
    .await;
    let q = &reply.assert(200).body;
    // Outer 210 + 70 = 280 by 297 + 70 = 367. Moulding 2 × 647 = 1294 + 8 × 35 = 280 → 1574;
    // 10% = 157.4 → 158 (up to the mm) → 1732 mm; cuts 280 + 70 + 40 (twice), 367 + 70 + 39 (twice).
    assert_eq!(q["moulding_length_mm"], 1732);
    assert_eq!(q["cuts_mm"], json!([390, 390, 476, 476]));
    // Area 280 × 367 = 102760 mm² → 0.103 m² (up). Moulding 1.732 × 12.50 = 21.65 → 47.63.
    // Glazing 0.103 × 45 = 4.635 → 4.64 → 9.28. Backing 0.103 × 18 = 1.854 → 1.85 → 3.70.
    assert_eq!(q["area_mm2"], 102_760);
    assert_eq!(
        prices(q),
        [line("moulding", "21.65", "47.63"), line("glazing", "4.64", "9.28"), line("backing", "1.85", "3.70")]
    );
    // Labour 15 + 5 × 1.732 = 23.66. Subtotal 60.61 + 23.66 = 84.27 → 85.00.
    assert_eq!(q["labour"], "23.66");
    assert_eq!(q["subtotal"], "84.27");
    assert_eq!(q["price"], "85.00");
}

#[tokio::test]
async fn every_rate_is_the_studios_setting() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let shop = shop(&app, &s).await;
    let mut raw = app.raw().await;
    sqlx::query(sqlx::AssertSqlSafe(
        "INSERT INTO t_acme.settings (key, value) VALUES ('waste_allowance_percent', '\"5\"'), \
         ('price_rounding_step', '\"0.50\"'), ('price_rounding', '\"nearest\"'), ('labour_fixed', '\"20\"')",
    ))
    .execute(&mut raw)
    .await
    .unwrap();
    let reply = quote(
        &app,
        &s,
        json!({"artwork_width_cm": "30", "artwork_height_cm": "40", "moulding_id": shop.narrow,
                                       "glazing_id": shop.glazing, "backing_id": shop.backing}),
    )
    .await;
    let q = &reply.assert(200).body;
    // 1560 × 5% = 78 → 1638 mm. Moulding 1.638 × 8 = 13.104 → 13.10; × 2.2 = 28.82.
    // Glazing 10.80, backing 4.32. Labour 20 + 5 × 1.638 = 28.19.
    // Subtotal 28.82 + 10.80 + 4.32 + 28.19 = 72.13 → nearest 0.50 = 72.00.
    assert_eq!(q["moulding_length_mm"], 1638);
    assert_eq!(q["waste_allowance_percent"], "5.00");
    assert_eq!(prices(q)[0], line("moulding", "13.10", "28.82"));
    assert_eq!(q["labour"], "28.19");
    assert_eq!(q["subtotal"], "72.13");
    assert_eq!(q["price"], "72.00");
    assert_eq!(q["frame_item"]["specs"]["settings"]["price_rounding"], "nearest");
}

#[tokio::test]
async fn bad_sizes_and_wrong_or_foreign_materials_are_named() {
    let app = spawn_app().await;
    let s = app.studio("acme").await;
    let other = app.studio("beta").await;
    let shop = shop(&app, &s).await;
    let foreign = shop_id(&app, &other).await;
    let body = |changes: Value| {
        let mut body = json!({"artwork_width_cm": "30", "artwork_height_cm": "40", "moulding_id": shop.narrow,
                              "glazing_id": shop.glazing, "backing_id": shop.backing});
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases: Vec<(Value, u16, Vec<&str>)> = vec![
        (body(json!({"artwork_width_cm": "30.25"})), 422, vec!["artwork_width_cm"]),
        (body(json!({"artwork_width_cm": "0"})), 422, vec!["artwork_width_cm"]),
        (body(json!({"artwork_height_cm": "-40"})), 422, vec!["artwork_height_cm"]),
        (body(json!({"artwork_height_cm": "5000"})), 422, vec!["artwork_height_cm"]),
        (body(json!({"mat_border_cm": "45"})), 422, vec!["mat_border_cm"]),
        (body(json!({"mat_id": shop.mat})), 422, vec!["mat_id"]),
        // A 150 cm side needs 1500 + 40 + allowance mm: more than one 2900 mm stick? No — but 280 cm does.
        (body(json!({"artwork_width_cm": "280"})), 422, vec!["artwork_width_cm"]),
        (body(json!({"moulding_id": shop.glazing})), 422, vec!["moulding_id"]),
        (body(json!({"glazing_id": shop.backing, "backing_id": shop.glazing})), 422, vec!["glazing_id", "backing_id"]),
        (body(json!({"moulding_id": foreign})), 422, vec!["moulding_id"]),
        (body(json!({"glazing_id": uuid::Uuid::new_v4()})), 422, vec!["glazing_id"]),
        (body(json!({"artwork_width_cm": 30.5})), 400, vec![]),
        (body(json!({"moulding_id": "MOL-20"})), 400, vec![]),
        (json!({"artwork_width_cm": "30"}), 400, vec![]),
    ];
    for (body, status, fields) in cases {
        let reply = quote(&app, &s, body.clone()).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        if status == 422 {
            assert_eq!(reply.fields(), fields, "{body}");
        } else {
            assert_eq!(reply.code(), "invalid_body");
        }
    }
    // B cannot price with A's moulding either.
    let reply =
        quote(&app, &other, json!({"artwork_width_cm": "30", "artwork_height_cm": "40", "moulding_id": shop.narrow}))
            .await;
    assert_eq!(reply.assert(422).fields(), ["moulding_id"]);
}

async fn shop_id(app: &TestApp, s: &Studio) -> String {
    create(app, s, moulding("MOL-B", 20, 2900, "5")).await["id"].as_str().unwrap().to_owned()
}

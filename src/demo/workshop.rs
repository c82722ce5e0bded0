//! Demo workshop: materials in every category (mouldings with sticks and remnants on the
//! rack), a month of stock movements, production orders with their waste — one of them a
//! quoted frame — and finished products in every status.

use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::studio::inventory::model::{MaterialCategory, MaterialInput, Unit};
use crate::studio::inventory::movements::{MovementInput, MovementKind, WasteReason};
use crate::studio::inventory::service as inventory;
use crate::studio::money::{Money, Quantity};
use crate::studio::production::model::{ProductionOrderInput, ProductionStatus};
use crate::studio::production::register::{self, RegistrationInput, UsedLine, WastedLine};
use crate::studio::production::service as production;
use crate::studio::products::model::{OrderRef, ProductInput, ProductKind, SaleInput};
use crate::studio::products::service as products;
use crate::studio::quotes::model::FrameQuoteInput;
use crate::studio::quotes::service as quotes;

fn q(text: &str) -> Quantity {
    Quantity(text.parse().unwrap_or_default())
}

fn money(text: &str) -> Money {
    Money(text.parse().unwrap_or_default())
}

/// (sku, name, category, unit, minimum, cost, supplier, location, attributes)
type Row =
    (&'static str, &'static str, MaterialCategory, Unit, &'static str, &'static str, &'static str, &'static str, Value);

fn catalogue() -> Vec<Row> {
    use MaterialCategory::*;
    let moulding = |w: i64, rebate: i64, colour: &str, profile: &str, stick: i64| json!({"width_mm": w, "rebate_mm": rebate, "colour": colour, "profile": profile, "stick_length_mm": stick, "material": "madera"});
    vec![
        (
            "MOL-RB-20",
            "Moldura roble 20 mm",
            Mouldings,
            Unit::Metre,
            "12",
            "8.50",
            "Molduras del Sur",
            "Rack A",
            moulding(20, 6, "roble", "plano", 2900),
        ),
        (
            "MOL-NG-35",
            "Moldura negra cajón 35 mm",
            Mouldings,
            Unit::Metre,
            "12",
            "12.00",
            "Molduras del Sur",
            "Rack A",
            moulding(35, 8, "negro", "cajón", 3000),
        ),
        (
            "MOL-DO-45",
            "Moldura dorada barroca 45 mm",
            Mouldings,
            Unit::Metre,
            "9",
            "18.50",
            "Marcos Lima SAC",
            "Rack B",
            moulding(45, 10, "dorado", "barroco", 2900),
        ),
        (
            "VID-2MM",
            "Vidrio claro 2 mm",
            Design,
            Unit::SquareMetre,
            "2",
            "45.00",
            "Vidriería Central",
            "Estante vidrios",
            json!({"kind": "glazing", "thickness_mm": 2}),
        ),
        (
            "FON-MDF3",
            "Fondo MDF 3 mm",
            Design,
            Unit::SquareMetre,
            "2",
            "18.00",
            "Maderas Perú",
            "Estante fondos",
            json!({"kind": "backing", "thickness_mm": 3}),
        ),
        (
            "PAS-BL",
            "Paspartú blanco",
            Design,
            Unit::SquareMetre,
            "1",
            "30.00",
            "Papelera Andina",
            "Estante fondos",
            json!({"kind": "mat_board", "colour": "blanco"}),
        ),
        (
            "PIN-ACR-BL",
            "Acrílico blanco 1 L",
            Paints,
            Unit::Litre,
            "2",
            "28.00",
            "Pinturas Tekno",
            "Armario 1",
            json!({"colour": "blanco", "base": "acrylic", "finish": "matte", "container_ml": 1000}),
        ),
        (
            "PIN-LAC-NG",
            "Laca negra 1 L",
            Paints,
            Unit::Litre,
            "1",
            "35.00",
            "Pinturas Tekno",
            "Armario 1",
            json!({"colour": "negro", "base": "lacquer", "finish": "gloss"}),
        ),
        (
            "PAP-LUS-A4",
            "Papel lustre A4 260 g",
            Printing,
            Unit::Sheet,
            "100",
            "0.90",
            "Fotoinsumos",
            "Impresión",
            json!({"kind": "paper", "size": "A4", "weight_gsm": 260, "finish": "lustre"}),
        ),
        (
            "TIN-CY-P700",
            "Tinta cian P700",
            Printing,
            Unit::Millilitre,
            "50",
            "2.10",
            "Fotoinsumos",
            "Impresión",
            json!({"kind": "ink", "colour": "cyan", "printer": "Epson P700", "container_ml": 25}),
        ),
        (
            "REC-TAZA",
            "Taza blanca sublimable",
            Souvenirs,
            Unit::Unit,
            "20",
            "4.20",
            "Sublimados Perú",
            "Almacén",
            json!({"item": "taza", "size": "11 oz", "customisable": true}),
        ),
        (
            "REC-LLAV",
            "Llavero acrílico",
            Souvenirs,
            Unit::Unit,
            "30",
            "1.50",
            "Sublimados Perú",
            "Almacén",
            json!({"item": "llavero", "customisable": true}),
        ),
        (
            "EQ-P700",
            "Impresora Epson SureColor P700",
            Equipment,
            Unit::Unit,
            "0",
            "4200.00",
            "Epson Perú",
            "Impresión",
            json!({"kind": "printer", "brand": "Epson", "model": "SureColor P700"}),
        ),
        (
            "EQ-LR",
            "Licencia Lightroom (anual)",
            Equipment,
            Unit::Unit,
            "0",
            "480.00",
            "Adobe",
            "Oficina",
            json!({"kind": "software", "brand": "Adobe", "licence_expires_on": "2027-03-31"}),
        ),
        (
            "PS-LIE-4050",
            "Lienzo 40 × 50 cm",
            PaintingSupplies,
            Unit::Unit,
            "5",
            "22.00",
            "Arte y Color",
            "Estante lienzos",
            json!({"kind": "canvas", "size": "40x50 cm"}),
        ),
    ]
}

/// A movement of the month: `days_ago`, kind, quantity, price (purchases), reason.
async fn movement(
    admin: &TenantUser,
    material: Uuid,
    days_ago: i64,
    kind: MovementKind,
    quantity: &str,
    cost: Option<&str>,
    reason: Option<&str>,
    cuts_mm: Option<Vec<i64>>,
) -> ApiResult<()> {
    let input = MovementInput {
        material_id: material,
        kind,
        quantity: q(quantity),
        unit_cost: cost.map(money),
        waste_reason: (kind == MovementKind::Waste).then_some(WasteReason::Damage),
        reason: reason.map(str::to_owned),
        reference: cost.map(|_| format!("F001-{:05}", 100 + days_ago)),
        production_order_id: None,
        cuts_mm,
        pieces_mm: None,
        occurred_at: Some(Utc::now() - Duration::days(days_ago)),
    };
    inventory::record(admin, &input).await.map(|_| ())
}

/// Creates the demo's workshop.
pub async fn seed(admin: &TenantUser) -> ApiResult<()> {
    let mut ids = std::collections::HashMap::new();
    for (sku, name, category, unit, minimum, cost, supplier, location, attributes) in catalogue() {
        let input = MaterialInput {
            sku: sku.to_owned(),
            name: name.to_owned(),
            category,
            unit,
            minimum_stock: Some(q(minimum)),
            unit_cost: Some(money(cost)),
            supplier: Some(supplier.to_owned()),
            location: Some(location.to_owned()),
            attributes: Some(attributes),
            notes: None,
        };
        ids.insert(sku, inventory::create(admin, &input).await?.id);
    }
    let id = |sku: &str| ids[sku];
    use MovementKind::*;
    // The month's purchases (stock arrives), then the work that used it.
    let purchases = [
        ("MOL-RB-20", 30, "17.4", "8.50"),
        ("MOL-NG-35", 30, "12", "12.00"),
        ("MOL-DO-45", 29, "8.7", "18.50"),
        ("VID-2MM", 29, "3", "45.00"),
        ("FON-MDF3", 29, "3", "18.00"),
        ("PAS-BL", 28, "1.5", "30.00"),
        ("PIN-ACR-BL", 27, "4", "28.00"),
        ("PIN-LAC-NG", 27, "2", "35.00"),
        ("PAP-LUS-A4", 26, "300", "0.90"),
        ("TIN-CY-P700", 26, "100", "2.10"),
        ("REC-TAZA", 25, "48", "4.20"),
        ("REC-LLAV", 25, "20", "1.50"),
        ("EQ-P700", 30, "1", "4200.00"),
        ("EQ-LR", 30, "2", "480.00"),
        ("PS-LIE-4050", 24, "10", "22.00"),
        ("MOL-RB-20", 12, "5.8", "8.90"),
        ("PAP-LUS-A4", 10, "200", "0.95"),
    ];
    for (sku, days, quantity, cost) in purchases {
        movement(admin, id(sku), days, Purchase, quantity, Some(cost), None, None).await?;
    }
    // Frames cut during the month: remnants stay on the racks, short offcuts are wasted.
    movement(
        admin,
        id("MOL-RB-20"),
        22,
        Consumption,
        "1.96",
        None,
        Some("marco 40 × 50"),
        Some(vec![540, 540, 440, 440]),
    )
    .await?;
    movement(
        admin,
        id("MOL-RB-20"),
        18,
        Consumption,
        "0.84",
        None,
        Some("marco 20 × 20"),
        Some(vec![210, 210, 210, 210]),
    )
    .await?;
    movement(
        admin,
        id("MOL-NG-35"),
        16,
        Consumption,
        "2.86",
        None,
        Some("marco 60 × 70"),
        Some(vec![740, 740, 690, 690]),
    )
    .await?;
    movement(
        admin,
        id("MOL-DO-45"),
        9,
        Consumption,
        "2.8",
        None,
        Some("espejo barroco"),
        Some(vec![700, 700, 700, 700]),
    )
    .await?;
    movement(admin, id("MOL-NG-35"), 5, Waste, "0.4", None, Some("golpe en el transporte"), None).await?;
    for (sku, days, quantity, reason) in [
        ("PAP-LUS-A4", 20, "60", "fotos carnet y 10 × 15"),
        ("PAP-LUS-A4", 13, "85", "sesión escolar"),
        ("TIN-CY-P700", 13, "18", "sesión escolar"),
        ("PIN-ACR-BL", 15, "1.25", "fondos de retablos"),
        ("REC-TAZA", 11, "12", "tazas día de la madre"),
        ("PS-LIE-4050", 8, "3", "taller de pintura"),
        ("VID-2MM", 22, "0.2", "marco 40 × 50"),
        ("FON-MDF3", 22, "0.2", "marco 40 × 50"),
    ] {
        movement(admin, id(sku), days, Consumption, quantity, None, Some(reason), None).await?;
    }
    movement(admin, id("PAP-LUS-A4"), 13, Return, "5", None, Some("sobrante de la sesión"), None).await?;
    movement(admin, id("REC-LLAV"), 7, Adjustment, "-2", None, Some("recuento: faltan dos"), None).await?;
    movement(admin, id("VID-2MM"), 6, Waste, "0.15", None, Some("vidrio rajado al cortar"), None).await?;

    // A quoted frame, made and sold and delivered.
    let quote = quotes::frame(
        admin,
        &FrameQuoteInput {
            artwork_width_cm: q("30"),
            artwork_height_cm: q("40"),
            mat_border_cm: Some(q("5")),
            moulding_id: id("MOL-RB-20"),
            glazing_id: Some(id("VID-2MM")),
            backing_id: Some(id("FON-MDF3")),
            mat_id: Some(id("PAS-BL")),
            description: None,
        },
    )
    .await?;
    let framed = production::create(
        admin,
        &order_input(&quote.frame_item.description, 1, None, Some(quote.frame_item.specs.clone())),
    )
    .await?;
    let used = consumption(&quote.frame_item.specs);
    let frame_product = ProductInput {
        price: Some(quote.price),
        location: Some("Mostrador".into()),
        ..product("Retrato 30 × 40 con paspartú", ProductKind::FramedPicture)
    };
    let wasted = vec![waste(id("PAS-BL"), "0.12", WasteReason::CutError, "ventana del paspartú mal cortada")];
    let made = registration(
        admin,
        framed.id,
        None,
        used,
        wasted,
        vec![
            frame_product.clone(),
            ProductInput { code: None, name: "Retrato 30 × 40 (muestra de vitrina)".into(), ..frame_product },
        ],
    )
    .await?;
    production::set_status(admin, framed.id, ProductionStatus::Done).await?;
    let client =
        crate::studio::clients::service::list(admin, &Default::default(), crate::db::Window { limit: 1, offset: 0 })
            .await?
            .1
            .into_iter()
            .next()
            .map(|c| c.id);
    products::sell(admin, made[0], &SaleInput { client_id: client, order_id: None }).await?;
    products::deliver(admin, made[0], &OrderRef::default()).await?;
    // A school's souvenirs: test prints and a defective mug wasted; sold at the counter.
    let mugs =
        production::create(admin, &order_input("Tazas de promoción Colegio San Agustín", 12, None, None)).await?;
    let used = vec![
        UsedLine { material_id: id("REC-TAZA"), quantity: q("12"), cuts_mm: None },
        UsedLine { material_id: id("PAP-LUS-A4"), quantity: q("12"), cuts_mm: None },
    ];
    let wasted = vec![
        waste(id("REC-TAZA"), "1", WasteReason::Defect, "taza con burbuja"),
        waste(id("PAP-LUS-A4"), "3", WasteReason::TestPrint, "prueba de color"),
    ];
    let boxes = registration(
        admin,
        mugs.id,
        Some(12),
        used,
        wasted,
        vec![
            product("Caja de 6 tazas San Agustín", ProductKind::Souvenir),
            product("Caja de 6 tazas San Agustín (2)", ProductKind::Souvenir),
        ],
    )
    .await?;
    products::sell(admin, boxes[0], &SaleInput::default()).await?;
    // A graduation album made for a customer order: held (reserved) for it.
    let album =
        production::create(admin, &order_input("Álbum de graduación 30 × 30", 1, Some(Uuid::now_v7()), None)).await?;
    let used = vec![
        UsedLine { material_id: id("PAP-LUS-A4"), quantity: q("24"), cuts_mm: None },
        UsedLine { material_id: id("TIN-CY-P700"), quantity: q("6"), cuts_mm: None },
    ];
    registration(
        admin,
        album.id,
        None,
        used,
        Vec::new(),
        vec![product("Álbum de graduación Promoción 2026", ProductKind::Album)],
    )
    .await?;
    // Planned and cancelled work.
    production::create(admin, &order_input("Marco dorado para espejo 60 × 90", 1, None, None)).await?;
    let cancelled =
        production::create(admin, &order_input("Retablo ayacuchano (cancelado por el cliente)", 1, None, None)).await?;
    production::set_status(admin, cancelled.id, ProductionStatus::Cancelled).await?;
    Ok(())
}

fn order_input(description: &str, planned: i32, order_id: Option<Uuid>, specs: Option<Value>) -> ProductionOrderInput {
    ProductionOrderInput {
        description: description.to_owned(),
        planned_quantity: Some(planned),
        order_id,
        order_item_id: None,
        assignee_id: None,
        due_on: None,
        notes: None,
        specs,
    }
}

fn product(name: &str, kind: ProductKind) -> ProductInput {
    ProductInput {
        code: None,
        name: name.to_owned(),
        kind,
        location: Some("Almacén".to_owned()),
        price: Some(Money(Decimal::from(45))),
        description: None,
        production_order_id: None,
        client_id: None,
    }
}

fn waste(material_id: Uuid, quantity: &str, reason: WasteReason, note: &str) -> WastedLine {
    WastedLine { material_id, quantity: q(quantity), reason, note: Some(note.to_owned()), cuts_mm: None }
}

/// A frame item's `consumption` as a registration's `used` lines.
fn consumption(specs: &Value) -> Vec<UsedLine> {
    let lines = specs["consumption"].as_array().cloned().unwrap_or_default();
    lines
        .iter()
        .filter_map(|line| {
            Some(UsedLine {
                material_id: line["material_id"].as_str()?.parse().ok()?,
                quantity: q(line["quantity"].as_str()?),
                cuts_mm: line["cuts_mm"].as_array().map(|cuts| cuts.iter().filter_map(Value::as_i64).collect()),
            })
        })
        .collect()
}

/// Registers work on an order and returns the ids of the products it made.
async fn registration(
    admin: &TenantUser,
    order: Uuid,
    produced: Option<i32>,
    used: Vec<UsedLine>,
    wasted: Vec<WastedLine>,
    made: Vec<ProductInput>,
) -> ApiResult<Vec<Uuid>> {
    let input = RegistrationInput {
        production_order_id: order,
        produced_quantity: produced,
        used: Some(used),
        wasted: Some(wasted),
        products: Some(made),
        notes: None,
    };
    Ok(register::register(admin, &input).await?.products.into_iter().map(|p| p.id).collect())
}

//! Demo workshop: materials in every category (mouldings with sticks and remnants on the
//! rack), a month of stock movements, production orders with their waste — one of them a
//! quoted frame — and finished products in every status.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use poem_openapi::types::ParseFromJSON;
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::{ApiError, ApiResult};
use crate::studio::inventory::changes::MovementInput;
use crate::studio::inventory::model::MaterialInput;
use crate::studio::inventory::movements::{MovementKind, WasteReason};
use crate::studio::inventory::service as inventory;
use crate::studio::money::{Money, Quantity};
use crate::studio::orders::input::OrderFilter;
use crate::studio::orders::model::OrderStatus;
use crate::studio::orders::service as orders;
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

/// The materials, as a client would post them to `POST /api/inventory/materials`.
const CATALOGUE: &str = r#"[
{"sku": "MOL-RB-20", "name": "Moldura roble 20 mm", "category": "mouldings", "unit": "metre", "minimum_stock": "12", "unit_cost": "8.50", "supplier": "Molduras del Sur", "location": "Rack A", "attributes": {"width_mm": 20, "rebate_mm": 6, "colour": "roble", "profile": "plano", "stick_length_mm": 2900, "material": "madera"}},
{"sku": "MOL-NG-35", "name": "Moldura negra cajón 35 mm", "category": "mouldings", "unit": "metre", "minimum_stock": "12", "unit_cost": "12.00", "supplier": "Molduras del Sur", "location": "Rack A", "attributes": {"width_mm": 35, "rebate_mm": 8, "colour": "negro", "profile": "cajón", "stick_length_mm": 3000}},
{"sku": "MOL-DO-45", "name": "Moldura dorada barroca 45 mm", "category": "mouldings", "unit": "metre", "minimum_stock": "9", "unit_cost": "18.50", "supplier": "Marcos Lima SAC", "location": "Rack B", "attributes": {"width_mm": 45, "rebate_mm": 10, "colour": "dorado", "profile": "barroco", "stick_length_mm": 2900}},
{"sku": "VID-2MM", "name": "Vidrio claro 2 mm", "category": "design", "unit": "square_metre", "minimum_stock": "2", "unit_cost": "45.00", "supplier": "Vidriería Central", "location": "Estante vidrios", "attributes": {"kind": "glazing", "thickness_mm": 2}},
{"sku": "FON-MDF3", "name": "Fondo MDF 3 mm", "category": "design", "unit": "square_metre", "minimum_stock": "2", "unit_cost": "18.00", "supplier": "Maderas Perú", "location": "Estante fondos", "attributes": {"kind": "backing", "thickness_mm": 3}},
{"sku": "PAS-BL", "name": "Paspartú blanco", "category": "design", "unit": "square_metre", "minimum_stock": "1", "unit_cost": "30.00", "supplier": "Papelera Andina", "location": "Estante fondos", "attributes": {"kind": "mat_board", "colour": "blanco"}},
{"sku": "PIN-ACR-BL", "name": "Acrílico blanco 1 L", "category": "paints", "unit": "litre", "minimum_stock": "2", "unit_cost": "28.00", "supplier": "Pinturas Tekno", "location": "Armario 1", "attributes": {"colour": "blanco", "base": "acrylic", "finish": "matte", "container_ml": 1000}},
{"sku": "PIN-LAC-NG", "name": "Laca negra 1 L", "category": "paints", "unit": "litre", "minimum_stock": "1", "unit_cost": "35.00", "supplier": "Pinturas Tekno", "location": "Armario 1", "attributes": {"colour": "negro", "base": "lacquer", "finish": "gloss"}},
{"sku": "PAP-LUS-A4", "name": "Papel lustre A4 260 g", "category": "printing", "unit": "sheet", "minimum_stock": "100", "unit_cost": "0.90", "supplier": "Fotoinsumos", "location": "Impresión", "attributes": {"kind": "paper", "size": "A4", "weight_gsm": 260, "finish": "lustre"}},
{"sku": "TIN-CY-P700", "name": "Tinta cian P700", "category": "printing", "unit": "millilitre", "minimum_stock": "50", "unit_cost": "2.10", "supplier": "Fotoinsumos", "location": "Impresión", "attributes": {"kind": "ink", "colour": "cyan", "printer": "Epson P700", "container_ml": 25}},
{"sku": "REC-TAZA", "name": "Taza blanca sublimable", "category": "souvenirs", "unit": "unit", "minimum_stock": "20", "unit_cost": "4.20", "supplier": "Sublimados Perú", "location": "Almacén", "attributes": {"item": "taza", "size": "11 oz", "customisable": true}},
{"sku": "REC-LLAV", "name": "Llavero acrílico", "category": "souvenirs", "unit": "unit", "minimum_stock": "30", "unit_cost": "1.50", "supplier": "Sublimados Perú", "location": "Almacén", "attributes": {"item": "llavero", "customisable": true}},
{"sku": "EQ-P700", "name": "Impresora Epson SureColor P700", "category": "equipment", "unit": "unit", "minimum_stock": "0", "unit_cost": "4200.00", "supplier": "Epson Perú", "location": "Impresión", "attributes": {"kind": "printer", "brand": "Epson", "model": "SureColor P700"}},
{"sku": "EQ-LR", "name": "Licencia Lightroom (anual)", "category": "equipment", "unit": "unit", "minimum_stock": "0", "unit_cost": "480.00", "supplier": "Adobe", "location": "Oficina", "attributes": {"kind": "software", "brand": "Adobe", "licence_expires_on": "2027-03-31"}},
{"sku": "PS-LIE-4050", "name": "Lienzo 40 × 50 cm", "category": "painting_supplies", "unit": "unit", "minimum_stock": "5", "unit_cost": "22.00", "supplier": "Arte y Color", "location": "Estante lienzos", "attributes": {"kind": "canvas", "size": "40x50 cm"}}
]"#;

use MovementKind::*;

/// A movement of the month: sku, days ago, kind, quantity, the unit cost of a purchase or
/// else why, and a moulding's cuts.
type Moved = (&'static str, i64, MovementKind, &'static str, &'static str, &'static [i64]);

/// The month's movements. Stock arrives first; the work that used it follows.
const MONTH: &[Moved] = &[
    ("MOL-RB-20", 30, Purchase, "17.4", "8.50", &[]),
    ("MOL-NG-35", 30, Purchase, "12", "12.00", &[]),
    ("MOL-DO-45", 29, Purchase, "8.7", "18.50", &[]),
    ("VID-2MM", 29, Purchase, "3", "45.00", &[]),
    ("FON-MDF3", 29, Purchase, "3", "18.00", &[]),
    ("PAS-BL", 28, Purchase, "1.5", "30.00", &[]),
    ("PIN-ACR-BL", 27, Purchase, "4", "28.00", &[]),
    ("PIN-LAC-NG", 27, Purchase, "2", "35.00", &[]),
    ("PAP-LUS-A4", 26, Purchase, "300", "0.90", &[]),
    ("TIN-CY-P700", 26, Purchase, "100", "2.10", &[]),
    ("REC-TAZA", 25, Purchase, "48", "4.20", &[]),
    ("REC-LLAV", 25, Purchase, "20", "1.50", &[]),
    ("EQ-P700", 30, Purchase, "1", "4200.00", &[]),
    ("EQ-LR", 30, Purchase, "2", "480.00", &[]),
    ("PS-LIE-4050", 24, Purchase, "10", "22.00", &[]),
    // Frames cut during the month: remnants stay on the racks, short offcuts are wasted.
    ("MOL-RB-20", 22, Consumption, "1.96", "marco 40 × 50", &[540, 540, 440, 440]),
    ("VID-2MM", 22, Consumption, "0.2", "marco 40 × 50", &[]),
    ("FON-MDF3", 22, Consumption, "0.2", "marco 40 × 50", &[]),
    ("PAP-LUS-A4", 20, Consumption, "60", "fotos carnet y 10 × 15", &[]),
    ("MOL-RB-20", 18, Consumption, "0.84", "marco 20 × 20", &[210, 210, 210, 210]),
    ("MOL-NG-35", 16, Consumption, "2.86", "marco 60 × 70", &[740, 740, 690, 690]),
    ("PIN-ACR-BL", 15, Consumption, "1.25", "fondos de retablos", &[]),
    ("PAP-LUS-A4", 13, Consumption, "85", "sesión escolar", &[]),
    ("TIN-CY-P700", 13, Consumption, "18", "sesión escolar", &[]),
    ("PAP-LUS-A4", 13, Return, "5", "sobrante de la sesión", &[]),
    ("MOL-RB-20", 12, Purchase, "5.8", "8.90", &[]),
    ("REC-TAZA", 11, Consumption, "12", "tazas día de la madre", &[]),
    ("PAP-LUS-A4", 10, Purchase, "200", "0.95", &[]),
    ("MOL-DO-45", 9, Consumption, "2.8", "espejo barroco", &[700, 700, 700, 700]),
    ("PS-LIE-4050", 8, Consumption, "3", "taller de pintura", &[]),
    ("REC-LLAV", 7, Adjustment, "-2", "recuento: faltan dos", &[]),
    ("VID-2MM", 6, Waste, "0.15", "vidrio rajado al cortar", &[]),
    ("MOL-NG-35", 5, Waste, "0.4", "golpe en el transporte", &[]),
];

/// Records one of the month's movements.
async fn movement(admin: &TenantUser, material_id: Uuid, row: &Moved) -> ApiResult<()> {
    let (_, days_ago, kind, quantity, cost_or_reason, cuts) = *row;
    let purchase = kind == Purchase;
    let input = MovementInput {
        material_id,
        kind,
        quantity: q(quantity),
        unit_cost: purchase.then(|| money(cost_or_reason)),
        waste_reason: (kind == Waste).then_some(WasteReason::Damage),
        reason: (!purchase).then(|| cost_or_reason.to_owned()),
        reference: purchase.then(|| format!("F001-{:05}", 100 + days_ago)),
        production_order_id: None,
        cuts_mm: (!cuts.is_empty()).then(|| cuts.to_vec()),
        pieces_mm: None,
        occurred_at: Some(Utc::now() - Duration::days(days_ago)),
    };
    inventory::record(admin, &input).await.map(|_| ())
}

/// Creates the demo's workshop.
pub async fn seed(admin: &TenantUser) -> ApiResult<()> {
    let catalogue: Value = serde_json::from_str(CATALOGUE).map_err(ApiError::internal)?;
    let mut ids = HashMap::new();
    for material in catalogue.as_array().into_iter().flatten() {
        let input =
            MaterialInput::parse_from_json(Some(material.clone())).map_err(|e| ApiError::internal(e.into_message()))?;
        ids.insert(input.sku.clone(), inventory::create(admin, &input).await?.id);
    }
    let id = |sku: &str| ids[sku];
    for row in MONTH {
        movement(admin, id(row.0), row).await?;
    }

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
    let used = consumption(&quote.frame_item.specs)?;
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
    // A graduation album made for a customer order in production: held (reserved) for it.
    let in_production = OrderFilter { status: Some(OrderStatus::InProduction), ..OrderFilter::default() };
    let customer_order =
        orders::list(admin, &in_production, crate::db::Window { limit: 1, offset: 0 }).await?.1.first().map(|o| o.id);
    let album = production::create(admin, &order_input("Álbum de graduación 30 × 30", 1, customer_order, None)).await?;
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

/// A frame item's `consumption`, which is a registration's `used` lines as a client posts them.
fn consumption(specs: &Value) -> ApiResult<Vec<UsedLine>> {
    Vec::<UsedLine>::parse_from_json(Some(specs["consumption"].clone()))
        .map_err(|e| ApiError::internal(e.into_message()))
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

//! Pricing a frame: the materials are the studio's own (checked for what they are), the
//! figures come from [`pricing`] with the studio's settings, and the answer carries the
//! order item it becomes. Nothing is written: a quote is a calculation.

use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::db::TenantDb;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::inventory::attributes::{MouldingSpec, design_kind};
use crate::studio::inventory::cutting;
use crate::studio::inventory::ledger_repo;
use crate::studio::inventory::model::{MaterialCategory, Unit};
use crate::studio::money::{Money, Quantity};
use crate::studio::quotes::model::{
    Consumption, FrameItem, FrameQuote, FrameQuoteInput, PricedMaterial, QuoteLine, Role,
};
use crate::studio::quotes::pricing::{self, Geometry};
use crate::studio::quotes::repo;
use crate::studio::settings::{self, StudioSettings};
use crate::tenancy::model::Tenant;

/// The material a field names, if it is what the field needs (else a failure on the field).
fn pick<'a>(
    checks: &mut Checks,
    materials: &'a [PricedMaterial],
    field: &str,
    id: Uuid,
    role: Role,
) -> Option<&'a PricedMaterial> {
    let Some(material) = materials.iter().find(|m| m.id == id) else {
        return checks.failed(field, "no material of this studio has this id");
    };
    let (fits, needs) = match role {
        Role::Moulding => (material.category == MaterialCategory::Mouldings, "a moulding"),
        Role::Glazing => (is_sheet_of(material, &["glazing"]), "a design material of kind glazing, in square metres"),
        Role::Backing => (
            is_sheet_of(material, &["backing", "foam_board"]),
            "a design material of kind backing or foam_board, in square metres",
        ),
        Role::Mat => (is_sheet_of(material, &["mat_board"]), "a design material of kind mat_board, in square metres"),
    };
    if fits { Some(material) } else { checks.failed(field, format!("must be {needs}")) }
}

fn is_sheet_of(material: &PricedMaterial, kinds: &[&str]) -> bool {
    material.category == MaterialCategory::Design
        && material.unit == Unit::SquareMetre
        && design_kind(&material.attributes).is_some_and(|k| kinds.contains(&k))
}

/// Prices a frame.
pub async fn frame(user: &TenantUser, input: &FrameQuoteInput) -> ApiResult<FrameQuote> {
    price_in(&mut user.db().await?, &user.tenant, input).await
}

/// Prices a frame on `db` (an order's transaction prices the frame lines it takes this way),
/// with the studio's current materials and settings.
pub async fn price_in(db: &mut TenantDb, tenant: &Tenant, input: &FrameQuoteInput) -> ApiResult<FrameQuote> {
    let (measures, description) = input.validate()?;
    let settings = settings::load(db, tenant).await?;
    let optional = [
        (Role::Glazing, "glazing_id", input.glazing_id),
        (Role::Backing, "backing_id", input.backing_id),
        (Role::Mat, "mat_id", input.mat_id),
    ];
    let ids: Vec<Uuid> =
        std::iter::once(input.moulding_id).chain(optional.iter().filter_map(|(_, _, id)| *id)).collect();
    let materials = repo::materials(db, &ids).await?;
    let mut checks = Checks::new();
    let moulding = pick(&mut checks, &materials, "moulding_id", input.moulding_id, Role::Moulding);
    let sheets: Vec<(Role, &PricedMaterial)> = optional
        .iter()
        .filter_map(|(role, field, id)| {
            id.and_then(|id| pick(&mut checks, &materials, field, id, *role)).map(|m| (*role, m))
        })
        .collect();
    checks.finish()?;
    let moulding = moulding.ok_or_else(|| ApiError::invalid("moulding_id", "must be a moulding"))?;
    let spec = MouldingSpec::of(&moulding.attributes)
        .ok_or_else(|| ApiError::internal(format!("moulding {} has no measures", moulding.id)))?;
    let geometry = pricing::geometry(measures, spec.width_mm, settings.waste_allowance_percent.0);
    check_sticks(&geometry, spec)?;

    let metres = Quantity::from_mm(geometry.moulding_length_mm);
    let rack = ledger_repo::available_pieces(db, moulding.id).await?;
    let on_rack = cutting::plan(&rack, &geometry.cuts_mm, settings.min_usable_remnant_mm.into()).is_ok();
    let mut lines =
        vec![pricing::line(Role::Moulding, moulding, metres, pricing::markup(&settings, Role::Moulding), on_rack)];
    let area = pricing::square_metres(geometry.area_mm2);
    for (role, material) in sheets {
        lines.push(pricing::line(role, material, area, pricing::markup(&settings, role), material.stock.0 >= area.0));
    }
    let material_cost = Money(lines.iter().map(|l| l.cost.0).sum());
    let materials_price = Money(lines.iter().map(|l| l.price.0).sum());
    let labour = pricing::labour(&settings, metres);
    let subtotal = Money(materials_price.0 + labour.0);
    let price = pricing::round_to_step(subtotal, settings.price_rounding_step, settings.price_rounding);
    let description = description.unwrap_or_else(|| describe(&geometry, measures.mat_border_mm, &lines));
    let mut quote = FrameQuote {
        artwork_width_mm: measures.artwork_width_mm,
        artwork_height_mm: measures.artwork_height_mm,
        mat_border_mm: measures.mat_border_mm,
        outer_width_mm: geometry.outer_width_mm,
        outer_height_mm: geometry.outer_height_mm,
        moulding_width_mm: spec.width_mm,
        perimeter_mm: geometry.perimeter_mm,
        mitre_allowance_mm: geometry.mitre_allowance_mm,
        waste_allowance_percent: settings.waste_allowance_percent,
        waste_allowance_mm: geometry.waste_allowance_mm,
        moulding_length_mm: geometry.moulding_length_mm,
        cuts_mm: geometry.cuts_mm.clone(),
        area_mm2: geometry.area_mm2,
        lines,
        material_cost,
        materials_price,
        labour_fixed: settings.labour_fixed,
        labour_per_metre: settings.labour_per_metre,
        labour,
        subtotal,
        rounding_step: settings.price_rounding_step,
        rounding: settings.price_rounding,
        price,
        frame_item: FrameItem {
            kind: "frame".to_owned(),
            description,
            quantity: 1,
            unit_price: price,
            specs: Value::Null,
        },
    };
    quote.frame_item.specs = snapshot(&quote, &settings, &tenant.currency)?;
    Ok(quote)
}

/// Each cut must come from one stick: no moulding is joined along a side.
fn check_sticks(geometry: &Geometry, spec: MouldingSpec) -> ApiResult<()> {
    let mut checks = Checks::new();
    for (field, cut) in [("artwork_width_cm", geometry.cuts_mm[0]), ("artwork_height_cm", geometry.cuts_mm[2])] {
        if cut > spec.stick_length_mm {
            let message =
                format!("a side needs {cut} mm of moulding; it comes in sticks of {} mm", spec.stick_length_mm);
            checks.fail(field, message);
        }
    }
    checks.finish()
}

/// "Enmarcado 30 × 40 cm, paspartú 5 cm: Moldura negra 20 mm, Vidrio 2 mm, ..." — the item as
/// the studio's customers read it.
fn describe(geometry: &Geometry, mat_border_mm: i64, lines: &[QuoteLine]) -> String {
    let cm = |mm: i64| rust_decimal::Decimal::new(mm, 1).normalize().to_string();
    let artwork_w = geometry.outer_width_mm - 2 * mat_border_mm;
    let artwork_h = geometry.outer_height_mm - 2 * mat_border_mm;
    let mut text = format!("Enmarcado {} × {} cm", cm(artwork_w), cm(artwork_h));
    if mat_border_mm > 0 {
        text.push_str(&format!(", paspartú {} cm", cm(mat_border_mm)));
    }
    let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
    format!("{text}: {}", names.join(", "))
}

/// The quote as an order item keeps it: every figure, the settings that made them, and the
/// production registration's `used` lines.
fn snapshot(quote: &FrameQuote, settings: &StudioSettings, currency: &str) -> ApiResult<Value> {
    let mut specs = serde_json::to_value(quote).map_err(ApiError::internal)?;
    let consumption: Vec<Consumption> = quote
        .lines
        .iter()
        .map(|l| Consumption {
            material_id: l.material_id,
            quantity: l.quantity,
            cuts_mm: (l.role == Role::Moulding).then(|| quote.cuts_mm.clone()),
        })
        .collect();
    if let Some(object) = specs.as_object_mut() {
        object.remove("frame_item");
        object.insert("quoted_at".to_owned(), json!(Utc::now()));
        object.insert("currency".to_owned(), json!(currency));
        object.insert(
            "settings".to_owned(),
            json!({
                "waste_allowance_percent": settings.waste_allowance_percent,
                "markup_moulding_percent": settings.markup_moulding_percent,
                "markup_glazing_percent": settings.markup_glazing_percent,
                "markup_backing_percent": settings.markup_backing_percent,
                "markup_mat_percent": settings.markup_mat_percent,
                "labour_fixed": settings.labour_fixed,
                "labour_per_metre": settings.labour_per_metre,
                "price_rounding_step": settings.price_rounding_step,
                "price_rounding": settings.price_rounding,
            }),
        );
        object.insert("consumption".to_owned(), json!(consumption));
    }
    Ok(specs)
}

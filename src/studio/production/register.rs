//! Registering production: in one transaction, the materials a production order used and
//! wasted (each a ledger movement linked to the order and the registration) and the
//! finished products it made. Any bad line — a material of no studio's or another's, not
//! enough stock, a bad quantity, a taken code — writes nothing at all.

use chrono::{DateTime, Datelike, Utc};
use poem_openapi::Object;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::extract::TenantUser;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::inventory::changes::{Change, lengths, signed_delta};
use crate::studio::inventory::movements::{Movement, MovementKind, WasteReason};
use crate::studio::inventory::{ledger_repo, repo as materials, service as inventory};
use crate::studio::money::Quantity;
use crate::studio::production::model::{ProductionOrder, ProductionStatus};
use crate::studio::production::{repo, service};
use crate::studio::products::model::{Product, ProductInput, ProductStatus, ValidProduct};
use crate::studio::products::repo::Origin;
use crate::studio::products::service as products;
use crate::studio::settings;

/// A material used.
#[derive(Debug, Clone, Object)]
#[oai(rename = "UsedMaterial")]
pub struct UsedLine {
    pub material_id: Uuid,
    /// Positive, in the material's unit.
    pub quantity: Quantity,
    /// Mouldings: the lengths cut, in mm, adding up to the quantity (a frame quote's
    /// `consumption` carries them).
    pub cuts_mm: Option<Vec<i64>>,
}

/// A material wasted (merma).
#[derive(Debug, Clone, Object)]
#[oai(rename = "WastedMaterial")]
pub struct WastedLine {
    pub material_id: Uuid,
    /// Positive, in the material's unit.
    pub quantity: Quantity,
    /// cut_error, defect, damage, test_print or other.
    pub reason: WasteReason,
    /// What happened; up to 500 characters.
    pub note: Option<String>,
    /// Mouldings: the lengths cut off the rack, in mm.
    pub cuts_mm: Option<Vec<i64>>,
}

/// What one registration records.
#[derive(Debug, Clone, Object)]
pub struct RegistrationInput {
    pub production_order_id: Uuid,
    /// How many units this work produced (0–100000); default: the number of products.
    pub produced_quantity: Option<i32>,
    /// Up to 100 lines.
    pub used: Option<Vec<UsedLine>>,
    /// Up to 100 lines.
    pub wasted: Option<Vec<WastedLine>>,
    /// The finished products made (up to 100); reserved for the order the production
    /// order serves, if any, else in stock.
    pub products: Option<Vec<ProductInput>>,
    /// Up to 2000 characters.
    pub notes: Option<String>,
}

/// A recorded registration.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Registration {
    pub id: Uuid,
    pub production_order_id: Uuid,
    pub produced_quantity: i32,
    pub notes: Option<String>,
    pub actor_id: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
    /// The ledger movements it wrote: used, wasted, and automatic offcuts.
    pub movements: Vec<Movement>,
    pub products: Vec<Product>,
    /// The production order after it.
    pub production_order: ProductionOrder,
}

impl crate::http::responses::Located for Registration {
    fn location(&self) -> String {
        format!("/api/production/orders/{}", self.production_order_id)
    }
}

/// A registration after the checks that need no database.
struct ValidRegistration {
    produced: i32,
    changes: Vec<Change>,
    products: Vec<ValidProduct>,
    notes: Option<String>,
}

const MAX_LINES: usize = 100;

impl RegistrationInput {
    fn validate(&self) -> ApiResult<ValidRegistration> {
        let mut checks = Checks::new();
        let used = self.used.as_deref().unwrap_or_default();
        let wasted = self.wasted.as_deref().unwrap_or_default();
        let made = self.products.as_deref().unwrap_or_default();
        for (field, len) in [("used", used.len()), ("wasted", wasted.len()), ("products", made.len())] {
            if len > MAX_LINES {
                checks.fail(field, format!("at most {MAX_LINES} lines"));
            }
        }
        let produced = self.produced_quantity.unwrap_or(made.len() as i32);
        if !(0..=100_000).contains(&produced) {
            checks.fail("produced_quantity", "must be between 0 and 100000");
        }
        if used.is_empty() && wasted.is_empty() && made.is_empty() && produced == 0 {
            checks.fail("used", "a registration records materials, products or a produced quantity");
        }
        let mut changes = Vec::new();
        for (i, line) in used.iter().enumerate() {
            let prefix = format!("used[{i}].");
            let delta =
                signed_delta(&mut checks, &format!("{prefix}quantity"), MovementKind::Consumption, line.quantity);
            let cuts_mm = lengths(&mut checks, &format!("{prefix}cuts_mm"), line.cuts_mm.as_ref());
            changes.push(line_change(line.material_id, MovementKind::Consumption, delta, None, None, cuts_mm, prefix));
        }
        for (i, line) in wasted.iter().enumerate() {
            let prefix = format!("wasted[{i}].");
            let delta = signed_delta(&mut checks, &format!("{prefix}quantity"), MovementKind::Waste, line.quantity);
            if line.reason == WasteReason::Offcut {
                checks.fail(&format!("{prefix}reason"), "offcut waste is recorded by the cut itself");
            }
            let note = checks.optional(&format!("{prefix}note"), line.note.as_deref(), 500);
            let cuts_mm = lengths(&mut checks, &format!("{prefix}cuts_mm"), line.cuts_mm.as_ref());
            changes.push(line_change(
                line.material_id,
                MovementKind::Waste,
                delta,
                Some(line.reason),
                note,
                cuts_mm,
                prefix,
            ));
        }
        let products = made.iter().enumerate().map(|(i, p)| p.check(&mut checks, &format!("products[{i}]."))).collect();
        let notes = checks.optional("notes", self.notes.as_deref(), 2000);
        checks.finish()?;
        Ok(ValidRegistration { produced, changes, products, notes })
    }
}

fn line_change(
    material_id: Uuid,
    kind: MovementKind,
    delta: Quantity,
    waste_reason: Option<WasteReason>,
    reason: Option<String>,
    cuts_mm: Option<Vec<i64>>,
    field: String,
) -> Change {
    Change {
        material_id,
        kind,
        delta,
        unit_cost: None,
        waste_reason,
        reason,
        reference: None,
        production_order_id: None,
        registration_id: None,
        parent_id: None,
        reverses_id: None,
        reverses_purchase: false,
        cuts_mm,
        pieces_mm: None,
        occurred_at: None,
        field,
    }
}

/// Records a registration (see the module docs). A planned order starts (in progress); a
/// done or cancelled one refuses (409 `production_order_closed`).
pub async fn register(user: &TenantUser, input: &RegistrationInput) -> ApiResult<Registration> {
    let valid = input.validate()?;
    let mut tx = user.begin().await?;
    let settings = settings::load(&mut tx, &user.tenant).await?;
    let mut order = repo::lock(&mut tx, input.production_order_id)
        .await?
        .ok_or_else(|| ApiError::invalid("production_order_id", "no production order of this studio has this id"))?;
    match order.status {
        ProductionStatus::Planned => order = service::step(&mut tx, user, order, ProductionStatus::InProgress).await?,
        ProductionStatus::InProgress => {}
        ProductionStatus::Done | ProductionStatus::Cancelled => return Err(service::closed(&order)),
    }
    // Every material first, locked in one go (id order), so a missing one fails before
    // anything is written and two registrations never wait on each other in a circle.
    let ids: Vec<Uuid> = valid.changes.iter().map(|c| c.material_id).collect();
    let locked = materials::lock_many(&mut tx, &ids).await?;
    let mut checks = Checks::new();
    for change in &valid.changes {
        if !locked.iter().any(|m| m.id == change.material_id) {
            checks.fail(&change.field("material_id"), "no material of this studio has this id");
        }
    }
    checks.finish()?;

    let row = repo::insert_registration(&mut tx, order.id, valid.produced, valid.notes.as_deref(), Some(user.user_id))
        .await?;
    let ledger = inventory::ledger(user, &settings);
    for change in &valid.changes {
        let material = locked.iter().find(|m| m.id == change.material_id).expect("checked above");
        let change = Change { production_order_id: Some(order.id), registration_id: Some(row.id), ..change.clone() };
        ledger.apply(&mut tx, material, &change).await?;
    }
    let (status, held_for) = match order.order_id {
        Some(order_id) => (ProductStatus::Reserved, Some(order_id)),
        None => (ProductStatus::InStock, None),
    };
    let year = user.tenant.today().year();
    let mut made = Vec::new();
    for (i, product) in valid.products.iter().enumerate() {
        let product = ValidProduct { production_order_id: Some(order.id), ..product.clone() };
        let origin = Origin { registration_id: Some(row.id), order_id: held_for, status };
        made.push(
            products::create_in(&mut tx, user.audit(), year, &product, origin, &format!("products[{i}].")).await?,
        );
    }
    if valid.produced > 0 {
        order = repo::add_produced(&mut tx, order.id, valid.produced).await?;
    }
    let movements = ledger_repo::of_registration(&mut tx, row.id).await?;
    let summary = json!({
        "production_order_id": order.id, "number": order.number, "produced_quantity": valid.produced,
        "movements": movements.len(), "products": made.len(),
    });
    audit::record(
        &mut tx,
        user.audit(),
        Entry::new("production.registered", "production_registration", Some(row.id), summary),
    )
    .await?;
    tx.commit().await?;
    Ok(Registration {
        id: row.id,
        production_order_id: row.production_order_id,
        produced_quantity: row.produced_quantity,
        notes: row.notes,
        actor_id: row.actor_id,
        recorded_at: row.recorded_at,
        movements,
        products: made,
        production_order: order,
    })
}

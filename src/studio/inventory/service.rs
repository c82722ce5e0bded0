//! The rules of materials and the unit of work of each action: materials, the ledger's
//! movements and reversals, a moulding's pieces, and the low-stock alerts.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::audit;
use crate::auth::extract::TenantUser;
use crate::db::{TenantDb, Window};
use crate::http::db_error::on_constraint;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult, FieldError};
use crate::studio::inventory::changes::{MovementFilter, MovementInput, ReversalInput};
use crate::studio::inventory::ledger::Ledger;
use crate::studio::inventory::model::{Material, MaterialCategory, MaterialFilter, MaterialInput};
use crate::studio::inventory::movements::{Movement, Piece, Recorded};
use crate::studio::inventory::{alerts::Alert, ledger_repo, repo};
use crate::studio::period;
use crate::studio::settings::{self, StudioSettings};

fn not_found() -> ApiError {
    ApiError::not_found("material")
}

fn sku_taken() -> impl FnOnce(sqlx::Error) -> ApiError {
    on_constraint("materials_sku_key", "sku", "a material with this sku already exists")
}

/// The ledger acting for `user` under the studio's settings.
pub fn ledger<'a>(user: &'a TenantUser, settings: &StudioSettings) -> Ledger<'a> {
    Ledger { audit: user.audit(), min_remnant_mm: settings.min_usable_remnant_mm.into() }
}

/// One page of materials in name order.
pub async fn list(user: &TenantUser, filter: &MaterialFilter, window: Window) -> ApiResult<(i64, Vec<Material>)> {
    Ok(repo::list(&mut user.db().await?, filter, window).await?)
}

/// The materials of the category named `key` (404 for an unknown key).
pub async fn list_category(
    user: &TenantUser,
    key: &str,
    filter: MaterialFilter,
    window: Window,
) -> ApiResult<(i64, Vec<Material>)> {
    let category = MaterialCategory::from_key(key).ok_or_else(|| ApiError::NotFound {
        code: "not_found",
        detail: format!("no material category {key:?}; they are mouldings, paints, printing, souvenirs, equipment, painting_supplies, design"),
    })?;
    list(user, &MaterialFilter { category: Some(category), ..filter }, window).await
}

/// One material (404 if the studio has none with this id).
pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<Material> {
    repo::get(&mut user.db().await?, id).await?.ok_or_else(not_found)
}

/// Creates a material with no stock (stock arrives by purchase); the minimum defaults to
/// the studio's for the category.
pub async fn create(user: &TenantUser, input: &MaterialInput) -> ApiResult<Material> {
    let mut tx = user.begin().await?;
    let settings = settings::load(&mut tx, &user.tenant).await?;
    let material = input.validate(&settings.low_stock_defaults)?;
    let created = repo::insert(&mut tx, &material).await.map_err(sku_taken())?;
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces a material's fields; one with movements keeps its category and unit (409
/// `material_in_use`), since its ledger and pieces are in them.
pub async fn update(user: &TenantUser, id: Uuid, input: &MaterialInput) -> ApiResult<Material> {
    let mut tx = user.begin().await?;
    let settings = settings::load(&mut tx, &user.tenant).await?;
    let material = input.validate(&settings.low_stock_defaults)?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    if (before.category != material.category || before.unit != material.unit)
        && repo::movement_count(&mut tx, id).await? > 0
    {
        let mut errors = Vec::new();
        for (field, changed) in
            [("category", before.category != material.category), ("unit", before.unit != material.unit)]
        {
            if changed {
                errors.push(FieldError::new(field, "cannot change once the material has movements"));
            }
        }
        return Err(ApiError::Conflict {
            code: "material_in_use",
            detail: "the material has movements; its category and unit are fixed".to_owned(),
            errors,
        });
    }
    let after = repo::update(&mut tx, id, &material).await.map_err(sku_taken())?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a material that never moved (409 `material_in_use` once it has a ledger).
pub async fn delete(user: &TenantUser, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let movements = repo::movement_count(&mut tx, id).await?;
    if movements > 0 {
        return Err(ApiError::Conflict {
            code: "material_in_use",
            detail: format!("the material has {movements} movement(s); the ledger keeps it"),
            errors: Vec::new(),
        });
    }
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}

/// The material a body names, locked (422 on `field` when the studio has no such material).
pub async fn lock_named(db: &mut TenantDb, id: Uuid, field: &str) -> ApiResult<Material> {
    repo::lock(db, id).await?.ok_or_else(|| ApiError::invalid(field, "no material of this studio has this id"))
}

/// Checks that a production order a body names is the studio's (422 on `field`).
pub async fn check_production_order(db: &mut TenantDb, id: Option<Uuid>, field: &str) -> ApiResult<()> {
    if let Some(id) = id
        && !crate::studio::production::repo::exists(db, id).await?
    {
        return Err(ApiError::invalid(field, "no production order of this studio has this id"));
    }
    Ok(())
}

/// Records one movement (and, for a moulding cut, its offcut waste).
pub async fn record(user: &TenantUser, input: &MovementInput) -> ApiResult<Recorded> {
    let change = input.validate()?;
    let mut tx = user.begin().await?;
    let settings = settings::load(&mut tx, &user.tenant).await?;
    check_production_order(&mut tx, change.production_order_id, "production_order_id").await?;
    let material = lock_named(&mut tx, change.material_id, "material_id").await?;
    let recorded = ledger(user, &settings).apply(&mut tx, &material, &change).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// Reverses a movement (see [`Ledger::reverse`]).
pub async fn reverse(user: &TenantUser, id: Uuid, input: &ReversalInput) -> ApiResult<Recorded> {
    let mut checks = Checks::new();
    let reason = checks.required("reason", &input.reason, 500);
    checks.finish()?;
    let mut tx = user.begin().await?;
    let settings = settings::load(&mut tx, &user.tenant).await?;
    let original = ledger_repo::get(&mut tx, id).await?.ok_or_else(|| ApiError::not_found("movement"))?;
    let material = repo::lock(&mut tx, original.material_id).await?.ok_or_else(not_found)?;
    // The material's lock queues two reversals of one movement: the second sees the first.
    let recorded = ledger(user, &settings).reverse(&mut tx, &material, id, &reason).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// One page of the ledger, latest first, between two dates of the studio.
pub async fn movements(
    user: &TenantUser,
    filter: MovementFilter,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    window: Window,
) -> ApiResult<(i64, Vec<Movement>)> {
    let period = period::instants(user.tenant.tz(), dates.0, dates.1)?;
    let filter = MovementFilter { from: period.from, until: period.until, ..filter };
    Ok(ledger_repo::list(&mut user.db().await?, &filter, window).await?)
}

/// One movement.
pub async fn movement(user: &TenantUser, id: Uuid) -> ApiResult<Movement> {
    ledger_repo::get(&mut user.db().await?, id).await?.ok_or_else(|| ApiError::not_found("movement"))
}

/// A moulding's pieces, longest first: those on the rack, or every piece it ever had.
pub async fn pieces(user: &TenantUser, id: Uuid, all: bool, window: Window) -> ApiResult<(i64, Vec<Piece>)> {
    let mut db = user.db().await?;
    let material = repo::get(&mut db, id).await?.ok_or_else(not_found)?;
    if material.category != MaterialCategory::Mouldings {
        return Err(ApiError::NotFound {
            code: "not_found",
            detail: "only mouldings are kept as pieces; this material is kept as a quantity".to_owned(),
        });
    }
    Ok(ledger_repo::pieces(&mut db, id, all, window).await?)
}

/// Materials at or under their minimum, worst first, each with what to reorder.
pub async fn alerts(user: &TenantUser, window: Window) -> ApiResult<(i64, Vec<Alert>)> {
    let mut db = user.db().await?;
    let settings = settings::load(&mut db, &user.tenant).await?;
    let (count, materials) = repo::alerts(&mut db, window).await?;
    let multiple = Decimal::from(settings.reorder_multiple_of_minimum.max(1));
    Ok((count, materials.into_iter().map(|m| Alert::of(m, multiple)).collect()))
}

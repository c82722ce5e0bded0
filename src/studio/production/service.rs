//! The rules of production orders: gap-free `PRD-YYYY-NNNNN` numbers, an assignee who is an
//! active user of the studio, the status workflow with its times, and no change once an
//! order is done or cancelled.

use chrono::Datelike;
use serde_json::json;
use uuid::Uuid;

use crate::audit;
use crate::auth::extract::TenantUser;
use crate::db::{TenantDb, Window};
use crate::http::{ApiError, ApiResult};
use crate::studio::numbering;
use crate::studio::period;
use crate::studio::production::efficiency::{self, PeriodEfficiency};
use crate::studio::production::model::{
    ProductionFilter, ProductionOrder, ProductionOrderDetail, ProductionOrderInput, ProductionStatus,
    ValidProductionOrder,
};
use crate::studio::production::repo;

/// 404 for a production order.
pub fn not_found() -> ApiError {
    ApiError::not_found("production order")
}

/// 409 `production_order_closed`: a done or cancelled order no longer changes.
pub fn closed(order: &ProductionOrder) -> ApiError {
    ApiError::ConflictWith {
        code: "production_order_closed",
        detail: format!("{} is {}; a closed production order does not change", order.number, order.status.key()),
        context: json!({"status": order.status.key()}),
    }
}

async fn check_assignee(db: &mut TenantDb, order: &ValidProductionOrder) -> ApiResult<()> {
    if let Some(id) = order.assignee_id
        && !repo::is_active_user(db, id).await?
    {
        return Err(ApiError::invalid("assignee_id", "no active user of this studio has this id"));
    }
    Ok(())
}

/// The customer order (and line) a production order serves must be the studio's: 422 on
/// `order_id`, or on `order_item_id` for a line of no order or of another order.
async fn check_order(db: &mut TenantDb, order: &ValidProductionOrder) -> ApiResult<()> {
    if let Some(order_id) = order.order_id {
        let (exists, has_line) = repo::order_line(db, order_id, order.order_item_id).await?;
        if !exists {
            return Err(ApiError::invalid("order_id", "no order of this studio has this id"));
        }
        if !has_line {
            return Err(ApiError::invalid("order_item_id", "the order has no line with this id"));
        }
    }
    Ok(())
}

/// One page of production orders, newest number first.
pub async fn list(
    user: &TenantUser,
    filter: &ProductionFilter,
    window: Window,
) -> ApiResult<(i64, Vec<ProductionOrder>)> {
    Ok(repo::list(&mut user.db().await?, filter, window).await?)
}

/// One order, with what its registrations used and wasted.
pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<ProductionOrderDetail> {
    let mut db = user.db().await?;
    let order = repo::get(&mut db, id).await?.ok_or_else(not_found)?;
    let efficiency = efficiency::of_order(&mut db, id).await?;
    let registrations = repo::registration_count(&mut db, id).await?;
    Ok(ProductionOrderDetail { order, efficiency, registrations })
}

/// Creates a planned order numbered `PRD-<this year>-NNNNN` (the studio's year).
pub async fn create(user: &TenantUser, input: &ProductionOrderInput) -> ApiResult<ProductionOrder> {
    let order = input.validate()?;
    let mut tx = user.begin().await?;
    check_assignee(&mut tx, &order).await?;
    check_order(&mut tx, &order).await?;
    let number = numbering::next(&mut tx, "PRD", user.tenant.today().year()).await?;
    let created = repo::insert(&mut tx, &number, &order).await?;
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces an order's fields; a done or cancelled order is closed (409).
pub async fn update(user: &TenantUser, id: Uuid, input: &ProductionOrderInput) -> ApiResult<ProductionOrder> {
    let order = input.validate()?;
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    if before.status.is_closed() {
        return Err(closed(&before));
    }
    check_assignee(&mut tx, &order).await?;
    check_order(&mut tx, &order).await?;
    let after = repo::update(&mut tx, id, &order).await?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves an order along its workflow (409 `invalid_transition` naming from and to).
pub async fn set_status(user: &TenantUser, id: Uuid, to: ProductionStatus) -> ApiResult<ProductionOrder> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let after = step(&mut tx, user, before, to).await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves a locked order to `to` if the workflow allows it, with the audit row.
pub async fn step(
    db: &mut TenantDb,
    user: &TenantUser,
    before: ProductionOrder,
    to: ProductionStatus,
) -> ApiResult<ProductionOrder> {
    if !before.status.may_become(to) {
        return Err(ApiError::invalid_transition("a production order", before.status.key(), to.key()));
    }
    let after = repo::set_status(db, before.id, to).await?;
    audit::updated(db, user.audit(), &before, &after).await?;
    Ok(after)
}

/// Deletes an order nothing was registered on (409 `production_order_in_use` otherwise).
pub async fn delete(user: &TenantUser, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let holders = repo::holders(&mut tx, id).await?;
    if holders > 0 {
        return Err(ApiError::Conflict {
            code: "production_order_in_use",
            detail: format!(
                "{holders} registration(s), movement(s) or product(s) refer to this order; cancel it instead"
            ),
            errors: Vec::new(),
        });
    }
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}

/// The workshop's efficiency between two dates of the studio (both inclusive; default the
/// last 30 days), per category and material, with the waste by reason.
pub async fn efficiency(
    user: &TenantUser,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> ApiResult<PeriodEfficiency> {
    let to = to.unwrap_or_else(|| user.tenant.today());
    let from = from.unwrap_or_else(|| to - chrono::Days::new(29));
    if (to - from).num_days() > 366 {
        return Err(ApiError::invalid("from", "a period is at most 366 days"));
    }
    let at = period::instants(user.tenant.tz(), Some(from), Some(to))?;
    Ok(efficiency::of_period(&mut user.db().await?, from, to, at).await?)
}

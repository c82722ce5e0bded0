//! The rules of contracts: only schools sign, numbers come from the studio's counter, the
//! status follows its workflow, and "expired" is read from the end date in the studio's time
//! zone.

use chrono::{Datelike, Days};
use serde_json::json;
use uuid::Uuid;

use crate::audit;
use crate::auth::extract::TenantUser;
use crate::db::{TenantDb, Window};
use crate::http::{ApiError, ApiResult};
use crate::studio::clients::model::ClientKind;
use crate::studio::contracts::model::{Contract, ContractFilter, ContractInput, ContractStatus, ValidContract};
use crate::studio::contracts::repo::{self, ListFilter};
use crate::studio::{numbering, settings};

fn not_found() -> ApiError {
    ApiError::not_found("contract")
}

/// Only a client of kind school may sign (422 on `school_id` otherwise).
async fn check_school(db: &mut TenantDb, contract: &ValidContract) -> ApiResult<()> {
    match repo::client_kind(db, contract.school_id).await? {
        Some(ClientKind::School) => Ok(()),
        Some(ClientKind::Individual) => Err(ApiError::invalid("school_id", "must be a client of kind school")),
        None => Err(ApiError::invalid("school_id", "no client of this studio has this id")),
    }
}

pub async fn list(user: &TenantUser, filter: &ContractFilter, window: Window) -> ApiResult<(i64, Vec<Contract>)> {
    let today = user.tenant.today();
    // `expired` is active past its end date; `active` is active and not yet past it.
    let (status, ends_before, ends_on_or_after) = match filter.status {
        Some(ContractStatus::Expired) => (Some(ContractStatus::Active), Some(today), None),
        Some(ContractStatus::Active) => (Some(ContractStatus::Active), None, Some(today)),
        other => (other, None, None),
    };
    let stored = ListFilter {
        status,
        ends_before,
        ends_on_or_after,
        school_id: filter.school_id,
        academic_year: filter.academic_year,
        search: filter.search.as_deref(),
    };
    let (count, contracts) = repo::list(&mut user.db().await?, &stored, window).await?;
    Ok((count, contracts.into_iter().map(|c| c.as_of(today)).collect()))
}

/// Active contracts ending within `days` (1–365; by default the studio's
/// `contract_expiry_days` setting) from today, soonest first.
pub async fn expiring(user: &TenantUser, days: Option<i64>, window: Window) -> ApiResult<(i64, Vec<Contract>)> {
    let mut db = user.db().await?;
    let days = match days {
        Some(days) => days,
        None => settings::load(&mut db, &user.tenant).await?.contract_expiry_days.into(),
    };
    if !(1..=365).contains(&days) {
        return Err(ApiError::invalid("days", "must be between 1 and 365"));
    }
    let today = user.tenant.today();
    let until = today + Days::new(days as u64);
    Ok(repo::ending_between(&mut db, today, until, window).await?)
}

pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<Contract> {
    let contract = repo::get(&mut user.db().await?, id).await?.ok_or_else(not_found)?;
    Ok(contract.as_of(user.tenant.today()))
}

/// Creates a draft contract numbered `CTR-<this year>-NNNNN` (the studio's year).
pub async fn create(user: &TenantUser, input: &ContractInput) -> ApiResult<Contract> {
    let contract = input.validate()?;
    let today = user.tenant.today();
    let mut tx = user.begin().await?;
    check_school(&mut tx, &contract).await?;
    let number = numbering::next(&mut tx, "CTR", today.year()).await?;
    let created = repo::insert(&mut tx, &number, &contract).await?;
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created.as_of(today))
}

/// Replaces a contract's fields; a completed or cancelled contract is closed (409).
pub async fn update(user: &TenantUser, id: Uuid, input: &ContractInput) -> ApiResult<Contract> {
    let contract = input.validate()?;
    let today = user.tenant.today();
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?.as_of(today);
    if before.status.is_closed() {
        return Err(ApiError::Conflict {
            code: "contract_closed",
            detail: format!("the contract is {}; a closed contract cannot change", status_name(before.status)),
            errors: Vec::new(),
        });
    }
    check_school(&mut tx, &contract).await?;
    let after = repo::update(&mut tx, id, &contract).await?.as_of(today);
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

fn status_name(status: ContractStatus) -> String {
    status.as_str().to_owned()
}

/// Moves a contract along its workflow (409 `invalid_transition` naming from and to).
pub async fn set_status(user: &TenantUser, id: Uuid, to: ContractStatus) -> ApiResult<Contract> {
    if to == ContractStatus::Expired {
        return Err(ApiError::invalid("status", "expired is derived from the end date and cannot be set"));
    }
    let today = user.tenant.today();
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?.as_of(today);
    if !before.status.may_become(to) {
        let (from, to) = (status_name(before.status), status_name(to));
        return Err(ApiError::ConflictWith {
            code: "invalid_transition",
            detail: format!("a contract cannot go from {from} to {to}"),
            context: json!({"from": from, "to": to}),
        });
    }
    let after = repo::set_status(&mut tx, id, to).await?.as_of(today);
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a contract with its roster and packages; refused with 409 `contract_in_use` while
/// orders or families' package orders were placed under it (they are the studio's sales
/// record: cancel the contract instead).
pub async fn delete(user: &TenantUser, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let (orders, package_orders) = (repo::orders_holding(&mut tx, id).await?, repo::package_orders(&mut tx, id).await?);
    if orders + package_orders > 0 {
        return Err(ApiError::ConflictWith {
            code: "contract_in_use",
            detail: format!(
                "the contract is held by {orders} order(s) and {package_orders} package order(s); cancel it instead"
            ),
            context: json!({"orders": orders, "package_orders": package_orders}),
        });
    }
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}

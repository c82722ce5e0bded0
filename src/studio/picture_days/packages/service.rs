//! The rules of packages: they belong to one contract of the studio and change until it
//! closes; a name is unique in the contract; a package that sold is withdrawn
//! (`active: false`), never deleted.

use serde_json::json;
use uuid::Uuid;

use crate::audit;
use crate::auth::extract::TenantUser;
use crate::db::Window;
use crate::http::db_error::on_constraint;
use crate::http::{ApiError, ApiResult};
use crate::studio::picture_days::packages::model::{Package, PackageInput};
use crate::studio::picture_days::packages::repo;
use crate::studio::picture_days::roster::service::{contract, contract_for_change};

fn not_found() -> ApiError {
    ApiError::not_found("package")
}

fn name_taken() -> impl FnOnce(sqlx::Error) -> ApiError {
    on_constraint("picture_packages_name_key", "name", "the contract already has a package with this name")
}

pub async fn list(
    user: &TenantUser,
    contract_id: Uuid,
    active: Option<bool>,
    window: Window,
) -> ApiResult<(i64, Vec<Package>)> {
    let mut db = user.db().await?;
    contract(&mut db, contract_id).await?;
    Ok(repo::list(&mut db, contract_id, active, window).await?)
}

pub async fn get(user: &TenantUser, contract_id: Uuid, id: Uuid) -> ApiResult<Package> {
    let mut db = user.db().await?;
    contract(&mut db, contract_id).await?;
    repo::get(&mut db, contract_id, id).await?.ok_or_else(not_found)
}

pub async fn create(user: &TenantUser, contract_id: Uuid, input: &PackageInput) -> ApiResult<Package> {
    let package = input.validate()?;
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let created = repo::insert(&mut tx, contract_id, &package).await.map_err(name_taken())?;
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces a package's fields; orders already placed keep the price they were placed at.
pub async fn update(user: &TenantUser, contract_id: Uuid, id: Uuid, input: &PackageInput) -> ApiResult<Package> {
    let package = input.validate()?;
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let before = repo::lock(&mut tx, contract_id, id).await?.ok_or_else(not_found)?;
    let after = repo::update(&mut tx, id, &package).await.map_err(name_taken())?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a package nobody ordered (409 `package_has_orders` otherwise: withdraw it).
pub async fn delete(user: &TenantUser, contract_id: Uuid, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    contract_for_change(&mut tx, contract_id).await?;
    let before = repo::lock(&mut tx, contract_id, id).await?.ok_or_else(not_found)?;
    let orders = repo::orders(&mut tx, id).await?;
    if orders > 0 {
        return Err(ApiError::ConflictWith {
            code: "package_has_orders",
            detail: format!("{orders} order(s) bought this package; set `active: false` to withdraw it"),
            context: json!({"orders": orders}),
        });
    }
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}

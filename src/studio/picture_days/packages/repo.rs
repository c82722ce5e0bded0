//! SQL on a studio's `picture_packages` table, always through the tenant-scoped handle.

use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::picture_days::packages::model::{Package, ValidPackage};

macro_rules! columns {
    ($($rest:literal),*) => {
        concat!("id, contract_id, name, price, contents, active, created_at, updated_at", $($rest),*)
    };
}

/// One page of a contract's packages, cheapest first, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut TenantDb,
    contract_id: Uuid,
    active: Option<bool>,
    window: Window,
) -> sqlx::Result<(i64, Vec<Package>)> {
    let mut list = ListQuery::new(concat!("SELECT ", columns!(" FROM picture_packages")), "price, lower(name), id");
    list.filter("contract_id = ", Some(contract_id)).filter("active = ", active);
    list.fetch(db, window).await
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, contract_id: Uuid, id: Uuid) -> sqlx::Result<Option<Package>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM picture_packages WHERE contract_id = $1 AND id = $2")))
        .bind(contract_id)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A package, locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, contract_id: Uuid, id: Uuid) -> sqlx::Result<Option<Package>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM picture_packages WHERE contract_id = $1 AND id = $2 FOR UPDATE")))
        .bind(contract_id)
        .bind(id)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, contract_id: Uuid, package: &ValidPackage) -> sqlx::Result<Package> {
    sqlx::query_as(concat!(
        "INSERT INTO picture_packages (name, price, contents, active, id, contract_id) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
        columns!()
    ))
    .bind(&package.name)
    .bind(package.price)
    .bind(&package.contents)
    .bind(package.active)
    .bind(Uuid::now_v7())
    .bind(contract_id)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, package: &ValidPackage) -> sqlx::Result<Package> {
    sqlx::query_as(concat!(
        "UPDATE picture_packages SET name = $1, price = $2, contents = $3, active = $4, updated_at = now() \
         WHERE id = $5 RETURNING ",
        columns!()
    ))
    .bind(&package.name)
    .bind(package.price)
    .bind(&package.contents)
    .bind(package.active)
    .bind(id)
    .fetch_one(db)
    .await
}

/// How many orders bought a package (they keep it from being deleted).
#[tracing::instrument(skip_all)]
pub async fn orders(db: &mut TenantDb, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM package_orders WHERE package_id = $1").bind(id).fetch_one(db).await
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM picture_packages WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

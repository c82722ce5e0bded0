//! SQL on a studio's `materials` table, always through the tenant-scoped handle. The stock
//! column is written only by the ledger ([`crate::studio::inventory::ledger_repo`]).

use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::inventory::model::{Material, MaterialFilter, ValidMaterial};

/// The columns of a [`Material`], then the rest of a statement.
macro_rules! columns {
    ($($rest:literal),*) => {
        concat!(
            "id, sku, name, category, unit, stock, minimum_stock, unit_cost, round(stock * unit_cost, 2) AS stock_value, \
             (minimum_stock > 0 AND stock <= minimum_stock) AS low_stock, supplier, location, attributes, notes, \
             created_at, updated_at",
            $($rest),*
        )
    };
}

/// The text `?search=` looks in; the same expression as the index `materials_search_idx`.
const SEARCH_TEXT: &str = "lower(sku || ' ' || name || ' ' || coalesce(supplier, ''))";

/// At or under a non-zero minimum.
const LOW: &str = "(minimum_stock > 0 AND stock <= minimum_stock) = ";

/// One page of materials in name order, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &MaterialFilter, window: Window) -> sqlx::Result<(i64, Vec<Material>)> {
    let mut list = ListQuery::new(concat!("SELECT ", columns!(" FROM materials")), "lower(name), id");
    // Counted over the table in a subquery (no joins, every filter a column): the page then
    // walks `materials_name_idx` (or `materials_category_idx`) and stops after its rows,
    // where a window count would build every matching row, attributes and all, to sort it.
    list.count_from("materials")
        .filter("category = ", filter.category)
        .filter(LOW, filter.low_stock)
        .contains(SEARCH_TEXT, filter.search.as_deref());
    list.fetch(db, window).await
}

/// Materials at or under their minimum, worst first: the lowest share of the minimum, then
/// the largest shortfall.
#[tracing::instrument(skip_all)]
pub async fn alerts(db: &mut TenantDb, window: Window) -> sqlx::Result<(i64, Vec<Material>)> {
    let mut list = ListQuery::new(
        concat!("SELECT ", columns!(", stock / nullif(minimum_stock, 0) AS share FROM materials")),
        "share, minimum_stock - stock DESC, sku",
    );
    list.count_from("materials").filter(LOW, Some(true));
    list.fetch(db, window).await
}

/// One material.
#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Material>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM materials WHERE id = $1"))).bind(id).fetch_optional(db).await
}

/// A material, locked until the transaction ends: its stock, cost and pieces are changed
/// by one writer at a time.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Material>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM materials WHERE id = $1 FOR UPDATE")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Several materials locked at once, in id order (so two writers never wait on each other
/// in a circle). Ids of no material of the studio are simply absent.
#[tracing::instrument(skip_all)]
pub async fn lock_many(db: &mut TenantDb, ids: &[Uuid]) -> sqlx::Result<Vec<Material>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM materials WHERE id = ANY($1) ORDER BY id FOR UPDATE")))
        .bind(ids)
        .fetch_all(db)
        .await
}

/// Writes a new material (no stock yet) and returns it.
#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, material: &ValidMaterial) -> sqlx::Result<Material> {
    let sql = concat!(
        "INSERT INTO materials (sku, name, category, unit, minimum_stock, unit_cost, supplier, location, attributes, \
         notes, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ",
        columns!()
    );
    with_fields(sql, material, Uuid::now_v7()).fetch_one(db).await
}

/// Replaces a material's fields (never its stock) and returns it.
#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, material: &ValidMaterial) -> sqlx::Result<Material> {
    let sql = concat!(
        "UPDATE materials SET sku = $1, name = $2, category = $3, unit = $4, minimum_stock = $5, unit_cost = $6, \
         supplier = $7, location = $8, attributes = $9, notes = $10, updated_at = now() WHERE id = $11 RETURNING ",
        columns!()
    );
    with_fields(sql, material, id).fetch_one(db).await
}

/// `sql` with the material's fields as `$1`–`$10` and `id` as `$11`.
fn with_fields<'q>(sql: &'static str, m: &'q ValidMaterial, id: Uuid) -> QueryAs<'q, Postgres, Material, PgArguments> {
    sqlx::query_as(sql)
        .bind(&m.sku)
        .bind(&m.name)
        .bind(m.category)
        .bind(m.unit)
        .bind(m.minimum_stock)
        .bind(m.unit_cost)
        .bind(&m.supplier)
        .bind(&m.location)
        .bind(&m.attributes)
        .bind(&m.notes)
        .bind(id)
}

/// How many movements a material has (a material with a ledger keeps its category and
/// unit, and is never deleted).
#[tracing::instrument(skip_all)]
pub async fn movement_count(db: &mut TenantDb, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM stock_movements WHERE material_id = $1").bind(id).fetch_one(db).await
}

/// Deletes a material.
#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM materials WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

//! SQL of frame quotes: the materials a quote prices, read through the tenant-scoped handle.

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::quotes::model::PricedMaterial;

/// The studio's materials among `ids` (ids of no material of the studio are absent).
#[tracing::instrument(skip_all)]
pub async fn materials(db: &mut TenantDb, ids: &[Uuid]) -> sqlx::Result<Vec<PricedMaterial>> {
    sqlx::query_as(
        "SELECT id, sku, name, category, unit, unit_cost, stock, attributes FROM materials WHERE id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(db)
    .await
}

//! SQL on a studio's `production_orders` and `production_registrations` tables.

use uuid::Uuid;

use crate::db::TenantDb;

/// Whether the studio has a production order with this id.
#[tracing::instrument(skip_all)]
pub async fn exists(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM production_orders WHERE id = $1)").bind(id).fetch_one(db).await
}

//! Writing the audit trail, through the tenant-scoped handle (inside the caller's
//! transaction when there is one, so a rolled-back write leaves no audit row).

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::audit::model::{AuditContext, Entry};

/// Records one event.
#[tracing::instrument(skip_all, fields(action = entry.action))]
pub async fn record(db: &mut TenantDb, ctx: &AuditContext, entry: Entry) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, actor_id, action, entity, entity_id, changes, request_id, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7())
    .bind(ctx.actor_id)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.changes)
    .bind(ctx.request_id.as_deref())
    .bind(ctx.ip.map(|ip| ip.to_string()))
    .execute(&mut *db)
    .await?;
    Ok(())
}

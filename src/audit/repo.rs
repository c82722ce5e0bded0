//! Writing the audit trail, through the tenant-scoped handle (inside the caller's
//! transaction when there is one, so a rolled-back write leaves no audit row).

use uuid::Uuid;

use crate::audit::model::{AuditContext, Audited, Entry, changes};
use crate::db::TenantDb;

/// Records one event.
#[tracing::instrument(skip_all, fields(action = %entry.action))]
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

/// `<entity>.created`, with the new record as "after".
pub async fn created<T: Audited>(db: &mut TenantDb, ctx: &AuditContext, record: &T) -> sqlx::Result<()> {
    let entry =
        Entry::new(format!("{}.created", T::ENTITY), T::ENTITY, Some(record.audit_id()), changes(None, Some(record)));
    self::record(db, ctx, entry).await
}

/// `<entity>.updated`, with the fields that changed.
pub async fn updated<T: Audited>(db: &mut TenantDb, ctx: &AuditContext, before: &T, after: &T) -> sqlx::Result<()> {
    let entry = Entry::new(
        format!("{}.updated", T::ENTITY),
        T::ENTITY,
        Some(after.audit_id()),
        changes(Some(before), Some(after)),
    );
    self::record(db, ctx, entry).await
}

/// `<entity>.deleted`, with the record as it was.
pub async fn deleted<T: Audited>(db: &mut TenantDb, ctx: &AuditContext, before: &T) -> sqlx::Result<()> {
    let entry =
        Entry::new(format!("{}.deleted", T::ENTITY), T::ENTITY, Some(before.audit_id()), changes(Some(before), None));
    self::record(db, ctx, entry).await
}

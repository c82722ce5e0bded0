//! Writing the audit trail, through the tenant-scoped handle (inside the caller's
//! transaction when there is one, so a rolled-back write leaves no audit row).

use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use uuid::Uuid;

use crate::audit::model::{AuditContext, Audited, Entry, changes};
use crate::db::TenantDb;

/// The columns of an audit row, in the order [`bind`] binds their values: for a write that
/// records its audit row in its own statement (`INSERT INTO audit_log (<columns>) ...`).
macro_rules! columns {
    () => {
        "id, actor_id, action, entity, entity_id, changes, request_id, ip"
    };
}
pub(crate) use columns;

/// Binds the values of an audit row, in the order of [`columns!`], after the query's other
/// parameters.
pub fn bind<'q>(
    query: Query<'q, Postgres, PgArguments>,
    ctx: &AuditContext,
    entry: Entry,
) -> Query<'q, Postgres, PgArguments> {
    query
        .bind(Uuid::now_v7())
        .bind(ctx.actor_id)
        .bind(entry.action)
        .bind(entry.entity)
        .bind(entry.entity_id)
        .bind(entry.changes)
        .bind(ctx.request_id.as_deref().map(str::to_owned))
        .bind(ctx.ip.map(|ip| ip.to_string()))
}

/// Records one event.
#[tracing::instrument(skip_all, fields(action = %entry.action))]
pub async fn record(db: &mut TenantDb, ctx: &AuditContext, entry: Entry) -> sqlx::Result<()> {
    let sql = concat!("INSERT INTO audit_log (", columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    bind(sqlx::query(sql), ctx, entry).execute(&mut *db).await?;
    Ok(())
}

/// `<entity>.created`, with the new record as "after".
pub async fn created<T: Audited>(db: &mut TenantDb, ctx: &AuditContext, record: &T) -> sqlx::Result<()> {
    self::record(db, ctx, Entry::created(record)).await
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

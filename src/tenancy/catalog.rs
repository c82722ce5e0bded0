//! SQL on the shared catalog (`public.tenants`, `public.tenant_domains`). Every name is
//! schema-qualified: these queries also run on connections whose search_path is a tenant's.

use sqlx::postgres::{PgConnection, PgPool};
use sqlx::{Executor, Postgres};
use uuid::Uuid;

use crate::db::{ListQuery, Window};
use crate::tenancy::model::{Tenant, TenantStatus};

/// The channel every instance listens on; the payload is the tenant id.
pub const CHANGED_CHANNEL: &str = "tenant_changed";

/// The tenant columns, then the rest of a statement: one `&'static str` at compile time.
macro_rules! with_columns {
    ($head:literal, $($rest:expr),+) => {
        concat!(
            $head,
            " t.id, t.slug, t.name, t.schema_name, t.status, t.country, t.currency, t.timezone, \
             t.plan, t.schema_version, t.created_at, t.updated_at, t.suspended_at, t.deleted_at ",
            $($rest),+
        )
    };
}

#[tracing::instrument(skip_all)]
pub async fn find_by_slug<'e>(db: impl Executor<'e, Database = Postgres>, slug: &str) -> sqlx::Result<Option<Tenant>> {
    sqlx::query_as(with_columns!("SELECT", "FROM public.tenants t WHERE t.slug = $1"))
        .bind(slug)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn find_by_id(db: &PgPool, id: Uuid) -> sqlx::Result<Option<Tenant>> {
    sqlx::query_as(with_columns!("SELECT", "FROM public.tenants t WHERE t.id = $1")).bind(id).fetch_optional(db).await
}

#[tracing::instrument(skip_all)]
pub async fn find_by_domain(db: &PgPool, domain: &str) -> sqlx::Result<Option<Tenant>> {
    sqlx::query_as(with_columns!(
        "SELECT",
        "FROM public.tenant_domains d JOIN public.tenants t ON t.id = d.tenant_id WHERE d.domain = $1"
    ))
    .bind(domain)
    .fetch_optional(db)
    .await
}

/// Filters of the tenant list.
#[derive(Debug, Default, Clone)]
pub struct TenantFilter {
    pub status: Option<TenantStatus>,
    /// Matches slug and name.
    pub search: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list(db: &PgPool, filter: &TenantFilter, window: Window) -> sqlx::Result<(i64, Vec<Tenant>)> {
    let mut list = ListQuery::new(with_columns!("SELECT", "FROM public.tenants t"), "slug");
    list.filter("t.status = ", filter.status).contains("lower(t.slug || ' ' || t.name)", filter.search.as_deref());
    list.fetch(&mut *db.acquire().await?, window).await
}

/// Every tenant whose schema exists and should be migrated (not mid-provisioning).
pub async fn list_migratable(db: &PgPool) -> sqlx::Result<Vec<Tenant>> {
    sqlx::query_as(with_columns!(
        "SELECT",
        "FROM public.tenants t WHERE t.status IN ('active', 'suspended', 'deleted') ORDER BY t.slug"
    ))
    .fetch_all(db)
    .await
}

/// Fields an operator may change.
#[derive(Debug, Default, Clone)]
pub struct TenantChanges {
    pub name: Option<String>,
    pub plan: Option<String>,
    pub country: Option<String>,
    pub currency: Option<String>,
    pub timezone: Option<String>,
}

/// Applies `changes` to a tenant's row. `db` may be a catalog connection or the studio's own
/// handle inside its unit of work (`tenancy::own_studio`): the statement is schema-qualified.
#[tracing::instrument(skip_all)]
pub async fn update<'e>(
    db: impl Executor<'e, Database = Postgres>,
    id: Uuid,
    changes: &TenantChanges,
) -> sqlx::Result<Option<Tenant>> {
    sqlx::query_as(with_columns!(
        "UPDATE public.tenants t SET name = coalesce($2, t.name), plan = coalesce($3, t.plan), \
         country = coalesce($4, t.country), currency = coalesce($5, t.currency), \
         timezone = coalesce($6, t.timezone), updated_at = now() \
         WHERE t.id = $1 AND t.status <> 'provisioning' RETURNING",
        ""
    ))
    .bind(id)
    .bind(&changes.name)
    .bind(&changes.plan)
    .bind(&changes.country)
    .bind(&changes.currency)
    .bind(&changes.timezone)
    .fetch_optional(db)
    .await
}

/// Moves a tenant to `status`, stamping when it was suspended or deleted.
#[tracing::instrument(skip_all)]
pub async fn set_status(conn: &mut PgConnection, id: Uuid, status: TenantStatus) -> sqlx::Result<Option<Tenant>> {
    sqlx::query_as(with_columns!(
        "UPDATE public.tenants t SET status = $2, updated_at = now(), \
         suspended_at = CASE WHEN $2 = 'suspended' THEN now() ELSE NULL END, \
         deleted_at = CASE WHEN $2 = 'deleted' THEN now() ELSE t.deleted_at END \
         WHERE t.id = $1 AND t.status <> 'provisioning' RETURNING",
        ""
    ))
    .bind(id)
    .bind(status)
    .fetch_optional(&mut *conn)
    .await
}

/// Tells every instance (including this one) to forget what it cached about tenants.
/// Inside a transaction the notification is sent at commit, never for a rollback.
pub async fn notify_changed(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    notify_changed_on(conn, id).await
}

/// [`notify_changed`] on any executor (a studio's own handle, inside its unit of work).
pub async fn notify_changed_on<'e>(db: impl Executor<'e, Database = Postgres>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)").bind(CHANGED_CHANNEL).bind(id.to_string()).execute(db).await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn list_domains(db: &PgPool, tenant_id: Uuid) -> sqlx::Result<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
    sqlx::query_as("SELECT domain, created_at FROM public.tenant_domains WHERE tenant_id = $1 ORDER BY domain")
        .bind(tenant_id)
        .fetch_all(db)
        .await
}

pub async fn add_domain(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    domain: &str,
) -> sqlx::Result<chrono::DateTime<chrono::Utc>> {
    sqlx::query_scalar("INSERT INTO public.tenant_domains (domain, tenant_id) VALUES ($1, $2) RETURNING created_at")
        .bind(domain)
        .bind(tenant_id)
        .fetch_one(&mut *conn)
        .await
}

pub async fn remove_domain(conn: &mut PgConnection, tenant_id: Uuid, domain: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM public.tenant_domains WHERE tenant_id = $1 AND domain = $2")
        .bind(tenant_id)
        .bind(domain)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the schema version a tenant reached.
pub async fn set_schema_version(conn: &mut PgConnection, id: Uuid, version: i32) -> sqlx::Result<()> {
    sqlx::query("UPDATE public.tenants SET schema_version = $2 WHERE id = $1 AND schema_version <> $2")
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How many studios are in each status (`GET /metrics`).
pub async fn count_by_status(db: &PgPool) -> sqlx::Result<Vec<(TenantStatus, i64)>> {
    sqlx::query_as("SELECT status, count(*) FROM public.tenants GROUP BY status").fetch_all(db).await
}

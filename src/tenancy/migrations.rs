//! Shared and tenant migrations, run by refinery through our sqlx driver.
//!
//! Each schema migrates inside one transaction that first takes an advisory lock on the
//! schema: a failure leaves the tenant at its old version, and two runs at once serialise per
//! schema instead of racing. Tenants migrate concurrently up to a limit; one failing does not
//! stop the others.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures::StreamExt;
use refinery_core::Migration;
use sqlx::postgres::{PgConnection, PgPool};
use sqlx::{AssertSqlSafe, Connection};

use crate::db::SchemaName;
use crate::db::migrate_driver::MigrationConn;
use crate::tenancy::catalog;
use crate::tenancy::model::Tenant;

mod embedded {
    pub mod shared {
        refinery::embed_migrations!("migrations");
    }
    pub mod tenant {
        refinery::embed_migrations!("tenant_migrations");
    }
}

/// History table of the shared schema (in `public`).
pub const SHARED_HISTORY: &str = "refinery_schema_history";
/// History table of each tenant schema (in the schema itself).
pub const TENANT_HISTORY: &str = "tenant_schema_history";
/// First key of every advisory lock this module takes (the second is the schema's hash).
const LOCK_NAMESPACE: i32 = 0x4653_4d47; // "FSMG"

/// What the runner did in this process, for `/metrics`: migrations applied, and runs that
/// failed (each failed run applied nothing: its schema's transaction rolled back).
#[derive(Debug, Default)]
pub struct RunCounts {
    pub applied: AtomicU64,
    pub failed: AtomicU64,
}

impl RunCounts {
    const fn new() -> RunCounts {
        RunCounts { applied: AtomicU64::new(0), failed: AtomicU64::new(0) }
    }

    fn record(
        &self,
        run: Result<refinery_core::Report, refinery_core::Error>,
    ) -> Result<refinery_core::Report, refinery_core::Error> {
        match &run {
            Ok(report) => self.applied.fetch_add(report.applied_migrations().len() as u64, Ordering::Relaxed),
            Err(_) => self.failed.fetch_add(1, Ordering::Relaxed),
        };
        run
    }
}

/// Runs of the shared schema's migrations.
pub static SHARED_RUNS: RunCounts = RunCounts::new();
/// Runs of tenant schemas' migrations (`migrate tenants` and provisioning).
pub static TENANT_RUNS: RunCounts = RunCounts::new();

/// The shared-schema migrations built into this binary.
pub fn shared_migrations() -> Vec<Migration> {
    embedded::shared::migrations::runner().get_migrations().clone()
}

/// The tenant migrations built into this binary, in version order.
pub fn tenant_migrations() -> &'static [Migration] {
    static MIGRATIONS: OnceLock<Vec<Migration>> = OnceLock::new();
    MIGRATIONS.get_or_init(|| {
        let mut migrations = embedded::tenant::migrations::runner().get_migrations().clone();
        migrations.sort_by_key(|m| m.version());
        migrations
    })
}

/// The tenant schema version this binary needs: the highest built-in tenant migration.
pub fn required_tenant_version() -> i32 {
    latest_version(tenant_migrations())
}

pub fn latest_version(migrations: &[Migration]) -> i32 {
    migrations.iter().map(|m| m.version()).max().unwrap_or(0)
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("database error: {}", crate::db::describe(.0))]
    Database(#[from] sqlx::Error),
    #[error("{}", describe_migration_error(.0))]
    Migration(#[from] refinery_core::Error),
    #[error("unknown tenant: {0}")]
    UnknownTenant(String),
}

/// refinery's message, with a database cause described for people (no server source line).
fn describe_migration_error(err: &refinery_core::Error) -> String {
    match err.kind() {
        refinery_core::error::Kind::Connection(what, cause) => match cause.downcast_ref::<sqlx::Error>() {
            Some(db) => format!("{what}: {}", crate::db::describe(db)),
            None => format!("{what}: {cause}"),
        },
        other => other.to_string(),
    }
}

/// Migrates the shared schema. Returns the versions applied.
pub async fn migrate_shared(pool: &PgPool) -> Result<Vec<i32>, MigrateError> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn
        .begin_with(AssertSqlSafe(format!(
            "BEGIN; SET LOCAL search_path TO public, extensions; \
             SELECT pg_advisory_xact_lock({LOCK_NAMESPACE}, 0)"
        )))
        .await?;
    let report = refinery_core::Runner::new(&shared_migrations())
        .set_grouped(true)
        .set_migration_table_name(SHARED_HISTORY)
        .run_async(&mut MigrationConn(&mut tx))
        .await;
    let report = SHARED_RUNS.record(report)?;
    tx.commit().await?;
    Ok(report.applied_migrations().iter().map(|m| m.version()).collect())
}

/// Opens the transaction a tenant schema migrates in: search_path set, schema locked.
pub async fn begin_schema_transaction<'c>(
    conn: &'c mut PgConnection,
    schema: &SchemaName,
) -> sqlx::Result<sqlx::Transaction<'c, sqlx::Postgres>> {
    // The schema name is validated ([a-z0-9_] only), so it is safe as a literal too.
    conn.begin_with(AssertSqlSafe(format!(
        "BEGIN; SET LOCAL search_path TO {}; SELECT pg_advisory_xact_lock({LOCK_NAMESPACE}, hashtext('{}'))",
        schema.search_path(),
        schema.as_str()
    )))
    .await
}

/// Like [`begin_schema_transaction`], but does not wait for the schema's lock: `None` when
/// someone else holds it (provisioning answers 409 rather than queue behind a twin).
pub async fn try_begin_schema_transaction<'c>(
    conn: &'c mut PgConnection,
    schema: &SchemaName,
) -> sqlx::Result<Option<sqlx::Transaction<'c, sqlx::Postgres>>> {
    let mut tx =
        conn.begin_with(AssertSqlSafe(format!("BEGIN; SET LOCAL search_path TO {}", schema.search_path()))).await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, hashtext($2))")
        .bind(LOCK_NAMESPACE)
        .bind(schema.as_str())
        .fetch_one(&mut *tx)
        .await?;
    Ok(locked.then_some(tx))
}

/// Applies pending `migrations` to the schema the transaction points at; returns the versions
/// applied. All pending migrations go in one batch.
pub async fn apply_tenant_migrations(
    tx: &mut PgConnection,
    migrations: &[Migration],
) -> Result<Vec<i32>, MigrateError> {
    let report = refinery_core::Runner::new(migrations)
        .set_grouped(true)
        .set_migration_table_name(TENANT_HISTORY)
        .run_async(&mut MigrationConn(tx))
        .await;
    let report = TENANT_RUNS.record(report)?;
    Ok(report.applied_migrations().iter().map(|m| m.version()).collect())
}

/// What happened to one tenant.
#[derive(Debug, Clone)]
pub struct TenantOutcome {
    pub slug: String,
    pub applied: Vec<i32>,
    pub version: i32,
    pub error: Option<String>,
    pub elapsed: Duration,
}

/// A whole run.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub outcomes: Vec<TenantOutcome>,
    pub elapsed: Duration,
}

impl RunSummary {
    pub fn failed(&self) -> Vec<&TenantOutcome> {
        self.outcomes.iter().filter(|o| o.error.is_some()).collect()
    }

    pub fn migrated(&self) -> usize {
        self.outcomes.iter().filter(|o| o.error.is_none() && !o.applied.is_empty()).count()
    }
}

/// Called after each tenant: (outcome, done so far, total).
pub type Progress = Arc<dyn Fn(&TenantOutcome, usize, usize) + Send + Sync>;

/// Options of a tenant run.
#[derive(Clone)]
pub struct TenantRun {
    /// Only these slugs (empty: every tenant with a schema).
    pub only: Vec<String>,
    pub concurrency: usize,
    pub migrations: Arc<Vec<Migration>>,
    pub progress: Option<Progress>,
}

impl TenantRun {
    /// Every tenant, the built-in migrations.
    pub fn all(concurrency: usize) -> TenantRun {
        TenantRun { only: Vec::new(), concurrency, migrations: Arc::new(tenant_migrations().to_vec()), progress: None }
    }
}

/// Migrates tenant schemas concurrently; one failing tenant does not stop the others.
pub async fn migrate_tenants(pool: &PgPool, run: TenantRun) -> Result<RunSummary, MigrateError> {
    let started = Instant::now();
    let tenants = selected_tenants(pool, &run.only).await?;
    let total = tenants.len();
    let latest = latest_version(&run.migrations);
    let mut done = 0;
    let mut outcomes = Vec::with_capacity(total);
    let mut results = futures::stream::iter(tenants)
        .map(|tenant| migrate_one(pool, tenant, &run.migrations, latest))
        .buffer_unordered(run.concurrency.max(1));
    while let Some(outcome) = results.next().await {
        done += 1;
        if let Some(progress) = &run.progress {
            progress(&outcome, done, total);
        }
        outcomes.push(outcome);
    }
    outcomes.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(RunSummary { outcomes, elapsed: started.elapsed() })
}

/// The migratable tenants, restricted to `only` when given (an unknown slug is an error).
pub async fn selected_tenants(pool: &PgPool, only: &[String]) -> Result<Vec<Tenant>, MigrateError> {
    let tenants = catalog::list_migratable(pool).await?;
    if only.is_empty() {
        return Ok(tenants);
    }
    if let Some(unknown) = only.iter().find(|s| !tenants.iter().any(|t| &t.slug == *s)) {
        return Err(MigrateError::UnknownTenant(unknown.clone()));
    }
    Ok(tenants.into_iter().filter(|t| only.contains(&t.slug)).collect())
}

async fn migrate_one(pool: &PgPool, tenant: Tenant, migrations: &[Migration], latest: i32) -> TenantOutcome {
    let started = Instant::now();
    let result = async {
        let mut conn = pool.acquire().await?;
        let mut tx = begin_schema_transaction(&mut conn, &tenant.schema).await?;
        let applied = apply_tenant_migrations(&mut tx, migrations).await?;
        if tenant.schema_version != latest {
            catalog::set_schema_version(&mut tx, tenant.id, latest).await?;
            catalog::notify_changed(&mut tx, tenant.id).await?;
        }
        tx.commit().await?;
        Ok::<_, MigrateError>(applied)
    }
    .await;
    let (applied, version, error) = match result {
        Ok(applied) => (applied, latest, None),
        Err(e) => {
            tracing::error!(tenant.slug = %tenant.slug, error = %e, "tenant migration failed");
            (Vec::new(), tenant.schema_version, Some(e.to_string()))
        }
    };
    TenantOutcome { slug: tenant.slug, applied, version, error, elapsed: started.elapsed() }
}

/// One tenant's migration state, read from its own history table.
#[derive(Debug, Clone)]
pub struct TenantStatusRow {
    pub slug: String,
    pub status: String,
    pub version: Option<i32>,
    pub pending: Vec<i32>,
    pub error: Option<String>,
}

/// The version and pending migrations of every (or some) tenant(s).
pub async fn status(pool: &PgPool, only: &[String], concurrency: usize) -> Result<Vec<TenantStatusRow>, MigrateError> {
    let tenants = selected_tenants(pool, only).await?;
    let migrations = tenant_migrations();
    let mut rows: Vec<TenantStatusRow> = futures::stream::iter(tenants)
        .map(|tenant| async move {
            let sql = format!("SELECT version FROM {}.{TENANT_HISTORY} ORDER BY version", tenant.schema.quoted());
            let applied: Result<Vec<i32>, sqlx::Error> =
                sqlx::query_scalar(AssertSqlSafe(sql)).persistent(false).fetch_all(pool).await;
            let (version, pending, error) = match applied {
                Ok(applied) => (
                    Some(applied.iter().copied().max().unwrap_or(0)),
                    migrations.iter().map(|m| m.version()).filter(|v| !applied.contains(v)).collect(),
                    None,
                ),
                Err(e) => (None, Vec::new(), Some(e.to_string())),
            };
            TenantStatusRow { slug: tenant.slug, status: tenant.status.as_str().to_owned(), version, pending, error }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    rows.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(rows)
}

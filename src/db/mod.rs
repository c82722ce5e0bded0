//! Database access: the catalog pool (shared schema), the tenant pool and its scoped handle,
//! refinery's driver over sqlx, and the private PostgreSQL cluster used when no URL is set.

pub mod affinity_pool;
pub mod health;
pub mod list;
pub mod local_pg;
pub mod migrate_driver;
pub mod schema_name;
pub mod tenant_db;
pub mod tenant_pool;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

pub use health::DbHealth;
pub use list::{ListQuery, Window, escape_like};
pub use schema_name::SchemaName;
pub use tenant_db::TenantDb;
pub use tenant_pool::TenantPool;

use crate::config::DatabaseSettings;

/// Both pools: `catalog` for the shared schema (tenants, domains, operators, migrations),
/// `tenants` for tenant requests.
///
/// The catalog pool connects to `database.session_url` when set: its statements run outside
/// transactions as well as inside, and sqlx prepares each in one round trip and executes it
/// in the next, which a transaction-pooling PgBouncer may send to two different server
/// connections. The tenant pool runs every statement of `transaction` mode inside its unit
/// of work's transaction, so it is safe there (see `TenantDb`).
#[derive(Clone)]
pub struct Database {
    pub catalog: PgPool,
    pub tenants: TenantPool,
    /// The tenant pool's connect options (`database.url`).
    pub options: PgConnectOptions,
    /// Whether the server answers, shared by both pools' users (fail fast when it does not).
    pub health: Arc<DbHealth>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("database.url is not a valid PostgreSQL URL: {}", describe(.0))]
    BadUrl(sqlx::Error),
    #[error("cannot start the private PostgreSQL cluster: {0}")]
    LocalCluster(#[from] local_pg::LocalPgError),
    #[error("cannot connect to the database: {}", describe(.0))]
    Connect(sqlx::Error),
    #[error(
        "database {name:?} does not exist on {server}, and it could not be created ({why}); create it \
         (e.g. `createdb {name}` on that server) or give the URL's user the CREATEDB privilege"
    )]
    Missing { name: String, server: String, why: String },
}

/// A database error as a person should read it: PostgreSQL's message (and detail), without
/// the server's source line that sqlx appends (`... at line 948`).
pub fn describe(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => match db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
            Some(pg) => match pg.detail() {
                Some(detail) => format!("{} ({detail})", pg.message()),
                None => pg.message().to_owned(),
            },
            None => db.message().to_owned(),
        },
        sqlx::Error::PoolTimedOut => "timed out waiting for a database connection".to_owned(),
        sqlx::Error::Io(e) => format!("cannot reach the database server: {e}"),
        other => other.to_string(),
    }
}

/// Where the database is: the configured URL, or the private cluster under `<root>/var`.
pub enum DatabaseLocation {
    Url(String),
    /// The private cluster; `started_here` tells whether this process started it (and so
    /// should stop it on exit).
    Local {
        cluster: local_pg::LocalPostgres,
        started_here: bool,
    },
}

impl DatabaseLocation {
    /// Resolves the configured URL, starting the private cluster if none is set.
    pub fn resolve(settings: &DatabaseSettings, root: &Path) -> Result<DatabaseLocation, DbSetupError> {
        if !settings.url.trim().is_empty() {
            return Ok(DatabaseLocation::Url(settings.url.clone()));
        }
        let cluster = local_pg::LocalPostgres::locate(root)?;
        let started_here = cluster.ensure_running()?;
        Ok(DatabaseLocation::Local { cluster, started_here })
    }

    /// The URL of database `name` on this server (for the private cluster, `name` is used
    /// as given; for a URL, its own database unless `name` is set).
    pub fn url(&self, name: Option<&str>) -> String {
        match self {
            DatabaseLocation::Url(url) => match name {
                Some(name) => with_database(url, name),
                None => url.clone(),
            },
            DatabaseLocation::Local { cluster, .. } => cluster.url(name.unwrap_or("fotostudio")),
        }
    }

    /// Stops the private cluster if this process started it.
    pub fn shutdown(&self) {
        if let DatabaseLocation::Local { cluster, started_here: true } = self
            && let Err(e) = cluster.stop()
        {
            tracing::warn!(error = %e, "could not stop the private PostgreSQL cluster");
        }
    }
}

/// Replaces the database name of a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Connect options for a URL, with the project's settings applied.
pub fn connect_options(url: &str, settings: &DatabaseSettings) -> Result<PgConnectOptions, DbSetupError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(DbSetupError::BadUrl)?
        .application_name("fotostudio")
        .statement_cache_capacity(settings.statement_cache_capacity)
        // Statements are logged by our own spans; sqlx's per-statement log is noise.
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
    Ok(options)
}

impl Database {
    /// Opens both pools (lazily: connections are made on first use): the tenant pool with
    /// `options` (`database.url`'s), the catalog pool with `database.session_url`'s when it
    /// is set, else with `options` too.
    pub fn connect(options: PgConnectOptions, settings: &DatabaseSettings) -> Result<Database, DbSetupError> {
        let session = match settings.session_url.trim() {
            "" => options.clone(),
            url => connect_options(url, settings)?,
        };
        let acquire_timeout = Duration::from_secs(settings.acquire_timeout_seconds);
        let max_lifetime = Duration::from_secs(settings.max_lifetime_seconds);
        // The catalog pool serves resolution misses, platform calls and migrations: small.
        let catalog = PgPoolOptions::new()
            .max_connections(settings.max_connections.clamp(2, 8))
            .acquire_timeout(acquire_timeout)
            .max_lifetime(max_lifetime)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    sqlx::raw_sql("SET search_path TO public, extensions").execute(conn).await?;
                    Ok(())
                })
            })
            .connect_lazy_with(session);
        let health = Arc::new(DbHealth::probing(options.clone()));
        let tenants = TenantPool::with_health(
            options.clone(),
            settings.max_connections as usize,
            acquire_timeout,
            max_lifetime,
            settings.search_path_mode,
            health.clone(),
        )
        .with_qualified_reads(settings.qualified_reads);
        tenants.set_hold(Duration::from_micros(settings.affinity_hold_microseconds));
        Ok(Database { catalog, tenants, options, health })
    }

    /// Makes sure the database of `url` exists: if the server says it does not, creates it
    /// (connecting to the server's `postgres` database), or says plainly how to.
    pub async fn ensure_exists(url: &str) -> Result<(), DbSetupError> {
        use sqlx::Connection;
        let options = PgConnectOptions::from_str(url).map_err(DbSetupError::BadUrl)?;
        match sqlx::PgConnection::connect_with(&options).await {
            Ok(conn) => {
                conn.close().await.ok();
                Ok(())
            }
            Err(e) if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("3D000") => {
                let name = options.get_database().unwrap_or("postgres").to_owned();
                let server = format!("{}:{}", options.get_host(), options.get_port());
                match Database::create_database_if_missing(&with_database(url, "postgres"), &name).await {
                    Ok(()) => {
                        tracing::info!(database = %name, "created database {name}");
                        Ok(())
                    }
                    Err(why) => Err(DbSetupError::Missing { name, server, why: why.to_string() }),
                }
            }
            Err(e) => Err(DbSetupError::Connect(e)),
        }
    }

    /// Creates database `name` on the server of `admin_url` if it does not exist.
    pub async fn create_database_if_missing(admin_url: &str, name: &str) -> Result<(), DbSetupError> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(admin_url).await.map_err(DbSetupError::Connect)?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await
            .map_err(DbSetupError::Connect)?;
        if !exists {
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            let created =
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {quoted}"))).execute(&mut conn).await;
            // Another process may have created it between the check and the CREATE.
            if let Err(e) = created {
                let duplicate = e.as_database_error().and_then(|d| d.code()).as_deref() == Some("42P04");
                if !duplicate {
                    return Err(DbSetupError::Connect(e));
                }
            }
        }
        conn.close().await.ok();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name_and_keeps_parameters() {
        assert_eq!(with_database("postgres://u@h:5432/a", "b"), "postgres://u@h:5432/b");
        assert_eq!(with_database("postgres://u@h/a?host=/x", "b"), "postgres://u@h/b?host=/x");
        assert_eq!(with_database("postgres://u@h", "b"), "postgres://u@h/b");
    }
}

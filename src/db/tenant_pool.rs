//! The pool of connections that serve tenant requests.
//!
//! It is a separate pool from the catalog's because each connection carries state we must
//! track: in `session` mode, the search_path it was last set to, so the `SET` is skipped when
//! the next request is for the same studio; and whether its last unit of work ended cleanly.
//! A connection whose work did not end cleanly (an error, a cancelled request, an open
//! transaction) is rolled back or pinged before reuse, and dropped if that fails: it never
//! reaches the next request in an unknown state. sqlx's own pool would ping every connection
//! on release, a round trip per request that this pool spends only when something went wrong.

use std::time::Duration;

use deadpool::managed::{self, Metrics, RecycleError, RecycleResult};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection, Executor};

use std::sync::Arc;

use crate::config::SearchPathMode;
use crate::db::health::{DbHealth, is_connection_failure};
use crate::db::schema_name::SchemaName;
use crate::db::tenant_db::TenantDb;

/// A pooled connection and what we know about its session.
pub struct PooledConn {
    pub(crate) conn: PgConnection,
    /// The session-level search_path this connection is known to have; `None` = unknown.
    pub(crate) session_path: Option<SchemaName>,
    /// A statement or transaction did not complete successfully (or is still open).
    pub(crate) unclean: bool,
    /// A `BEGIN` was sent and no `COMMIT`/`ROLLBACK` has completed since.
    pub(crate) maybe_in_transaction: bool,
    /// The health epoch it was opened in: a connection failure since means it is presumed
    /// dead (see `DbHealth`).
    epoch: u64,
}

/// Idle longer than this, a connection is pinged before reuse.
const IDLE_CHECK_AFTER: Duration = Duration::from_secs(30);

pub struct PgManager {
    options: PgConnectOptions,
    max_lifetime: Duration,
    health: Arc<DbHealth>,
}

impl managed::Manager for PgManager {
    type Type = PooledConn;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<PooledConn, sqlx::Error> {
        let epoch = self.health.epoch();
        match PgConnection::connect_with(&self.options).await {
            Ok(conn) => {
                self.health.succeeded();
                Ok(PooledConn { conn, session_path: None, unclean: false, maybe_in_transaction: false, epoch })
            }
            Err(e) => {
                if is_connection_failure(&e) {
                    self.health.failed();
                }
                Err(e)
            }
        }
    }

    async fn recycle(&self, pc: &mut PooledConn, metrics: &Metrics) -> RecycleResult<sqlx::Error> {
        // Every tenant schema a backend touches grows its relation cache: bound its lifetime.
        if metrics.age() > self.max_lifetime {
            return Err(RecycleError::message("connection reached its maximum lifetime"));
        }
        if pc.epoch < self.health.epoch() {
            return Err(RecycleError::message("opened before the last connection failure"));
        }
        // A connection idle for a while may have been cut (a database restart, a proxy's
        // idle timeout): prove it before handing it out. Busy connections skip the round trip.
        if metrics.last_used() > IDLE_CHECK_AFTER {
            pc.unclean = true;
        }
        // Normally done already when the handle was dropped (see `clean_up`); this catches a
        // drop that happened outside the runtime.
        reset(pc).await.map_err(RecycleError::Backend)
    }
}

/// Hands out [`TenantDb`] handles: connections whose search_path is one tenant's schema.
#[derive(Clone)]
pub struct TenantPool {
    pool: managed::Pool<PgManager>,
    mode: SearchPathMode,
}

impl std::fmt::Debug for TenantPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantPool").field("status", &self.pool.status()).field("mode", &self.mode).finish()
    }
}

impl TenantPool {
    pub fn new(
        options: PgConnectOptions,
        max_size: usize,
        acquire_timeout: Duration,
        max_lifetime: Duration,
        mode: SearchPathMode,
    ) -> TenantPool {
        Self::with_health(options, max_size, acquire_timeout, max_lifetime, mode, Arc::new(DbHealth::default()))
    }

    /// A pool that reports to, and fails fast by, a health record shared with others.
    pub fn with_health(
        options: PgConnectOptions,
        max_size: usize,
        acquire_timeout: Duration,
        max_lifetime: Duration,
        mode: SearchPathMode,
        health: Arc<DbHealth>,
    ) -> TenantPool {
        let pool = managed::Pool::builder(PgManager { options, max_lifetime, health })
            .max_size(max_size)
            .wait_timeout(Some(acquire_timeout))
            .create_timeout(Some(acquire_timeout))
            .recycle_timeout(Some(acquire_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .expect("a pool with a runtime and timeouts always builds");
        TenantPool { pool, mode }
    }

    /// A handle on `schema` with its search_path in force. This is the only way to a
    /// tenant's tables: there is no other pool that business code can reach.
    pub async fn acquire(&self, schema: &SchemaName) -> Result<TenantDb, sqlx::Error> {
        if self.pool.manager().health.fail_fast() {
            return Err(sqlx::Error::PoolTimedOut);
        }
        let mut obj = self.pool.get().await.map_err(pool_error)?;
        let in_transaction = match self.mode {
            SearchPathMode::Session => {
                if obj.session_path.as_ref() != Some(schema) {
                    set_session_path(&mut obj, schema).await?;
                }
                false
            }
            SearchPathMode::Transaction => {
                // SET LOCAL dies with the transaction: nothing is left on the server
                // connection for PgBouncer to hand to another client.
                begin(&mut obj, Some(schema)).await?;
                true
            }
        };
        Ok(TenantDb::new(obj, self.mode, in_transaction))
    }

    /// Connections open now (busy or idle), for readiness and metrics.
    pub fn size(&self) -> usize {
        self.pool.status().size
    }

    /// Size, idle connections and waiting callers now (`/metrics`).
    pub fn status(&self) -> deadpool::Status {
        self.pool.status()
    }

    pub fn close(&self) {
        self.pool.close();
    }
}

/// The pool's own failures in sqlx's terms, so every database failure reaches the HTTP layer
/// as one error type (and is answered there, in one place).
fn pool_error(err: managed::PoolError<sqlx::Error>) -> sqlx::Error {
    match err {
        managed::PoolError::Backend(e) => e,
        managed::PoolError::Closed => sqlx::Error::PoolClosed,
        other => {
            tracing::warn!(error = %other, "no tenant database connection available");
            sqlx::Error::PoolTimedOut
        }
    }
}

pub(crate) type PooledObject = managed::Object<PgManager>;

/// Brings a connection whose unit of work did not end cleanly back to a clean state
/// (rolling back, or draining a cancelled statement); a connection that cannot be cleaned is
/// detached from the pool and closed.
pub(crate) async fn clean_up(mut obj: PooledObject) {
    if let Err(e) = reset(&mut obj).await {
        tracing::warn!(error = %e, "dropping a tenant connection that could not be cleaned");
        if is_connection_failure(&e)
            && let Some(pool) = managed::Object::pool(&obj)
        {
            // The server may have restarted or failed over: its other connections are then
            // dead too. Start a new epoch and drop the idle ones now rather than fail a
            // request on each; opening the next one tells whether the server is down.
            pool.manager().health.connection_lost();
            pool.retain(|_, _| false);
        }
        drop(managed::Object::take(obj));
    }
}

/// Rolls back a transaction that may be open, or drains (a cancelled statement) and pings a
/// connection whose last statement did not complete; nothing for a clean connection.
async fn reset(pc: &mut PooledConn) -> Result<(), sqlx::Error> {
    if pc.maybe_in_transaction {
        pc.conn.execute("ROLLBACK").await?;
    } else if pc.unclean {
        pc.conn.ping().await?;
    }
    pc.maybe_in_transaction = false;
    pc.unclean = false;
    Ok(())
}

async fn set_session_path(pc: &mut PooledConn, schema: &SchemaName) -> Result<(), sqlx::Error> {
    // Forget the old path first: if this is cancelled half-way the record says "unknown",
    // and the next user sets it again.
    pc.session_path = None;
    pc.unclean = true;
    let sql = format!("SET search_path TO {}", schema.search_path());
    pc.conn.execute(AssertSqlSafe(sql)).await?;
    pc.session_path = Some(schema.clone());
    pc.unclean = false;
    Ok(())
}

/// Sends `BEGIN` (with `SET LOCAL search_path` when a schema is given) in one round trip.
pub(crate) async fn begin(pc: &mut PooledConn, schema: Option<&SchemaName>) -> Result<(), sqlx::Error> {
    pc.unclean = true;
    pc.maybe_in_transaction = true;
    let sql = match schema {
        Some(schema) => format!("BEGIN; SET LOCAL search_path TO {}", schema.search_path()),
        None => "BEGIN".to_owned(),
    };
    pc.conn.execute(AssertSqlSafe(sql)).await?;
    Ok(())
}

/// `COMMIT`; the connection is clean again only once the server confirmed it.
pub(crate) async fn commit(pc: &mut PooledConn) -> Result<(), sqlx::Error> {
    pc.unclean = true;
    pc.conn.execute("COMMIT").await?;
    pc.maybe_in_transaction = false;
    pc.unclean = false;
    Ok(())
}

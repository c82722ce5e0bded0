//! The pool of connections that serve tenant requests.
//!
//! It is a separate pool from the catalog's because each connection carries state we must
//! track: in `session` mode, the search_path it was last set to, so the `SET` is skipped when
//! the next request is for the same studio — and the pool prefers to hand a request a
//! connection already on its studio (`affinity_pool`), which spares PostgreSQL the re-planning
//! a switch costs; and whether its last unit of work ended cleanly. A connection whose work
//! did not end cleanly (an error, a cancelled request, an open transaction) is rolled back or
//! pinged before reuse, and dropped if that fails: it never reaches the next request in an
//! unknown state. A pool that pinged every connection on release would spend a round trip per
//! request that this one spends only when something went wrong.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection, Executor};

use crate::config::SearchPathMode;
use crate::db::affinity_pool::{AffinityPool, Counters, Manage, PoolStatus, Pooled};
use crate::db::health::{DbHealth, is_connection_failure};
use crate::db::schema_name::SchemaName;
use crate::db::tenant_db::TenantDb;

/// A pooled connection and what we know about its session.
pub struct PooledConn {
    pub(crate) conn: PgConnection,
    /// The session-level search_path this connection is known to have; `None` = unknown.
    pub(crate) session_path: Option<SessionPath>,
    /// A statement or transaction did not complete successfully (or is still open).
    pub(crate) unclean: bool,
    /// A `BEGIN` was sent and no `COMMIT`/`ROLLBACK` has completed since.
    pub(crate) maybe_in_transaction: bool,
    /// The health epoch it was opened in: a connection failure since means it is presumed
    /// dead (see `DbHealth`).
    epoch: u64,
}

/// What a connection's session search_path is set to, and so what the pool keys idle
/// connections by: one studio's schema, or nothing at all for reads that name their schema
/// in every table (see [`TenantPool::acquire_qualified`]). A connection on the empty path
/// serves every studio's qualified reads without a switch, and an unqualified table name
/// sent on it fails ("relation does not exist") instead of resolving anywhere.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SessionPath {
    Studio(SchemaName),
    Empty,
}

impl SessionPath {
    fn set_sql(&self) -> String {
        match self {
            SessionPath::Studio(schema) => format!("SET search_path TO {}", schema.search_path()),
            SessionPath::Empty => "SET search_path TO ''".to_owned(),
        }
    }
}

/// Idle longer than this, a connection is pinged before reuse.
const IDLE_CHECK_AFTER: Duration = Duration::from_secs(30);

/// How tenant connections are opened and judged.
pub struct PgManager {
    options: PgConnectOptions,
    max_lifetime: Duration,
    health: Arc<DbHealth>,
}

impl Manage for PgManager {
    type Conn = PooledConn;
    type Key = SessionPath;

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

    fn key_of(&self, conn: &PooledConn) -> Option<SessionPath> {
        conn.session_path.clone()
    }

    fn reusable(&self, conn: &PooledConn, created: Instant) -> bool {
        // Every tenant schema a backend touches grows its relation cache: bound its lifetime.
        // A connection opened before the last connection failure is presumed dead.
        created.elapsed() <= self.max_lifetime && conn.epoch >= self.health.epoch()
    }
}

/// Hands out [`TenantDb`] handles: connections whose search_path is one tenant's schema.
#[derive(Clone)]
pub struct TenantPool {
    pool: AffinityPool<PgManager>,
    mode: SearchPathMode,
    /// Whether [`acquire_qualified`](TenantPool::acquire_qualified) hands out connections on
    /// the empty search_path (session mode, `database.qualified_reads`); shared by clones.
    qualified_reads: Arc<AtomicBool>,
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
        let pool = AffinityPool::new(PgManager { options, max_lifetime, health }, max_size, acquire_timeout);
        TenantPool { pool, mode, qualified_reads: Arc::new(AtomicBool::new(false)) }
    }

    /// Lets statements that name their schema (hot reads, the busiest writes) run on
    /// connections with an empty search_path (session mode only; in transaction mode
    /// nothing of a session survives a request).
    pub fn with_qualified_reads(self, on: bool) -> TenantPool {
        self.set_qualified_reads(on);
        self
    }

    /// [`with_qualified_reads`](Self::with_qualified_reads) on a running pool (the benchmark
    /// compares both in one run).
    pub fn set_qualified_reads(&self, on: bool) {
        self.qualified_reads.store(on && self.mode == SearchPathMode::Session, Ordering::Relaxed);
    }

    /// A handle on `schema` with its search_path in force. This is the only way to a
    /// tenant's tables: there is no other pool that business code can reach.
    pub async fn acquire(&self, schema: &SchemaName) -> Result<TenantDb, sqlx::Error> {
        let path = SessionPath::Studio(schema.clone());
        let (obj, in_transaction) = match self.mode {
            SearchPathMode::Session => (self.on_path(path).await?, false),
            SearchPathMode::Transaction => {
                // SET LOCAL dies with the transaction: nothing is left on the server
                // connection for PgBouncer to hand to another client.
                let mut obj = self.checked_out(&path).await?;
                begin(&mut obj, Some(schema)).await?;
                (obj, true)
            }
        };
        Ok(TenantDb::new(obj, self.mode, in_transaction, schema.clone(), false))
    }

    /// A handle on `schema` for statements that name it ([`TenantDb::sql`]): with qualified
    /// statements on, a connection on the empty search_path, shared by every studio — no
    /// `SET`, and no re-planning of cached statements, which PostgreSQL does whenever the
    /// search_path differs from the one a statement was planned under. Each studio's
    /// statement text is its own prepared statement, so a connection plans it once per
    /// studio it serves (bounded by `database.statement_cache_capacity`). With them off (or
    /// in transaction mode), the same as [`acquire`](Self::acquire).
    pub async fn acquire_qualified(&self, schema: &SchemaName) -> Result<TenantDb, sqlx::Error> {
        if !self.qualified_reads.load(Ordering::Relaxed) {
            return self.acquire(schema).await;
        }
        let obj = self.on_path(SessionPath::Empty).await?;
        Ok(TenantDb::new(obj, self.mode, false, schema.clone(), true))
    }

    /// A usable connection whose session search_path is `path` (session mode): `SET` only
    /// when the connection is not on it already.
    async fn on_path(&self, path: SessionPath) -> Result<PooledObject, sqlx::Error> {
        let mut obj = self.checked_out(&path).await?;
        if obj.session_path.as_ref() != Some(&path) {
            set_session_path(&mut obj, path).await?;
        }
        Ok(obj)
    }

    /// A connection proven usable: one idle for a while (a database restart or a proxy's
    /// idle timeout may have cut it) or left unclean is pinged or rolled back first, and
    /// replaced if that fails.
    /// With the database known to be down, fails at once (see `DbHealth`).
    async fn checked_out(&self, path: &SessionPath) -> Result<PooledObject, sqlx::Error> {
        if self.pool.manager().health.fail_fast() {
            return Err(sqlx::Error::PoolTimedOut);
        }
        let mut attempts = 0;
        loop {
            let mut obj = self.pool.acquire(path).await?;
            if obj.idle_for() > IDLE_CHECK_AFTER {
                obj.unclean = true;
            }
            match reset(&mut obj).await {
                Ok(()) => return Ok(obj),
                Err(e) if attempts < 3 => {
                    tracing::warn!(error = %e, "replacing a tenant connection that failed its check");
                    attempts += 1;
                    obj.detach();
                }
                Err(e) => {
                    obj.detach();
                    return Err(e);
                }
            }
        }
    }

    /// Connections open now (busy or idle), for readiness and metrics.
    pub fn size(&self) -> usize {
        self.pool.status().size
    }

    /// Size, idle connections and waiting callers now (`/metrics`).
    pub fn status(&self) -> PoolStatus {
        self.pool.status()
    }

    /// How acquires went: hits on the studio's own connection, switches, opened, waits.
    pub fn counters(&self) -> &Counters {
        self.pool.counters()
    }

    /// How long a released connection may wait for its studio's next request (session
    /// mode only: in transaction mode no connection is on a studio between requests).
    pub fn set_hold(&self, hold: Duration) {
        self.pool.set_hold(hold);
    }

    pub fn close(&self) {
        self.pool.close();
    }
}

pub(crate) type PooledObject = Pooled<PgManager>;

/// Brings a connection whose unit of work did not end cleanly back to a clean state
/// (rolling back, or draining a cancelled statement); a connection that cannot be cleaned is
/// detached from the pool and closed.
pub(crate) async fn clean_up(mut obj: PooledObject) {
    if let Err(e) = reset(&mut obj).await {
        tracing::warn!(error = %e, "dropping a tenant connection that could not be cleaned");
        if is_connection_failure(&e) {
            // The server may have restarted or failed over: its other connections are then
            // dead too. Start a new epoch and drop the idle ones now rather than fail a
            // request on each; opening the next one tells whether the server is down.
            let pool = obj.pool();
            pool.manager().health.connection_lost();
            pool.drop_idle();
        }
        obj.detach();
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

async fn set_session_path(pc: &mut PooledConn, path: SessionPath) -> Result<(), sqlx::Error> {
    // Forget the old path first: if this is cancelled half-way the record says "unknown",
    // and the next user sets it again.
    pc.session_path = None;
    pc.unclean = true;
    pc.conn.execute(AssertSqlSafe(path.set_sql())).await?;
    pc.session_path = Some(path);
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

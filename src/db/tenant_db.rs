//! [`TenantDb`]: the tenant-scoped database handle, the only way business code reaches a
//! tenant's tables. It is an sqlx executor (`query(...).fetch_all(&mut db)`), its search_path
//! is the tenant's from the moment it is handed out, and it keeps the pooled connection's
//! bookkeeping honest: every statement marks the connection unclean until it completes.
//! Dropped unclean — an error, an uncommitted transaction, a request cancelled mid-query —
//! it rolls the connection back at once, in the background, before the pool gets it back:
//! an idle pooled connection never sits on a transaction and its locks.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream};
use sqlx::postgres::{PgQueryResult, PgRow, PgStatement, PgTypeInfo, Postgres};
use sqlx::{Describe, Either, Execute, Executor, SqlStr};

use crate::config::SearchPathMode;
use crate::db::schema_name::SchemaName;
use crate::db::tenant_pool::{self, PooledConn, PooledObject};

/// A connection pointed at one tenant's schema, borrowed from the [`TenantPool`](crate::db::TenantPool)
/// for one unit of work. Reads run as they come; every write goes between
/// [`begin`](TenantDb::begin) and [`commit`](TenantDb::commit) — in `transaction` mode
/// nothing that was not committed is kept. Dropping it without committing rolls back.
pub struct TenantDb {
    /// Always `Some` while the handle is alive; taken by `Drop`.
    obj: Option<PooledObject>,
    mode: SearchPathMode,
    in_transaction: bool,
    /// The studio this handle serves.
    schema: SchemaName,
    /// The connection's search_path is empty: only statements that name `schema` in every
    /// table work on it ([`sql`](TenantDb::sql)).
    qualified: bool,
}

/// What a statement run through [`TenantDb::sql`] writes before each of its studio's tables:
/// `FROM {studio}.clients`.
pub const STUDIO: &str = "{studio}.";

impl std::fmt::Debug for TenantDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantDb")
            .field("search_path", &self.obj.as_ref().map(|o| o.session_path.clone()))
            .field("in_transaction", &self.in_transaction)
            .field("qualified", &self.qualified)
            .finish()
    }
}

impl TenantDb {
    pub(crate) fn new(
        obj: PooledObject,
        mode: SearchPathMode,
        in_transaction: bool,
        schema: SchemaName,
        qualified: bool,
    ) -> TenantDb {
        TenantDb { obj: Some(obj), mode, in_transaction, schema, qualified }
    }

    /// `template` for this handle: each [`STUDIO`] marker becomes the studio's quoted schema
    /// on a handle for qualified reads, and nothing on one whose search_path is the studio's
    /// (so every studio shares the statement's text and its prepared statement).
    pub fn sql(&self, template: &str) -> String {
        if self.qualified {
            template.replace(STUDIO, &format!("{}.", self.schema.quoted()))
        } else {
            template.replace(STUDIO, "")
        }
    }

    /// Whether this handle's statements must name their schema (its search_path is empty).
    pub fn qualified(&self) -> bool {
        self.qualified
    }

    /// Starts a transaction (a no-op in `transaction` mode, where one is always open).
    pub async fn begin(&mut self) -> Result<(), sqlx::Error> {
        if !self.in_transaction {
            // In session mode the session's search_path is already the tenant's (or empty,
            // on a qualified handle, whose statements name the schema).
            tenant_pool::begin(self.conn(), None).await?;
            self.in_transaction = true;
        }
        Ok(())
    }

    /// Commits the open transaction, if any, and ends the unit of work.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        if self.in_transaction {
            tenant_pool::commit(self.conn()).await?;
        }
        Ok(())
    }

    /// Whether statements now run inside a transaction.
    pub fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    /// How the search_path is applied (tests and diagnostics).
    pub fn mode(&self) -> SearchPathMode {
        self.mode
    }

    fn conn(&mut self) -> &mut PooledConn {
        self.obj.as_mut().expect("a live TenantDb holds its connection")
    }

    fn split(&mut self) -> (&mut PooledConn, bool) {
        let in_transaction = self.in_transaction;
        (self.conn(), in_transaction)
    }
}

impl Drop for TenantDb {
    fn drop(&mut self) {
        let Some(obj) = self.obj.take() else { return };
        if !(obj.unclean || obj.maybe_in_transaction) {
            return; // Clean: straight back to the pool.
        }
        // Roll back now rather than when the connection is next checked out: until then it
        // would hold the transaction's locks (blocking migrations) and its snapshot.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(tenant_pool::clean_up(obj));
            }
            // No runtime (a drop at shutdown): the pool's recycle check cleans it instead.
            Err(_) => drop(obj),
        }
    }
}

/// A statement prepared unnamed (sqlx's `persistent(false)`), in `transaction` mode.
///
/// Behind PgBouncer in transaction pooling, the server connection under this one changes
/// between transactions. A named statement prepared in one transaction is missing in the
/// next, and another client's statement of the same name (sqlx numbers them per
/// connection: `sqlx_s_1`, ...) may already sit on the server connection we get. PgBouncer
/// 1.21 and later can track named statements (`max_prepared_statements`); older ones, such
/// as Debian bookworm's 1.18, cannot. An unnamed statement lives only until the next one is
/// prepared, and ours are all prepared and executed inside the unit of work's transaction,
/// which keeps the server connection for its whole length: correct through any version.
/// The price is a parse and plan per statement instead of one per connection.
struct Unnamed<E>(E);

impl<'q, E: Execute<'q, Postgres>> Execute<'q, Postgres> for Unnamed<E> {
    fn sql(self) -> SqlStr {
        self.0.sql()
    }

    fn statement(&self) -> Option<&PgStatement> {
        self.0.statement()
    }

    fn take_arguments(&mut self) -> Result<Option<sqlx::postgres::PgArguments>, sqlx::error::BoxDynError> {
        self.0.take_arguments()
    }

    fn persistent(&self) -> bool {
        false
    }
}

/// Marks the connection unclean while a statement runs; clean again (unless a transaction is
/// open) only when the statement completed without error. A future dropped half-way — a
/// cancelled request — leaves it unclean.
struct Tracked<'a, S> {
    inner: S,
    unclean: &'a mut bool,
    in_transaction: bool,
    failed: bool,
}

impl<'a, S, T> Stream for Tracked<'a, S>
where
    S: Stream<Item = Result<T, sqlx::Error>> + Unpin,
{
    type Item = Result<T, sqlx::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_next(cx);
        match &polled {
            Poll::Ready(Some(Err(_))) => this.failed = true,
            Poll::Ready(None) if !this.failed => *this.unclean = this.in_transaction,
            _ => {}
        }
        polled
    }
}

impl<'c> Executor<'c> for &'c mut TenantDb {
    type Database = Postgres;

    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, Result<Either<PgQueryResult, PgRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        let named = self.mode == SearchPathMode::Session;
        let (pc, in_transaction) = self.split();
        let PooledConn { conn, unclean, .. } = pc;
        *unclean = true;
        let inner = if named { conn.fetch_many(query) } else { conn.fetch_many(Unnamed(query)) };
        Box::pin(Tracked { inner, unclean, in_transaction, failed: false })
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<PgRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        let named = self.mode == SearchPathMode::Session;
        let (pc, in_transaction) = self.split();
        let PooledConn { conn, unclean, .. } = pc;
        Box::pin(async move {
            *unclean = true;
            let row =
                if named { conn.fetch_optional(query).await? } else { conn.fetch_optional(Unnamed(query)).await? };
            *unclean = in_transaction;
            Ok(row)
        })
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [PgTypeInfo],
    ) -> BoxFuture<'e, Result<PgStatement, sqlx::Error>>
    where
        'c: 'e,
    {
        let (pc, _) = self.split();
        pc.conn.prepare_with(sql, parameters)
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<Describe<Postgres>, sqlx::Error>>
    where
        'c: 'e,
    {
        let (pc, _) = self.split();
        pc.conn.describe(sql)
    }
}

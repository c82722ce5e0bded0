//! What the process knows about the database server's reachability, shared by the tenant
//! pool and the catalog lookups, so that an unreachable database costs each request
//! microseconds instead of a connection timeout.
//!
//! When a connection to it cannot be opened, the database counts as down and every caller
//! is refused at once (503 with Retry-After). Meanwhile one background task tries to connect every
//! `PROBE_EVERY` and brings it back up as soon as the server answers. Every failure also
//! starts a new *epoch*: connections opened before it are presumed dead (a crash or a
//! failover killed them all) and are discarded before reuse instead of failing one request
//! each.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// How often the background probe tries a database that is down.
pub const PROBE_EVERY: Duration = Duration::from_millis(200);

#[derive(Debug, Default)]
pub struct DbHealth {
    down: AtomicBool,
    probing: AtomicBool,
    epoch: AtomicU64,
    /// Where the probe connects; without it (tests of a bare pool), callers probe themselves.
    probe: Option<PgConnectOptions>,
}

impl DbHealth {
    /// A health record whose probe connects with `options`.
    pub fn probing(options: PgConnectOptions) -> DbHealth {
        DbHealth { probe: Some(options), ..DbHealth::default() }
    }

    /// Whether a caller should skip the database and fail at once.
    pub fn fail_fast(&self) -> bool {
        // Without a probe, let callers through to find out for themselves.
        self.down.load(Ordering::Acquire) && self.probe.is_some()
    }

    /// An open connection broke (the server restarted, failed over, or killed it): every
    /// connection opened so far is suspect, but the server may well answer new ones.
    pub fn connection_lost(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// The server could not be reached: down, every connection opened so far suspect, and a
    /// probe started if none runs.
    pub fn failed(self: &Arc<Self>) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if !self.down.swap(true, Ordering::AcqRel) {
            tracing::warn!("database unreachable: answering 503 at once until it is back");
        }
        let Some(options) = self.probe.clone() else { return };
        if self.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.probing.store(false, Ordering::Release);
            return;
        };
        let health = Arc::clone(self);
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                let attempt = tokio::time::timeout(Duration::from_secs(1), PgConnection::connect_with(&options)).await;
                if let Ok(Ok(conn)) = attempt {
                    let _ = conn.close().await;
                    health.probing.store(false, Ordering::Release);
                    health.succeeded();
                    return;
                }
            }
        });
    }

    /// The database answered.
    pub fn succeeded(&self) {
        if self.down.swap(false, Ordering::AcqRel) {
            tracing::info!("database reachable again");
        }
    }

    /// The current epoch: a connection opened in an older one is discarded before reuse.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }
}

/// Whether an error means the connection or the server is unreachable (as opposed to a
/// statement being refused).
pub fn is_connection_failure(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::PoolTimedOut => true,
        // admin_shutdown, crash_shutdown, cannot_connect_now
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_down_database_fails_fast_until_the_probe_reaches_it() {
        // Nothing listens on port 1: the probe keeps failing.
        let options: PgConnectOptions = "postgres://nobody@127.0.0.1:1/none".parse().unwrap();
        let health = Arc::new(DbHealth::probing(options));
        assert!(!health.fail_fast(), "up: everyone goes ahead");
        let before = health.epoch();
        health.connection_lost();
        assert!(!health.fail_fast(), "a broken connection alone does not make the server down");
        health.failed();
        assert_eq!(health.epoch(), before + 2, "each failure starts an epoch");
        assert!(health.fail_fast(), "down: refused at once");
        tokio::time::sleep(PROBE_EVERY * 2).await;
        assert!(health.fail_fast(), "the probe has not reached it");
        health.succeeded();
        assert!(!health.fail_fast() && !health.is_down());
    }

    #[test]
    fn without_a_probe_callers_find_out_for_themselves() {
        let health = Arc::new(DbHealth::default());
        health.failed();
        assert!(health.is_down() && !health.fail_fast());
    }
}

//! Cross-instance cache invalidation: every instance LISTENs on `tenant_changed`; any
//! notification — or any sign that notifications may have been lost — clears the resolver's
//! cache, so a suspension holds everywhere within a second.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::tenancy::catalog::CHANGED_CHANNEL;
use crate::tenancy::resolve::TenantResolver;

/// Runs until `shutdown` turns true. Reconnects on its own; while disconnected the cache
/// still expires by TTL.
pub async fn run(pool: PgPool, resolver: Arc<TenantResolver>, mut shutdown: watch::Receiver<bool>) {
    loop {
        match listen_once(&pool, &resolver, &mut shutdown).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, "tenant change listener lost its connection; retrying");
                resolver.invalidate_all();
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    }
}

async fn listen_once(
    pool: &PgPool,
    resolver: &TenantResolver,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANGED_CHANNEL).await?;
    // Anything that changed before we were listening is unknown to us.
    resolver.invalidate_all();
    loop {
        tokio::select! {
            received = listener.try_recv() => match received? {
                Some(notification) => {
                    tracing::debug!(tenant.id = notification.payload(), "tenant changed");
                    resolver.invalidate_all();
                }
                // The connection dropped; notifications in between may be lost.
                None => resolver.invalidate_all(),
            },
            _ = shutdown.changed() => return Ok(()),
        }
    }
}

//! Builds the application: settings → database → state → routes, bound to a listener
//! (port 0 in tests), served until a shutdown signal, letting in-flight requests finish.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use tokio::sync::watch;

use crate::auth::extract::GuessGuard;
use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasherConfig;
use crate::auth::sessions::Sessions;
use crate::auth::users::avatar::AvatarStore;
use crate::config::Settings;
use crate::db::Database;
use crate::http::rate_limit::RateLimiter;
use crate::metrics::Metrics;
use crate::tenancy::migrations;
use crate::tenancy::resolve::TenantResolver;

/// Everything a request handler may need, shared by all requests.
pub struct AppState {
    pub settings: Settings,
    pub db: Database,
    pub resolver: Arc<TenantResolver>,
    pub jwt: Arc<JwtKeys>,
    pub passwords: Arc<PasswordHasherConfig>,
    /// Sign-in, refresh and sign-out of studio users and operators, with their throttle.
    pub sessions: Sessions,
    /// Wrong access codes per client IP (anonymous routes on a studio's host).
    pub guesses: Arc<GuessGuard>,
    /// Self-service sign-ups per client IP.
    pub signup_limiter: RateLimiter<Option<IpAddr>>,
    /// Uploaded avatars, one folder per studio.
    pub avatars: AvatarStore,
    /// What `GET /metrics` reports.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Builds the state on an opened [`Database`].
    pub fn new(settings: Settings, db: Database) -> Arc<AppState> {
        let resolver =
            Arc::new(TenantResolver::new(db.catalog.clone(), &settings.tenancy, migrations::required_tenant_version()));
        let jwt = Arc::new(JwtKeys::new(&settings.auth));
        let passwords = Arc::new(PasswordHasherConfig::new(&settings.auth));
        let sessions =
            Sessions::new(&settings.auth, jwt.clone(), passwords.clone(), db.tenants.clone(), db.catalog.clone());
        Arc::new(AppState {
            jwt,
            passwords,
            sessions,
            guesses: Arc::new(GuessGuard(RateLimiter::new(
                settings.auth.access_code_max_failures_per_ip,
                Duration::from_secs(settings.auth.login_throttle_seconds),
                100_000,
            ))),
            signup_limiter: RateLimiter::new(5, Duration::from_secs(3600), 100_000),
            avatars: AvatarStore::new(crate::config::project_root().join(&settings.storage.data_dir)),
            metrics: Arc::new(Metrics::new()),
            resolver,
            settings,
            db,
        })
    }
}

/// A bound, not yet running, server.
pub struct App {
    pub state: Arc<AppState>,
    acceptor: TcpAcceptor,
    addr: SocketAddr,
    /// The separate `/metrics` listener of `metrics.bind`, if any.
    metrics: Option<(TcpAcceptor, SocketAddr)>,
}

async fn bind_address(address: &str) -> std::io::Result<(TcpAcceptor, SocketAddr)> {
    let acceptor = TcpListener::bind(address.to_owned()).into_acceptor().await?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| std::io::Error::other("listener has no socket address"))?;
    Ok((acceptor, addr))
}

impl App {
    /// Binds `server.host:server.port` (0 picks a free port).
    /// Binds `server.host:server.port` (0 picks a free port), and `metrics.bind` when set.
    pub async fn bind(state: Arc<AppState>) -> std::io::Result<App> {
        let server = &state.settings.server;
        let (acceptor, addr) = bind_address(&format!("{}:{}", server.host, server.port)).await?;
        let metrics = match state.settings.metrics.bind.as_str() {
            "" => None,
            address => Some(
                bind_address(address)
                    .await
                    .map_err(|e| std::io::Error::new(e.kind(), format!("metrics.bind = {address}: {e}")))?,
            ),
        };
        Ok(App { state, acceptor, addr, metrics })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the separate `/metrics` listener, if `metrics.bind` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(_, addr)| *addr)
    }

    /// Serves until `shutdown` resolves, then gives in-flight requests the configured grace.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let listener = tokio::spawn(crate::tenancy::listener::run(
            self.state.db.catalog.clone(),
            self.state.resolver.clone(),
            stop_rx.clone(),
        ));
        let metrics_server = self.metrics.map(|(acceptor, _)| {
            let scrape = crate::metrics::endpoint::Scrape { state: self.state.clone(), require_token: false };
            let mut stop = stop_rx.clone();
            let stopped = async move {
                let _ = stop.changed().await;
            };
            let routes = poem::Route::new().at("/metrics", scrape);
            tokio::spawn(Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(routes, stopped, None))
        });
        let grace = Duration::from_secs(self.state.settings.server.shutdown_grace_seconds);
        let routes = crate::routes::routes(self.state.clone());
        let result =
            Server::new_with_acceptor(self.acceptor).run_with_graceful_shutdown(routes, shutdown, Some(grace)).await;
        let _ = stop_tx.send(true);
        let _ = listener.await;
        if let Some(metrics_server) = metrics_server {
            let _ = metrics_server.await;
        }
        self.state.db.tenants.close();
        self.state.db.catalog.close().await;
        result
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

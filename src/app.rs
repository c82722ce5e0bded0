//! Builds the application: settings → database → state → routes, bound to a listener
//! (port 0 in tests), served until a shutdown signal, letting in-flight requests finish.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::extract::GuessGuard;
use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasherConfig;
use crate::auth::sessions::Sessions;
use crate::config::Settings;
use crate::db::Database;
use crate::http::rate_limit::RateLimiter;
use crate::http::server::{self, Limits};
use crate::images::ImageStore;
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
    /// Uploaded images (avatars, product photos), one folder per studio.
    pub images: ImageStore,
    /// What `GET /metrics` reports.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// Builds the state on an opened [`Database`].
    pub fn new(settings: Settings, db: Database) -> Arc<AppState> {
        let resolver = Arc::new(TenantResolver::new(
            db.catalog.clone(),
            db.health.clone(),
            &settings.tenancy,
            migrations::required_tenant_version(),
        ));
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
            images: ImageStore::new(crate::config::project_root().join(&settings.storage.data_dir)),
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
    listener: TcpListener,
    addr: SocketAddr,
    /// The separate `/metrics` listener of `metrics.bind`, if any.
    metrics: Option<TcpListener>,
}

impl App {
    /// Binds `server.host:server.port` (0 picks a free port), and `metrics.bind` when set.
    pub async fn bind(state: Arc<AppState>) -> std::io::Result<App> {
        let server = &state.settings.server;
        let listener = TcpListener::bind(format!("{}:{}", server.host, server.port)).await?;
        let addr = listener.local_addr()?;
        let metrics = match state.settings.metrics.bind.as_str() {
            "" => None,
            address => Some(
                TcpListener::bind(address)
                    .await
                    .map_err(|e| std::io::Error::new(e.kind(), format!("metrics.bind = {address}: {e}")))?,
            ),
        };
        Ok(App { state, listener, addr, metrics })
    }

    /// The bounds connections are served under: the configured ones, with the connection
    /// cap kept below the open-files limit (raised to its maximum first), leaving room for
    /// database connections and files.
    fn limits(&self) -> Limits {
        let server = &self.state.settings.server;
        let files = usize::try_from(server::raise_file_limit()).unwrap_or(usize::MAX);
        let room = files.saturating_sub(256).max(16);
        let max_connections = match server.max_connections {
            0 => room.min(10_000),
            n => n.min(room),
        };
        Limits {
            head_timeout: Duration::from_secs(server.request_head_timeout_seconds),
            idle_timeout: Duration::from_secs(server.keep_alive_idle_seconds),
            max_head_bytes: server.max_request_head_bytes,
            max_connections,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the separate `/metrics` listener, if `metrics.bind` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|listener| listener.local_addr().ok())
    }

    /// Serves until `shutdown` resolves, then gives in-flight requests the configured grace.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let listener = tokio::spawn(crate::tenancy::listener::run(
            self.state.db.catalog.clone(),
            self.state.resolver.clone(),
            stop_rx.clone(),
        ));
        let grace = Duration::from_secs(self.state.settings.server.shutdown_grace_seconds);
        let limits = self.limits();
        let metrics_server = self.metrics.map(|metrics_listener| {
            let scrape = crate::metrics::endpoint::Scrape { state: self.state.clone(), require_token: false };
            let mut stop = stop_rx.clone();
            let stopped = async move {
                let _ = stop.changed().await;
            };
            let routes = poem::Route::new().at("/metrics", scrape);
            tokio::spawn(server::serve(metrics_listener, routes, limits, stopped, grace))
        });
        let routes = crate::routes::routes(self.state.clone());
        let result = server::serve(self.listener, routes, limits, shutdown, grace).await;
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

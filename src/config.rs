//! Settings, layered: `config/default.toml` < `config/<env>.toml` < `FOTOSTUDIO__SECTION__KEY`
//! environment variables (`DATABASE_URL` is honoured as a fallback for the database URL).
//!
//! A value of the wrong type stops start-up with a message that names the key; so does
//! a value that parses but makes no sense (see [`Settings::validate`]).

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Which settings file overlays the defaults: `FOTOSTUDIO_ENV`, default `development`.
pub fn environment_name() -> String {
    std::env::var("FOTOSTUDIO_ENV").unwrap_or_else(|_| "development".to_owned())
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub environment: String,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub tenancy: TenancySettings,
    pub auth: AuthSettings,
    pub migrations: MigrationSettings,
    pub telemetry: TelemetrySettings,
    pub provisioning: ProvisioningSettings,
    pub storage: StorageSettings,
    pub metrics: MetricsSettings,
}

/// Who may scrape `GET /metrics`.
#[derive(Clone, Deserialize)]
pub struct MetricsSettings {
    /// On the API's port, `/metrics` answers only with `Authorization: Bearer <this>`;
    /// empty: it answers 404 there.
    pub bearer_token: String,
    /// A separate `ip:port` serving `/metrics` without a token (e.g. `127.0.0.1:9464`, or a
    /// private interface the scraper reaches); empty: no separate listener.
    pub bind: String,
}

impl std::fmt::Debug for MetricsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = if self.bearer_token.is_empty() { "" } else { "***" };
        f.debug_struct("MetricsSettings").field("bearer_token", &token).field("bind", &self.bind).finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct StorageSettings {
    /// Where uploaded files live (relative paths are from the project root); each studio
    /// has its own folder below it.
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// Request bodies above this size are refused with 413 before they are read.
    pub body_limit_bytes: usize,
    /// How long in-flight requests may run after SIGTERM/SIGINT.
    pub shutdown_grace_seconds: u64,
    /// multipart/form-data bodies (uploads) may be this large.
    pub upload_limit_bytes: usize,
    /// Take the client IP from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// A request head must arrive within this many seconds of its first byte.
    pub request_head_timeout_seconds: u64,
    /// A keep-alive connection may wait this long for its next request.
    pub keep_alive_idle_seconds: u64,
    /// The largest request head (request line and headers); larger: 431.
    pub max_request_head_bytes: usize,
    /// Connections served at once; 0 = as many as the open-files limit allows (at most 10000).
    pub max_connections: usize,
    /// Origins (`http://localhost:5173`) allowed to call any studio from a browser, beside
    /// each studio's own addresses: for development.
    #[serde(default)]
    pub cors_allowed_origins: Vec<String>,
}

/// A setting that takes one of a few words: the word, or a message listing every choice.
fn one_of<T: Copy>(value: &str, choices: &[(&str, T)]) -> Result<T, String> {
    let found = choices.iter().find(|(name, _)| name.eq_ignore_ascii_case(value.trim()));
    found.map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        format!("`{value}` is not one of: {}", names.join(", "))
    })
}

/// How the tenant's search_path reaches a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum SearchPathMode {
    /// A session-level `SET search_path`, skipped when the connection already points at the
    /// tenant (each pooled connection records its current path). Fastest; needs session pooling.
    Session,
    /// Every unit of work is a transaction that begins with `SET LOCAL search_path`: nothing
    /// outlives the transaction, so it is safe behind PgBouncer in transaction pooling mode.
    Transaction,
}

impl TryFrom<String> for SearchPathMode {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        one_of(&value, &[("session", SearchPathMode::Session), ("transaction", SearchPathMode::Transaction)])
    }
}

#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    /// Empty: start (or reuse) the private cluster under `var/` (see `db::local_pg`).
    pub url: String,
    /// Where the connections that need a session of their own go: the catalog pool (and so
    /// migrations and the CLI) and the `tenant_changed` listener (`LISTEN`). Empty: `url`.
    /// Behind PgBouncer in transaction pooling, point it at PostgreSQL itself or at a
    /// session-pooled alias (see README, "PgBouncer").
    #[serde(default)]
    pub session_url: String,
    /// Tenant pool size; 0 (the default) = [`DatabaseSettings::pool_size_for_this_machine`].
    pub max_connections: u32,
    pub acquire_timeout_seconds: u64,
    /// Pooled connections are recycled after this long: every tenant schema a backend
    /// touches grows its relation cache.
    pub max_lifetime_seconds: u64,
    /// How long a released tenant connection may be kept for its studio's next request
    /// while other requests wait (session mode; 0: never). See `db::affinity_pool`.
    #[serde(default)]
    pub affinity_hold_microseconds: u64,
    pub search_path_mode: SearchPathMode,
    /// Hot reads and the busiest writes name their studio's schema and run on connections
    /// with an empty search_path, shared by every studio (session mode). See
    /// `TenantPool::acquire_qualified`.
    pub qualified_reads: bool,
    pub statement_cache_capacity: usize,
}

impl DatabaseSettings {
    /// Twice the cores this process may use: with the database on the same machine,
    /// PostgreSQL shares those cores, and more backends than that only contend (16 on
    /// 2 cores served a third fewer requests than 4). Against a separate database server,
    /// size it from that server's cores instead (README, "Configuration").
    pub fn pool_size_for_this_machine() -> u32 {
        2 * std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2)
    }
}

impl std::fmt::Debug for DatabaseSettings {
    // The URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("session_url", &redact_url(&self.session_url))
            .field("max_connections", &self.max_connections)
            .field("search_path_mode", &self.search_path_mode)
            .field("qualified_reads", &self.qualified_reads)
            .finish_non_exhaustive()
    }
}

fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct TenancySettings {
    /// `acme.<base_domain>` resolves to the tenant `acme`; the bare base domain is the platform.
    pub base_domain: String,
    pub cache_ttl_seconds: u64,
    /// Unknown hosts and slugs are remembered this long, so a flood of them stays off the database.
    pub cache_negative_ttl_seconds: u64,
    pub cache_max_entries: u64,
    /// Seconds a client is told to wait (Retry-After) while its tenant's schema is behind.
    pub migrating_retry_after_seconds: u64,
}

#[derive(Clone, Deserialize)]
pub struct AuthSettings {
    /// HS256 signing key for access tokens; at least 32 bytes.
    pub jwt_secret: String,
    /// The key id (`kid`) tokens signed with `jwt_secret` carry.
    pub jwt_kid: String,
    /// Retired keys, still accepted for verification until their tokens expire: kid → secret.
    #[serde(default)]
    pub jwt_previous_secrets: std::collections::HashMap<String, String>,
    pub access_token_ttl_seconds: i64,
    pub refresh_token_ttl_seconds: i64,
    /// Failed sign-ins per account (studio + email) before it is throttled.
    pub login_max_failures_per_account: u32,
    /// Failed sign-ins per client IP before it is throttled.
    pub login_max_failures_per_ip: u32,
    /// How long failures count, and how long a throttled account or IP waits.
    pub login_throttle_seconds: u64,
    /// Wrong access codes (picture days' family orders) per client IP before it is throttled
    /// for `login_throttle_seconds`.
    pub access_code_max_failures_per_ip: u32,
    /// Clock skew tolerated when checking `exp`/`iat`.
    pub leeway_seconds: u64,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Password hashes computed at once; 0 = one per core.
    pub argon2_max_concurrent: usize,
    /// How long a sign-in waits for its turn before 503 with Retry-After.
    pub argon2_queue_ms: u64,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("jwt_secret", &"***")
            .field("access_token_ttl_seconds", &self.access_token_ttl_seconds)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct MigrationSettings {
    /// Tenants migrated at once by `migrate tenants` when `--concurrency` is not given.
    pub concurrency: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl TryFrom<String> for LogFormat {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        one_of(&value, &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)])
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive; `RUST_LOG` overrides it.
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProvisioningSettings {
    pub self_service: bool,
    pub default_country: String,
    pub default_currency: String,
    pub default_timezone: String,
}

/// A setting that cannot be used; the message names the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Loads the settings of `FOTOSTUDIO_ENV` from `<root>/config`.
    pub fn load(root: &Path) -> Result<Settings, ConfigError> {
        Self::load_env(root, &environment_name())
    }

    /// Loads the settings of a named environment (tests use `test`).
    pub fn load_env(root: &Path, env: &str) -> Result<Settings, ConfigError> {
        let dir = root.join("config");
        let mut builder = config::Config::builder()
            .add_source(config::File::from(dir.join("default.toml")))
            .add_source(config::File::from(dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("FOTOSTUDIO").prefix_separator("__").separator("__").try_parsing(true),
            )
            .set_override("environment", env)
            .map_err(|e| ConfigError(e.to_string()))?;
        if std::env::var_os("FOTOSTUDIO__DATABASE__URL").is_none()
            && let Ok(url) = std::env::var("DATABASE_URL")
        {
            builder = builder.set_override("database.url", url).map_err(|e| ConfigError(e.to_string()))?;
        }
        let mut settings: Settings =
            builder.build().and_then(|c| c.try_deserialize()).map_err(|e| ConfigError(key_first(&e.to_string())))?;
        settings.validate()?;
        if settings.database.max_connections == 0 {
            settings.database.max_connections = DatabaseSettings::pool_size_for_this_machine();
        }
        Ok(settings)
    }

    /// Checks what types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |key: &str, why: &str| Err(ConfigError(format!("{key}: {why}")));
        if self.server.request_head_timeout_seconds == 0 || self.server.keep_alive_idle_seconds == 0 {
            return fail("server.request_head_timeout_seconds", "and keep_alive_idle_seconds must be at least 1");
        }
        if !(8192..=1_048_576).contains(&self.server.max_request_head_bytes) {
            return fail("server.max_request_head_bytes", "must be between 8192 and 1048576");
        }
        if self.database.max_connections > 1000 {
            return fail("database.max_connections", "must be at most 1000 (0 = twice this machine's cores)");
        }
        if self.database.affinity_hold_microseconds > 10_000 {
            return fail("database.affinity_hold_microseconds", "must be at most 10000 (0 = never hold)");
        }
        if self.auth.jwt_secret.len() < 32 {
            return fail("auth.jwt_secret", "must be at least 32 bytes long");
        }
        if self.environment == "production" && self.auth.jwt_secret.starts_with("dev-only") {
            return fail(
                "auth.jwt_secret",
                "the development key cannot be used in production; set FOTOSTUDIO__AUTH__JWT_SECRET",
            );
        }
        if self.auth.access_token_ttl_seconds < 60 {
            return fail("auth.access_token_ttl_seconds", "must be at least 60");
        }
        if self.auth.refresh_token_ttl_seconds < self.auth.access_token_ttl_seconds {
            return fail("auth.refresh_token_ttl_seconds", "must be at least the access token's lifetime");
        }
        if self.auth.jwt_kid.is_empty() || self.auth.jwt_previous_secrets.contains_key(&self.auth.jwt_kid) {
            return fail("auth.jwt_kid", "must be set and differ from every retired key's id");
        }
        if let Some((kid, _)) = self.auth.jwt_previous_secrets.iter().find(|(_, s)| s.len() < 32) {
            return fail(&format!("auth.jwt_previous_secrets.{kid}"), "must be at least 32 bytes long");
        }
        if self.auth.login_max_failures_per_account == 0
            || self.auth.login_max_failures_per_ip == 0
            || self.auth.access_code_max_failures_per_ip == 0
        {
            return fail("auth.login_max_failures_*", "must be at least 1");
        }
        let base = &self.tenancy.base_domain;
        if base.is_empty() || base.starts_with('.') || base.contains(['/', ':', ' ']) {
            return fail("tenancy.base_domain", "must be a host name such as fotostudio.example");
        }
        if self.migrations.concurrency == 0 {
            return fail("migrations.concurrency", "must be at least 1");
        }
        if self.auth.argon2_memory_kib < 8 || self.auth.argon2_iterations == 0 {
            return fail("auth.argon2_*", "memory must be at least 8 KiB and iterations at least 1");
        }
        let token = &self.metrics.bearer_token;
        if !token.is_empty() && (token.len() < 16 || token.chars().any(|c| c.is_whitespace() || c.is_control())) {
            return fail("metrics.bearer_token", "must be empty or at least 16 characters without spaces");
        }
        if !self.metrics.bind.is_empty() && self.metrics.bind.parse::<std::net::SocketAddr>().is_err() {
            return fail("metrics.bind", "must be empty or an ip:port such as 127.0.0.1:9464");
        }
        Ok(())
    }
}

/// The config crate says "<what> for key `<key>`"; a person scans for the key first.
fn key_first(message: &str) -> String {
    let Some((what, rest)) = message.split_once(" for key `") else { return message.to_owned() };
    match rest.split_once('`') {
        Some((key, "")) => format!("{key}: {what}"),
        Some((key, source)) => format!("{key}: {what} ({})", source.trim()),
        None => message.to_owned(),
    }
}

/// The project root: where `config/` lives. `FOTOSTUDIO_ROOT` overrides the guess, which is
/// the working directory when it has `config/`, else the crate's own directory (for `cargo run`
/// from elsewhere and for tests).
pub fn project_root() -> PathBuf {
    if let Some(root) = std::env::var_os("FOTOSTUDIO_ROOT") {
        return PathBuf::from(root);
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    if cwd.join("config/default.toml").exists() { cwd } else { PathBuf::from(env!("CARGO_MANIFEST_DIR")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_password_is_redacted_in_debug_output() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://***@h/db");
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
    }
}

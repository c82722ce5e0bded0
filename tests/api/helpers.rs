//! The test harness: each test gets its own database on the test server (the private
//! cluster, or `DATABASE_URL`'s server), the real app bound to port 0, and typed helpers to
//! act as an operator or as a studio's user. The database is dropped when the app is.

use std::sync::{Arc, OnceLock};

use fotostudio::app::{App, AppState};
use fotostudio::config::Settings;
use fotostudio::db::{self, Database, DatabaseLocation};
use fotostudio::tenancy::migrations;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery";

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The URL of database `name` on the test server; starts the private cluster once if no
/// URL is configured.
pub fn server_url(name: &str) -> String {
    static LOCATION: OnceLock<DatabaseLocation> = OnceLock::new();
    let location = LOCATION.get_or_init(|| {
        let settings = Settings::load_env(&root(), "test").expect("test settings load");
        DatabaseLocation::resolve(&settings.database, &root()).expect("a PostgreSQL server for the tests")
    });
    location.url(Some(name))
}

/// Whether the apps reach the database through PgBouncer (`FOTOSTUDIO_TEST_PGBOUNCER=1`,
/// see `pgbouncer.rs`).
pub fn through_pgbouncer() -> bool {
    crate::pgbouncer::enabled()
}

/// The URL an app uses for database `name` (`database.url`): through the
/// transaction-pooling PgBouncer when the tests run through it, else the server itself.
pub fn app_url(name: &str) -> String {
    if through_pgbouncer() {
        crate::pgbouncer::bouncers(&server_url("postgres")).transaction_url(name)
    } else {
        server_url(name)
    }
}

/// An app's `database.session_url` for database `name`: the session-pooling PgBouncer when
/// the tests run through it, else empty (the same as `database.url`).
pub fn app_session_url(name: &str) -> String {
    if through_pgbouncer() {
        crate::pgbouncer::bouncers(&server_url("postgres")).session_url(name)
    } else {
        String::new()
    }
}

/// Settings for an app on database `db_name`, port 0. Through PgBouncer, always in
/// `transaction` search_path mode: `session` mode is wrong behind transaction pooling.
pub fn test_settings(db_name: &str) -> Settings {
    let mut settings = Settings::load_env(&root(), "test").expect("test settings load");
    settings.server.port = 0;
    settings.database.url = app_url(db_name);
    settings.database.session_url = app_session_url(db_name);
    if through_pgbouncer() {
        settings.database.search_path_mode = fotostudio::config::SearchPathMode::Transaction;
    }
    // Uploaded files of this app only, removed with it.
    settings.storage.data_dir = std::env::temp_dir().join(format!("fotostudio-test-{db_name}"));
    settings
}

/// A running app on its own database.
pub struct TestApp {
    pub base_url: String,
    /// The separate `/metrics` listener's base URL, when `metrics.bind` is set.
    pub metrics_url: Option<String>,
    pub state: Arc<AppState>,
    pub db_name: String,
    pub http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    owns_database: bool,
}

/// A fresh database, migrated, and an app on it.
pub async fn spawn_app() -> TestApp {
    spawn_app_configured(|_| {}).await
}

/// Like [`spawn_app`], with the settings adjusted first.
pub async fn spawn_app_configured(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db_name = format!("fs_test_{}", uuid::Uuid::new_v4().simple());
    Database::create_database_if_missing(&server_url("postgres"), &db_name).await.expect("create the test database");
    let mut settings = test_settings(&db_name);
    adjust(&mut settings);
    let mut app = spawn_app_with(settings).await;
    migrations::migrate_shared(&app.state.db.catalog).await.expect("shared migrations");
    app.owns_database = true;
    app
}

/// Another instance of the same app, on the same database (it does not drop it).
pub async fn spawn_second_instance(first: &TestApp) -> TestApp {
    spawn_app_with(test_settings(&first.db_name)).await
}

pub async fn spawn_app_with(settings: Settings) -> TestApp {
    let without_query = settings.database.url.split('?').next().unwrap();
    let db_name = without_query.rsplit('/').next().unwrap().to_owned();
    let options = db::connect_options(&settings.database.url, &settings.database).unwrap();
    let database = Database::connect(options, &settings.database).unwrap();
    let state = AppState::new(settings, database);
    let app = App::bind(state.clone()).await.expect("bind");
    let base_url = format!("http://{}", app.addr());
    let metrics_url = app.metrics_addr().map(|addr| format!("http://{addr}"));
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run(async move {
        let _ = rx.await;
    }));
    TestApp {
        base_url,
        metrics_url,
        state,
        db_name,
        http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        shutdown: Some(tx),
        server: Some(server),
        owns_database: false,
    }
}

impl TestApp {
    /// Signals the server to stop accepting and finish what is in flight.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        self.state.db.tenants.close();
        if self.owns_database {
            let _ = std::fs::remove_dir_all(&self.state.settings.storage.data_dir);
            let name = self.db_name.clone();
            // Drop runs outside any runtime we may block: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&server_url("postgres")).await {
                        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                    }
                });
            })
            .join();
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The problem `code` of an error response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// The fields named by a validation problem.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect())
            .unwrap_or_default()
    }

    #[track_caller]
    pub fn assert(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self
    }

    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Self {
        self.assert(status);
        assert_eq!(self.code(), code, "unexpected problem code; body: {}", self.body);
        assert_eq!(
            self.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "problems are application/problem+json"
        );
        self
    }
}

/// How a request names its studio.
#[derive(Clone, Debug)]
pub enum Via {
    None,
    Header(String),
    Host(String),
    HeaderAndHost(String, String),
}

/// A request in the making.
pub struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    via: Via,
    token: Option<String>,
    body: Option<Value>,
}

impl<'a> Call<'a> {
    pub fn via(mut self, via: Via) -> Self {
        self.via = via;
        self
    }

    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub async fn send(self) -> Reply {
        let mut req = self.app.http.request(self.method, format!("{}{}", self.app.base_url, self.path));
        match &self.via {
            Via::None => {}
            Via::Header(slug) => req = req.header("X-Tenant", slug),
            Via::Host(host) => req = req.header("Host", host),
            Via::HeaderAndHost(slug, host) => req = req.header("X-Tenant", slug).header("Host", host),
        }
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = &self.body {
            req = req.json(body);
        }
        let response = req.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body read");
        let body =
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        Reply { status, headers, body }
    }
}

/// A studio provisioned through the API, with its admin signed in.
#[derive(Clone, Debug)]
pub struct Studio {
    pub slug: String,
    pub id: String,
    pub token: String,
    pub admin_email: String,
}

impl TestApp {
    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call { app: self, method, path: path.to_owned(), via: Via::None, token: None, body: None }
    }

    /// A request as `studio`'s admin, naming the studio by header.
    pub fn as_studio(&self, studio: &Studio, method: Method, path: &str) -> Call<'_> {
        self.call(method, path).via(Via::Header(studio.slug.clone())).token(&studio.token)
    }

    /// An operator's token (created on first use).
    pub async fn operator_token(&self) -> String {
        let email = "ops@fotostudio.test";
        fotostudio::auth::operators::create(&self.state.db.catalog, &self.state.passwords, email, PASSWORD, "Ops")
            .await
            .expect("operator created");
        let reply = self
            .call(Method::POST, "/api/platform/auth/login")
            .json(json!({"email": email, "password": PASSWORD}))
            .send()
            .await;
        reply.assert(200);
        reply.body["access_token"].as_str().unwrap().to_owned()
    }

    /// Provisions a studio through `POST /api/tenants` and signs its admin in.
    pub async fn studio(&self, slug: &str) -> Studio {
        let operator = self.operator_token().await;
        let admin_email = format!("admin@{slug}.pe");
        let reply = self
            .call(Method::POST, "/api/tenants")
            .token(&operator)
            .json(json!({
                "slug": slug, "name": format!("Estudio {slug}"),
                "admin": {"email": admin_email, "password": PASSWORD}
            }))
            .send()
            .await;
        reply.assert(201);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        let token = self.login(slug, &admin_email, PASSWORD).await;
        Studio { slug: slug.to_owned(), id, token, admin_email }
    }

    /// Signs a user in to a studio and returns the access token.
    pub async fn login(&self, slug: &str, email: &str, password: &str) -> String {
        let reply = self.try_login(slug, email, password).await;
        reply.assert(200);
        reply.body["access_token"].as_str().unwrap().to_owned()
    }

    /// Signs a user in and returns the whole answer, whatever it is.
    pub async fn try_login(&self, slug: &str, email: &str, password: &str) -> Reply {
        self.call(Method::POST, "/api/auth/login")
            .via(Via::Header(slug.to_owned()))
            .json(json!({"email": email, "password": password}))
            .send()
            .await
    }

    /// Exchanges a refresh token at a studio.
    pub async fn refresh(&self, slug: &str, refresh_token: &str) -> Reply {
        self.call(Method::POST, "/api/auth/refresh")
            .via(Via::Header(slug.to_owned()))
            .json(json!({"refresh_token": refresh_token}))
            .send()
            .await
    }

    /// The audit actions recorded in a studio, oldest first.
    pub async fn audit_actions(&self, slug: &str) -> Vec<String> {
        let mut conn = self.raw().await;
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT action FROM t_{}.audit_log ORDER BY at, id",
            slug.replace('-', "_")
        )))
        .fetch_all(&mut conn)
        .await
        .unwrap()
    }

    /// Adds a user with `role` to a studio (through the users API) and returns their token.
    pub async fn user_with_role(&self, studio: &Studio, role: &str) -> String {
        let email = format!("{role}@{}.pe", studio.slug);
        self.as_studio(studio, Method::POST, "/api/users")
            .json(json!({"email": email, "full_name": role, "role": role, "password": PASSWORD}))
            .send()
            .await
            .assert(201);
        self.login(&studio.slug, &email, PASSWORD).await
    }

    /// Creates a client as the studio's admin and returns its id.
    pub async fn create_client(&self, studio: &Studio, body: Value) -> String {
        let reply = self.as_studio(studio, Method::POST, "/api/clients").json(body).send().await;
        reply.assert(201);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    /// A plain connection to this app's database, for inspecting it.
    pub async fn raw(&self) -> sqlx::PgConnection {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&server_url(&self.db_name)).await.unwrap()
    }
}

/// A minimal valid individual client.
pub fn individual(name: &str) -> Value {
    json!({"kind": "individual", "name": name})
}

//! The benchmark, in parts that share one database, one server and one load generator:
//!
//! - `core` (core.rs): `GET /api/clients` spread over random studios, against one studio and
//!   against a single-schema baseline; provisioning and tenant migrations.
//! - `front-office` (front_office.rs): a studio with 50,000 orders, 20,000 appointments and
//!   a 2,000-student roster import — order lists, search and the week's calendar — and
//!   creating orders with a payment against creating clients, over every studio.
//! - `insight` (insight.rs): a studio with five years of orders, stock movements and
//!   production — the dashboard, the reports, key figures, exports and their memory.
//!
//! Every part prints its figures and the ratios measured in the same run.
//! `cargo run --release --bin bench -- --only front-office` (see `--help`).

mod core;
mod front_office;
mod insight;
mod load;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use fotostudio::app::{App, AppState};
use fotostudio::config::{SearchPathMode, Settings, project_root};
use fotostudio::db::{self, Database, DatabaseLocation};
use fotostudio::tenancy::migrations;
use fotostudio::tenancy::model::Tenant;
use fotostudio::tenancy::provision::{self, AdminInput, ProvisionRequest};
use tokio::runtime::Runtime;
use uuid::Uuid;

#[global_allocator]
static GLOBAL: insight::Counted<mimalloc::MiMalloc> = insight::Counted(mimalloc::MiMalloc);

type BoxError = Box<dyn std::error::Error>;

/// A part of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Part {
    /// Tenant switching under load, provisioning and migrations.
    Core,
    /// Orders, search, the calendar, a roster import, and order against client creation.
    FrontOffice,
    /// The dashboard, reports, key figures and exports over five years of data.
    Insight,
}

#[derive(Debug, Parser)]
#[command(about = "Benchmark of the multi-tenant core and the front office")]
struct Args {
    /// Parts to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "core,front-office")]
    only: Vec<Part>,
    /// Studios to provision.
    #[arg(long, default_value_t = 200)]
    tenants: usize,
    /// Clients seeded in each studio (the list returns the first 20).
    #[arg(long, default_value_t = 30)]
    clients: usize,
    /// Concurrent HTTP connections of the load generator.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds of each load (after a 2 s warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Sequential requests timed for each front-office read.
    #[arg(long, default_value_t = 300)]
    read_requests: usize,
    /// Tenants migrated at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Database connections of the server's tenant pool.
    /// Default: twice this machine's cores — PostgreSQL shares them, and more backends
    /// than that only contend (16 on 2 cores served a third fewer requests).
    #[arg(long)]
    pool: Option<u32>,
    /// `session` or `transaction` (as behind PgBouncer).
    #[arg(long, default_value = "session")]
    mode: String,
    /// Worker threads of the server's runtime.
    #[arg(long, default_value_t = 2)]
    server_threads: usize,
    /// Worker threads of the load generator's runtime.
    #[arg(long, default_value_t = 2)]
    client_threads: usize,
    /// Extra small migrations (a COMMENT each) to show provisioning does not grow with
    /// their number.
    #[arg(long, default_value_t = 40)]
    extra_migrations: usize,
}

/// A provisioned studio the load spreads over: its admin's `Authorization` header and a
/// few of its clients (orders need one).
struct Studio {
    slug: String,
    authorization: String,
    clients: Vec<Uuid>,
}

/// What every part gets: the running server and its state, the studios, both runtimes.
struct Bench<'a> {
    args: &'a Args,
    settings: &'a Settings,
    state: Arc<AppState>,
    studios: Vec<Studio>,
    addr: SocketAddr,
    server_rt: &'a Runtime,
    client_rt: &'a Runtime,
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    let root = project_root();
    let mut settings = Settings::load_env(&root, "production").or_else(|_| Settings::load(&root))?;
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    // sqlx warns of every slow statement with its whole text: the seed is one.
    settings.telemetry.level = "warn,sqlx=error".into();
    let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2);
    settings.database.max_connections = args.pool.unwrap_or(2 * cores);
    settings.database.search_path_mode = match args.mode.as_str() {
        "transaction" => SearchPathMode::Transaction,
        _ => SearchPathMode::Session,
    };
    if settings.auth.jwt_secret.starts_with("dev-only") || settings.environment == "production" {
        settings.auth.jwt_secret = "benchmark-only-secret-0123456789abcdef0123".into();
    }
    // The studios' tokens are issued once, at the start; they must outlive a long run.
    settings.auth.access_token_ttl_seconds = 6 * 3600;
    settings.environment = "benchmark".into();
    fotostudio::telemetry::init(&settings.telemetry);

    // The server and the load generator get their own runtimes, as two processes would.
    let server_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(args.server_threads).enable_all().build()?;
    let client_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(args.client_threads).enable_all().build()?;

    let location = DatabaseLocation::resolve(&settings.database, &root)?;
    let db_name = format!("fs_bench_{}", std::process::id());
    server_rt.block_on(Database::create_database_if_missing(&location.url(Some("postgres")), &db_name))?;
    settings.database.url = location.url(Some(&db_name));
    let result = server_rt
        .block_on(setup(&settings, &args))
        .and_then(|(state, studios)| run(&server_rt, &client_rt, state, studios, &settings, &args));
    server_rt.block_on(async {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&location.url(Some("postgres"))).await {
            let sql = format!("DROP DATABASE IF EXISTS \"{db_name}\" WITH (FORCE)");
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
        }
    });
    location.shutdown();
    result
}

/// The `p` quantile (0–1) of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A Peruvian studio with its admin; with its provisioning timings.
async fn provision_studio(
    state: &AppState,
    settings: &Settings,
    slug: &str,
    name: &str,
) -> Result<(Tenant, provision::ProvisionTimings), BoxError> {
    let request = ProvisionRequest {
        slug: slug.to_owned(),
        name: name.to_owned(),
        country: Some("PE".into()),
        currency: None,
        timezone: None,
        admin: AdminInput { email: format!("admin@{slug}.pe"), full_name: None, password: "benchmark-password".into() },
    };
    Ok(provision::provision(&state.db.catalog, &state.passwords, &settings.provisioning, &request)
        .await
        .map_err(|e| format!("provisioning {slug}: {:?}", e.problem()))?)
}

/// The `Authorization` header of a token of the studio's first admin, as sign-in would issue.
async fn admin_authorization(state: &AppState, tenant: &Tenant) -> Result<String, BoxError> {
    let admin: Uuid = {
        let mut db = state.db.tenants.acquire(&tenant.schema).await?;
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1")
            .fetch_one(&mut db)
            .await?
    };
    Ok(format!("Bearer {}", state.jwt.issue_tenant(admin, tenant.id, "admin").token))
}

/// Provisions the studios (timing each) and the baseline studio, and seeds their clients.
async fn setup(settings: &Settings, args: &Args) -> Result<(Arc<AppState>, Vec<Studio>), BoxError> {
    let options = db::connect_options(&settings.database.url, &settings.database)?;
    let database = Database::connect(options, &settings.database);
    migrations::migrate_shared(&database.catalog).await?;
    let state = AppState::new(settings.clone(), database);

    eprintln!("provisioning {} studios...", args.tenants);
    let mut schema_times = Vec::new();
    let mut total_times = Vec::new();
    let mut studios = Vec::new();
    for i in 0..args.tenants + 1 {
        let slug = if i == args.tenants { "baseline".to_owned() } else { format!("studio-{i:04}") };
        let (tenant, timings) = provision_studio(&state, settings, &slug, &format!("Estudio {i}")).await?;
        schema_times.push(ms(timings.schema_and_migrations));
        total_times.push(ms(timings.total));
        let clients = seed(&state, &tenant, args.clients).await?;
        let authorization = admin_authorization(&state, &tenant).await?;
        if i < args.tenants {
            studios.push(Studio { slug, authorization, clients });
        }
        if (i + 1) % 100 == 0 {
            eprintln!("  {} provisioned", i + 1);
        }
    }
    schema_times.sort_by(f64::total_cmp);
    total_times.sort_by(f64::total_cmp);
    println!(
        "provisioning, {} migrations, per studio: schema+migrations p50 {:.1} ms, p95 {:.1} ms; all-in (with admin) p50 {:.1} ms, p95 {:.1} ms",
        migrations::tenant_migrations().len(),
        percentile(&schema_times, 0.5),
        percentile(&schema_times, 0.95),
        percentile(&total_times, 0.5),
        percentile(&total_times, 0.95)
    );
    Ok((state, studios))
}

/// `clients` clients in the studio (a fifth of them schools); their ids.
async fn seed(state: &AppState, tenant: &Tenant, clients: usize) -> Result<Vec<Uuid>, BoxError> {
    let mut db = state.db.tenants.acquire(&tenant.schema).await?;
    db.begin().await?;
    let ids = sqlx::query_scalar(
        "INSERT INTO clients (id, kind, name, email, phone, address) \
         SELECT gen_random_uuid(), CASE WHEN n % 5 = 0 THEN 'school' ELSE 'individual' END, \
                'Cliente ' || lpad(n::text, 4, '0'), 'cliente' || n || '@correo.pe', '+51 9' || lpad(n::text, 8, '0'), 'Lima' \
         FROM generate_series(1, $1) AS n RETURNING id",
    )
    .bind(clients as i32)
    .fetch_all(&mut db)
    .await?;
    db.commit().await?;
    Ok(ids)
}

/// Serves the app and runs the parts asked for.
fn run(
    server_rt: &Runtime,
    client_rt: &Runtime,
    state: Arc<AppState>,
    studios: Vec<Studio>,
    settings: &Settings,
    args: &Args,
) -> Result<(), BoxError> {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let app = server_rt.block_on(App::bind(state.clone()))?;
    let addr = app.addr();
    server_rt.spawn(app.run(async move {
        let _ = stop_rx.await;
    }));
    let bench = Bench { args, settings, state, studios, addr, server_rt, client_rt };
    let mut outcome = Ok(());
    if args.only.contains(&Part::Core) {
        outcome = core::run(&bench);
    }
    if outcome.is_ok() && args.only.contains(&Part::FrontOffice) {
        outcome = front_office::run(&bench);
    }
    if outcome.is_ok() && args.only.contains(&Part::Insight) {
        outcome = insight::run(&bench);
    }
    let _ = stop_tx.send(());
    outcome
}

//! The benchmark, in parts that share one database, one server and one load generator:
//!
//! - `core` (core.rs): `GET /api/clients` spread over the studios uniformly, by Zipf's law
//!   and in bursts (traffic.rs), against one studio and a single-schema baseline, with the
//!   pool's affinity hit rate; provisioning and tenant migrations.
//! - `front-office` (front_office.rs): a studio with 50,000 orders, 20,000 appointments and
//!   a 2,000-student roster import — order lists, search and the week's calendar — and
//!   creating orders with a payment against creating clients, over every studio.
//! - `wrk` (wrk.rs): the clients list from outside the process with wrk.
//! - `backends` (backends.rs): PostgreSQL backends' memory under a long load over every
//!   studio.
//! - `workshop` (workshop.rs): a studio with 2,000 materials and 200,000 ledger movements —
//!   material lists and alerts — then the same ledger in every studio, consumption against
//!   client creation over every studio, and `inventory verify` over them all.
//! - `insight` (insight.rs): a studio with five years of orders, stock movements and
//!   production — the dashboard, the reports, key figures, exports and their memory.
//!
//! Every part prints its figures and the ratios measured in the same run.
//! `cargo run --release --bin bench -- --only front-office` (see `--help`).

mod backends;
mod core;
mod cpu;
mod front_office;
mod insight;
mod load;
mod reads;
mod traffic;
mod workshop;
mod wrk;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;

use clap::{Parser, ValueEnum};
use fotostudio::app::{App, AppState};
use fotostudio::config::{SearchPathMode, Settings, project_root};
use fotostudio::db::{self, Database, DatabaseLocation};
use fotostudio::tenancy::model::Tenant;
use fotostudio::tenancy::provision::{self, AdminInput, ProvisionRequest};
use fotostudio::tenancy::{catalog, migrations};
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
    /// `GET /api/clients` from outside with wrk -t2 -c32 (over 100 studios, and one).
    Wrk,
    /// PostgreSQL backends' memory under a long load over every studio (`--memory-seconds`).
    Backends,
    /// Materials, alerts, consumption against client creation, and the ledger's verification.
    Workshop,
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
    /// Database connections of the server's tenant pool (default: the server's own
    /// default, twice this machine's cores).
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
    /// Seconds of the `backends` load (sampled every 30 s).
    #[arg(long, default_value_t = 300)]
    memory_seconds: u64,
    /// Keep the benchmark's database under this name, and reuse the studios already in it
    /// (a run over 10,000 studios provisions them once).
    #[arg(long)]
    database: Option<String>,
    /// Studios provisioned at once.
    #[arg(long, default_value_t = 1)]
    provision_concurrency: usize,
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
    if let Some(pool) = args.pool {
        settings.database.max_connections = pool;
    }
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
    // Named threads: a CPU profile (`perf record -g`) tells the server's from the load's.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .thread_name("server")
        .enable_all()
        .build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .thread_name("load")
        .enable_all()
        .build()?;

    let location = DatabaseLocation::resolve(&settings.database, &root)?;
    let db_name = args.database.clone().unwrap_or_else(|| format!("fs_bench_{}", std::process::id()));
    server_rt.block_on(Database::create_database_if_missing(&location.url(Some("postgres")), &db_name))?;
    settings.database.url = location.url(Some(&db_name));
    let result = server_rt
        .block_on(setup(&settings, &args))
        .and_then(|(state, studios)| run(&server_rt, &client_rt, state, studios, &settings, &args));
    server_rt.block_on(async {
        use sqlx::Connection;
        if args.database.is_some() {
            return;
        }
        if let Ok(mut conn) = sqlx::PgConnection::connect(&location.url(Some("postgres"))).await {
            let sql = format!("DROP DATABASE IF EXISTS \"{db_name}\" WITH (FORCE)");
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
        }
    });
    location.shutdown();
    result
}

/// Loads `a` and then `b` for `--seconds` each (after a warm-up), in two rounds, over the
/// same connections, and prints each load and the ratio b ÷ a of the same run against
/// `target`: how a write compares with creating a client.
fn alternate<A: load::Workload, B: load::Workload>(
    bench: &Bench<'_>,
    over: usize,
    (a_name, a): (&str, Arc<A>),
    (b_name, b): (&str, Arc<B>),
    target: f64,
) {
    let (connections, seconds) = (bench.args.connections, bench.args.seconds);
    let warmup = Duration::from_secs(2);
    let duration = Duration::from_secs(seconds);
    println!(
        "spread over {over} studios, {connections} connections, {seconds} s each after {} s warm-up, two rounds:",
        warmup.as_secs()
    );
    println!("{:<44} {:>10} {:>8} {:>8} {:>8}", "writing", "per s", "p50 ms", "p99 ms", "errors");
    let row = |name: &str, r: &load::LoadResult| {
        println!("{:<44} {:>10.0} {:>8.2} {:>8.2} {:>8}", name, r.rps(), r.p(0.5), r.p(0.99), r.errors);
    };
    let (mut a_results, mut b_results) = (Vec::new(), Vec::new());
    for round in 1..=2 {
        bench.client_rt.block_on(load::load(bench.addr, connections, warmup, a.clone()));
        let ra = bench.client_rt.block_on(load::load(bench.addr, connections, duration, a.clone()));
        row(&format!("{a_name} (round {round})"), &ra);
        bench.client_rt.block_on(load::load(bench.addr, connections, warmup, b.clone()));
        let rb = bench.client_rt.block_on(load::load(bench.addr, connections, duration, b.clone()));
        row(&format!("{b_name} (round {round})"), &rb);
        a_results.push(ra);
        b_results.push(rb);
    }
    let ratios: Vec<String> =
        a_results.iter().zip(&b_results).map(|(a, b)| format!("{:.2}", b.rps() / a.rps())).collect();
    let total = |rs: &[load::LoadResult]| rs.iter().map(|r| r.requests).sum::<usize>() as f64;
    let overall = total(&b_results) / total(&a_results);
    println!(
        "ratio {b_name} ÷ {a_name} (same run): {} by round, {overall:.2} overall (target ≥ {target}: {})",
        ratios.join(" and "),
        if overall >= target { "met" } else { "MISSED" }
    );
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
        .map_err(|e| format!("provisioning {slug}: {e:?}"))?)
}

/// Provisions `slug`, runs each seed script in a transaction of its own and analyses
/// `tables`; the studio and how long seeding took.
async fn seeded_studio(
    state: &AppState,
    settings: &Settings,
    (slug, name): (&str, &str),
    scripts: &[&str],
    tables: &[&str],
) -> Result<(Tenant, Duration), BoxError> {
    let (tenant, _) = provision_studio(state, settings, slug, name).await?;
    let started = Instant::now();
    for script in scripts {
        let mut db = state.db.tenants.acquire(&tenant.schema).await?;
        db.begin().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(*script)).execute(&mut db).await?;
        db.commit().await?;
    }
    analyse(state, &tenant, tables).await?;
    Ok((tenant, started.elapsed()))
}

/// `VACUUM (ANALYZE)` of a studio's `tables`, as autovacuum would have run. VACUUM runs
/// outside a transaction, which a `transaction`-mode handle never is: the catalog pool's.
async fn analyse(state: &AppState, tenant: &Tenant, tables: &[&str]) -> Result<(), BoxError> {
    let mut catalog = state.db.catalog.acquire().await?;
    for table in tables {
        let sql = format!("VACUUM (ANALYZE) {}.{table}", tenant.schema.quoted());
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *catalog).await?;
    }
    Ok(())
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
    let database = Database::connect(options, &settings.database)?;
    migrations::migrate_shared(&database.catalog).await?;
    let state = AppState::new(settings.clone(), database);

    eprintln!("provisioning {} studios...", args.tenants);
    let started = Instant::now();
    let slugs: Vec<String> = (0..=args.tenants)
        .map(|i| if i == args.tenants { "baseline".to_owned() } else { format!("studio-{i:04}") })
        .collect();
    let done = AtomicUsize::new(0);
    let made: Vec<Result<(Studio, Option<provision::ProvisionTimings>), BoxError>> =
        futures::stream::iter(slugs.iter().enumerate())
            .map(|(i, slug)| {
                let (state, done) = (&state, &done);
                async move {
                    let studio = open_studio(state, settings, args, slug, i).await;
                    if (done.fetch_add(1, Ordering::Relaxed) + 1) % 500 == 0 {
                        eprintln!("  {} ready", done.load(Ordering::Relaxed));
                    }
                    studio
                }
            })
            .buffered(args.provision_concurrency.max(1))
            .collect()
            .await;
    let mut schema_times = Vec::new();
    let mut total_times = Vec::new();
    let mut studios = Vec::new();
    for studio in made {
        let (studio, timings) = studio?;
        if let Some(timings) = timings {
            schema_times.push(ms(timings.schema_and_migrations));
            total_times.push(ms(timings.total));
        }
        studios.push(studio);
    }
    studios.pop(); // the baseline is loaded on its own route
    schema_times.sort_by(f64::total_cmp);
    total_times.sort_by(f64::total_cmp);
    if !schema_times.is_empty() {
        println!(
            "provisioning {} studios ({} at once), {} migrations, per studio: schema+migrations p50 {:.1} ms, p95 {:.1} ms; \
             all-in (with admin) p50 {:.1} ms, p95 {:.1} ms; {:.0} s in all with their clients",
            schema_times.len(),
            args.provision_concurrency.max(1),
            migrations::tenant_migrations().len(),
            percentile(&schema_times, 0.5),
            percentile(&schema_times, 0.95),
            percentile(&total_times, 0.5),
            percentile(&total_times, 0.95),
            started.elapsed().as_secs_f64()
        );
    }
    let (relations, bytes): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM pg_class), pg_database_size(current_database())")
            .fetch_one(&state.db.catalog)
            .await?;
    println!(
        "database with {} studios: {} relations in the catalog, {:.1} GB on disk ({:.2} MB per studio)",
        studios.len() + 1,
        relations,
        bytes as f64 / 1e9,
        bytes as f64 / 1e6 / (studios.len() + 1) as f64
    );
    Ok((state, studios))
}

/// The studio `slug`: provisioned and seeded (with its timings), or found as an earlier
/// run with `--database` left it.
async fn open_studio(
    state: &AppState,
    settings: &Settings,
    args: &Args,
    slug: &str,
    i: usize,
) -> Result<(Studio, Option<provision::ProvisionTimings>), BoxError> {
    let (tenant, timings, clients) = match catalog::find_by_slug(&state.db.catalog, slug).await? {
        Some(tenant) => {
            let mut db = state.db.tenants.acquire(&tenant.schema).await?;
            let clients = sqlx::query_scalar("SELECT id FROM clients ORDER BY name LIMIT $1")
                .bind(args.clients as i64)
                .fetch_all(&mut db)
                .await?;
            drop(db);
            (tenant, None, clients)
        }
        None => {
            let (tenant, timings) = provision_studio(state, settings, slug, &format!("Estudio {i}")).await?;
            let clients = seed(state, &tenant, args.clients).await?;
            (tenant, Some(timings), clients)
        }
    };
    let authorization = admin_authorization(state, &tenant).await?;
    Ok((Studio { slug: slug.to_owned(), authorization, clients }, timings))
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
    if outcome.is_ok() && args.only.contains(&Part::Wrk) {
        outcome = wrk::run(&bench);
    }
    if outcome.is_ok() && args.only.contains(&Part::Backends) {
        outcome = backends::run(&bench);
    }
    if outcome.is_ok() && args.only.contains(&Part::Workshop) {
        outcome = workshop::run(&bench);
    }
    if outcome.is_ok() && args.only.contains(&Part::Insight) {
        outcome = insight::run(&bench);
    }
    let _ = stop_tx.send(());
    outcome
}

//! The benchmark: provisions N studios, seeds them, loads `GET /api/clients` spread over
//! random studios, against one studio, and against a single-schema baseline (the same query
//! and stack without tenant resolution or switching) in one run; then times provisioning and
//! tenant migrations. Prints figures and ratios.
//!
//! `cargo run --release --bin bench -- --tenants 200` (see `--help`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use fotostudio::app::{App, AppState};
use fotostudio::config::{SearchPathMode, Settings, project_root};
use fotostudio::db::{self, Database, DatabaseLocation, SchemaName, TenantPool};
use fotostudio::tenancy::migrations::{self, TenantRun};
use fotostudio::tenancy::provision::{self, AdminInput, ProvisionRequest};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use poem::{EndpointExt, Route};
use refinery_core::Migration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(about = "Load and migration benchmark of the multi-tenant core")]
struct Args {
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let root = project_root();
    let mut settings = Settings::load_env(&root, "production").or_else(|_| Settings::load(&root))?;
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    settings.telemetry.level = "warn".into();
    let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2);
    settings.database.max_connections = args.pool.unwrap_or(2 * cores);
    settings.database.search_path_mode = match args.mode.as_str() {
        "transaction" => SearchPathMode::Transaction,
        _ => SearchPathMode::Session,
    };
    if settings.auth.jwt_secret.starts_with("dev-only") || settings.environment == "production" {
        settings.auth.jwt_secret = "benchmark-only-secret-0123456789abcdef0123".into();
    }
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
        .and_then(|(state, studios, baseline)| run(&server_rt, &client_rt, state, studios, baseline, &settings, &args));
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

type BoxError = Box<dyn std::error::Error>;

struct Studio {
    slug: String,
    token: String,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn setup(settings: &Settings, args: &Args) -> Result<(Arc<AppState>, Vec<Studio>, SchemaName), BoxError> {
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
        let request = ProvisionRequest {
            slug: slug.clone(),
            name: format!("Estudio {i}"),
            country: Some("PE".into()),
            currency: None,
            timezone: None,
            admin: AdminInput {
                email: format!("admin@{slug}.pe"),
                full_name: None,
                password: "benchmark-password".into(),
            },
        };
        let (tenant, timings) =
            provision::provision(&state.db.catalog, &state.passwords, &settings.provisioning, &request)
                .await
                .map_err(|e| format!("provisioning {slug}: {:?}", e.problem()))?;
        schema_times.push(ms(timings.schema_and_migrations));
        total_times.push(ms(timings.total));
        seed(&state, &tenant.schema, args.clients).await?;
        let admin: uuid::Uuid = {
            let mut db = state.db.tenants.acquire(&tenant.schema).await.map_err(|e| format!("{e:?}"))?;
            sqlx::query_scalar("SELECT id FROM users LIMIT 1").fetch_one(&mut db).await?
        };
        let token = state.jwt.issue_tenant(admin, tenant.id, "admin").token;
        if i < args.tenants {
            studios.push(Studio { slug, token });
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
    Ok((state, studios, SchemaName::parse("t_baseline").unwrap()))
}

async fn seed(state: &AppState, schema: &SchemaName, clients: usize) -> Result<(), BoxError> {
    let mut db = state.db.tenants.acquire(schema).await.map_err(|e| format!("{e:?}"))?;
    db.begin().await?;
    sqlx::query(
        "INSERT INTO clients (id, kind, name, email, phone, address) \
         SELECT gen_random_uuid(), CASE WHEN n % 5 = 0 THEN 'school' ELSE 'individual' END, \
                'Cliente ' || lpad(n::text, 4, '0'), 'cliente' || n || '@correo.pe', '+51 9' || lpad(n::text, 8, '0'), 'Lima' \
         FROM generate_series(1, $1) AS n",
    )
    .bind(clients as i32)
    .execute(&mut db)
    .await?;
    db.commit().await?;
    Ok(())
}

/// The baseline: the same list, JSON and token check behind the same request middleware,
/// on a pool pinned to one schema — no tenant resolution, no search_path switching.
fn baseline_route(state: Arc<AppState>, pool: TenantPool, schema: SchemaName) -> impl poem::Endpoint {
    use fotostudio::http::pagination::{Page, PageRequest};
    use fotostudio::studio::clients::model::ClientFilter;
    use fotostudio::studio::clients::repo;
    let handler = poem::endpoint::make(move |req: poem::Request| {
        let state = state.clone();
        let pool = pool.clone();
        let schema = schema.clone();
        async move {
            let token = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            state
                .jwt
                .verify(token, fotostudio::auth::jwt::TENANT_AUDIENCE)
                .ok_or_else(|| fotostudio::http::ApiError::Unauthorized("invalid token".into()))?;
            let request = PageRequest::parse(None, None)?;
            let mut db = pool.acquire(&schema).await.map_err(fotostudio::http::ApiError::from)?;
            let (count, clients) = repo::list(&mut db, &ClientFilter::default(), request.window())
                .await
                .map_err(fotostudio::http::ApiError::from)?;
            let page = Page::new(req.uri(), request, count, clients);
            Ok::<_, poem::Error>(poem::web::Json(page))
        }
    });
    Route::new()
        .at("/baseline/clients", handler)
        .with(fotostudio::http::request_context::RequestContext { trust_forwarded_for: false })
}

#[derive(Default)]
struct LoadResult {
    requests: usize,
    errors: usize,
    latencies_ms: Vec<f64>,
    elapsed: Duration,
}

impl LoadResult {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

async fn load(
    addr: std::net::SocketAddr,
    connections: usize,
    duration: Duration,
    target: Arc<dyn Fn(usize) -> (String, String, String) + Send + Sync>,
) -> LoadResult {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let target = target.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).ok();
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(conn);
            let mut latencies = Vec::with_capacity(200_000);
            let mut errors = 0;
            let mut n = c;
            while Instant::now() < deadline {
                let (path, tenant, token) = target(n);
                n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let request = hyper::Request::get(path)
                    .header("host", "127.0.0.1")
                    .header("x-tenant", tenant)
                    .header("authorization", token)
                    .body(Empty::new())
                    .unwrap();
                let sent = Instant::now();
                match sender.send_request(request).await {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        let _ = response.into_body().collect().await;
                        if ok { latencies.push(ms(sent.elapsed())) } else { errors += 1 }
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut result = LoadResult::default();
    for task in tasks {
        let (latencies, errors) = task.await.expect("load task");
        result.requests += latencies.len();
        result.errors += errors;
        result.latencies_ms.extend(latencies);
    }
    result.elapsed = started.elapsed();
    result.latencies_ms.sort_by(f64::total_cmp);
    result
}

fn run(
    server_rt: &tokio::runtime::Runtime,
    client_rt: &tokio::runtime::Runtime,
    state: Arc<AppState>,
    studios: Vec<Studio>,
    baseline: SchemaName,
    settings: &Settings,
    args: &Args,
) -> Result<(), BoxError> {
    // Serve the app, and the baseline on a listener of its own.
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let app = server_rt.block_on(App::bind(state.clone()))?;
    let addr = app.addr();
    let baseline_token = state.jwt.issue_tenant(uuid::Uuid::nil(), uuid::Uuid::nil(), "admin").token;
    let baseline_app = server_rt
        .block_on(poem::listener::Listener::into_acceptor(poem::listener::TcpListener::bind("127.0.0.1:0")))?;
    let baseline_addr = poem::listener::Acceptor::local_addr(&baseline_app)[0].as_socket_addr().copied().unwrap();
    let baseline_pool = TenantPool::new(
        state.db.options.clone(),
        settings.database.max_connections as usize,
        Duration::from_secs(5),
        Duration::from_secs(3600),
        SearchPathMode::Session,
    );
    let baseline_ep = baseline_route(state.clone(), baseline_pool, baseline);
    server_rt.spawn(poem::Server::new_with_acceptor(baseline_app).run(baseline_ep));
    server_rt.spawn(app.run(async move {
        let _ = stop_rx.await;
    }));

    let duration = Duration::from_secs(args.seconds);
    let warmup = Duration::from_secs(2);
    let tokens: Arc<Vec<(String, String)>> =
        Arc::new(studios.iter().map(|s| (s.slug.clone(), format!("Bearer {}", s.token))).collect());
    let spread: Arc<dyn Fn(usize) -> (String, String, String) + Send + Sync> = {
        let tokens = tokens.clone();
        Arc::new(move |n| {
            let (slug, token) = &tokens[(n >> 16) % tokens.len()];
            ("/api/clients".into(), slug.clone(), token.clone())
        })
    };
    let one: Arc<dyn Fn(usize) -> (String, String, String) + Send + Sync> = {
        let tokens = tokens.clone();
        Arc::new(move |_| ("/api/clients".into(), tokens[0].0.clone(), tokens[0].1.clone()))
    };
    let base_token = format!("Bearer {baseline_token}");
    let base: Arc<dyn Fn(usize) -> (String, String, String) + Send + Sync> =
        Arc::new(move |_| ("/baseline/clients".into(), String::new(), base_token.clone()));

    println!(
        "load: GET /api/clients (page of 20 of {} clients), {} connections, {} s each after {} s warm-up, pool {}, mode {}",
        args.clients,
        args.connections,
        args.seconds,
        warmup.as_secs(),
        settings.database.max_connections,
        args.mode
    );
    println!("{:<34} {:>10} {:>9} {:>9} {:>8}", "load", "req/s", "p50 ms", "p99 ms", "errors");
    let live: Arc<dyn Fn(usize) -> (String, String, String) + Send + Sync> =
        Arc::new(|_| ("/health/live".into(), String::new(), String::new()));
    let mut results = Vec::new();
    for (name, target, at) in [
        ("spread over random studios", spread, addr),
        ("one studio", one, addr),
        ("baseline: one schema, no switching", base, baseline_addr),
        ("for scale: /health/live, no database", live, addr),
    ] {
        client_rt.block_on(load(at, args.connections, warmup, target.clone()));
        let r = client_rt.block_on(load(at, args.connections, duration, target));
        println!(
            "{:<34} {:>10.0} {:>9.2} {:>9.2} {:>8}",
            name,
            r.rps(),
            percentile(&r.latencies_ms, 0.5),
            percentile(&r.latencies_ms, 0.99),
            r.errors
        );
        results.push(r);
    }
    let (spread, one, base) = (&results[0], &results[1], &results[2]);
    println!(
        "ratios (same run): spread ÷ baseline = {:.2}, one studio ÷ baseline = {:.2}, spread ÷ one studio = {:.2}",
        spread.rps() / base.rps(),
        one.rps() / base.rps(),
        spread.rps() / one.rps()
    );
    let outcome = server_rt.block_on(async {
        // Provisioning does not grow with the number of migrations: the same schema with
        // `extra_migrations` more, each a small catalog change, applied in the same batch.
        // (DDL that builds more schema costs what it costs; the per-migration overhead —
        // round trips, history rows — is what must stay flat.)
        let mut many = migrations::tenant_migrations().to_vec();
        for k in 0..args.extra_migrations {
            let v = 500 + k as i32;
            many.push(Migration::unapplied(
                &format!("V{v}__extra_{k}"),
                &format!("COMMENT ON TABLE clients IS 'revision {k}';"),
            )?);
        }
        let mut times = Vec::new();
        let mut few_times = Vec::new();
        for i in 0..20 {
            few_times.push(time_schema(&state, &format!("few-{i:02}"), migrations::tenant_migrations()).await?);
            times.push(time_schema(&state, &format!("many-{i:02}"), &many).await?);
        }
        times.sort_by(f64::total_cmp);
        few_times.sort_by(f64::total_cmp);
        println!(
            "schema+migrations p50: {:.1} ms with {} migrations, {:.1} ms with {} (ratio {:.2})",
            percentile(&few_times, 0.5),
            migrations::tenant_migrations().len(),
            percentile(&times, 0.5),
            many.len(),
            percentile(&times, 0.5) / percentile(&few_times, 0.5)
        );

        let mut with_new = migrations::tenant_migrations().to_vec();
        with_new
            .push(Migration::unapplied("V1000__bench_new_column", "ALTER TABLE clients ADD COLUMN bench_note text;")?);
        let run = TenantRun { migrations: Arc::new(with_new), ..TenantRun::all(args.concurrency) };
        let summary = migrations::migrate_tenants(&state.db.catalog, run.clone()).await?;
        println!(
            "migrate {} studios by one new migration: {:.2} s ({} failed, concurrency {})",
            summary.outcomes.len(),
            summary.elapsed.as_secs_f64(),
            summary.failed().len(),
            args.concurrency
        );
        let noop = migrations::migrate_tenants(&state.db.catalog, run).await?;
        println!(
            "no-op migrate over {} studios: {:.2} s ({} applied anything)",
            noop.outcomes.len(),
            noop.elapsed.as_secs_f64(),
            noop.migrated()
        );
        let _ = settings;
        Ok::<_, BoxError>(())
    });
    let _ = stop_tx.send(());
    outcome
}

/// Creates a schema and applies `migrations` in one transaction, as provisioning does;
/// returns milliseconds.
async fn time_schema(state: &AppState, name: &str, migrations: &[Migration]) -> Result<f64, BoxError> {
    let schema = SchemaName::parse(&format!("t_bench_{}", name.replace('-', "_"))).unwrap();
    let mut conn = state.db.catalog.acquire().await?;
    let started = Instant::now();
    let mut tx = migrations::begin_schema_transaction(&mut conn, &schema).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {}", schema.quoted()))).execute(&mut *tx).await?;
    migrations::apply_tenant_migrations(&mut tx, migrations).await?;
    tx.commit().await?;
    Ok(ms(started.elapsed()))
}

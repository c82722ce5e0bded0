//! The multi-tenant core: loads `GET /api/clients` spread over random studios, against one
//! studio, and against a single-schema baseline (the same query and stack without tenant
//! resolution or switching) in one run; then times provisioning and tenant migrations.
//! Prints figures and ratios.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fotostudio::app::AppState;
use fotostudio::config::SearchPathMode;
use fotostudio::db::{SchemaName, TenantPool};
use fotostudio::tenancy::migrations::{self, TenantRun};
use poem::{EndpointExt, Route};
use refinery_core::Migration;
use tokio::runtime::Runtime;

use crate::cpu::{self, Cpu};
use crate::load::{Gets, LoadResult, Workload, load};
use crate::traffic::{Shape, Visits};
use crate::{Bench, BoxError, ms, percentile};

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

/// Loads the clients list three ways and `/health/live`, then times schema creation and
/// migrating every studio.
pub fn run(bench: &Bench<'_>) -> Result<(), BoxError> {
    let Bench { args, settings, state, server_rt, client_rt, addr, .. } = bench;
    let (state, addr) = (state.clone(), *addr);
    // The baseline, on a listener of its own.
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
    let baseline_ep = baseline_route(state.clone(), baseline_pool, SchemaName::parse("t_baseline").unwrap());
    let baseline_server = server_rt.spawn(poem::Server::new_with_acceptor(baseline_app).run(baseline_ep));

    let duration = Duration::from_secs(args.seconds);
    let warmup = Duration::from_secs(2);
    let studios: Arc<Vec<(String, String)>> =
        Arc::new(bench.studios.iter().map(|s| (s.slug.clone(), s.authorization.clone())).collect());
    let visits = |studios: Arc<Vec<(String, String)>>, shape| Visits { path: "/api/clients".into(), studios, shape };
    let zipf = Shape::zipf(studios.len(), 1.1);
    if let Shape::Zipf(z) = &zipf {
        println!(
            "traffic: Zipf s = 1.1 over {} studios (the busiest gets {:.1} % of requests, the busiest 10 {:.1} %); \
             bursts of 10–30 requests on one studio per client, then a random other",
            studios.len(),
            100.0 * z.share_of_top(1),
            100.0 * z.share_of_top(10)
        );
    }
    let hundred = Arc::new(studios.iter().take(100).cloned().collect::<Vec<_>>());
    let base_token = format!("Bearer {baseline_token}");
    let base = Gets(Arc::new(move |_| ("/baseline/clients".into(), String::new(), base_token.clone())));
    let live = Gets(Arc::new(|_| ("/health/live".into(), String::new(), String::new())));

    println!(
        "load: GET /api/clients (page of 20 of {} clients), {} connections, {} s each after {} s warm-up, pool {}, mode {}",
        args.clients,
        args.connections,
        args.seconds,
        warmup.as_secs(),
        settings.database.max_connections,
        args.mode
    );
    println!(
        "{:<38} {:>9} {:>8} {:>8} {:>7} {:>9}   CPU µs/request: server, PostgreSQL, load",
        "load", "req/s", "p50 ms", "p99 ms", "errors", "affinity"
    );
    let measure = |name: &str, at, workload: Arc<dyn ErasedLoad>| {
        workload.clone().run(client_rt, at, args.connections, warmup);
        let before = acquires(&state);
        let pids = server_rt.block_on(cpu::backend_pids(&state.db.catalog));
        let cpu_before = Cpu::now(&pids);
        let r = workload.run(client_rt, at, args.connections, duration);
        let (server_us, postgres_us, load_us) = Cpu::now(&pids).per_request(&cpu_before, r.requests);
        let (hits, switches) = acquires(&state);
        let moved = (hits - before.0) + (switches - before.1);
        let affinity = if at == baseline_addr || moved == 0 {
            "-".to_owned()
        } else {
            format!("{:.1} %", 100.0 * (hits - before.0) as f64 / moved as f64)
        };
        println!(
            "{:<38} {:>9.0} {:>8.2} {:>8.2} {:>7} {:>9}   {:.0}, {:.0}, {:.0}",
            name,
            r.rps(),
            r.p(0.5),
            r.p(0.99),
            r.errors,
            affinity,
            server_us,
            postgres_us,
            load_us
        );
        r
    };
    // Each spread load four times — without, with, with, without the pool feature under
    // test (a drift in the machine's load cancels out) — for its gain in one run; the rate
    // below is the mean of its two runs with it. The feature is qualified reads when they
    // are on (the default), else holding released connections for their studio.
    let hold = Duration::from_micros(settings.database.affinity_hold_microseconds);
    let tenants = &state.db.tenants;
    type Switch<'a> = Option<Box<dyn Fn(bool) + 'a>>;
    let (feature, switch): (String, Switch) = if settings.database.qualified_reads {
        ("qualified reads".to_owned(), Some(Box::new(|on| tenants.set_qualified_reads(on))))
    } else if !hold.is_zero() {
        let label = format!("holding released connections {} µs for their studio", hold.as_micros());
        (label, Some(Box::new(move |on| tenants.set_hold(if on { hold } else { Duration::ZERO }))))
    } else {
        (String::new(), None)
    };
    let spread = |name: &str, shape: Shape| {
        let workload = Arc::new(visits(studios.clone(), shape));
        let Some(switch) = &switch else {
            let r = measure(name, addr, workload);
            return (r.rps(), r.p(0.99), None);
        };
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for on in [false, true, true, false] {
            switch(on);
            let label = if on { name.to_owned() } else { format!("{name}, without") };
            let r = measure(&label, addr, workload.clone());
            if on { &mut with } else { &mut without }.push(r);
        }
        switch(true);
        let mean = |runs: &[LoadResult]| runs.iter().map(LoadResult::rps).sum::<f64>() / runs.len() as f64;
        (mean(&with), with[1].p(0.99), Some(mean(&without)))
    };
    // Every backend meets every studio before anything is measured: the first load would
    // otherwise pay for filling the backends' relation caches alone.
    Arc::new(visits(studios.clone(), Shape::Uniform)).run(client_rt, addr, args.connections, duration);
    let (uniform, uniform_p99, uniform_unheld) =
        spread(&format!("uniform over {} studios", studios.len()), Shape::Uniform);
    let (zipf, _, zipf_unheld) = spread("Zipf over the same", zipf);
    let (bursts, _, bursts_unheld) = spread("bursts over the same", Shape::bursts(args.connections));
    let reference = (studios.len() > 100)
        .then(|| measure("uniform over 100 of them", addr, Arc::new(visits(hundred, Shape::Uniform))));
    let one = measure("one studio", addr, Arc::new(visits(studios.clone(), Shape::One)));
    let base = measure("baseline: one schema, no switching", baseline_addr, Arc::new(base));
    measure("for scale: /health/live, no database", addr, Arc::new(live));
    baseline_server.abort();
    println!(
        "ratios (same run) ÷ one studio: uniform {:.2}, Zipf {:.2}, bursts {:.2}; ÷ baseline: uniform {:.2}, Zipf {:.2}, bursts {:.2}, one studio {:.2}",
        uniform / one.rps(),
        zipf / one.rps(),
        bursts / one.rps(),
        uniform / base.rps(),
        zipf / base.rps(),
        bursts / base.rps(),
        one.rps() / base.rps()
    );
    if let (Some(u), Some(z), Some(b)) = (&uniform_unheld, &zipf_unheld, &bursts_unheld) {
        println!(
            "{feature}, ÷ without (same run, mean of two runs each): uniform {:.2}, Zipf {:.2}, bursts {:.2}; \
             without, ÷ one studio: uniform {:.2}, Zipf {:.2}, bursts {:.2}",
            uniform / u,
            zipf / z,
            bursts / b,
            u / one.rps(),
            z / one.rps(),
            b / one.rps()
        );
    }
    if let Some(reference) = reference {
        println!(
            "p99 uniform over {} studios ÷ over 100 of them: {:.2} ({:.2} ms vs {:.2} ms)",
            studios.len(),
            uniform_p99 / reference.p(0.99),
            uniform_p99,
            reference.p(0.99)
        );
    }
    server_rt.block_on(async {
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
        // Take the benchmark's migration back out: on a database kept with `--database`, the
        // next real migration would be numbered below it, and refinery refuses that.
        let (latest, history) =
            (migrations::latest_version(migrations::tenant_migrations()), migrations::TENANT_HISTORY);
        let undo = format!(
            "DO $$ DECLARE s text; BEGIN \
               FOR s IN SELECT schema_name FROM public.tenants LOOP \
                 EXECUTE format('ALTER TABLE %I.clients DROP COLUMN IF EXISTS bench_note; \
                   DELETE FROM %I.{history} WHERE version = 1000', s, s); \
               END LOOP; \
               UPDATE public.tenants SET schema_version = {latest} WHERE schema_version > {latest}; \
             END $$"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(undo)).execute(&state.db.catalog).await?;
        Ok::<_, BoxError>(())
    })
}

/// Tenant pool acquires so far: (on the studio's own connection, switched).
fn acquires(state: &AppState) -> (u64, u64) {
    use std::sync::atomic::Ordering::Relaxed;
    let counters = state.db.tenants.counters();
    (counters.hits.load(Relaxed), counters.switches.load(Relaxed))
}

/// A workload of any type, so the loads above can go through one closure.
trait ErasedLoad {
    fn run(self: Arc<Self>, rt: &Runtime, at: SocketAddr, connections: usize, d: Duration) -> LoadResult;
}

impl<W: Workload> ErasedLoad for W {
    fn run(self: Arc<Self>, rt: &Runtime, at: SocketAddr, connections: usize, d: Duration) -> LoadResult {
        rt.block_on(load(at, connections, d, self))
    }
}

/// Creates a schema and applies `migrations` in one transaction, as provisioning does;
/// returns milliseconds.
async fn time_schema(state: &AppState, name: &str, migrations: &[Migration]) -> Result<f64, BoxError> {
    let schema = SchemaName::parse(&format!("t_bench_{}", name.replace('-', "_"))).unwrap();
    let mut conn = state.db.catalog.acquire().await?;
    // Left by an earlier run on a database kept with `--database`.
    let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", schema.quoted());
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&mut *conn).await?;
    let started = Instant::now();
    let mut tx = migrations::begin_schema_transaction(&mut conn, &schema).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {}", schema.quoted()))).execute(&mut *tx).await?;
    migrations::apply_tenant_migrations(&mut tx, migrations).await?;
    tx.commit().await?;
    Ok(ms(started.elapsed()))
}

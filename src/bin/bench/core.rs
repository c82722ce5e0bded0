//! The multi-tenant core: loads `GET /api/clients` spread over random studios, against one
//! studio, and against a single-schema baseline (the same query and stack without tenant
//! resolution or switching) in one run; then times provisioning and tenant migrations.
//! Prints figures and ratios.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fotostudio::app::AppState;
use fotostudio::config::SearchPathMode;
use fotostudio::db::{SchemaName, TenantPool};
use fotostudio::tenancy::migrations::{self, TenantRun};
use poem::{EndpointExt, Route};
use refinery_core::Migration;

use crate::load::{Gets, load};
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
    let tokens: Arc<Vec<(String, String)>> =
        Arc::new(bench.studios.iter().map(|s| (s.slug.clone(), s.authorization.clone())).collect());
    let spread = {
        let tokens = tokens.clone();
        Gets(Arc::new(move |n| {
            let (slug, token) = &tokens[(n >> 16) % tokens.len()];
            ("/api/clients".into(), slug.clone(), token.clone())
        }))
    };
    let one = {
        let tokens = tokens.clone();
        Gets(Arc::new(move |_| ("/api/clients".into(), tokens[0].0.clone(), tokens[0].1.clone())))
    };
    let base_token = format!("Bearer {baseline_token}");
    let base = Gets(Arc::new(move |_| ("/baseline/clients".into(), String::new(), base_token.clone())));

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
    let live = Gets(Arc::new(|_| ("/health/live".into(), String::new(), String::new())));
    let mut results = Vec::new();
    for (name, target, at) in [
        ("spread over random studios", spread, addr),
        ("one studio", one, addr),
        ("baseline: one schema, no switching", base, baseline_addr),
        ("for scale: /health/live, no database", live, addr),
    ] {
        let target = Arc::new(target);
        client_rt.block_on(load(at, args.connections, warmup, target.clone()));
        let r = client_rt.block_on(load(at, args.connections, duration, target));
        println!("{:<34} {:>10.0} {:>9.2} {:>9.2} {:>8}", name, r.rps(), r.p(0.5), r.p(0.99), r.errors);
        results.push(r);
    }
    baseline_server.abort();
    let (spread, one, base) = (&results[0], &results[1], &results[2]);
    println!(
        "ratios (same run): spread ÷ baseline = {:.2}, one studio ÷ baseline = {:.2}, spread ÷ one studio = {:.2}",
        spread.rps() / base.rps(),
        one.rps() / base.rps(),
        spread.rps() / one.rps()
    );
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
        Ok::<_, BoxError>(())
    })
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

//! The workshop: a studio with 2,000 materials and 200,000 ledger movements, the same ledger
//! in every studio, and consumption spread over every studio. Targets:
//!
//! - `GET /api/inventory/materials` (and by category, and a search) and
//!   `GET /api/inventory/alerts` p50 ≤ 10 ms — sequential requests through the whole HTTP
//!   stack with a real token, then under concurrent load;
//! - a consumption movement (`POST /api/inventory/movements`) spread over every studio at
//!   least half as fast as creating a client, with the same connections and duration, in
//!   the same run, alternating over two rounds;
//! - `fotostudio inventory verify` over every studio, each holding such a ledger, ≤ 30 s:
//!   timed on the function the command runs (`cli::inventory::verify_ledgers`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fotostudio::app::AppState;
use fotostudio::config::Settings;
use fotostudio::tenancy::model::Tenant;
use hyper::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::load::{Conn, Gets, Workload, get, load, post_json, sequential};
use crate::{Bench, BoxError, admin_authorization, percentile, seeded_studio};

/// The studio the reads run against: its tenant and its admin's `Authorization`.
struct BigStudio {
    tenant: Tenant,
    authorization: String,
}

/// The tables the seed writes, vacuumed and analysed afterwards as autovacuum would have.
const SEEDED: [&str; 3] = ["materials", "stock_movements", "moulding_pieces"];

pub fn run(bench: &Bench<'_>) -> Result<(), BoxError> {
    println!();
    eprintln!("seeding the workshop's studio...");
    let big = bench.server_rt.block_on(big_studio(&bench.state, bench.settings))?;
    reads(bench, &big)?;
    let stocked = bench.server_rt.block_on(stock_every_studio(bench, &big))?;
    creation(bench, &stocked)?;
    verify(bench)
}

/// Provisions `taller-grande`, seeds it with `workshop/seed.sql` and checks its ledger.
async fn big_studio(state: &AppState, settings: &Settings) -> Result<BigStudio, BoxError> {
    let (tenant, seeded) = seeded_studio(
        state,
        settings,
        ("taller-grande", "Taller Grande"),
        &[include_str!("workshop/seed.sql")],
        &SEEDED,
    )
    .await?;
    let mut db = state.db.tenants.acquire(&tenant.schema).await?;
    let (materials, movements, pieces, low): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM materials), (SELECT count(*) FROM stock_movements), \
         (SELECT count(*) FROM moulding_pieces), \
         (SELECT count(*) FROM materials WHERE minimum_stock > 0 AND stock <= minimum_stock)",
    )
    .fetch_one(&mut db)
    .await?;
    let mismatches = fotostudio::studio::inventory::verify::mismatches(&mut db).await?;
    if !mismatches.is_empty() {
        return Err(format!("the workshop seed breaks the ledger: {} mismatches", mismatches.len()).into());
    }
    println!(
        "seeded `{}` in {:.1} s: {materials} materials, {movements} movements, {pieces} pieces on the racks, \
         {low} under their minimum; its ledger verifies",
        tenant.slug,
        seeded.as_secs_f64()
    );
    let authorization = admin_authorization(state, &tenant).await?;
    Ok(BigStudio { tenant, authorization })
}

/// A read of the big studio and its p50 target in milliseconds.
struct Read {
    name: &'static str,
    path: &'static str,
    target_ms: f64,
}

/// Times each read over sequential requests, then each under load.
fn reads(bench: &Bench<'_>, big: &BigStudio) -> Result<(), BoxError> {
    let reads = [
        Read { name: "materials", path: "/api/inventory/materials", target_ms: 10.0 },
        Read {
            name: "materials ?category=mouldings",
            path: "/api/inventory/materials?category=mouldings",
            target_ms: 10.0,
        },
        Read { name: "inventory/mouldings", path: "/api/inventory/mouldings", target_ms: 10.0 },
        Read { name: "materials ?search=taza", path: "/api/inventory/materials?search=taza", target_ms: 10.0 },
        Read { name: "alerts", path: "/api/inventory/alerts", target_ms: 10.0 },
    ];
    let (slug, authorization) = (big.tenant.slug.as_str(), big.authorization.as_str());
    println!(
        "reads of `{slug}`, page 1 (20 rows), {} sequential requests each, one connection:",
        bench.args.read_requests
    );
    println!("{:<34} {:>8} {:>8} {:>8} {:>8} {:>9}", "read", "matches", "p50 ms", "p95 ms", "p99 ms", "target");
    for r in &reads {
        let first = bench.client_rt.block_on(async {
            let mut conn = Conn::open(bench.addr).await?;
            Ok::<_, BoxError>(conn.send(get(r.path, slug, authorization)).await?)
        })?;
        let matches = first.json()["count"].as_i64().ok_or_else(|| format!("{}: {}", r.path, first.status))?;
        let timed = bench
            .client_rt
            .block_on(sequential(bench.addr, bench.args.read_requests, |_| get(r.path, slug, authorization)))?;
        let p50 = percentile(&timed, 0.5);
        let verdict = if p50 <= r.target_ms { "met" } else { "MISSED" };
        println!(
            "{:<34} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>9}",
            r.name,
            matches,
            p50,
            percentile(&timed, 0.95),
            percentile(&timed, 0.99),
            format!("≤ {} {verdict}", r.target_ms)
        );
    }
    let seconds = (bench.args.seconds / 2).max(3);
    println!("under load: {} connections, {seconds} s each after 1 s warm-up", bench.args.connections);
    println!("{:<34} {:>10} {:>8} {:>8} {:>8}", "read", "req/s", "p50 ms", "p99 ms", "errors");
    for r in [&reads[0], &reads[4]] {
        let (path, slug, authorization) = (r.path.to_owned(), slug.to_owned(), authorization.to_owned());
        let workload = Arc::new(Gets(Arc::new(move |_| (path.clone(), slug.clone(), authorization.clone()))));
        let connections = bench.args.connections;
        bench.client_rt.block_on(load(bench.addr, connections, Duration::from_secs(1), workload.clone()));
        let loaded = bench.client_rt.block_on(load(bench.addr, connections, Duration::from_secs(seconds), workload));
        println!(
            "{:<34} {:>10.0} {:>8.2} {:>8.2} {:>8}",
            r.name,
            loaded.rps(),
            loaded.p(0.5),
            loaded.p(0.99),
            loaded.errors
        );
    }
    Ok(())
}

/// A studio to write to: its slug, its admin's `Authorization`, and the materials a
/// consumption takes from (units, with stock for the whole run).
struct Target {
    slug: String,
    authorization: String,
    materials: Vec<Uuid>,
}

/// Copies the big studio's materials, ledger and racks into every benchmark studio (each
/// then holds 2,000 materials and 200,000 movements), and buys 1,000,000 of each of its
/// souvenirs through the ledger's own rules so consumption never runs out.
async fn stock_every_studio(bench: &Bench<'_>, big: &BigStudio) -> Result<Vec<Target>, BoxError> {
    let from = big.tenant.schema.quoted();
    // The copy is of a ledger already verified: its foreign keys are not re-checked row by
    // row (`session_replication_role = replica`, for this transaction only); the verify at
    // the end checks every studio's ledger again.
    let copy = format!(
        "SET LOCAL session_replication_role = replica; \
         INSERT INTO materials SELECT * FROM {from}.materials; \
         INSERT INTO stock_movements (id, material_id, kind, quantity, unit_cost, value, stock_after, waste_reason, \
                reason, reference, production_order_id, registration_id, parent_id, reverses_id, actor_id, \
                occurred_at, recorded_at) \
         SELECT id, material_id, kind, quantity, unit_cost, value, stock_after, waste_reason, reason, reference, \
                production_order_id, registration_id, parent_id, reverses_id, actor_id, occurred_at, recorded_at \
         FROM {from}.stock_movements ORDER BY seq; \
         INSERT INTO moulding_pieces SELECT * FROM {from}.moulding_pieces; \
         SET LOCAL session_replication_role = origin;"
    );
    eprintln!("copying the workshop's ledger into {} studios...", bench.studios.len());
    let started = Instant::now();
    let mut targets = Vec::new();
    for (i, studio) in bench.studios.iter().enumerate() {
        let tenant = fotostudio::tenancy::catalog::find_by_slug(&bench.state.db.catalog, &studio.slug)
            .await?
            .ok_or_else(|| format!("no studio {}", studio.slug))?;
        let mut db = bench.state.db.tenants.acquire(&tenant.schema).await?;
        db.begin().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(copy.clone())).execute(&mut db).await?;
        // One purchase per souvenir, written as the ledger writes it.
        let materials: Vec<Uuid> = sqlx::query_scalar(
            "WITH bought AS ( \
                 INSERT INTO stock_movements (id, material_id, kind, quantity, unit_cost, value, stock_after, \
                        reference, occurred_at) \
                 SELECT gen_random_uuid(), id, 'purchase', 1000000, unit_cost, 1000000 * unit_cost, \
                        stock + 1000000, 'F999-0000001', now() \
                 FROM materials WHERE category = 'souvenirs' ORDER BY sku LIMIT 40 RETURNING material_id) \
             UPDATE materials m SET stock = stock + 1000000 FROM bought b WHERE m.id = b.material_id RETURNING m.id",
        )
        .fetch_all(&mut db)
        .await?;
        db.commit().await?;
        crate::analyse(&bench.state, &tenant, &SEEDED).await?;
        targets.push(Target { slug: studio.slug.clone(), authorization: studio.authorization.clone(), materials });
        if (i + 1) % 20 == 0 {
            eprintln!("  {} copied ({:.0} s)", i + 1, started.elapsed().as_secs_f64());
        }
    }
    println!(
        "copied the ledger into {} studios in {:.0} s ({:.1} s each): every studio holds 2,000 materials and \
         200,000+ movements",
        targets.len(),
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() / targets.len().max(1) as f64
    );
    Ok(targets)
}

const GIVEN: [&str; 8] = ["María", "José", "Rosa", "Luis", "Ana", "Carlos", "Nélida", "Wilber"];
const SURNAMES: [&str; 8] = ["Quispe", "Flores", "Mamani", "Huamán", "Condori", "Rojas", "Ccama", "Apaza"];

/// Creates a client with a DNI, e-mail and phone in a random studio (as the front office's
/// creation benchmark does).
struct ClientCreation {
    targets: Arc<Vec<Target>>,
    next: AtomicUsize,
}

impl Workload for ClientCreation {
    async fn step(&self, conn: &mut Conn, n: usize) -> Result<bool, hyper::Error> {
        let target = &self.targets[(n >> 16) % self.targets.len()];
        let k = self.next.fetch_add(1, Ordering::Relaxed);
        let name = format!("{} {} {}", GIVEN[k % 8], SURNAMES[(k / 8) % 8], SURNAMES[(k / 64) % 8]);
        let body = json!({
            "kind": "individual", "name": name, "tax_id_type": "dni", "tax_id_number": format!("{}", 20_000_000 + k),
            "email": format!("taller.{k}@gmail.com"), "phone": format!("+51 9{:08}", k % 100_000_000),
            "address": "Jr. de la Unión 820, Lima",
        });
        let reply = conn.send(post_json("/api/clients", &target.slug, &target.authorization, &body)).await?;
        Ok(reply.status == StatusCode::CREATED)
    }
}

/// Takes one unit of a souvenir in a random studio: a consumption movement.
struct Consumption {
    targets: Arc<Vec<Target>>,
}

impl Workload for Consumption {
    async fn step(&self, conn: &mut Conn, n: usize) -> Result<bool, hyper::Error> {
        let target = &self.targets[(n >> 16) % self.targets.len()];
        let material = target.materials[(n >> 8) % target.materials.len()];
        let body = json!({"material_id": material, "kind": "consumption", "quantity": "1",
                          "reason": "sublimación de pedido"});
        let reply =
            conn.send(post_json("/api/inventory/movements", &target.slug, &target.authorization, &body)).await?;
        Ok(reply.status == StatusCode::CREATED)
    }
}

/// Client creation and consumption, one request at a time, then alternating under load
/// over two rounds.
fn creation(bench: &Bench<'_>, stocked: &[Target]) -> Result<(), BoxError> {
    let targets: Arc<Vec<Target>> = Arc::new(
        stocked
            .iter()
            .map(|t| Target {
                slug: t.slug.clone(),
                authorization: t.authorization.clone(),
                materials: t.materials.clone(),
            })
            .collect(),
    );
    if targets.iter().any(|t| t.materials.is_empty()) {
        return Err("a studio has no souvenir to consume".into());
    }
    let clients = Arc::new(ClientCreation { targets: targets.clone(), next: AtomicUsize::new(0) });
    let consumption = Arc::new(Consumption { targets });
    // Alone: what one request costs the server and the database.
    let (client_ms, consumption_ms) = bench.client_rt.block_on(async {
        let mut conn = Conn::open(bench.addr).await?;
        let (mut c, mut m) = (Vec::new(), Vec::new());
        let mut n: usize = 11;
        for _ in 0..bench.args.read_requests {
            n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let started = Instant::now();
            if !clients.step(&mut conn, n).await? {
                return Err::<_, BoxError>("creating a client failed".into());
            }
            c.push(crate::ms(started.elapsed()));
            let started = Instant::now();
            if !consumption.step(&mut conn, n).await? {
                return Err("recording a consumption failed".into());
            }
            m.push(crate::ms(started.elapsed()));
        }
        c.sort_by(f64::total_cmp);
        m.sort_by(f64::total_cmp);
        Ok((percentile(&c, 0.5), percentile(&m, 0.5)))
    })?;
    println!(
        "one request at a time ({} each, one connection): p50 POST /api/clients {client_ms:.2} ms, \
         POST /api/inventory/movements (consumption) {consumption_ms:.2} ms",
        bench.args.read_requests
    );
    crate::alternate(bench, stocked.len(), ("a client", clients), ("a consumption", consumption), 0.5);
    Ok(())
}

/// `fotostudio inventory verify` over every studio: the function the command runs, timed.
fn verify(bench: &Bench<'_>) -> Result<(), BoxError> {
    let mut out = Vec::new();
    let started = Instant::now();
    let clean = bench.server_rt.block_on(fotostudio::cli::inventory::verify_ledgers(&bench.state.db, &[], &mut out))?;
    let took = started.elapsed();
    let report = String::from_utf8_lossy(&out);
    let summary = report.lines().last().unwrap_or_default().to_owned();
    if !clean {
        return Err(format!("inventory verify found differences:\n{report}").into());
    }
    println!(
        "inventory verify over every studio ({summary}; {} of them with the 200,000-movement ledger): {:.1} s \
         (target ≤ 30 s {})",
        bench.studios.len() + 1,
        took.as_secs_f64(),
        if took.as_secs_f64() <= 30.0 { "met" } else { "MISSED" }
    );
    Ok(())
}

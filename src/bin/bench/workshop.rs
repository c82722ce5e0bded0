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
use std::time::Instant;

use fotostudio::app::AppState;
use fotostudio::config::Settings;
use hyper::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::front_office::ClientCreation;
use crate::load::{Conn, Workload, post_json};
use crate::reads::{BigStudio, read, time_reads};
use crate::{Bench, BoxError, admin_authorization, percentile, seeded_studio};

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

/// Times each read over sequential requests, then the list and the alerts under load.
fn reads(bench: &Bench<'_>, big: &BigStudio) -> Result<(), BoxError> {
    let reads = [
        read("materials", "/api/inventory/materials", 10.0),
        read("materials ?category=mouldings", "/api/inventory/materials?category=mouldings", 10.0),
        read("inventory/mouldings", "/api/inventory/mouldings", 10.0),
        read("materials ?search=taza", "/api/inventory/materials?search=taza", 10.0),
        read("alerts", "/api/inventory/alerts", 10.0),
    ];
    time_reads(bench, big, "page 1 (20 rows)", &reads, &[0, 4], "")
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
    // Its clients numbered after the front office's, which may have run in the same studios.
    let studios = targets.iter().map(|t| (t.slug.clone(), t.authorization.clone())).collect();
    let clients = Arc::new(ClientCreation::new(studios, 10_000_000));
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

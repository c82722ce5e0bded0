//! The front office: a studio with 50,000 orders (3 lines each), 20,000 appointments and a
//! 2,000-student roster import, and creation spread over every studio. Targets:
//!
//! - `GET /api/orders?status=...` p50 ≤ 10 ms; `GET /api/orders/search?q=<surname>` ≤ 20 ms;
//!   the calendar of one week ≤ 10 ms — sequential requests through the whole HTTP stack
//!   with a real token, and under concurrent load;
//! - a 2,000-row roster import (`POST .../roster/import`, multipart CSV) ≤ 1 s end to end;
//! - creating an order of 3 lines and its payment (two requests, counted as one) at least
//!   half as fast as creating a client, both spread over the same studios, with the same
//!   connections and duration, in the same run.

mod creation;
mod roster;
mod seed;

use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Days};
use hyper::StatusCode;
use uuid::Uuid;

use crate::load::{Conn, Gets, get, load, post_json, sequential};
use crate::{Bench, BoxError, percentile};
use seed::BigStudio;

pub fn run(bench: &Bench<'_>) -> Result<(), BoxError> {
    println!();
    eprintln!("seeding the front office's studio...");
    let big = bench.server_rt.block_on(seed::big_studio(&bench.state, bench.settings))?;
    numbering_continues(bench, &big)?;
    reads(bench, &big)?;
    roster_imports(bench, &big)?;
    creation::run(bench)
}

/// One order through the API after the seed takes the next number of this year's counter.
fn numbering_continues(bench: &Bench<'_>, big: &BigStudio) -> Result<(), BoxError> {
    let year = big.tenant.today().year();
    let (client, last): (Uuid, Option<i32>) = bench.server_rt.block_on(async {
        let mut db = bench.state.db.tenants.acquire(&big.tenant.schema).await?;
        sqlx::query_as(
            "SELECT (SELECT id FROM clients WHERE kind = 'individual' ORDER BY name LIMIT 1), \
             (SELECT last_value FROM document_counters WHERE kind = 'ORD' AND year = $1)",
        )
        .bind(year)
        .fetch_one(&mut db)
        .await
    })?;
    let body = creation::order_body(client, 0);
    let reply = bench.client_rt.block_on(async {
        let mut conn = Conn::open(bench.addr).await?;
        Ok::<_, BoxError>(conn.send(post_json("/api/orders", &big.tenant.slug, &big.authorization, &body)).await?)
    })?;
    let number = reply.json()["number"].as_str().unwrap_or_default().to_owned();
    let expected = format!("ORD-{year}-{:05}", last.unwrap_or(0) + 1);
    if reply.status != StatusCode::CREATED || number != expected {
        return Err(format!("a new order after the seed: {} {number}, expected {expected}", reply.status).into());
    }
    println!("checked: the seed prices as the orders module does, and a new order through the API is {number}");
    Ok(())
}

/// A read of the big studio and its p50 target in milliseconds.
struct Read {
    name: String,
    path: String,
    target_ms: f64,
}

fn read(name: impl Into<String>, path: impl Into<String>, target_ms: f64) -> Read {
    Read { name: name.into(), path: path.into(), target_ms }
}

/// Times each read over sequential requests, then the heaviest of each kind under load.
fn reads(bench: &Bench<'_>, big: &BigStudio) -> Result<(), BoxError> {
    let today = big.tenant.today();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let sunday = monday + Days::new(6);
    let mut reads: Vec<Read> = ["pending", "confirmed", "in_production", "ready", "delivered", "cancelled"]
        .iter()
        .map(|s| read(format!("orders ?status={s}"), format!("/api/orders?status={s}"), 10.0))
        .collect();
    for surname in ["Quispe", "Mendoza"] {
        reads.push(read(format!("orders/search?q={surname}"), format!("/api/orders/search?q={surname}"), 20.0));
    }
    reads.push(read(
        format!("calendar {monday} to {sunday}"),
        format!("/api/appointments/calendar?from={monday}&to={sunday}"),
        10.0,
    ));
    let (slug, authorization) = (big.tenant.slug.as_str(), big.authorization.as_str());
    println!(
        "reads of `{slug}`, page 1 (20 rows; the calendar: the whole week), {} sequential requests each, one connection:",
        bench.args.read_requests
    );
    println!("{:<38} {:>8} {:>8} {:>8} {:>8} {:>9}", "read", "matches", "p50 ms", "p95 ms", "p99 ms", "target");
    for r in &reads {
        let first = bench.client_rt.block_on(async {
            let mut conn = Conn::open(bench.addr).await?;
            Ok::<_, BoxError>(conn.send(get(&r.path, slug, authorization)).await?)
        })?;
        let matches = first.json()["count"].as_i64().ok_or_else(|| format!("{}: {}", r.path, first.status))?;
        let timed = bench
            .client_rt
            .block_on(sequential(bench.addr, bench.args.read_requests, |_| get(&r.path, slug, authorization)))?;
        let p50 = percentile(&timed, 0.5);
        let verdict = if p50 <= r.target_ms { "met" } else { "MISSED" };
        println!(
            "{:<38} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>9}",
            r.name,
            matches,
            p50,
            percentile(&timed, 0.95),
            percentile(&timed, 0.99),
            format!("≤ {} {verdict}", r.target_ms)
        );
    }
    let seconds = (bench.args.seconds / 2).max(3);
    println!(
        "under load: {} connections, {seconds} s each after 1 s warm-up (one studio: every request reads the same tables)",
        bench.args.connections
    );
    println!("{:<38} {:>10} {:>8} {:>8} {:>8}", "read", "req/s", "p50 ms", "p99 ms", "errors");
    // The heaviest of each kind: every delivered order, the commonest surname, the week.
    for r in [&reads[4], &reads[6], &reads[8]] {
        let (path, slug, authorization) = (r.path.clone(), slug.to_owned(), authorization.to_owned());
        let workload = Arc::new(Gets(Arc::new(move |_| (path.clone(), slug.clone(), authorization.clone()))));
        let connections = bench.args.connections;
        bench.client_rt.block_on(load(bench.addr, connections, Duration::from_secs(1), workload.clone()));
        let loaded = bench.client_rt.block_on(load(bench.addr, connections, Duration::from_secs(seconds), workload));
        println!(
            "{:<38} {:>10.0} {:>8.2} {:>8.2} {:>8}",
            r.name,
            loaded.rps(),
            loaded.p(0.5),
            loaded.p(0.99),
            loaded.errors
        );
    }
    Ok(())
}

/// Three first imports of a 2,000-row class list into this year's contracts, then the same
/// file again (nothing changes) and an edition that changes every row.
fn roster_imports(bench: &Bench<'_>, big: &BigStudio) -> Result<(), BoxError> {
    const ROWS: usize = 2000;
    let contracts: Vec<Uuid> = bench.server_rt.block_on(async {
        let mut db = bench.state.db.tenants.acquire(&big.tenant.schema).await?;
        sqlx::query_scalar("SELECT id FROM contracts WHERE status = 'active' ORDER BY number LIMIT 3")
            .fetch_all(&mut db)
            .await
    })?;
    if contracts.len() < 3 {
        return Err("the seed left fewer than three active contracts to import rosters into".into());
    }
    let first = roster::class_list(ROWS, 1);
    let edited = roster::class_list(ROWS, 2);
    let who = (big.tenant.slug.as_str(), big.authorization.as_str());
    let mut runs = Vec::new();
    for (what, contract, file, expect) in [
        ("first import", contracts[0], &first, "created"),
        ("first import", contracts[1], &first, "created"),
        ("first import", contracts[2], &first, "created"),
        ("same file again", contracts[0], &first, "unchanged"),
        ("every row changed", contracts[0], &edited, "updated"),
    ] {
        let (took, report) = bench.client_rt.block_on(roster::import(bench.addr, who, contract, file))?;
        if report[expect].as_u64() != Some(ROWS as u64) {
            return Err(format!("roster import ({what}): expected {ROWS} {expect}, got {report}").into());
        }
        runs.push(format!("{what} {:.0} ms", took.as_secs_f64() * 1000.0));
    }
    println!(
        "roster import, {ROWS} rows ({} KiB of CSV), end to end: {} (target ≤ 1000 ms)",
        first.len() / 1024,
        runs.join(", ")
    );
    Ok(())
}

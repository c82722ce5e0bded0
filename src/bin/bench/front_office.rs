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

pub use creation::ClientCreation;
pub use seed::SEEDED;

use chrono::{Datelike, Days};
use hyper::StatusCode;
use uuid::Uuid;

use crate::load::{Conn, post_json};
use crate::reads::{BigStudio, Read, read, time_reads};
use crate::{Bench, BoxError};

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
    // The heaviest of each kind: every delivered order, the commonest surname, the week.
    time_reads(
        bench,
        big,
        "page 1 (20 rows; the calendar: the whole week)",
        &reads,
        &[4, 6, 8],
        " (one studio: every request reads the same tables)",
    )
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

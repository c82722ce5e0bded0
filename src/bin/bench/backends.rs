//! PostgreSQL's backends under a long load spread over every studio: each backend caches
//! the relations of every schema it touches, so its memory grows until it has seen them
//! all; it must then stay flat. Samples the private memory of the database's client
//! backends (`/proc/<pid>/smaps_rollup`: what is not shared buffers) every 30 s.

use std::sync::Arc;
use std::time::Duration;

use crate::load::load;
use crate::traffic::{Shape, Visits};
use crate::{Bench, BoxError};

pub fn run(bench: &Bench<'_>) -> Result<(), BoxError> {
    let Bench { args, state, server_rt, client_rt, addr, .. } = bench;
    let studios: Arc<Vec<(String, String)>> =
        Arc::new(bench.studios.iter().map(|s| (s.slug.clone(), s.authorization.clone())).collect());
    let visits = Arc::new(Visits { path: "/api/clients".into(), studios: studios.clone(), shape: Shape::Uniform });
    let sample = Duration::from_secs(30);
    let rounds = (args.memory_seconds / sample.as_secs()).max(1);
    println!();
    println!(
        "backend memory: GET /api/clients uniform over {} studios for {} s, pool {}",
        studios.len(),
        rounds * sample.as_secs(),
        bench.settings.database.max_connections
    );
    println!(
        "{:>6} {:>9} {:>8} {:>8} {:>9} {:>22}",
        "s", "req/s", "p50 ms", "p99 ms", "backends", "private MB: sum / max"
    );
    for round in 1..=rounds {
        let r = client_rt.block_on(load(*addr, args.connections, sample, visits.clone()));
        let pids: Vec<i32> = server_rt.block_on(
            sqlx::query_scalar(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            )
            .fetch_all(&state.db.catalog),
        )?;
        let sizes: Vec<f64> = pids.iter().filter_map(|pid| private_mb(*pid)).collect();
        if sizes.is_empty() {
            println!("  (the database's backends are not readable here: is PostgreSQL on another machine?)");
            return Ok(());
        }
        println!(
            "{:>6} {:>9.0} {:>8.2} {:>8.2} {:>9} {:>12.1} / {:>7.1}",
            round * sample.as_secs(),
            r.rps(),
            r.p(0.5),
            r.p(0.99),
            sizes.len(),
            sizes.iter().sum::<f64>(),
            sizes.iter().cloned().fold(0.0, f64::max)
        );
    }
    Ok(())
}

/// A process's private memory (clean + dirty pages not shared with another process), in MB.
fn private_mb(pid: i32) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let kb: u64 = text
        .lines()
        .filter(|l| l.starts_with("Private_Clean:") || l.starts_with("Private_Dirty:"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum();
    Some(kb as f64 / 1024.0)
}

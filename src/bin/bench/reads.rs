//! Reads of one seeded studio: each timed over sequential requests against its p50 target,
//! then the heaviest ones under concurrent load.

use std::sync::Arc;
use std::time::Duration;

use fotostudio::tenancy::model::Tenant;

use crate::load::{Conn, Gets, get, load, sequential};
use crate::{Bench, BoxError, percentile};

/// A seeded studio the reads run against: its tenant and its admin's `Authorization`.
pub struct BigStudio {
    pub tenant: Tenant,
    pub authorization: String,
}

/// A read of the studio and its p50 target in milliseconds.
pub struct Read {
    pub name: String,
    pub path: String,
    pub target_ms: f64,
}

pub fn read(name: impl Into<String>, path: impl Into<String>, target_ms: f64) -> Read {
    Read { name: name.into(), path: path.into(), target_ms }
}

/// Times each of `reads` over sequential requests (`what`: the page they read), then those
/// at the indexes `loaded` under the benchmark's connections (`why_loaded`: a word on it).
pub fn time_reads(
    bench: &Bench<'_>,
    studio: &BigStudio,
    what: &str,
    reads: &[Read],
    loaded: &[usize],
    why_loaded: &str,
) -> Result<(), BoxError> {
    let (slug, authorization) = (studio.tenant.slug.as_str(), studio.authorization.as_str());
    let width = reads.iter().map(|r| r.name.chars().count()).max().unwrap_or(0).max(34);
    println!("reads of `{slug}`, {what}, {} sequential requests each, one connection:", bench.args.read_requests);
    println!("{:<width$} {:>8} {:>8} {:>8} {:>8} {:>9}", "read", "matches", "p50 ms", "p95 ms", "p99 ms", "target");
    for r in reads {
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
            "{:<width$} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>9}",
            r.name,
            matches,
            p50,
            percentile(&timed, 0.95),
            percentile(&timed, 0.99),
            format!("≤ {} {verdict}", r.target_ms)
        );
    }
    let (seconds, connections) = ((bench.args.seconds / 2).max(3), bench.args.connections);
    println!("under load: {connections} connections, {seconds} s each after 1 s warm-up{why_loaded}");
    println!("{:<width$} {:>10} {:>8} {:>8} {:>8}", "read", "req/s", "p50 ms", "p99 ms", "errors");
    for r in loaded.iter().map(|&i| &reads[i]) {
        let (path, slug, authorization) = (r.path.clone(), slug.to_owned(), authorization.to_owned());
        let workload = Arc::new(Gets(Arc::new(move |_| (path.clone(), slug.clone(), authorization.clone()))));
        bench.client_rt.block_on(load(bench.addr, connections, Duration::from_secs(1), workload.clone()));
        let loaded = bench.client_rt.block_on(load(bench.addr, connections, Duration::from_secs(seconds), workload));
        println!(
            "{:<width$} {:>10.0} {:>8.2} {:>8.2} {:>8}",
            r.name,
            loaded.rps(),
            loaded.p(0.5),
            loaded.p(0.99),
            loaded.errors
        );
    }
    Ok(())
}

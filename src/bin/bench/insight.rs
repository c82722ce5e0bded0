//! Insight: a studio with five years of data — 50,000 orders (the front office's seed),
//! 200,000 stock movements and 5,000 production orders (`insight/seed.sql`). Targets:
//!
//! - the dashboard (and each of its parts) and each report (financial, inventory,
//!   production) over one year: p50 ≤ 50 ms — sequential requests through the whole HTTP
//!   stack with a real token; the key figures (`/api/metrics`) beside them;
//! - the XLSX and the PDF of a one-year financial report ≤ 1 s, end to end;
//! - the peak memory of an export: the peak of live heap bytes above their level before it
//!   (the server and the client are this one process, counted by the global allocator
//!   [`Counted`]), for one year and five years of data. (A resident-set measure says
//!   nothing after the first export: the allocator keeps freed pages for the next.)

mod seed;

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

use chrono::{Days, Months};

use crate::load::{Conn, get, sequential};
use crate::reads::BigStudio;
use crate::{Bench, BoxError, ms, percentile};

/// Sequential requests timed per read (at most; `--read-requests` lowers it).
const READS: usize = 100;
/// Exports timed per format.
const EXPORTS: usize = 10;

pub fn run(bench: &Bench<'_>) -> Result<(), BoxError> {
    println!();
    eprintln!("seeding the insight studio...");
    let studio = bench.server_rt.block_on(seed::insight_studio(&bench.state, bench.settings))?;
    reads(bench, &studio)?;
    exports(bench, &studio)?;
    memory(bench, &studio)
}

/// A read and its p50 target in milliseconds, if it has one.
struct Read {
    path: String,
    target_ms: Option<f64>,
}

fn read(path: String, target_ms: Option<f64>) -> Read {
    Read { path, target_ms }
}

/// The first day of the year that ends today, as `from=...&to=...`.
fn years_to_today(studio: &BigStudio, years: u32) -> String {
    let today = studio.tenant.today();
    let from = today.checked_sub_months(Months::new(12 * years)).and_then(|d| d.checked_add_days(Days::new(1)));
    format!("from={}&to={today}", from.unwrap_or(today))
}

fn reads(bench: &Bench<'_>, studio: &BigStudio) -> Result<(), BoxError> {
    let year = years_to_today(studio, 1);
    let mut reads = vec![
        read("/api/dashboard".into(), Some(50.0)),
        read("/api/dashboard/revenue".into(), Some(50.0)),
        read("/api/dashboard/orders".into(), Some(50.0)),
        read("/api/dashboard/clients".into(), Some(50.0)),
    ];
    for report in ["financial", "inventory", "production"] {
        reads.push(read(format!("/api/reports/{report}?{year}"), Some(50.0)));
    }
    reads.push(read(format!("/api/reports/financial?{}", years_to_today(studio, 5)), None));
    for path in [
        "/api/metrics/dashboard?period=month",
        "/api/metrics/dashboard?period=year",
        "/api/metrics/comparison?period=month",
        "/api/metrics/trends?metric=revenue&interval=month",
        "/api/metrics/trends?metric=active_clients&interval=week",
        "/api/metrics/trends?metric=stock_value&interval=month",
    ] {
        reads.push(read(path.into(), None));
    }
    let count = bench.args.read_requests.min(READS);
    let (slug, authorization) = (studio.tenant.slug.as_str(), studio.authorization.as_str());
    println!("reads of `{slug}`, {count} sequential requests each, one connection:");
    println!("{:<64} {:>8} {:>8} {:>8} {:>12}", "read", "p50 ms", "p95 ms", "max ms", "target");
    for r in &reads {
        let timed = bench.client_rt.block_on(sequential(bench.addr, count, |_| get(&r.path, slug, authorization)))?;
        let p50 = percentile(&timed, 0.5);
        let target = match r.target_ms {
            Some(t) => format!("≤ {t} {}", if p50 <= t { "met" } else { "MISSED" }),
            None => String::new(),
        };
        println!(
            "{:<64} {:>8.2} {:>8.2} {:>8.2} {:>12}",
            r.path,
            p50,
            percentile(&timed, 0.95),
            timed.last().copied().unwrap_or(f64::NAN),
            target
        );
    }
    Ok(())
}

/// `GET` of an export; the file's size in bytes.
async fn download(bench: &Bench<'_>, studio: &BigStudio, path: &str) -> Result<usize, BoxError> {
    let mut conn = Conn::open(bench.addr).await?;
    let reply = conn.send(get(path, &studio.tenant.slug, &studio.authorization)).await?;
    if !reply.status.is_success() {
        return Err(format!("{path}: {}", reply.status).into());
    }
    Ok(reply.body.len())
}

fn exports(bench: &Bench<'_>, studio: &BigStudio) -> Result<(), BoxError> {
    let year = years_to_today(studio, 1);
    println!("exports of the one-year financial report, {EXPORTS} each, end to end (request to last byte):");
    println!("{:<8} {:>10} {:>8} {:>8} {:>12}", "format", "bytes", "p50 ms", "max ms", "target");
    for format in ["excel", "pdf", "csv"] {
        let path = format!("/api/reports/export/{format}?report=financial&{year}");
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..EXPORTS {
            let started = std::time::Instant::now();
            bytes = bench.client_rt.block_on(download(bench, studio, &path))?;
            times.push(ms(started.elapsed()));
        }
        times.sort_by(f64::total_cmp);
        let p50 = percentile(&times, 0.5);
        let target = if format == "csv" {
            String::new()
        } else {
            format!("≤ 1000 {}", if p50 <= 1000.0 { "met" } else { "MISSED" })
        };
        println!("{format:<8} {bytes:>10} {p50:>8.1} {:>8.1} {target:>12}", times.last().copied().unwrap_or(f64::NAN));
    }
    Ok(())
}

/// The global allocator, counting: while counting is on, the live bytes allocated since it
/// was switched on and their peak. Off, it costs one relaxed load per call.
pub struct Counted<A>(pub A);

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl<A: GlobalAlloc> GlobalAlloc for Counted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, passed on unchanged.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, passed on unchanged.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            let delta = new_size as isize - layout.size() as isize;
            let live = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract, passed on unchanged.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

/// The peak of live heap bytes above where they stood when the export was sent (server and
/// client are this one process, otherwise idle), and the file's size.
fn peak_growth(bench: &Bench<'_>, studio: &BigStudio, path: &str) -> Result<(isize, usize), BoxError> {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let bytes = bench.client_rt.block_on(download(bench, studio, path));
    COUNTING.store(false, Ordering::Relaxed);
    Ok((PEAK.load(Ordering::Relaxed), bytes?))
}

fn memory(bench: &Bench<'_>, studio: &BigStudio) -> Result<(), BoxError> {
    let mut db_rows = Vec::new();
    for years in [1, 5] {
        let period = years_to_today(studio, years);
        let report = bench.client_rt.block_on(async {
            let mut conn = Conn::open(bench.addr).await?;
            let path = format!("/api/reports/financial?{period}");
            Ok::<_, BoxError>(conn.send(get(&path, &studio.tenant.slug, &studio.authorization)).await?.json())
        })?;
        let rows = |v: &serde_json::Value| v.as_array().map_or(0, Vec::len);
        let listed = rows(&report["revenue"]["by_month"])
            + rows(&report["revenue"]["by_kind"])
            + rows(&report["payments"]["by_method"])
            + rows(&report["payments"]["by_month"])
            + rows(&report["receivables"]["buckets"])
            + rows(&report["receivables"]["orders"]);
        db_rows.push((years, period, listed, report["revenue"]["orders"].as_i64().unwrap_or(0)));
    }
    println!("peak memory of one export of the financial report (peak live heap above its level before; median of 3):");
    println!(
        "{:<8} {:>6} {:>14} {:>12} {:>10} {:>12}",
        "format", "years", "orders summed", "rows in file", "bytes", "peak KiB"
    );
    for format in ["excel", "pdf", "csv"] {
        for (years, period, listed, orders) in &db_rows {
            let path = format!("/api/reports/export/{format}?report=financial&{period}");
            let mut growths = Vec::new();
            let mut bytes = 0;
            for _ in 0..3 {
                let (growth, size) = peak_growth(bench, studio, &path)?;
                growths.push(growth);
                bytes = size;
            }
            growths.sort_unstable();
            println!("{format:<8} {years:>6} {orders:>14} {listed:>12} {bytes:>10} {:>12}", growths[1] / 1024);
        }
    }
    Ok(())
}

//! Prometheus metrics (`GET /metrics`, text format): requests by route template and status,
//! latency histograms, the tenant resolution cache, both connection pools, migrations, and
//! studios by status. No metric is labelled by studio — a label per studio would make a
//! series per studio and route — and routes are labelled by their template
//! (`/api/clients/:id`), never by a concrete path.
//!
//! Built on the `prometheus` crate with a registry per application (no process-wide
//! recorder): two instances in one process — as the tests run them — count separately.
//! Request metrics are recorded as requests end ([`http`]); the rest is read at scrape time
//! ([`Metrics::render`]).

pub mod endpoint;
pub mod http;

use std::sync::Mutex;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::app::AppState;
use crate::http::{ApiError, ApiResult};
use crate::tenancy::catalog;
use crate::tenancy::migrations::{RunCounts, SHARED_RUNS, TENANT_RUNS};
use crate::tenancy::model::TenantStatus;

/// Request latency buckets, in seconds: half a millisecond to ten seconds.
const LATENCY_BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Every metric of one application.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    cache_hits: IntCounter,
    cache_misses: IntCounter,
    pool: IntGaugeVec,
    pool_acquires: IntCounterVec,
    pool_holds: IntCounterVec,
    migrations_applied: IntCounterVec,
    migrations_failed: IntCounterVec,
    studios: IntGaugeVec,
    /// Scrape-time updates run one at a time (counters mirror totals kept elsewhere).
    scrape: Mutex<()>,
}

fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let metric = IntCounterVec::new(Opts::new(name, help), labels).expect("a valid metric");
    registry.register(Box::new(metric.clone())).expect("registered once");
    metric
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    let metric = IntCounter::new(name, help).expect("a valid metric");
    registry.register(Box::new(metric.clone())).expect("registered once");
    metric
}

fn gauge_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let metric = IntGaugeVec::new(Opts::new(name, help), labels).expect("a valid metric");
    registry.register(Box::new(metric.clone())).expect("registered once");
    metric
}

/// Brings a counter up to a total counted elsewhere.
fn mirror(counter: &IntCounter, total: u64) {
    let seen = counter.get();
    if total > seen {
        counter.inc_by(total - seen);
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = counter_vec(
            &registry,
            "fotostudio_http_requests_total",
            "HTTP requests answered, by method, route template and status.",
            &["method", "route", "status"],
        );
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "fotostudio_http_request_duration_seconds",
                "Time to answer an HTTP request, by method and route template.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )
        .expect("a valid histogram");
        registry.register(Box::new(latency.clone())).expect("registered once");
        Metrics {
            requests,
            latency,
            cache_hits: counter(
                &registry,
                "fotostudio_tenant_cache_hits_total",
                "Studio lookups answered from this instance's resolution cache.",
            ),
            cache_misses: counter(
                &registry,
                "fotostudio_tenant_cache_misses_total",
                "Studio lookups that went to the catalog.",
            ),
            pool: gauge_vec(
                &registry,
                "fotostudio_db_pool_connections",
                "Database connections by pool (tenant, catalog) and state: max, open, idle, and callers waiting \
                 for one (tenant pool).",
                &["pool", "state"],
            ),
            pool_acquires: counter_vec(
                &registry,
                "fotostudio_tenant_pool_acquires_total",
                "Tenant pool acquires by outcome: `hit` (a connection already on the studio's schema), \
                 `switch` (one moved to it), `opened` (a new connection), `waited` (had to wait for one). \
                 hit ÷ (hit + switch) is the affinity hit rate; throughput follows it.",
                &["outcome"],
            ),
            pool_holds: counter_vec(
                &registry,
                "fotostudio_tenant_pool_holds_total",
                "Released tenant connections kept a moment for their studio's next request while others \
                 waited (`held`), and those its next request took (`taken`, also counted as a `hit`) \
                 — database.affinity_hold_microseconds.",
                &["outcome"],
            ),
            migrations_applied: counter_vec(
                &registry,
                "fotostudio_migrations_applied_total",
                "Migrations applied by this process, by scope (shared, tenant).",
                &["scope"],
            ),
            migrations_failed: counter_vec(
                &registry,
                "fotostudio_migrations_failed_total",
                "Migration runs of one schema that failed and rolled back, by scope (shared, tenant).",
                &["scope"],
            ),
            studios: gauge_vec(&registry, "fotostudio_studios", "Studios in the catalog, by status.", &["status"]),
            registry,
            scrape: Mutex::new(()),
        }
    }

    /// Records one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        self.requests.with_label_values(&[method, route, status.as_str()]).inc();
        self.latency.with_label_values(&[method, route]).observe(seconds);
    }

    /// The metrics in the Prometheus text format, with what is read at scrape time brought
    /// up to date: studios by status (a catalog query), pools, cache and migration totals.
    pub async fn render(&self, state: &AppState) -> ApiResult<String> {
        let studios = catalog::count_by_status(&state.db.catalog).await?;
        let _one_at_a_time = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        for status in [TenantStatus::Provisioning, TenantStatus::Active, TenantStatus::Suspended, TenantStatus::Deleted]
        {
            let count = studios.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
            self.studios.with_label_values(&[status.as_str()]).set(count);
        }
        let tenant = state.db.tenants.status();
        let catalog = &state.db.catalog;
        let pools = [
            ("tenant", "max", tenant.max_size as i64),
            ("tenant", "open", tenant.size as i64),
            ("tenant", "idle", tenant.available as i64),
            ("tenant", "waiting", tenant.waiting as i64),
            ("catalog", "max", catalog.options().get_max_connections() as i64),
            ("catalog", "open", catalog.size() as i64),
            ("catalog", "idle", catalog.num_idle() as i64),
        ];
        for (pool, what, value) in pools {
            self.pool.with_label_values(&[pool, what]).set(value);
        }
        {
            use std::sync::atomic::Ordering::Relaxed;
            let acquires = state.db.tenants.counters();
            for (outcome, count) in [
                ("hit", &acquires.hits),
                ("switch", &acquires.switches),
                ("opened", &acquires.opened),
                ("waited", &acquires.waits),
            ] {
                mirror(&self.pool_acquires.with_label_values(&[outcome]), count.load(Relaxed));
            }
            mirror(&self.pool_holds.with_label_values(&["held"]), acquires.holds.load(Relaxed));
            mirror(&self.pool_holds.with_label_values(&["taken"]), acquires.holds_taken.load(Relaxed));
        }
        let (hits, misses) = state.resolver.cache_counts();
        mirror(&self.cache_hits, hits);
        mirror(&self.cache_misses, misses);
        let runs: [(&str, &RunCounts); 2] = [("shared", &SHARED_RUNS), ("tenant", &TENANT_RUNS)];
        for (scope, counts) in runs {
            use std::sync::atomic::Ordering::Relaxed;
            mirror(&self.migrations_applied.with_label_values(&[scope]), counts.applied.load(Relaxed));
            mirror(&self.migrations_failed.with_label_values(&[scope]), counts.failed.load(Relaxed));
        }
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(|e| ApiError::internal(format!("encoding metrics: {e}")))?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

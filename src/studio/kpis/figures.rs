//! Every metric over any number of spans (a period, the three of a comparison, the weeks
//! of a trend, the twelve months of the dashboard) in one aggregate query per family of
//! metrics, whatever the number of spans or of rows: the spans go to PostgreSQL as arrays
//! and come back one row each.
//!
//! The definitions follow the reports, so the figures agree with them to the cent:
//! - **sales** (revenue, orders, average order value, active and new clients): orders not
//!   cancelled by their order date (already the studio's date), plus school packages by the
//!   studio's date of ordering; a client is new in a span when their first order ever (not
//!   cancelled) falls in it;
//! - **payments**: completed payments by the studio's date of payment;
//! - **deliveries**: orders delivered in the span (by the studio's date of delivery), days
//!   from the order date to that date;
//! - **workshop**: used (consumption less returns) against wasted, by value, reversed
//!   movements left out, as the production report counts them; production orders done in
//!   the span; units registered as produced in it;
//! - **stock**: each material at the end of the span, today's stock and book value less
//!   every movement since (the inventory report's valuation), against today's minimum.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::kpis::model::Metric;
use crate::studio::reports::model::Period;
use crate::studio::reports::production::ratio;

/// The spans as a table `b(from_on, to_on, starts, ends, i)`, `i` numbering them from 1.
const SPANS: &str = "b AS (SELECT * FROM unnest($1::date[], $2::date[], $3::timestamptz[], $4::timestamptz[]) \
     WITH ORDINALITY AS b (from_on, to_on, starts, ends, i))";

/// Orders and revenue per span, the orders read from the covering index.
const SALES: &str = "WITH {SPANS}, \
     o AS (SELECT b.i, count(*) AS orders, sum(o.total) AS order_revenue FROM b JOIN orders o \
           ON o.order_date BETWEEN b.from_on AND b.to_on WHERE o.status <> 'cancelled' GROUP BY b.i), \
     p AS (SELECT b.i, sum(p.total) AS package_revenue FROM b JOIN package_orders p \
           ON p.ordered_at >= b.starts AND p.ordered_at < b.ends GROUP BY b.i) \
     SELECT b.i, coalesce(o.orders, 0) AS orders, coalesce(o.order_revenue, 0) AS order_revenue, \
       coalesce(p.package_revenue, 0) AS package_revenue \
     FROM b LEFT JOIN o USING (i) LEFT JOIN p USING (i) ORDER BY b.i";

/// Clients with orders per span; a client is new unless an earlier order of theirs exists
/// (one probe of `orders_client_date_idx` per client and span).
const CLIENTS: &str = "WITH {SPANS}, \
     a AS (SELECT DISTINCT b.i, b.from_on, o.client_id FROM b JOIN orders o \
           ON o.order_date BETWEEN b.from_on AND b.to_on WHERE o.status <> 'cancelled'), \
     c AS (SELECT i, count(*) AS active, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM orders e \
             WHERE e.client_id = a.client_id AND e.status <> 'cancelled' AND e.order_date < a.from_on)) AS new \
           FROM a GROUP BY i) \
     SELECT b.i, coalesce(c.active, 0) AS active, coalesce(c.new, 0) AS new FROM b LEFT JOIN c USING (i) ORDER BY b.i";

const PAYMENTS: &str = "WITH {SPANS} \
     SELECT b.i, coalesce((SELECT sum(amount) FROM order_payments \
       WHERE status = 'completed' AND paid_at >= b.starts AND paid_at < b.ends), 0) AS amount \
     FROM b ORDER BY b.i";

/// Average days from order date to the studio's date of delivery (`$5`: time zone).
const DELIVERIES: &str = "WITH {SPANS} \
     SELECT b.i, (SELECT avg((delivered_at AT TIME ZONE $5)::date - order_date) FROM orders \
       WHERE delivered_at >= b.starts AND delivered_at < b.ends) AS days \
     FROM b ORDER BY b.i";

const WORKSHOP: &str = "WITH {SPANS}, \
     moved AS (SELECT b.i, sum(-m.value) FILTER (WHERE m.kind <> 'waste') AS used, \
           sum(-m.value) FILTER (WHERE m.kind = 'waste') AS wasted \
         FROM b JOIN stock_movements m ON m.occurred_at >= b.starts AND m.occurred_at < b.ends \
         WHERE m.kind IN ('consumption', 'waste', 'return') \
           AND m.id NOT IN (SELECT reverses_id FROM stock_movements WHERE reverses_id IS NOT NULL) \
         GROUP BY b.i) \
     SELECT b.i, coalesce(moved.used, 0) AS used, coalesce(moved.wasted, 0) AS wasted, \
       (SELECT count(*) FROM production_orders WHERE status = 'done' \
          AND finished_at >= b.starts AND finished_at < b.ends) AS orders_done, \
       (SELECT coalesce(sum(produced_quantity), 0) FROM production_registrations \
          WHERE recorded_at >= b.starts AND recorded_at < b.ends)::bigint AS produced \
     FROM b LEFT JOIN moved USING (i) ORDER BY b.i";

/// Every material today: stock, book value, minimum.
const MATERIALS: &str = "SELECT id, stock, round(stock * unit_cost, 2) AS value, minimum_stock FROM materials";

/// The movements since the earliest span end, per material and per how many span ends
/// (`$1`, ascending) they come at or after.
const MOVED_SINCE: &str = "SELECT material_id, width_bucket(occurred_at, $1::timestamptz[]) AS k, \
       sum(quantity) AS quantity, sum(value) AS value \
     FROM stock_movements WHERE occurred_at >= $2 GROUP BY 1, 2";

fn with_spans(sql: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql.replace("{SPANS}", SPANS))
}

#[derive(sqlx::FromRow)]
struct SalesRow {
    orders: i64,
    order_revenue: Decimal,
    package_revenue: Decimal,
}

#[derive(sqlx::FromRow)]
struct WorkshopRow {
    used: Decimal,
    wasted: Decimal,
    orders_done: i64,
    produced: i64,
}

/// The families of metrics: each is one query (stock: two) for every span at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Sales,
    Clients,
    Payments,
    Deliveries,
    Workshop,
    Stock,
}

fn family(metric: Metric) -> Family {
    match metric {
        Metric::Revenue | Metric::Orders | Metric::AverageOrderValue => Family::Sales,
        Metric::ActiveClients | Metric::NewClients => Family::Clients,
        Metric::Payments => Family::Payments,
        Metric::DeliveryDays => Family::Deliveries,
        Metric::ProductionOrders | Metric::ProducedUnits | Metric::Efficiency | Metric::WasteValue => Family::Workshop,
        Metric::StockValue | Metric::LowStock => Family::Stock,
    }
}

/// Metric values per span, in the spans' order; `None` where a metric has no value (an
/// average over nothing, an efficiency with nothing used or wasted).
#[derive(Debug, Clone, Default)]
pub struct Figures {
    values: HashMap<Metric, Vec<Option<Decimal>>>,
    /// Order revenue and package revenue apart, per span (the dashboard shows both).
    pub package_revenue: Vec<Decimal>,
}

impl Figures {
    /// The value of `metric` in span `index`, in the metric's places.
    pub fn get(&self, metric: Metric, index: usize) -> Option<Decimal> {
        self.values.get(&metric).and_then(|v| v.get(index).copied().flatten()).map(|v| metric.shaped(v))
    }

    /// Every span's value of `metric`.
    pub fn series(&self, metric: Metric) -> Vec<Option<Decimal>> {
        let spans = self.values.get(&metric).map_or(0, Vec::len);
        (0..spans).map(|i| self.get(metric, i)).collect()
    }

    fn put(&mut self, metric: Metric, values: Vec<Option<Decimal>>) {
        self.values.insert(metric, values);
    }
}

type Arrays = (Vec<NaiveDate>, Vec<NaiveDate>, Vec<DateTime<Utc>>, Vec<DateTime<Utc>>);

fn arrays(spans: &[Period]) -> Arrays {
    (
        spans.iter().map(|s| s.from).collect(),
        spans.iter().map(|s| s.to).collect(),
        spans.iter().map(|s| s.starts).collect(),
        spans.iter().map(|s| s.ends).collect(),
    )
}

/// `metrics` over every one of `spans`, in the studio's time zone `tz`.
#[tracing::instrument(skip_all, fields(spans = spans.len()))]
pub async fn compute(db: &mut TenantDb, tz: &str, spans: &[Period], metrics: &[Metric]) -> sqlx::Result<Figures> {
    let mut figures = Figures::default();
    if spans.is_empty() {
        return Ok(figures);
    }
    let wanted = |f: Family| metrics.iter().any(|m| family(*m) == f);
    let (from, to, starts, ends) = arrays(spans);
    let some = |v: Decimal| Some(v);
    if wanted(Family::Sales) {
        let rows: Vec<SalesRow> = sqlx::query_as(with_spans(SALES))
            .bind(&from)
            .bind(&to)
            .bind(&starts)
            .bind(&ends)
            .fetch_all(&mut *db)
            .await?;
        figures.put(Metric::Revenue, rows.iter().map(|r| some(r.order_revenue + r.package_revenue)).collect());
        figures.put(Metric::Orders, rows.iter().map(|r| some(r.orders.into())).collect());
        figures.put(
            Metric::AverageOrderValue,
            rows.iter().map(|r| (r.orders > 0).then(|| r.order_revenue / Decimal::from(r.orders))).collect(),
        );
        figures.package_revenue = rows.iter().map(|r| r.package_revenue).collect();
    }
    if wanted(Family::Clients) {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(with_spans(CLIENTS))
            .bind(&from)
            .bind(&to)
            .bind(&starts)
            .bind(&ends)
            .fetch_all(&mut *db)
            .await?;
        figures.put(Metric::ActiveClients, rows.iter().map(|r| some(r.1.into())).collect());
        figures.put(Metric::NewClients, rows.iter().map(|r| some(r.2.into())).collect());
    }
    if wanted(Family::Payments) {
        let rows: Vec<(i64, Decimal)> = sqlx::query_as(with_spans(PAYMENTS))
            .bind(&from)
            .bind(&to)
            .bind(&starts)
            .bind(&ends)
            .fetch_all(&mut *db)
            .await?;
        figures.put(Metric::Payments, rows.into_iter().map(|(_, amount)| Some(amount)).collect());
    }
    if wanted(Family::Deliveries) {
        let rows: Vec<(i64, Option<Decimal>)> = sqlx::query_as(with_spans(DELIVERIES))
            .bind(&from)
            .bind(&to)
            .bind(&starts)
            .bind(&ends)
            .bind(tz)
            .fetch_all(&mut *db)
            .await?;
        figures.put(Metric::DeliveryDays, rows.into_iter().map(|(_, days)| days).collect());
    }
    if wanted(Family::Workshop) {
        let rows: Vec<WorkshopRow> = sqlx::query_as(with_spans(WORKSHOP))
            .bind(&from)
            .bind(&to)
            .bind(&starts)
            .bind(&ends)
            .fetch_all(&mut *db)
            .await?;
        figures.put(Metric::Efficiency, rows.iter().map(|r| ratio(r.used, r.wasted).map(|p| p.0)).collect());
        figures.put(Metric::WasteValue, rows.iter().map(|r| some(r.wasted)).collect());
        figures.put(Metric::ProductionOrders, rows.iter().map(|r| some(r.orders_done.into())).collect());
        figures.put(Metric::ProducedUnits, rows.iter().map(|r| some(r.produced.into())).collect());
    }
    if wanted(Family::Stock) {
        let (value, low) = stock_at_ends(db, spans).await?;
        figures.put(Metric::StockValue, value.into_iter().map(Some).collect());
        figures.put(Metric::LowStock, low.into_iter().map(|n| Some(Decimal::from(n))).collect());
    }
    Ok(figures)
}

/// The stock's value and the materials at or under their minimum at the end of each span.
async fn stock_at_ends(db: &mut TenantDb, spans: &[Period]) -> sqlx::Result<(Vec<Decimal>, Vec<i64>)> {
    let mut ends: Vec<DateTime<Utc>> = spans.iter().map(|s| s.ends).collect();
    ends.sort();
    ends.dedup();
    let materials: Vec<(Uuid, Decimal, Decimal, Decimal)> = sqlx::query_as(MATERIALS).fetch_all(&mut *db).await?;
    let moved: Vec<(Uuid, i32, Decimal, Decimal)> =
        sqlx::query_as(MOVED_SINCE).bind(&ends).bind(ends[0]).fetch_all(&mut *db).await?;
    // Per material, what moved at or after each end: moved[j] sums the rows with k ≥ j + 1.
    let mut since: HashMap<Uuid, Vec<(Decimal, Decimal)>> = HashMap::new();
    for (material, k, quantity, value) in moved {
        let after = since.entry(material).or_insert_with(|| vec![(Decimal::ZERO, Decimal::ZERO); ends.len()]);
        for slot in after.iter_mut().take(usize::try_from(k).unwrap_or(0)) {
            slot.0 += quantity;
            slot.1 += value;
        }
    }
    let mut values = Vec::with_capacity(spans.len());
    let mut lows = Vec::with_capacity(spans.len());
    for span in spans {
        let j = ends.partition_point(|e| *e < span.ends);
        let (mut value, mut low) = (Decimal::ZERO, 0);
        for (id, stock, book, minimum) in &materials {
            let (q, v) = since.get(id).map_or((Decimal::ZERO, Decimal::ZERO), |after| after[j]);
            value += book - v;
            if *minimum > Decimal::ZERO && stock - q <= *minimum {
                low += 1;
            }
        }
        values.push(value);
        lows.push(low);
    }
    Ok((values, lows))
}

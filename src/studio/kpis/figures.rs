//! Every metric over any number of spans (a period, the three of a comparison, the weeks
//! of a trend, the twelve months of the dashboard) in one aggregate query per family of
//! metrics, whatever the number of spans or of rows: the spans go to PostgreSQL as arrays
//! of the pieces they are made of (so a row in several spans is read once) and come back
//! one row each.
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
use sqlx::FromRow;
use sqlx::Postgres;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::QueryAs;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::kpis::model::Metric;
use crate::studio::reports::model::Period;
use crate::studio::reports::production::ratio;

/// The pieces as a table `p(from_on, to_on, starts, ends, k)`, `k` numbering them from 1,
/// and the spans as `b(lo, hi, i)`: span `i` (from 1) is pieces `lo` to `hi`.
const PIECES: &str = "p AS (SELECT * FROM unnest($1::date[], $2::date[], $3::timestamptz[], $4::timestamptz[]) \
     WITH ORDINALITY AS p (from_on, to_on, starts, ends, k)), \
     b AS (SELECT * FROM unnest($5::int[], $6::int[]) WITH ORDINALITY AS b (lo, hi, i))";

/// Orders and revenue per piece, the orders read from the covering index, summed per span.
const SALES: &str = "WITH {PIECES}, \
     o AS (SELECT p.k, count(*) AS orders, sum(o.total) AS order_revenue FROM p JOIN orders o \
           ON o.order_date BETWEEN p.from_on AND p.to_on WHERE o.status <> 'cancelled' GROUP BY p.k), \
     g AS (SELECT p.k, sum(g.total) AS package_revenue FROM p JOIN package_orders g \
           ON g.ordered_at >= p.starts AND g.ordered_at < p.ends GROUP BY p.k), \
     x AS (SELECT p.k, o.orders, o.order_revenue, g.package_revenue FROM p LEFT JOIN o USING (k) LEFT JOIN g USING (k)) \
     SELECT b.i, coalesce(sum(x.orders), 0)::bigint AS orders, coalesce(sum(x.order_revenue), 0) AS order_revenue, \
       coalesce(sum(x.package_revenue), 0) AS package_revenue \
     FROM b JOIN x ON x.k BETWEEN b.lo AND b.hi GROUP BY b.i ORDER BY b.i";

/// Clients with orders per span. A client is new in a span when their first order (not
/// cancelled) falls in it — in the first piece they ordered in, if they had no order before
/// it (one probe of `orders_client_date_idx` per client, not per client and span) — so new
/// clients add up over pieces. Active clients do not: a span of several pieces counts the
/// clients whose pieces meet it.
const CLIENTS: &str = "WITH {PIECES}, \
     a AS (SELECT DISTINCT p.k, o.client_id FROM p JOIN orders o \
           ON o.order_date BETWEEN p.from_on AND p.to_on WHERE o.status <> 'cancelled'), \
     g AS MATERIALIZED (SELECT client_id, min(k)::int AS first_k, array_agg(k::int) AS ks FROM a GROUP BY client_id), \
     n AS MATERIALIZED (SELECT g.first_k AS k, count(*) AS new FROM g JOIN p ON p.k = g.first_k \
           WHERE NOT EXISTS (SELECT 1 FROM orders e WHERE e.client_id = g.client_id AND e.status <> 'cancelled' \
             AND e.order_date < p.from_on) GROUP BY g.first_k), \
     x AS MATERIALIZED (SELECT k, count(*) AS active FROM a GROUP BY k) \
     SELECT b.i, CASE WHEN b.hi = b.lo THEN coalesce((SELECT x.active FROM x WHERE x.k = b.lo), 0) \
         ELSE (SELECT count(*) FROM g WHERE g.ks && ARRAY(SELECT generate_series(b.lo, b.hi))) END AS active, \
       coalesce((SELECT sum(n.new) FROM n WHERE n.k BETWEEN b.lo AND b.hi), 0)::bigint AS new \
     FROM b ORDER BY b.i";

const PAYMENTS: &str = "WITH {PIECES}, \
     x AS (SELECT p.k, (SELECT sum(amount) FROM order_payments \
       WHERE status = 'completed' AND paid_at >= p.starts AND paid_at < p.ends) AS amount FROM p) \
     SELECT b.i, coalesce(sum(x.amount), 0) AS amount FROM b JOIN x ON x.k BETWEEN b.lo AND b.hi \
     GROUP BY b.i ORDER BY b.i";

/// Average days from order date to the studio's date of delivery (`$7`: time zone): the
/// days and the deliveries per piece, divided per span as `avg` would.
const DELIVERIES: &str = "WITH {PIECES}, \
     x AS (SELECT p.k, d.days, d.deliveries FROM p CROSS JOIN LATERAL (SELECT \
         sum((delivered_at AT TIME ZONE $7)::date - order_date) AS days, count(*) AS deliveries FROM orders \
       WHERE delivered_at >= p.starts AND delivered_at < p.ends) d) \
     SELECT b.i, sum(x.days)::numeric / nullif(sum(x.deliveries), 0) AS days \
     FROM b JOIN x ON x.k BETWEEN b.lo AND b.hi GROUP BY b.i ORDER BY b.i";

const WORKSHOP: &str = "WITH {PIECES}, \
     moved AS (SELECT p.k, sum(-m.value) FILTER (WHERE m.kind <> 'waste') AS used, \
           sum(-m.value) FILTER (WHERE m.kind = 'waste') AS wasted \
         FROM p JOIN stock_movements m ON m.occurred_at >= p.starts AND m.occurred_at < p.ends \
         WHERE m.kind IN ('consumption', 'waste', 'return') \
           AND m.id NOT IN (SELECT reverses_id FROM stock_movements WHERE reverses_id IS NOT NULL) \
         GROUP BY p.k), \
     x AS (SELECT p.k, moved.used, moved.wasted, \
       (SELECT count(*) FROM production_orders WHERE status = 'done' \
          AND finished_at >= p.starts AND finished_at < p.ends) AS orders_done, \
       (SELECT sum(produced_quantity) FROM production_registrations \
          WHERE recorded_at >= p.starts AND recorded_at < p.ends) AS produced \
       FROM p LEFT JOIN moved USING (k)) \
     SELECT b.i, coalesce(sum(x.used), 0) AS used, coalesce(sum(x.wasted), 0) AS wasted, \
       sum(x.orders_done)::bigint AS orders_done, coalesce(sum(x.produced), 0)::bigint AS produced \
     FROM b JOIN x ON x.k BETWEEN b.lo AND b.hi GROUP BY b.i ORDER BY b.i";

/// Every material today: stock, book value, minimum.
const MATERIALS: &str = "SELECT id, stock, round(stock * unit_cost, 2) AS value, minimum_stock FROM materials";

/// The movements since the earliest span end, per material and per how many span ends
/// (`$1`, ascending) they come at or after.
const MOVED_SINCE: &str = "SELECT material_id, width_bucket(occurred_at, $1::timestamptz[]) AS k, \
       sum(quantity) AS quantity, sum(value) AS value \
     FROM stock_movements WHERE occurred_at >= $2 GROUP BY 1, 2";

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

/// The spans cut where any of them begins or ends, into pieces no span straddles, keeping
/// the pieces some span covers: each row is then read and summed once, whatever the number
/// of spans it falls in (the dashboard's year is its months), and each span is the sum of
/// its pieces, `lo`–`hi` (numbered from 1).
#[derive(Debug, Default, PartialEq)]
struct Pieces {
    from: Vec<NaiveDate>,
    to: Vec<NaiveDate>,
    starts: Vec<DateTime<Utc>>,
    ends: Vec<DateTime<Utc>>,
    lo: Vec<i32>,
    hi: Vec<i32>,
}

impl Pieces {
    fn of(spans: &[Period]) -> Pieces {
        let after = |s: &Period| s.to.succ_opt().unwrap_or(s.to);
        // Each cut is a first day and its first instant (the day after a span, and its end).
        let mut cuts: Vec<(NaiveDate, DateTime<Utc>)> =
            spans.iter().flat_map(|s| [(s.from, s.starts), (after(s), s.ends)]).collect();
        cuts.sort();
        cuts.dedup_by_key(|c| c.0);
        let mut pieces = Pieces::default();
        for cut in cuts.windows(2) {
            let ((from, starts), (next, ends)) = (cut[0], cut[1]);
            if spans.iter().any(|s| s.from <= from && next <= after(s)) {
                pieces.from.push(from);
                pieces.to.push(next.pred_opt().unwrap_or(next));
                pieces.starts.push(starts);
                pieces.ends.push(ends);
            }
        }
        let number = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        for span in spans {
            pieces.lo.push(number(pieces.from.partition_point(|f| *f < span.from) + 1));
            pieces.hi.push(number(pieces.to.partition_point(|t| *t <= span.to)));
        }
        pieces
    }

    /// `sql` with the pieces as `$1`–`$4` and the spans as `$5`–`$6`.
    fn query<'q, O: for<'r> FromRow<'r, PgRow>>(&'q self, sql: &str) -> QueryAs<'q, Postgres, O, PgArguments> {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.replace("{PIECES}", PIECES)))
            .bind(&self.from)
            .bind(&self.to)
            .bind(&self.starts)
            .bind(&self.ends)
            .bind(&self.lo)
            .bind(&self.hi)
    }
}

/// `metrics` over every one of `spans`, in the studio's time zone `tz`.
#[tracing::instrument(skip_all, fields(spans = spans.len()))]
pub async fn compute(db: &mut TenantDb, tz: &str, spans: &[Period], metrics: &[Metric]) -> sqlx::Result<Figures> {
    let mut figures = Figures::default();
    if spans.is_empty() {
        return Ok(figures);
    }
    let wanted = |f: Family| metrics.iter().any(|m| family(*m) == f);
    let pieces = Pieces::of(spans);
    let some = |v: Decimal| Some(v);
    if wanted(Family::Sales) {
        let rows: Vec<SalesRow> = pieces.query(SALES).fetch_all(&mut *db).await?;
        figures.put(Metric::Revenue, rows.iter().map(|r| some(r.order_revenue + r.package_revenue)).collect());
        figures.put(Metric::Orders, rows.iter().map(|r| some(r.orders.into())).collect());
        figures.put(
            Metric::AverageOrderValue,
            rows.iter().map(|r| (r.orders > 0).then(|| r.order_revenue / Decimal::from(r.orders))).collect(),
        );
        figures.package_revenue = rows.iter().map(|r| r.package_revenue).collect();
    }
    if wanted(Family::Clients) {
        let rows: Vec<(i64, i64, i64)> = pieces.query(CLIENTS).fetch_all(&mut *db).await?;
        figures.put(Metric::ActiveClients, rows.iter().map(|r| some(r.1.into())).collect());
        figures.put(Metric::NewClients, rows.iter().map(|r| some(r.2.into())).collect());
    }
    if wanted(Family::Payments) {
        let rows: Vec<(i64, Decimal)> = pieces.query(PAYMENTS).fetch_all(&mut *db).await?;
        figures.put(Metric::Payments, rows.into_iter().map(|(_, amount)| Some(amount)).collect());
    }
    if wanted(Family::Deliveries) {
        let rows: Vec<(i64, Option<Decimal>)> = pieces.query(DELIVERIES).bind(tz).fetch_all(&mut *db).await?;
        figures.put(Metric::DeliveryDays, rows.into_iter().map(|(_, days)| days).collect());
    }
    if wanted(Family::Workshop) {
        let rows: Vec<WorkshopRow> = pieces.query(WORKSHOP).fetch_all(&mut *db).await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studio::kpis::periods::span;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn overlapping_spans_are_cut_into_the_pieces_they_share_and_gaps_are_left_out() {
        let tz = chrono_tz::America::Lima;
        let spans = [
            span(tz, day("2025-01-01"), day("2025-01-31")),
            span(tz, day("2025-02-01"), day("2025-02-28")),
            span(tz, day("2025-03-01"), day("2025-03-10")),
            // The year so far: the last two months again.
            span(tz, day("2025-02-01"), day("2025-03-10")),
            // A year earlier, apart from the rest.
            span(tz, day("2024-03-01"), day("2024-03-10")),
        ];
        let pieces = Pieces::of(&spans);
        let firsts: Vec<String> = pieces.from.iter().map(ToString::to_string).collect();
        assert_eq!(firsts, ["2024-03-01", "2025-01-01", "2025-02-01", "2025-03-01"]);
        let lasts: Vec<String> = pieces.to.iter().map(ToString::to_string).collect();
        assert_eq!(lasts, ["2024-03-10", "2025-01-31", "2025-02-28", "2025-03-10"]);
        assert_eq!(pieces.starts[2], spans[1].starts);
        assert_eq!(pieces.ends[3], spans[2].ends);
        assert_eq!(pieces.lo, [2, 3, 4, 3, 1]);
        assert_eq!(pieces.hi, [2, 3, 4, 4, 1]);
    }

    #[test]
    fn a_span_inside_another_splits_it_in_three() {
        let tz = chrono_tz::America::Lima;
        let spans = [span(tz, day("2025-01-01"), day("2025-12-31")), span(tz, day("2025-06-01"), day("2025-06-30"))];
        let pieces = Pieces::of(&spans);
        assert_eq!(pieces.from, [day("2025-01-01"), day("2025-06-01"), day("2025-07-01")]);
        assert_eq!(pieces.to, [day("2025-05-31"), day("2025-06-30"), day("2025-12-31")]);
        assert_eq!((pieces.lo, pieces.hi), (vec![1, 2], vec![3, 2]));
    }
}

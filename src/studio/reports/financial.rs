//! The financial report: revenue by month and by item kind, cash received by method and by
//! month, and receivables aged at the end of the period — each one aggregate query over the
//! period's rows.
//!
//! - **Revenue** is what was sold: the totals of orders not cancelled, by order date (already
//!   the studio's date), tax included, with the tax beside it; plus school picture-day
//!   packages (price + late fee) by the studio's date of ordering, as their own line.
//! - **Cash** is what came in: completed payments by the studio's date of payment (voided
//!   payments never count).
//! - **Receivables** are the balances of orders not cancelled, dated up to `to`, less what was
//!   paid by the end of `to`, aged by order date: 0–30, 31–60, 61–90, over 90 days.

use poem_openapi::{Enum, Object};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::money::Money;
use crate::studio::orders::model::OrderPaymentMethod;
use crate::studio::reports::model::{Period, ReportHeader};

/// What a revenue line sold: an order item's kind, or the school packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum RevenueKind {
    Session,
    Print,
    Frame,
    Souvenir,
    Design,
    Restoration,
    Other,
    /// School picture-day packages (paquetes escolares).
    SchoolPackages,
}

impl RevenueKind {
    /// Every kind, in the order the report lists them.
    pub const ALL: [RevenueKind; 8] = [
        RevenueKind::Session,
        RevenueKind::Print,
        RevenueKind::Frame,
        RevenueKind::Souvenir,
        RevenueKind::Design,
        RevenueKind::Restoration,
        RevenueKind::Other,
        RevenueKind::SchoolPackages,
    ];
}

/// One month of revenue (every month of the period is listed, empty ones too).
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct MonthRevenue {
    /// `YYYY-MM`.
    pub month: String,
    pub orders: i64,
    /// Order totals, tax included.
    pub order_revenue: Money,
    /// The tax within (or added to) those totals.
    pub order_tax: Money,
    pub package_orders: i64,
    pub package_revenue: Money,
    /// order_revenue + package_revenue.
    pub revenue: Money,
}

/// Revenue of one kind of line.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct KindRevenue {
    pub kind: RevenueKind,
    /// Order lines (or package orders).
    pub lines: i64,
    /// Units sold.
    pub quantity: i64,
    /// Tax included.
    pub revenue: Money,
    /// The tax within it; none for school packages, whose price carries no breakdown.
    pub tax: Option<Money>,
}

/// What was sold in the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Revenue {
    pub by_month: Vec<MonthRevenue>,
    pub by_kind: Vec<KindRevenue>,
    pub orders: i64,
    pub order_revenue: Money,
    pub order_tax: Money,
    pub package_orders: i64,
    pub package_revenue: Money,
    /// Everything sold: order_revenue + package_revenue.
    pub total: Money,
}

/// Payments received by one method.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct MethodPayments {
    pub method: OrderPaymentMethod,
    pub payments: i64,
    pub amount: Money,
}

/// Payments received in one month.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct MonthPayments {
    /// `YYYY-MM`.
    pub month: String,
    pub payments: i64,
    pub amount: Money,
}

/// The cash that came in during the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Payments {
    /// Every method, in a fixed order, unused ones with zero.
    pub by_method: Vec<MethodPayments>,
    pub by_month: Vec<MonthPayments>,
    pub payments: i64,
    pub total: Money,
}

/// How old an open balance is, by its order's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
pub enum AgeingBucket {
    /// 0–30 days.
    #[oai(rename = "0_30")]
    #[serde(rename = "0_30")]
    Days0To30,
    /// 31–60 days.
    #[oai(rename = "31_60")]
    #[serde(rename = "31_60")]
    Days31To60,
    /// 61–90 days.
    #[oai(rename = "61_90")]
    #[serde(rename = "61_90")]
    Days61To90,
    /// More than 90 days.
    #[oai(rename = "over_90")]
    #[serde(rename = "over_90")]
    Over90,
}

impl AgeingBucket {
    pub const ALL: [AgeingBucket; 4] =
        [AgeingBucket::Days0To30, AgeingBucket::Days31To60, AgeingBucket::Days61To90, AgeingBucket::Over90];
}

/// The open balances of one age.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct BucketBalance {
    pub bucket: AgeingBucket,
    pub orders: i64,
    pub balance: Money,
}

/// An order with something still owed at the end of the period.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct OpenOrder {
    pub id: Uuid,
    pub number: String,
    pub client_name: String,
    pub order_date: chrono::NaiveDate,
    /// Days from the order date to the end of the period.
    pub days: i32,
    pub total: Money,
    /// Paid by the end of the period.
    pub paid: Money,
    pub balance: Money,
}

/// What clients owed at the end of the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Receivables {
    /// The day the balances are taken at (the period's `to`).
    pub as_of: chrono::NaiveDate,
    pub buckets: Vec<BucketBalance>,
    pub open_orders: i64,
    pub total: Money,
    /// The open orders, oldest first, at most [`MAX_LISTED`] (`open_orders` counts them all).
    pub orders: Vec<OpenOrder>,
}

/// The most open orders the report lists one by one.
pub const MAX_LISTED: i64 = 1000;

/// The financial report.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct FinancialReport {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: ReportHeader,
    pub revenue: Revenue,
    pub payments: Payments,
    pub receivables: Receivables,
}

/// The months of the period, as `YYYY-MM` next to their first day (`$1`, `$2`: from, to).
const MONTHS: &str = "months AS (SELECT m::date AS first_day, to_char(m, 'YYYY-MM') AS month \
     FROM generate_series(date_trunc('month', $1::date::timestamp), $2::date::timestamp, interval '1 month') AS m)";

/// Revenue per month: orders by order date, packages by the studio's date of ordering
/// (`$3`/`$4`: the period's instants, `$5`: the time zone).
const BY_MONTH: &str = "WITH {MONTHS}, \
     o AS (SELECT date_trunc('month', order_date::timestamp)::date AS first_day, count(*) AS orders, \
           sum(total) AS revenue, sum(tax) AS tax FROM orders \
           WHERE status <> 'cancelled' AND order_date BETWEEN $1 AND $2 GROUP BY 1), \
     p AS (SELECT date_trunc('month', ordered_at AT TIME ZONE $5)::date AS first_day, count(*) AS orders, \
           sum(total) AS revenue FROM package_orders WHERE ordered_at >= $3 AND ordered_at < $4 GROUP BY 1) \
     SELECT m.month, coalesce(o.orders, 0) AS orders, coalesce(o.revenue, 0) AS order_revenue, \
            coalesce(o.tax, 0) AS order_tax, coalesce(p.orders, 0) AS package_orders, \
            coalesce(p.revenue, 0) AS package_revenue, coalesce(o.revenue, 0) + coalesce(p.revenue, 0) AS revenue \
     FROM months m LEFT JOIN o USING (first_day) LEFT JOIN p USING (first_day) ORDER BY m.first_day";

/// The lines sold on the days `$1`–`$2`: the lines of orders not cancelled, by their order's
/// date, which each line carries (`order_items_sales_idx`, read from the index alone); the
/// period's few cancelled orders are left out by a hashed anti-join. Used with
/// [`LINE_GROSS`], a line's gross: its total, plus its tax where prices exclude it.
pub const SOLD_LINES: &str = "order_items WHERE order_date BETWEEN $1 AND $2 \
     AND order_id NOT IN (SELECT id FROM orders WHERE status = 'cancelled' AND order_date BETWEEN $1 AND $2)";

/// A sold line's gross, as revenue counts it.
pub const LINE_GROSS: &str = "line_total + CASE WHEN prices_include_tax THEN 0 ELSE tax END";

/// Revenue per item kind, then the packages as one more kind (`$3`/`$4`: the instants).
const BY_KIND: &str = "SELECT kind, count(*) AS lines, sum(quantity)::bigint AS quantity, \
       sum({LINE_GROSS}) AS revenue, sum(tax) AS tax FROM {SOLD_LINES} GROUP BY kind \
     UNION ALL \
     SELECT 'school_packages', count(*), count(*), coalesce(sum(total), 0), NULL FROM package_orders \
     WHERE ordered_at >= $3 AND ordered_at < $4";

/// `sql` with the sold lines and a line's gross written in.
pub fn with_sold_lines(sql: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql.replace("{SOLD_LINES}", SOLD_LINES).replace("{LINE_GROSS}", LINE_GROSS))
}

/// Completed payments per month of the studio's calendar and method, in one pass over the
/// period's payments (read from `order_payments_received_idx` alone); every month is listed,
/// an empty one with no method.
const PAYMENTS: &str = "WITH {MONTHS}, \
     p AS (SELECT date_trunc('month', paid_at AT TIME ZONE $5)::date AS first_day, method, count(*) AS payments, \
           sum(amount) AS amount FROM order_payments \
           WHERE status = 'completed' AND paid_at >= $3 AND paid_at < $4 GROUP BY 1, 2) \
     SELECT m.month, p.method, coalesce(p.payments, 0) AS payments, coalesce(p.amount, 0) AS amount \
     FROM months m LEFT JOIN p USING (first_day) ORDER BY m.first_day, p.method";

/// The orders open at the end of `$1` (the period's `to`; `$2` its end instant): those
/// open now (their balance then is today's plus what was paid after the period), and those
/// paid off since (their balance then is what was paid after) — no other order can have
/// been open then.
const OPEN_ORDERS: &str = "WITH later AS (SELECT order_id, sum(amount) AS amount FROM order_payments \
           WHERE status = 'completed' AND paid_at >= $2 GROUP BY order_id), \
     open AS (SELECT o.id, o.number, o.client_id, o.order_date, o.total, o.balance + coalesce(l.amount, 0) AS balance \
           FROM orders o LEFT JOIN later l ON l.order_id = o.id \
           WHERE o.balance > 0 AND o.status <> 'cancelled' AND o.order_date <= $1 \
         UNION ALL \
         SELECT o.id, o.number, o.client_id, o.order_date, o.total, l.amount AS balance \
           FROM later l JOIN orders o ON o.id = l.order_id \
           WHERE o.balance <= 0 AND o.status <> 'cancelled' AND o.order_date <= $1) ";

/// The open balances per age (0–3: the buckets in order).
const AGEING: &str = "SELECT CASE WHEN $1::date - order_date <= 30 THEN 0 WHEN $1::date - order_date <= 60 THEN 1 \
       WHEN $1::date - order_date <= 90 THEN 2 ELSE 3 END AS bucket, count(*) AS orders, sum(balance) AS balance \
     FROM open WHERE balance > 0 GROUP BY 1";

/// The open orders themselves, oldest first.
const LISTED: &str = "SELECT o.id, o.number, c.name AS client_name, o.order_date, ($1::date - o.order_date) AS days, \
       o.total, o.total - o.balance AS paid, o.balance \
     FROM (SELECT * FROM open WHERE balance > 0 ORDER BY order_date, number LIMIT $3) o \
     JOIN clients c ON c.id = o.client_id ORDER BY o.order_date, o.number";

fn with_months(sql: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql.replace("{MONTHS}", MONTHS))
}

/// Revenue of the period.
#[tracing::instrument(skip_all)]
pub async fn revenue(db: &mut TenantDb, period: &Period, tz: &str) -> sqlx::Result<Revenue> {
    let by_month: Vec<MonthRevenue> = sqlx::query_as(with_months(BY_MONTH))
        .bind(period.from)
        .bind(period.to)
        .bind(period.starts)
        .bind(period.ends)
        .bind(tz)
        .fetch_all(&mut *db)
        .await?;
    let kinds: Vec<KindRevenue> = sqlx::query_as(with_sold_lines(BY_KIND))
        .bind(period.from)
        .bind(period.to)
        .bind(period.starts)
        .bind(period.ends)
        .fetch_all(&mut *db)
        .await?;
    let by_kind = RevenueKind::ALL
        .into_iter()
        .map(|kind| {
            kinds.iter().find(|k| k.kind == kind).cloned().unwrap_or(KindRevenue {
                kind,
                lines: 0,
                quantity: 0,
                revenue: Money::ZERO,
                tax: (kind != RevenueKind::SchoolPackages).then_some(Money::ZERO),
            })
        })
        .collect();
    let sum = |f: fn(&MonthRevenue) -> Money| Money(by_month.iter().map(|m| f(m).0).sum());
    Ok(Revenue {
        orders: by_month.iter().map(|m| m.orders).sum(),
        order_revenue: sum(|m| m.order_revenue),
        order_tax: sum(|m| m.order_tax),
        package_orders: by_month.iter().map(|m| m.package_orders).sum(),
        package_revenue: sum(|m| m.package_revenue),
        total: sum(|m| m.revenue),
        by_kind,
        by_month,
    })
}

/// Cash received in the period.
#[tracing::instrument(skip_all)]
pub async fn payments(db: &mut TenantDb, period: &Period, tz: &str) -> sqlx::Result<Payments> {
    let rows: Vec<(String, Option<OrderPaymentMethod>, i64, Decimal)> = sqlx::query_as(with_months(PAYMENTS))
        .bind(period.from)
        .bind(period.to)
        .bind(period.starts)
        .bind(period.ends)
        .bind(tz)
        .fetch_all(&mut *db)
        .await?;
    let mut by_month: Vec<MonthPayments> = Vec::new();
    for (month, _, payments, amount) in &rows {
        match by_month.last_mut() {
            Some(last) if last.month == *month => {
                last.payments += payments;
                last.amount.0 += amount;
            }
            _ => by_month.push(MonthPayments { month: month.clone(), payments: *payments, amount: Money(*amount) }),
        }
    }
    use OrderPaymentMethod::*;
    let by_method: Vec<MethodPayments> = [Cash, Card, Transfer, Qr, Other]
        .into_iter()
        .map(|method| {
            let of = || rows.iter().filter(|r| r.1 == Some(method));
            MethodPayments {
                method,
                payments: of().map(|r| r.2).sum(),
                amount: Money(of().map(|r| r.3).sum::<Decimal>()),
            }
        })
        .collect();
    Ok(Payments {
        payments: by_method.iter().map(|m| m.payments).sum(),
        total: Money(by_method.iter().map(|m| m.amount.0).sum()),
        by_method,
        by_month,
    })
}

/// Receivables at the end of the period.
#[tracing::instrument(skip_all)]
pub async fn receivables(db: &mut TenantDb, period: &Period) -> sqlx::Result<Receivables> {
    let ageing: Vec<(i32, i64, Money)> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{OPEN_ORDERS}{AGEING}")))
        .bind(period.to)
        .bind(period.ends)
        .fetch_all(&mut *db)
        .await?;
    let orders: Vec<OpenOrder> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{OPEN_ORDERS}{LISTED}")))
        .bind(period.to)
        .bind(period.ends)
        .bind(MAX_LISTED)
        .fetch_all(&mut *db)
        .await?;
    let buckets: Vec<BucketBalance> = AgeingBucket::ALL
        .into_iter()
        .enumerate()
        .map(|(index, bucket)| {
            let found = ageing.iter().find(|(b, _, _)| usize::try_from(*b).ok() == Some(index));
            let (orders, balance) = found.map_or((0, Money::ZERO), |(_, orders, balance)| (*orders, *balance));
            BucketBalance { bucket, orders, balance }
        })
        .collect();
    Ok(Receivables {
        as_of: period.to,
        open_orders: buckets.iter().map(|b| b.orders).sum(),
        total: Money(buckets.iter().map(|b| b.balance.0).sum()),
        buckets,
        orders,
    })
}

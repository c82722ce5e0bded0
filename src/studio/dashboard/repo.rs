//! The dashboard's own SQL: revenue by service over the month and the year in one pass, open
//! orders by status now, and the materials to reorder now. The series come from
//! [`crate::studio::kpis::figures`].

use rust_decimal::Decimal;

use crate::db::TenantDb;
use crate::studio::orders::model::OrderStatus;
use crate::studio::reports::financial::{RevenueKind, with_sold_lines};
use crate::studio::reports::model::Period;

/// Revenue per service: each sold line's gross as the financial report counts it, over the
/// year (`$1`–`$2`) and its last month (from `$3`), in one pass over the year's lines; then
/// school packages by the studio's day of ordering (`$4`–`$6`: the year's first instant,
/// the month's, the end).
const BY_SERVICE: &str = "SELECT kind AS service, \
       coalesce(sum({LINE_GROSS}) FILTER (WHERE order_date >= $3), 0) AS month, sum({LINE_GROSS}) AS year \
     FROM {SOLD_LINES} GROUP BY kind \
     UNION ALL \
     SELECT 'school_packages', coalesce(sum(total) FILTER (WHERE ordered_at >= $5), 0), coalesce(sum(total), 0) \
     FROM package_orders WHERE ordered_at >= $4 AND ordered_at < $6";

/// Open orders per status (`$1`: the studio's today, for what is overdue).
const PENDING: &str = "SELECT status, count(*) AS orders, sum(total) AS total, sum(balance) AS balance, \
       count(*) FILTER (WHERE due_date < $1) AS overdue \
     FROM orders WHERE status IN ('pending', 'confirmed', 'in_production', 'ready') GROUP BY status";

const LOW_STOCK: &str = "SELECT count(*) FROM materials WHERE stock <= minimum_stock AND minimum_stock > 0";

/// Revenue of one service in the month and in the year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRow {
    pub service: RevenueKind,
    pub month: Decimal,
    pub year: Decimal,
}

/// Open orders of one status.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingRow {
    pub status: OrderStatus,
    pub orders: i64,
    pub total: Decimal,
    pub balance: Decimal,
    pub overdue: i64,
}

/// Revenue per service over `year` and its last month `month` (both ending together).
#[tracing::instrument(skip_all)]
pub async fn by_service(db: &mut TenantDb, year: &Period, month: &Period) -> sqlx::Result<Vec<ServiceRow>> {
    sqlx::query_as(with_sold_lines(BY_SERVICE))
        .bind(year.from)
        .bind(year.to)
        .bind(month.from)
        .bind(year.starts)
        .bind(month.starts)
        .bind(year.ends)
        .fetch_all(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn pending(db: &mut TenantDb, today: chrono::NaiveDate) -> sqlx::Result<Vec<PendingRow>> {
    sqlx::query_as(PENDING).bind(today).fetch_all(db).await
}

#[tracing::instrument(skip_all)]
pub async fn low_stock(db: &mut TenantDb) -> sqlx::Result<i64> {
    sqlx::query_scalar(LOW_STOCK).fetch_one(db).await
}

//! SQL for a contract's picture-day figures, always through the tenant-scoped handle.

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::picture_days::summary::model::{OrderTotals, PackageSales};

/// The contract's student and order counts and sums.
#[tracing::instrument(skip_all)]
pub async fn totals(db: &mut TenantDb, contract_id: Uuid) -> sqlx::Result<OrderTotals> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM roster_students WHERE contract_id = $1) AS students, \
         count(DISTINCT student_id) AS students_with_order, count(*) AS orders, \
         count(*) FILTER (WHERE late) AS late_orders, coalesce(sum(price), 0) AS package_revenue, \
         coalesce(sum(late_fee), 0) AS late_fees FROM package_orders WHERE contract_id = $1",
    )
    .bind(contract_id)
    .fetch_one(db)
    .await
}

/// Every package of the contract with its orders and what they paid, cheapest first.
#[tracing::instrument(skip_all)]
pub async fn by_package(db: &mut TenantDb, contract_id: Uuid) -> sqlx::Result<Vec<PackageSales>> {
    sqlx::query_as(
        "SELECT p.id AS package_id, p.name, p.price, count(o.id) AS orders, coalesce(sum(o.price), 0) AS revenue \
         FROM picture_packages p LEFT JOIN package_orders o ON o.package_id = p.id WHERE p.contract_id = $1 \
         GROUP BY p.id ORDER BY p.price, lower(p.name), p.id",
    )
    .bind(contract_id)
    .fetch_all(db)
    .await
}

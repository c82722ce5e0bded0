//! SQL on a studio's `kpi_targets` table, always through the tenant-scoped handle.

use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::kpis::model::{KpiTarget, Metric, PeriodKind, ValidTarget};

const COLUMNS: &str = "id, name, metric, period, target, created_at, updated_at";

/// One page of targets in name order, and how many there are; `metric`, `period` filter.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut TenantDb,
    metric: Option<Metric>,
    period: Option<PeriodKind>,
    window: Window,
) -> sqlx::Result<(i64, Vec<KpiTarget>)> {
    let mut list = ListQuery::new(
        "SELECT id, name, metric, period, target, created_at, updated_at FROM kpi_targets",
        "lower(name), id",
    );
    list.filter("metric = ", metric).filter("period = ", period);
    list.fetch(db, window).await
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<KpiTarget>> {
    let sql = format!("SELECT {COLUMNS} FROM kpi_targets WHERE id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db).await
}

/// A target, locked until the transaction ends (the audit records its "before").
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<KpiTarget>> {
    let sql = format!("SELECT {COLUMNS} FROM kpi_targets WHERE id = $1 FOR UPDATE");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db).await
}

/// The targets of `period` for any of `metrics`.
#[tracing::instrument(skip_all)]
pub async fn for_period(db: &mut TenantDb, period: PeriodKind, metrics: &[Metric]) -> sqlx::Result<Vec<KpiTarget>> {
    let keys: Vec<&str> = metrics.iter().map(|m| m.key()).collect();
    let sql = format!("SELECT {COLUMNS} FROM kpi_targets WHERE period = $1 AND metric = ANY($2)");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(period).bind(&keys).fetch_all(db).await
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, target: &ValidTarget, author: Option<Uuid>) -> sqlx::Result<KpiTarget> {
    let sql = format!(
        "INSERT INTO kpi_targets (id, name, metric, period, target, created_by) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(Uuid::now_v7())
        .bind(&target.name)
        .bind(target.metric)
        .bind(target.period)
        .bind(target.target)
        .bind(author)
        .fetch_one(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, target: &ValidTarget) -> sqlx::Result<KpiTarget> {
    let sql = format!(
        "UPDATE kpi_targets SET name = $1, metric = $2, period = $3, target = $4, updated_at = now() WHERE id = $5 \
         RETURNING {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&target.name)
        .bind(target.metric)
        .bind(target.period)
        .bind(target.target)
        .bind(id)
        .fetch_one(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM kpi_targets WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

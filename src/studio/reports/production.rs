//! The production report: materials used (what went into work) against materials wasted, per
//! material and per category, the efficiency they make, waste by reason, the workshop's
//! output, and production lead times.
//!
//! Used and wasted follow the workshop's own efficiency (`/api/production/efficiency`):
//! used is consumption less returns, wasted is waste with automatic offcuts, reversed
//! movements and reversals count for nothing, and every movement of the period counts,
//! inside a production order or not. Efficiency = used ÷ (used + wasted): per material by
//! quantity (in its unit), per category and overall by value (a category mixes units).
//! Lead time is from a production order's creation to its completion, work time from its
//! start; both over the orders completed in the period, in days.

use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::inventory::model::{MaterialCategory, Unit};
use crate::studio::inventory::movements::WasteReason;
use crate::studio::money::{Money, Percent, Quantity};
use crate::studio::products::model::ProductKind;
use crate::studio::reports::model::{Period, ReportHeader};

/// What one material was used and wasted for.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct MaterialUse {
    pub material_id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: MaterialCategory,
    pub unit: Unit,
    /// Consumed less returned, in the material's unit.
    pub used: Quantity,
    pub wasted: Quantity,
    pub used_value: Money,
    pub wasted_value: Money,
    /// used ÷ (used + wasted), in percent; none when nothing moved.
    #[sqlx(skip)]
    pub efficiency_percent: Option<Percent>,
}

/// The same for a category, by value.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct CategoryUse {
    pub category: MaterialCategory,
    pub used_value: Money,
    pub wasted_value: Money,
    pub efficiency_percent: Option<Percent>,
}

/// The value wasted for one reason.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct ReasonWaste {
    pub reason: WasteReason,
    pub value: Money,
}

/// Finished products made in the period, of one kind.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct KindOutput {
    pub kind: ProductKind,
    pub products: i64,
}

/// What the workshop turned out in the period.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Output {
    /// Production orders created in the period.
    pub orders_created: i64,
    /// Completed (`done`) in the period.
    pub orders_done: i64,
    pub orders_cancelled: i64,
    /// Planned and produced quantities of the orders completed.
    pub planned_quantity: i64,
    pub produced_quantity: i64,
    /// Registrations recorded in the period and the quantity they reported.
    pub registrations: i64,
    pub registered_quantity: i64,
    /// Finished products created in the period, by kind.
    #[sqlx(skip)]
    pub products: Vec<KindOutput>,
}

/// How long completed production orders took, in days with one decimal.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct LeadTimes {
    /// Orders completed in the period.
    pub orders: i64,
    /// From creation to completion.
    pub average_days: Option<Decimal>,
    pub median_days: Option<Decimal>,
    /// 90 % of the orders took at most this long.
    pub p90_days: Option<Decimal>,
    pub max_days: Option<Decimal>,
    /// From the start of work to completion.
    pub average_work_days: Option<Decimal>,
    /// Completed on or before their due date (the studio's date), and after it.
    pub on_time: i64,
    pub late: i64,
    pub without_due_date: i64,
}

/// The production report.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ProductionReport {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: ReportHeader,
    pub materials: Vec<MaterialUse>,
    pub categories: Vec<CategoryUse>,
    pub used_value: Money,
    pub wasted_value: Money,
    /// By value: used_value ÷ (used_value + wasted_value).
    pub efficiency_percent: Option<Percent>,
    pub waste_by_reason: Vec<ReasonWaste>,
    pub output: Output,
    pub lead_times: LeadTimes,
}

/// The movements that count (`$1`/`$2`: the period); reversed ones are left out against
/// the (few) reversals, hashed once.
const COUNTED: &str = "stock_movements m \
     WHERE m.kind IN ('consumption', 'waste', 'return') AND m.occurred_at >= $1 AND m.occurred_at < $2 \
       AND m.id NOT IN (SELECT reverses_id FROM stock_movements WHERE reverses_id IS NOT NULL)";

/// Per material: the counted movements summed per kind first (positive quantities and
/// values), then spread into used and wasted — two sums per movement, not four.
const BY_MATERIAL: &str = "WITH moved AS (SELECT m.material_id, m.kind, sum(-m.quantity) AS quantity, \
       sum(-m.value) AS value FROM {COUNTED} GROUP BY m.material_id, m.kind) \
     SELECT mt.id AS material_id, mt.sku, mt.name, mt.category, mt.unit, \
       coalesce(sum(quantity) FILTER (WHERE kind <> 'waste'), 0) AS used, \
       coalesce(sum(quantity) FILTER (WHERE kind = 'waste'), 0) AS wasted, \
       coalesce(sum(value) FILTER (WHERE kind <> 'waste'), 0) AS used_value, \
       coalesce(sum(value) FILTER (WHERE kind = 'waste'), 0) AS wasted_value \
     FROM moved JOIN materials mt ON mt.id = moved.material_id GROUP BY mt.id ORDER BY mt.category, mt.sku";

/// Waste per reason, read from `stock_movements_waste_idx` (waste alone).
const BY_REASON: &str = "SELECT m.waste_reason AS reason, sum(-m.value) AS value FROM {COUNTED} AND m.kind = 'waste' \
     GROUP BY m.waste_reason ORDER BY sum(-m.value) DESC, m.waste_reason";

/// Orders, registrations of the period (`$1`/`$2`).
const OUTPUT: &str = "SELECT \
       (SELECT count(*) FROM production_orders WHERE created_at >= $1 AND created_at < $2) AS orders_created, \
       count(*) FILTER (WHERE status = 'done') AS orders_done, \
       count(*) FILTER (WHERE status = 'cancelled') AS orders_cancelled, \
       coalesce(sum(planned_quantity) FILTER (WHERE status = 'done'), 0)::bigint AS planned_quantity, \
       coalesce(sum(produced_quantity) FILTER (WHERE status = 'done'), 0)::bigint AS produced_quantity, \
       (SELECT count(*) FROM production_registrations WHERE recorded_at >= $1 AND recorded_at < $2) AS registrations, \
       (SELECT coalesce(sum(produced_quantity), 0)::bigint FROM production_registrations \
         WHERE recorded_at >= $1 AND recorded_at < $2) AS registered_quantity \
     FROM production_orders WHERE finished_at >= $1 AND finished_at < $2";

const PRODUCTS: &str = "SELECT kind, count(*) AS products FROM products WHERE created_at >= $1 AND created_at < $2 \
     GROUP BY kind ORDER BY kind";

/// Days of an interval expression, one decimal.
macro_rules! days {
    ($interval:literal) => {
        concat!("round(extract(epoch FROM ", $interval, ") / 86400, 1)")
    };
}

/// Lead times of the orders completed in the period (`$3`: the studio's time zone).
const LEAD_TIMES: &str = concat!(
    "SELECT count(*) AS orders, ",
    days!("avg(finished_at - created_at)"),
    " AS average_days, ",
    days!("percentile_cont(0.5) WITHIN GROUP (ORDER BY finished_at - created_at)"),
    " AS median_days, ",
    days!("percentile_cont(0.9) WITHIN GROUP (ORDER BY finished_at - created_at)"),
    " AS p90_days, ",
    days!("max(finished_at - created_at)"),
    " AS max_days, ",
    days!("avg(finished_at - started_at)"),
    " AS average_work_days, \
     count(*) FILTER (WHERE (finished_at AT TIME ZONE $3)::date <= due_on) AS on_time, \
     count(*) FILTER (WHERE (finished_at AT TIME ZONE $3)::date > due_on) AS late, \
     count(*) FILTER (WHERE due_on IS NULL) AS without_due_date \
     FROM production_orders WHERE status = 'done' AND finished_at >= $1 AND finished_at < $2"
);

/// used ÷ (used + wasted) in percent, when anything moved.
pub fn ratio(used: Decimal, wasted: Decimal) -> Option<Percent> {
    let total = used + wasted;
    (total > Decimal::ZERO && used >= Decimal::ZERO).then(|| Percent::rounded(used * Decimal::ONE_HUNDRED / total))
}

/// The production report's figures.
#[tracing::instrument(skip_all)]
pub async fn report(db: &mut TenantDb, header: ReportHeader, period: &Period) -> sqlx::Result<ProductionReport> {
    let counted = |sql: &str| sqlx::AssertSqlSafe(sql.replace("{COUNTED}", COUNTED));
    let materials: Vec<MaterialUse> =
        sqlx::query_as(counted(BY_MATERIAL)).bind(period.starts).bind(period.ends).fetch_all(&mut *db).await?;
    let waste_by_reason: Vec<ReasonWaste> =
        sqlx::query_as(counted(BY_REASON)).bind(period.starts).bind(period.ends).fetch_all(&mut *db).await?;
    let mut output: Output = sqlx::query_as(OUTPUT).bind(period.starts).bind(period.ends).fetch_one(&mut *db).await?;
    output.products = sqlx::query_as(PRODUCTS).bind(period.starts).bind(period.ends).fetch_all(&mut *db).await?;
    let lead_times: LeadTimes = sqlx::query_as(LEAD_TIMES)
        .bind(period.starts)
        .bind(period.ends)
        .bind(&header.timezone)
        .fetch_one(&mut *db)
        .await?;

    let materials: Vec<MaterialUse> =
        materials.into_iter().map(|m| MaterialUse { efficiency_percent: ratio(m.used.0, m.wasted.0), ..m }).collect();
    let categories: Vec<CategoryUse> = MaterialCategory::ALL
        .into_iter()
        .filter_map(|category| {
            let rows: Vec<&MaterialUse> = materials.iter().filter(|m| m.category == category).collect();
            let used: Decimal = rows.iter().map(|m| m.used_value.0).sum();
            let wasted: Decimal = rows.iter().map(|m| m.wasted_value.0).sum();
            (!rows.is_empty()).then(|| CategoryUse {
                category,
                used_value: Money(used),
                wasted_value: Money(wasted),
                efficiency_percent: ratio(used, wasted),
            })
        })
        .collect();
    let used: Decimal = categories.iter().map(|c| c.used_value.0).sum();
    let wasted: Decimal = categories.iter().map(|c| c.wasted_value.0).sum();
    Ok(ProductionReport {
        header,
        materials,
        categories,
        used_value: Money(used),
        wasted_value: Money(wasted),
        efficiency_percent: ratio(used, wasted),
        waste_by_reason,
        output,
        lead_times,
    })
}

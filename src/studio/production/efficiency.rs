//! Efficiency = used ÷ (used + wasted): per material (in its unit), per production order
//! and per category over a period (by value, since a category mixes units), with the
//! waste by reason. Used is consumption less what came back (returns); wasted is waste,
//! automatic offcuts included. Reversed movements and reversals count for nothing.

use chrono::NaiveDate;
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::inventory::model::{MaterialCategory, Unit};
use crate::studio::inventory::movements::WasteReason;
use crate::studio::money::{Money, Percent, Quantity};
use crate::studio::period::Instants;

/// The movements that count, as positive quantities and values, for one filter.
macro_rules! counted {
    ($filter:literal) => {
        concat!(
            "WITH moved AS (SELECT m.material_id, m.kind, m.waste_reason, -m.quantity AS quantity, -m.value AS value \
             FROM stock_movements m WHERE m.kind IN ('consumption', 'waste', 'return') AND ",
            $filter,
            " AND NOT EXISTS (SELECT 1 FROM stock_movements r WHERE r.reverses_id = m.id)) "
        )
    };
}

/// Per material, from `moved`.
const BY_MATERIAL: &str = "SELECT mt.id AS material_id, mt.sku, mt.name, mt.category, mt.unit, \
     sum(CASE WHEN kind <> 'waste' THEN quantity ELSE 0 END) AS used, \
     sum(CASE WHEN kind = 'waste' THEN quantity ELSE 0 END) AS wasted, \
     sum(CASE WHEN kind <> 'waste' THEN value ELSE 0 END) AS used_value, \
     sum(CASE WHEN kind = 'waste' THEN value ELSE 0 END) AS wasted_value \
     FROM moved JOIN materials mt ON mt.id = moved.material_id GROUP BY mt.id ORDER BY mt.sku";

/// Waste by reason, from `moved`.
const BY_REASON: &str = "SELECT waste_reason AS reason, sum(quantity) AS entries, sum(value) AS value FROM moved \
     WHERE kind = 'waste' GROUP BY waste_reason ORDER BY sum(value) DESC, waste_reason";

/// What one material was used and wasted for.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct MaterialEfficiency {
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

/// The same for a whole category, by value.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct CategoryEfficiency {
    pub category: MaterialCategory,
    pub used_value: Money,
    pub wasted_value: Money,
    pub efficiency_percent: Option<Percent>,
}

/// How much was wasted for one reason.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct WasteByReason {
    pub reason: WasteReason,
    pub value: Money,
}

/// A production order's efficiency.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Efficiency {
    pub materials: Vec<MaterialEfficiency>,
    pub used_value: Money,
    pub wasted_value: Money,
    /// By value: used_value ÷ (used_value + wasted_value).
    pub efficiency_percent: Option<Percent>,
    pub waste_by_reason: Vec<WasteByReason>,
}

/// The workshop's efficiency over a period, per category.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct PeriodEfficiency {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub categories: Vec<CategoryEfficiency>,
    #[oai(flatten)]
    #[serde(flatten)]
    pub totals: Efficiency,
}

/// used ÷ (used + wasted) in percent, when anything moved.
fn ratio(used: Decimal, wasted: Decimal) -> Option<Percent> {
    let total = used + wasted;
    (total > Decimal::ZERO && used >= Decimal::ZERO).then(|| Percent::rounded(used * Decimal::ONE_HUNDRED / total))
}

fn gather(materials: Vec<MaterialEfficiency>, reasons: Vec<(WasteReason, Quantity, Money)>) -> Efficiency {
    let materials: Vec<MaterialEfficiency> = materials
        .into_iter()
        .map(|m| MaterialEfficiency { efficiency_percent: ratio(m.used.0, m.wasted.0), ..m })
        .collect();
    let used_value: Decimal = materials.iter().map(|m| m.used_value.0).sum();
    let wasted_value: Decimal = materials.iter().map(|m| m.wasted_value.0).sum();
    Efficiency {
        materials,
        used_value: Money(used_value),
        wasted_value: Money(wasted_value),
        efficiency_percent: ratio(used_value, wasted_value),
        waste_by_reason: reasons.into_iter().map(|(reason, _, value)| WasteByReason { reason, value }).collect(),
    }
}

/// What a production order used and wasted.
#[tracing::instrument(skip_all)]
pub async fn of_order(db: &mut TenantDb, order_id: Uuid) -> sqlx::Result<Efficiency> {
    let materials =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{}{BY_MATERIAL}", counted!("m.production_order_id = $1"))))
            .bind(order_id)
            .fetch_all(&mut *db)
            .await?;
    let reasons = sqlx::query_as(sqlx::AssertSqlSafe(format!("{}{BY_REASON}", counted!("m.production_order_id = $1"))))
        .bind(order_id)
        .fetch_all(&mut *db)
        .await?;
    Ok(gather(materials, reasons))
}

/// What the workshop used and wasted between two instants, per category.
#[tracing::instrument(skip_all)]
pub async fn of_period(
    db: &mut TenantDb,
    from: NaiveDate,
    to: NaiveDate,
    at: Instants,
) -> sqlx::Result<PeriodEfficiency> {
    const PERIOD: &str = counted!("m.occurred_at >= $1 AND m.occurred_at < $2");
    let materials = sqlx::query_as(sqlx::AssertSqlSafe(format!("{PERIOD}{BY_MATERIAL}")))
        .bind(at.from)
        .bind(at.until)
        .fetch_all(&mut *db)
        .await?;
    let reasons = sqlx::query_as(sqlx::AssertSqlSafe(format!("{PERIOD}{BY_REASON}")))
        .bind(at.from)
        .bind(at.until)
        .fetch_all(&mut *db)
        .await?;
    let totals = gather(materials, reasons);
    let categories = MaterialCategory::ALL
        .into_iter()
        .filter_map(|category| {
            let rows: Vec<_> = totals.materials.iter().filter(|m| m.category == category).collect();
            if rows.is_empty() {
                return None;
            }
            let used: Decimal = rows.iter().map(|m| m.used_value.0).sum();
            let wasted: Decimal = rows.iter().map(|m| m.wasted_value.0).sum();
            Some(CategoryEfficiency {
                category,
                used_value: Money(used),
                wasted_value: Money(wasted),
                efficiency_percent: ratio(used, wasted),
            })
        })
        .collect();
    Ok(PeriodEfficiency { from, to, categories, totals })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn efficiency_is_used_over_used_and_wasted() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(ratio(d("1.716"), d("0.040")).unwrap().to_string(), "97.72");
        assert_eq!(ratio(d("3"), d("0")).unwrap().to_string(), "100.00");
        assert_eq!(ratio(d("0"), d("2")).unwrap().to_string(), "0.00");
        assert_eq!(ratio(d("0"), d("0")), None);
    }
}

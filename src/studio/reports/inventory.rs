//! The inventory report: what the stock was worth at the end of the period, by category and
//! by material; which materials were at or under their minimum then; and what moved during
//! the period, by kind and by category, from the opening value to the closing one.
//!
//! Values are the ledger's, anchored at today's book value (stock × average unit cost, as
//! the materials list shows it): a material's value at an instant is today's less the value
//! of every movement since. So the closing value of a period ending today is the book value,
//! and opening + movements = closing, to the cent, per category. A reversal counts in the
//! kind of the movement it reverses (a purchase entered by mistake and reversed nets to
//! nothing under purchases).

use std::collections::HashMap;

use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::inventory::model::{MaterialCategory, Unit};
use crate::studio::inventory::movements::MovementKind;
use crate::studio::money::{Money, Quantity};
use crate::studio::reports::model::{Period, ReportHeader};

/// One material at the end of the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct MaterialValue {
    pub material_id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: MaterialCategory,
    pub unit: Unit,
    pub quantity: Quantity,
    /// Today's average unit cost.
    pub unit_cost: Money,
    pub value: Money,
}

/// The stock of one category at the end of the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct CategoryValue {
    pub category: MaterialCategory,
    /// Materials with stock.
    pub materials: i64,
    pub value: Money,
}

/// What the stock was worth at the end of the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Valuation {
    pub as_of: chrono::NaiveDate,
    pub by_category: Vec<CategoryValue>,
    pub total: Money,
    /// Every material with stock then, by category and sku.
    pub materials: Vec<MaterialValue>,
}

/// A material at or under its (non-zero) minimum at the end of the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct LowStock {
    pub material_id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: MaterialCategory,
    pub unit: Unit,
    pub quantity: Quantity,
    pub minimum: Quantity,
    /// minimum − quantity.
    pub shortfall: Quantity,
}

/// The movements of one kind in the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct KindMovements {
    pub kind: MovementKind,
    /// Movements recorded (reversals not counted here).
    pub movements: i64,
    /// The change of stock value, signed (consumption and waste are negative).
    pub value: Money,
}

/// One category's stock value through the period: opening + each kind = closing.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct CategoryFlow {
    pub category: MaterialCategory,
    pub opening: Money,
    pub purchases: Money,
    pub consumption: Money,
    pub waste: Money,
    pub returns: Money,
    pub adjustments: Money,
    pub closing: Money,
}

/// What moved in the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Movements {
    pub by_kind: Vec<KindMovements>,
    pub by_category: Vec<CategoryFlow>,
    /// Reversals recorded in the period (each counted in the kind it reverses).
    pub reversals: i64,
    pub opening_value: Money,
    pub closing_value: Money,
}

/// The inventory report.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct InventoryReport {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: ReportHeader,
    pub valuation: Valuation,
    pub low_stock: Vec<LowStock>,
    pub movements: Movements,
}

/// Every material at the end of the period (`$1`: its end instant): today's stock and book
/// value less every movement since.
const CLOSING: &str = "WITH since AS (SELECT material_id, sum(quantity) AS quantity, sum(value) AS value \
       FROM stock_movements WHERE occurred_at >= $1 GROUP BY material_id) \
     SELECT m.id, m.sku, m.name, m.category, m.unit, m.unit_cost, m.minimum_stock, \
       m.stock - coalesce(s.quantity, 0) AS quantity, round(m.stock * m.unit_cost, 2) - coalesce(s.value, 0) AS value \
     FROM materials m LEFT JOIN since s ON s.material_id = m.id ORDER BY m.category, m.sku";

/// The period's movements per material and kind; reversals (few) apart, under the kind of
/// the movement they reverse.
const FLOWS: &str = "SELECT material_id, kind, count(*) AS movements, 0::bigint AS reversals, sum(value) AS value \
     FROM stock_movements WHERE occurred_at >= $1 AND occurred_at < $2 AND reverses_id IS NULL GROUP BY 1, 2 \
     UNION ALL \
     SELECT m.material_id, r.kind, 0, count(*), sum(m.value) \
     FROM stock_movements m JOIN stock_movements r ON r.id = m.reverses_id \
     WHERE m.occurred_at >= $1 AND m.occurred_at < $2 AND m.reverses_id IS NOT NULL GROUP BY 1, 2";

#[derive(sqlx::FromRow)]
struct ClosingRow {
    id: Uuid,
    sku: String,
    name: String,
    category: MaterialCategory,
    unit: Unit,
    unit_cost: Money,
    minimum_stock: Quantity,
    quantity: Quantity,
    value: Money,
}

#[derive(sqlx::FromRow)]
struct FlowRow {
    material_id: Uuid,
    kind: MovementKind,
    movements: i64,
    reversals: i64,
    value: Money,
}

const KINDS: [MovementKind; 5] = [
    MovementKind::Purchase,
    MovementKind::Consumption,
    MovementKind::Waste,
    MovementKind::Return,
    MovementKind::Adjustment,
];

/// The inventory figures of the period.
#[tracing::instrument(skip_all)]
pub async fn figures(db: &mut TenantDb, period: &Period) -> sqlx::Result<(Valuation, Vec<LowStock>, Movements)> {
    let closing: Vec<ClosingRow> = sqlx::query_as(CLOSING).bind(period.ends).fetch_all(&mut *db).await?;
    let flows: Vec<FlowRow> = sqlx::query_as(FLOWS).bind(period.starts).bind(period.ends).fetch_all(&mut *db).await?;
    // The period's value per (category, kind), summed once over the rows.
    let category_of: HashMap<Uuid, MaterialCategory> = closing.iter().map(|m| (m.id, m.category)).collect();
    let mut flowed: HashMap<(MaterialCategory, usize), Decimal> = HashMap::new();
    for f in &flows {
        if let (Some(category), Some(kind)) = (category_of.get(&f.material_id), KINDS.iter().position(|k| *k == f.kind))
        {
            *flowed.entry((*category, kind)).or_default() += f.value.0;
        }
    }
    let flow = |category: MaterialCategory, kind: MovementKind| -> Decimal {
        KINDS.iter().position(|k| *k == kind).and_then(|k| flowed.get(&(category, k)).copied()).unwrap_or_default()
    };

    let materials: Vec<MaterialValue> = closing
        .iter()
        .filter(|m| !m.quantity.0.is_zero() || !m.value.0.is_zero())
        .map(|m| MaterialValue {
            material_id: m.id,
            sku: m.sku.clone(),
            name: m.name.clone(),
            category: m.category,
            unit: m.unit,
            quantity: m.quantity,
            unit_cost: m.unit_cost,
            value: m.value,
        })
        .collect();
    let closing_of = |category: MaterialCategory| -> Decimal {
        closing.iter().filter(|m| m.category == category).map(|m| m.value.0).sum()
    };
    let by_category: Vec<CategoryValue> = MaterialCategory::ALL
        .into_iter()
        .map(|category| CategoryValue {
            category,
            materials: materials.iter().filter(|m| m.category == category && !m.quantity.0.is_zero()).count() as i64,
            value: Money(closing_of(category)),
        })
        .collect();
    let valuation = Valuation {
        as_of: period.to,
        total: Money(by_category.iter().map(|c| c.value.0).sum()),
        by_category,
        materials,
    };

    let low_stock = closing
        .iter()
        .filter(|m| !m.minimum_stock.0.is_zero() && m.quantity <= m.minimum_stock)
        .map(|m| LowStock {
            material_id: m.id,
            sku: m.sku.clone(),
            name: m.name.clone(),
            category: m.category,
            unit: m.unit,
            quantity: m.quantity,
            minimum: m.minimum_stock,
            shortfall: Quantity(m.minimum_stock.0 - m.quantity.0),
        })
        .collect();

    let by_category: Vec<CategoryFlow> = MaterialCategory::ALL
        .into_iter()
        .map(|category| {
            let moved: Decimal = KINDS.iter().map(|kind| flow(category, *kind)).sum();
            let closing = closing_of(category);
            CategoryFlow {
                category,
                opening: Money(closing - moved),
                purchases: Money(flow(category, MovementKind::Purchase)),
                consumption: Money(flow(category, MovementKind::Consumption)),
                waste: Money(flow(category, MovementKind::Waste)),
                returns: Money(flow(category, MovementKind::Return)),
                adjustments: Money(flow(category, MovementKind::Adjustment)),
                closing: Money(closing),
            }
        })
        .collect();
    let by_kind = KINDS
        .into_iter()
        .map(|kind| {
            let rows = flows.iter().filter(|f| f.kind == kind);
            KindMovements {
                kind,
                movements: rows.clone().map(|f| f.movements).sum(),
                value: Money(rows.map(|f| f.value.0).sum()),
            }
        })
        .collect();
    let movements = Movements {
        by_kind,
        reversals: flows.iter().map(|f| f.reversals).sum(),
        opening_value: Money(by_category.iter().map(|c| c.opening.0).sum()),
        closing_value: valuation.total,
        by_category,
    };
    Ok((valuation, low_stock, movements))
}

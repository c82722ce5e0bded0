//! A low-stock alert: a material at or under its minimum, how far under, and what to
//! reorder — up to the studio's multiple of the minimum (twice by default), in whole sticks
//! for mouldings and whole units where the unit is not split.

use poem_openapi::Object;
use rust_decimal::Decimal;

use crate::studio::inventory::attributes::MouldingSpec;
use crate::studio::inventory::model::{Material, MaterialCategory};
use crate::studio::money::{Money, Quantity};

/// One material to reorder.
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(rename = "StockAlert")]
pub struct Alert {
    pub material: Material,
    /// How far under its minimum it is (0 when exactly at it).
    pub shortfall: Quantity,
    /// What to buy to bring it up to the studio's multiple of the minimum, in its unit.
    pub suggested_reorder: Quantity,
    /// Mouldings: the same in whole sticks.
    pub suggested_sticks: Option<i64>,
    /// suggested_reorder × the current unit cost.
    pub suggested_cost: Money,
}

impl Alert {
    /// The alert for `material`, reordering up to `multiple` × its minimum.
    pub fn of(material: Material, multiple: Decimal) -> Alert {
        let shortfall = (material.minimum_stock.0 - material.stock.0).max(Decimal::ZERO);
        let need = (material.minimum_stock.0 * multiple - material.stock.0).max(Decimal::ZERO);
        let stick = (material.category == MaterialCategory::Mouldings)
            .then(|| MouldingSpec::of(&material.attributes))
            .flatten()
            .map(|spec| Decimal::new(spec.stick_length_mm, 3));
        let (reorder, sticks) = match stick {
            Some(stick) if !stick.is_zero() => {
                let sticks = (need / stick).ceil();
                (sticks * stick, i64::try_from(sticks).ok())
            }
            _ if material.unit.is_whole() => (need.ceil(), None),
            _ => (need, None),
        };
        let suggested_cost = Money::rounded(reorder * material.unit_cost.0);
        Alert {
            shortfall: Quantity(shortfall),
            suggested_reorder: Quantity(reorder),
            suggested_sticks: sticks,
            suggested_cost,
            material,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studio::inventory::model::Unit;
    use chrono::Utc;
    use serde_json::json;
    use uuid::Uuid;

    fn material(category: MaterialCategory, unit: Unit, stock: &str, minimum: &str) -> Material {
        Material {
            id: Uuid::nil(),
            sku: "X".into(),
            name: "x".into(),
            category,
            unit,
            stock: Quantity(stock.parse().unwrap()),
            minimum_stock: Quantity(minimum.parse().unwrap()),
            unit_cost: Money("4.50".parse().unwrap()),
            stock_value: Money::ZERO,
            low_stock: true,
            supplier: None,
            location: None,
            attributes: json!({"width_mm": 20, "rebate_mm": 6, "stick_length_mm": 2900}),
            notes: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn mouldings_reorder_in_whole_sticks_up_to_twice_the_minimum() {
        // 12 m minimum, 3.5 m left: 24 - 3.5 = 20.5 m → 8 sticks of 2.9 m = 23.2 m.
        let alert = Alert::of(material(MaterialCategory::Mouldings, Unit::Metre, "3.5", "12"), Decimal::TWO);
        assert_eq!(alert.shortfall.to_string(), "8.500");
        assert_eq!(alert.suggested_sticks, Some(8));
        assert_eq!(alert.suggested_reorder.to_string(), "23.200");
        assert_eq!(alert.suggested_cost.to_string(), "104.40");
    }

    #[test]
    fn units_round_up_and_litres_do_not() {
        let units = Alert::of(material(MaterialCategory::Souvenirs, Unit::Unit, "7", "20"), Decimal::TWO);
        assert_eq!(units.suggested_reorder.to_string(), "33.000");
        let litres = Alert::of(material(MaterialCategory::Paints, Unit::Litre, "0.75", "2"), Decimal::TWO);
        assert_eq!(litres.suggested_reorder.to_string(), "3.250");
        assert_eq!(litres.suggested_sticks, None);
    }
}

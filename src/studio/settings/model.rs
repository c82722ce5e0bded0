//! The typed settings of a studio and their defaults.

use poem_openapi::{Enum, Object};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::studio::money::{Money, Percent, Quantity};
use crate::tenancy::model::Tenant;

/// Every setting of a studio, with its default where the studio set nothing.
#[derive(Debug, Clone, PartialEq, Object, Serialize, Deserialize)]
pub struct StudioSettings {
    /// The sales tax (IGV in Peru, IVA in Bolivia and Chile), in percent.
    pub tax_rate: Percent,
    /// Whether item prices already include the tax (the usual way in Peru): the tax is then
    /// carved out of the total rather than added to it.
    pub prices_include_tax: bool,
    /// The share of an order's total that must be paid before it can be confirmed.
    pub min_deposit_percent: Percent,
    /// How many days ahead a contract counts as expiring.
    pub contract_expiry_days: i32,
    /// How many hours before an appointment its reminder is due.
    pub reminder_lead_hours: i32,
    /// Frame quotes: moulding added to the cut length for saw cuts and trimming, in percent.
    pub waste_allowance_percent: Percent,
    /// Frame quotes: the markup on the moulding's cost, in percent (0–1000; 120 sells at 2.2×).
    pub markup_moulding_percent: Quantity,
    /// Frame quotes: the markup on the glazing's cost, in percent (0–1000).
    pub markup_glazing_percent: Quantity,
    /// Frame quotes: the markup on the backing's cost, in percent (0–1000).
    pub markup_backing_percent: Quantity,
    /// Frame quotes: the markup on the mat board's cost, in percent (0–1000).
    pub markup_mat_percent: Quantity,
    /// Frame quotes: the fixed labour of any frame (cutting, joining, fitting).
    pub labour_fixed: Money,
    /// Frame quotes: labour per metre of moulding.
    pub labour_per_metre: Money,
    /// Frame quotes: prices are rounded to a multiple of this amount (`0.01`: to the cent).
    pub price_rounding_step: Money,
    /// Frame quotes: which way prices are rounded to the step.
    pub price_rounding: PriceRounding,
    /// Mouldings: an offcut shorter than this (mm) is waste, not a remnant.
    pub min_usable_remnant_mm: i32,
    /// Stock alerts suggest reordering up to this many times the minimum stock.
    pub reorder_multiple_of_minimum: i32,
    /// The minimum stock a new material gets when it is created without one, per category.
    pub low_stock_defaults: LowStockDefaults,
}

/// Which way a quoted price is rounded to the studio's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum PriceRounding {
    /// Up to the next multiple (the usual way: a price never drops below cost + markup).
    Up,
    /// To the nearest multiple, halves up.
    Nearest,
    /// Down to the multiple below.
    Down,
}

/// A default minimum stock per material category, in the category's usual unit.
#[derive(Debug, Clone, PartialEq, Object, Serialize, Deserialize)]
pub struct LowStockDefaults {
    /// Metres of each moulding (12 m is about four sticks).
    pub mouldings: Quantity,
    pub paints: Quantity,
    pub printing: Quantity,
    pub souvenirs: Quantity,
    pub equipment: Quantity,
    pub painting_supplies: Quantity,
    pub design: Quantity,
}

impl StudioSettings {
    /// The defaults for a studio: the tax of its country, prices with tax included.
    pub fn defaults(tenant: &Tenant) -> StudioSettings {
        let tax = match tenant.country.as_str() {
            "PE" => 18,
            "CL" => 19,
            "BO" => 13,
            "AR" => 21,
            "EC" => 15,
            "CO" => 19,
            _ => 0,
        };
        // Labour and rounding in the studio's currency: what a neighbourhood framer charges.
        let (labour_fixed, labour_per_metre, step) = match tenant.currency.as_str() {
            "CLP" => (5_000, 1_500, 100),
            "BOB" => (30, 10, 1),
            "ARS" => (8_000, 2_500, 100),
            "COP" => (15_000, 5_000, 100),
            "USD" => (5, 2, 1),
            _ => (15, 5, 1),
        };
        let quantity = |n: i64| Quantity(Decimal::from(n));
        StudioSettings {
            tax_rate: Percent(Decimal::from(tax)),
            prices_include_tax: true,
            min_deposit_percent: Percent(Decimal::ZERO),
            contract_expiry_days: 30,
            reminder_lead_hours: 24,
            waste_allowance_percent: Percent(Decimal::from(10)),
            markup_moulding_percent: quantity(120),
            markup_glazing_percent: quantity(100),
            markup_backing_percent: quantity(100),
            markup_mat_percent: quantity(100),
            labour_fixed: Money(Decimal::from(labour_fixed)),
            labour_per_metre: Money(Decimal::from(labour_per_metre)),
            price_rounding_step: Money(Decimal::from(step)),
            price_rounding: PriceRounding::Up,
            min_usable_remnant_mm: 200,
            reorder_multiple_of_minimum: 2,
            low_stock_defaults: LowStockDefaults {
                mouldings: quantity(12),
                paints: quantity(2),
                printing: quantity(100),
                souvenirs: quantity(20),
                equipment: quantity(0),
                painting_supplies: quantity(5),
                design: quantity(2),
            },
        }
    }
}

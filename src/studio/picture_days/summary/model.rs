//! A contract's picture-day figures: how many students ordered, what sold, what came in and
//! what the school's commission is.

use poem_openapi::Object;
use uuid::Uuid;

use crate::studio::money::{Money, Percent};

/// The sales of one package.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct PackageSales {
    pub package_id: Uuid,
    pub name: String,
    /// Its price today.
    pub price: Money,
    /// Orders of it.
    pub orders: i64,
    /// What those orders paid for the package (each at its price when ordered), late fees
    /// apart.
    pub revenue: Money,
}

/// The order totals of a contract, as counted in the database.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderTotals {
    pub students: i64,
    pub students_with_order: i64,
    pub orders: i64,
    pub late_orders: i64,
    pub package_revenue: Money,
    pub late_fees: Money,
}

/// A contract's picture-day summary.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct PictureDaySummary {
    pub contract_id: Uuid,
    pub number: String,
    /// Students on the roster.
    pub students: i64,
    /// Students with at least one order.
    pub students_with_order: i64,
    /// Students without any order yet (whom to remind).
    pub students_without_order: i64,
    pub orders: i64,
    pub late_orders: i64,
    /// Every package of the contract, cheapest first, with what it sold (withdrawn ones too).
    pub packages: Vec<PackageSales>,
    /// What the orders paid for packages.
    pub package_revenue: Money,
    /// What late orders paid on top.
    pub late_fees: Money,
    /// Everything the orders paid: `package_revenue + late_fees`.
    pub revenue: Money,
    /// The school's commission, from the contract.
    pub commission_percent: Percent,
    /// Owed to the school: `commission_percent` of `revenue`, rounded to the cent.
    pub commission: Money,
}

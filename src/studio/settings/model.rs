//! The typed settings of a studio and their defaults.

use poem_openapi::Object;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::studio::money::Percent;
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
        StudioSettings {
            tax_rate: Percent(Decimal::from(tax)),
            prices_include_tax: true,
            min_deposit_percent: Percent(Decimal::ZERO),
            contract_expiry_days: 30,
            reminder_lead_hours: 24,
        }
    }
}

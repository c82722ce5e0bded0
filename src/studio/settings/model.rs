//! The typed settings of a studio, their defaults and their rules.
//!
//! Each field is one key of `/api/config`: its name is the key, its `///` comment the
//! description the API shows, its type the shape a value must have, and
//! [`StudioSettings::validate`] the rule a well-typed value must still pass. Adding a setting
//! is adding a field here (with its default and, if it has one, its rule): the API, the
//! backup and the audit trail pick it up without another line.

use poem_openapi::{Enum, Object};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::studio::money::{Money, Percent, Quantity};
use crate::studio::settings::values::{ExportLocale, RoundingRule, StudioTaxId};
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
    /// How many days ahead a contract counts as expiring (1–365).
    pub contract_expiry_days: i32,
    /// How many hours before an appointment its reminder is due (1–720).
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
    /// The stock at or below which an inventory item counts as low, for items that set no
    /// threshold of their own (0–1000000).
    pub low_stock_threshold: i32,
    /// How amounts to be paid are rounded: `cent`, `ten_cents`, `ten_cents_down`, `unit`,
    /// `ten_units`.
    pub rounding_rule: RoundingRule,
    /// The locale of exports: `es-PE` and `en-US` write `1250.50` with `,` between columns;
    /// `es-BO` and `es-CL` write `1250,50` with `;`.
    pub export_locale: ExportLocale,
    /// The studio's legal name (razón social) for receipts, when it differs from its name.
    pub studio_legal_name: Option<String>,
    /// The studio's address, as receipts print it (up to 300 characters).
    pub studio_address: Option<String>,
    /// The studio's tax id: `{"type": "ruc" | "rut" | "nit" | "other", "number": "..."}`.
    pub studio_tax_id: Option<StudioTaxId>,
    /// The studio's phone number for clients.
    pub studio_phone: Option<String>,
    /// The studio's email address for clients.
    pub studio_email: Option<String>,
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
    /// The defaults for a studio: the tax, rounding and export locale of its country, prices
    /// with tax included.
    pub fn defaults(tenant: &Tenant) -> StudioSettings {
        let country = tenant.country.as_str();
        let tax = match country {
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
            low_stock_threshold: 5,
            // Chilean pesos have no cents.
            rounding_rule: if tenant.currency == "CLP" { RoundingRule::Unit } else { RoundingRule::Cent },
            export_locale: ExportLocale::for_country(country),
            studio_legal_name: None,
            studio_address: None,
            studio_tax_id: None,
            studio_phone: None,
            studio_email: None,
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

    /// Checks the rules types alone do not carry, naming every offending key; returns the
    /// settings in canonical form (trimmed text, blank text as none, tax id canonical).
    pub fn validate(self) -> ApiResult<StudioSettings> {
        let mut checks = Checks::new();
        for (key, percent) in [("tax_rate", self.tax_rate), ("min_deposit_percent", self.min_deposit_percent)] {
            if let Some(problem) = percent.problem() {
                checks.fail(key, problem);
            }
        }
        let ranges = [
            ("contract_expiry_days", self.contract_expiry_days, 1, 365),
            ("reminder_lead_hours", self.reminder_lead_hours, 1, 720),
            ("low_stock_threshold", self.low_stock_threshold, 0, 1_000_000),
        ];
        for (key, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                checks.fail(key, format!("must be between {min} and {max}"));
            }
        }
        let studio_tax_id = match self.studio_tax_id.as_ref().map(StudioTaxId::canonical) {
            Some(Ok(id)) => Some(id),
            Some(Err(problem)) => checks.failed("studio_tax_id", problem),
            None => None,
        };
        let settings = StudioSettings {
            studio_legal_name: checks.optional("studio_legal_name", self.studio_legal_name.as_deref(), 200),
            studio_address: checks.optional("studio_address", self.studio_address.as_deref(), 300),
            studio_phone: checks.phone("studio_phone", self.studio_phone.as_deref()),
            studio_email: checks.email("studio_email", self.studio_email.as_deref()),
            studio_tax_id,
            ..self
        };
        checks.finish()?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;
    use crate::studio::tax_id::TaxIdType;

    fn tenant(country: &str, currency: &str) -> Tenant {
        Tenant {
            id: uuid::Uuid::nil(),
            slug: "acme".into(),
            name: "Acme".into(),
            schema: "t_acme".to_owned().try_into().unwrap(),
            status: crate::tenancy::model::TenantStatus::Active,
            country: country.into(),
            currency: currency.into(),
            timezone: "America/Lima".into(),
            plan: "standard".into(),
            schema_version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            suspended_at: None,
            deleted_at: None,
        }
    }

    fn bad_keys(settings: StudioSettings) -> Vec<String> {
        match settings.validate() {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn defaults_follow_the_country_and_pass_their_own_rules() {
        let chile = StudioSettings::defaults(&tenant("CL", "CLP"));
        assert_eq!(chile.tax_rate, Percent(Decimal::from(19)));
        assert_eq!((chile.rounding_rule, chile.export_locale), (RoundingRule::Unit, ExportLocale::EsCl));
        assert_eq!(chile.clone().validate().unwrap(), chile);
        assert_eq!(StudioSettings::defaults(&tenant("PE", "PEN")).rounding_rule, RoundingRule::Cent);
    }

    #[test]
    fn every_broken_rule_is_named_by_its_key() {
        let mut s = StudioSettings::defaults(&tenant("PE", "PEN"));
        s.tax_rate = Percent(Decimal::from(101));
        s.contract_expiry_days = 0;
        s.low_stock_threshold = -1;
        s.studio_email = Some("nope".into());
        s.studio_tax_id = Some(StudioTaxId { kind: TaxIdType::Ruc, number: "123".into() });
        assert_eq!(
            bad_keys(s),
            ["tax_rate", "contract_expiry_days", "low_stock_threshold", "studio_tax_id", "studio_email"]
        );
    }

    #[test]
    fn text_is_trimmed_and_blank_text_is_none() {
        let mut s = StudioSettings::defaults(&tenant("PE", "PEN"));
        s.studio_address = Some("  Av. Arequipa 123, Lima  ".into());
        s.studio_legal_name = Some("   ".into());
        let valid = s.validate().unwrap();
        assert_eq!(valid.studio_address.as_deref(), Some("Av. Arequipa 123, Lima"));
        assert_eq!(valid.studio_legal_name, None);
    }
}

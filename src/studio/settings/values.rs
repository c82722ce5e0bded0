//! The value types of settings that are more than a number or a flag: how totals are
//! rounded, how exports write numbers, and the studio's own tax id.

use poem_openapi::{Enum, Object};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::studio::money::Money;
use crate::studio::tax_id::{TaxId, TaxIdType};

/// How an amount to be paid is rounded (cash in Peru is rounded to ten céntimos; Chilean
/// pesos have no cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum RoundingRule {
    /// To the cent, half away from zero.
    Cent,
    /// To the nearest ten cents (0.05 up).
    TenCents,
    /// Down to ten cents, in the payer's favour.
    TenCentsDown,
    /// To the nearest whole unit.
    Unit,
    /// To the nearest ten units (Chilean cash).
    TenUnits,
}

impl RoundingRule {
    /// `amount` rounded by this rule.
    pub fn apply(self, amount: Money) -> Money {
        let (step, strategy) = match self {
            RoundingRule::Cent => (Decimal::new(1, 2), RoundingStrategy::MidpointAwayFromZero),
            RoundingRule::TenCents => (Decimal::new(1, 1), RoundingStrategy::MidpointAwayFromZero),
            RoundingRule::TenCentsDown => (Decimal::new(1, 1), RoundingStrategy::ToZero),
            RoundingRule::Unit => (Decimal::ONE, RoundingStrategy::MidpointAwayFromZero),
            RoundingRule::TenUnits => (Decimal::TEN, RoundingStrategy::MidpointAwayFromZero),
        };
        let steps = (amount.0 / step).round_dp_with_strategy(0, strategy);
        Money::rounded(steps * step)
    }
}

/// The locale of exports (CSV files, spreadsheets): it decides the decimal mark and the
/// column separator a spreadsheet of that country opens without help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
pub enum ExportLocale {
    #[oai(rename = "es-PE")]
    #[serde(rename = "es-PE")]
    EsPe,
    #[oai(rename = "es-BO")]
    #[serde(rename = "es-BO")]
    EsBo,
    #[oai(rename = "es-CL")]
    #[serde(rename = "es-CL")]
    EsCl,
    #[oai(rename = "en-US")]
    #[serde(rename = "en-US")]
    EnUs,
}

impl ExportLocale {
    /// The usual locale of a country (ISO 3166-1), `en-US` where none is known.
    pub fn for_country(country: &str) -> ExportLocale {
        match country {
            "PE" => ExportLocale::EsPe,
            "BO" => ExportLocale::EsBo,
            "CL" => ExportLocale::EsCl,
            _ => ExportLocale::EnUs,
        }
    }

    /// The decimal mark: Peru and the United States write `1250.50`, Bolivia and Chile
    /// `1250,50`.
    pub fn decimal_mark(self) -> char {
        match self {
            ExportLocale::EsPe | ExportLocale::EnUs => '.',
            ExportLocale::EsBo | ExportLocale::EsCl => ',',
        }
    }

    /// The CSV column separator: `;` where the comma is the decimal mark.
    pub fn csv_separator(self) -> char {
        if self.decimal_mark() == ',' { ';' } else { ',' }
    }
}

/// The studio's own tax id, as its receipts carry it: `{"type": "ruc", "number": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct StudioTaxId {
    /// `ruc` (Peru), `rut` (Chile), `nit` (Bolivia), or `other` elsewhere.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: TaxIdType,
    pub number: String,
}

impl StudioTaxId {
    /// The id in its canonical spelling, or why it cannot be a business's tax id.
    pub fn canonical(&self) -> Result<StudioTaxId, String> {
        if !matches!(self.kind, TaxIdType::Ruc | TaxIdType::Rut | TaxIdType::Nit | TaxIdType::Other) {
            return Err(format!("a studio's tax id is a RUC, RUT or NIT (or other), not a {}", self.kind.label()));
        }
        let parsed = TaxId::parse(self.kind, &self.number).map_err(|e| e.to_string())?;
        Ok(StudioTaxId { kind: parsed.kind(), number: parsed.number().to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money(s.parse().unwrap())
    }

    #[test]
    fn each_rounding_rule_rounds_as_its_name_says() {
        let cases = [
            (RoundingRule::Cent, "12.345", "12.35"),
            (RoundingRule::TenCents, "12.35", "12.40"),
            (RoundingRule::TenCents, "12.34", "12.30"),
            (RoundingRule::TenCentsDown, "12.39", "12.30"),
            (RoundingRule::Unit, "12.50", "13.00"),
            (RoundingRule::TenUnits, "12345", "12350.00"),
            (RoundingRule::TenUnits, "12344", "12340.00"),
        ];
        for (rule, amount, expected) in cases {
            assert_eq!(rule.apply(money(amount)).to_string(), expected, "{rule:?} {amount}");
        }
    }

    #[test]
    fn comma_decimal_locales_separate_columns_with_semicolons() {
        assert_eq!((ExportLocale::EsPe.decimal_mark(), ExportLocale::EsPe.csv_separator()), ('.', ','));
        assert_eq!((ExportLocale::EsCl.decimal_mark(), ExportLocale::EsCl.csv_separator()), (',', ';'));
        assert_eq!(ExportLocale::for_country("BO"), ExportLocale::EsBo);
        assert_eq!(serde_json::to_value(ExportLocale::EnUs).unwrap(), "en-US");
    }

    #[test]
    fn a_studio_tax_id_is_a_business_id_in_canonical_form() {
        let rut = StudioTaxId { kind: TaxIdType::Rut, number: "12.345.678-5".into() };
        assert_eq!(rut.canonical().unwrap().number, "12345678-5");
        assert!(StudioTaxId { kind: TaxIdType::Ruc, number: "20123456786".into() }.canonical().is_ok(), "the demo's");
        assert!(StudioTaxId { kind: TaxIdType::Ruc, number: "20100070971".into() }.canonical().is_err());
        assert!(StudioTaxId { kind: TaxIdType::Dni, number: "46779354".into() }.canonical().is_err());
    }
}

//! Exact decimals as the API carries them: [`Money`] (two places, in the studio's currency),
//! [`Percent`] (0–100, two places) and [`Quantity`] (three places, in a material's unit).
//!
//! In JSON they are strings (`"1250.50"`, `"2.900"`), written with their fixed places; an integer is
//! accepted on input, a JSON float never is — a float has already lost the cents by the time
//! it is parsed. In the database they are `numeric`; in Rust, `rust_decimal`. No `f64` is
//! anywhere on their path.

use std::borrow::Cow;
use std::fmt;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::http::fields::Checks;

/// Parses an exact decimal from JSON: a string or an integer, never a float.
fn decimal_from_json(value: Option<Value>, what: &str) -> Result<Decimal, String> {
    match value {
        Some(Value::String(text)) => {
            text.trim().parse::<Decimal>().map_err(|_| format!("{what} must be a decimal string such as \"12.50\""))
        }
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
            n.to_string().parse::<Decimal>().map_err(|_| format!("{what} is out of range"))
        }
        _ => Err(format!("{what} must be a decimal string such as \"12.50\" (not a JSON float)")),
    }
}

macro_rules! exact_decimal {
    ($(#[$doc:meta])* $name:ident, $what:literal, $places:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, sqlx::Type)]
        #[sqlx(transparent)]
        pub struct $name(pub Decimal);

        impl $name {
            pub const ZERO: $name = $name(Decimal::ZERO);

            /// How many decimal places the type writes and keeps.
            pub const PLACES: u32 = $places;

            /// The value rounded half away from zero to the type's places (half-cent
            /// rounding, as receipts do).
            pub fn rounded(value: Decimal) -> $name {
                $name(value.round_dp_with_strategy($places, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut value = self.0;
                value.rescale($places);
                write!(f, "{value}")
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> Cow<'static, str> {
                "string_decimal".into()
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Inline(Box::new(MetaSchema {
                    example: Some(Value::String($example.to_owned())),
                    ..MetaSchema::new_with_format("string", "decimal")
                }))
            }

            fn as_raw_value(&self) -> Option<&Self> {
                Some(self)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                decimal_from_json(Some(value), $what).map($name).map_err(serde::de::Error::custom)
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                decimal_from_json(value, $what).map($name).map_err(ParseError::custom)
            }
        }

        impl ParseFromParameter for $name {
            fn parse_from_parameter(value: &str) -> ParseResult<Self> {
                value.trim().parse().map($name).map_err(|_| ParseError::custom(concat!($what, " must be a decimal such as ", $example)))
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::String(self.to_string()))
            }
        }
    };
}

exact_decimal!(
    /// An amount of money in the studio's currency, two decimal places.
    Money,
    "an amount",
    2,
    "12.50"
);

exact_decimal!(
    /// A percentage, 0–100 with at most two decimal places.
    Percent,
    "a percentage",
    2,
    "12.50"
);

exact_decimal!(
    /// A quantity of a material in its unit (metres, litres, sheets, units, ...), three
    /// decimal places: a millimetre of moulding is `"0.001"` metres.
    Quantity,
    "a quantity",
    3,
    "2.900"
);

impl Money {
    /// An optional amount from an input: absent is zero; a bad one fails `field`.
    pub fn checked(checks: &mut Checks, field: &str, value: Option<Money>) -> Money {
        let value = value.unwrap_or_default();
        if let Some(problem) = value.problem() {
            checks.fail(field, problem);
        }
        value
    }

    /// Why `self` cannot be stored as an amount (negative, more than two places, too large).
    pub fn problem(&self) -> Option<&'static str> {
        if self.0.is_sign_negative() && !self.0.is_zero() {
            Some("must not be negative")
        } else if self.0.normalize().scale() > 2 {
            Some("must have at most two decimal places")
        } else if self.0 >= Decimal::from(10_000_000_000_i64) {
            // `numeric(12,2)` holds 10 digits before the point.
            Some("is too large")
        } else {
            None
        }
    }
}

impl Percent {
    /// An optional percentage from an input: absent is zero; a bad one fails `field`.
    pub fn checked(checks: &mut Checks, field: &str, value: Option<Percent>) -> Percent {
        let value = value.unwrap_or_default();
        if let Some(problem) = value.problem() {
            checks.fail(field, problem);
        }
        value
    }

    /// Why `self` is not a percentage (outside 0–100, more than two places).
    pub fn problem(&self) -> Option<&'static str> {
        if self.0 < Decimal::ZERO || self.0 > Decimal::ONE_HUNDRED {
            Some("must be between 0 and 100")
        } else if self.0.normalize().scale() > 2 {
            Some("must have at most two decimal places")
        } else {
            None
        }
    }

    /// `self` % of `amount`, rounded to the cent.
    pub fn of(&self, amount: Money) -> Money {
        Money::rounded(amount.0 * self.0 / Decimal::ONE_HUNDRED)
    }
}

/// The largest quantity one movement or line may carry: a million of any unit is a typing
/// mistake in a studio, never a delivery.
const MAX_QUANTITY: i64 = 1_000_000;

impl Quantity {
    /// Why `self` cannot be a quantity of a movement (zero or negative unless `signed`,
    /// more than three places, a million or more).
    pub fn problem(&self, signed: bool) -> Option<&'static str> {
        if self.0.is_zero() {
            Some("must not be zero")
        } else if !signed && self.0.is_sign_negative() {
            Some("must be greater than zero")
        } else if self.0.normalize().scale() > 3 {
            Some("must have at most three decimal places")
        } else if self.0.abs() >= Decimal::from(MAX_QUANTITY) {
            Some("is too large")
        } else {
            None
        }
    }

    /// Why `self` cannot be a stock level or a minimum (negative, more than three places,
    /// a million or more).
    pub fn level_problem(&self) -> Option<&'static str> {
        if self.0.is_sign_negative() && !self.0.is_zero() {
            Some("must not be negative")
        } else if self.0.normalize().scale() > 3 {
            Some("must have at most three decimal places")
        } else if self.0 >= Decimal::from(MAX_QUANTITY) {
            Some("is too large")
        } else {
            None
        }
    }

    /// A length in millimetres as metres (`2900` → `"2.900"`).
    pub fn from_mm(mm: i64) -> Quantity {
        Quantity(Decimal::new(mm, 3))
    }

    /// The quantity as whole thousandths (metres → millimetres), if it has no finer part.
    pub fn thousandths(&self) -> Option<i64> {
        let scaled = self.0 * Decimal::ONE_THOUSAND;
        (scaled.fract().is_zero()).then(|| i64::try_from(scaled.trunc()).ok()).flatten()
    }

    /// The negated quantity.
    pub fn negated(&self) -> Quantity {
        Quantity(-self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn money(v: Value) -> Result<Money, String> {
        Money::parse_from_json(Some(v)).map_err(|e| e.into_message())
    }

    #[test]
    fn strings_and_integers_parse_floats_do_not() {
        assert_eq!(money(json!("12.50")).unwrap().to_string(), "12.50");
        assert_eq!(money(json!(" 7 ")).unwrap().to_string(), "7.00");
        assert_eq!(money(json!(12)).unwrap().to_string(), "12.00");
        assert!(money(json!(12.5)).unwrap_err().contains("not a JSON float"));
        assert!(money(json!("12,50")).is_err());
        assert!(money(json!(null)).is_err());
        assert!(money(json!({"amount": 1})).is_err());
    }

    #[test]
    fn amounts_are_checked_for_sign_places_and_size() {
        let m = |s: &str| Money(s.parse().unwrap());
        assert_eq!(m("0").problem(), None);
        assert_eq!(m("9999999999.99").problem(), None);
        assert_eq!(m("10000000000.00").problem(), Some("is too large"));
        assert_eq!(m("-0.01").problem(), Some("must not be negative"));
        assert_eq!(m("1.005").problem(), Some("must have at most two decimal places"));
        assert_eq!(m("1.500").problem(), None, "trailing zeros are not extra places");
    }

    #[test]
    fn quantities_keep_three_places_and_refuse_zero_and_absurd_values() {
        let q = |s: &str| Quantity(s.parse().unwrap());
        assert_eq!(serde_json::to_value(q("2.9")).unwrap(), json!("2.900"));
        assert_eq!(Quantity::from_mm(2900), q("2.9"));
        assert_eq!(q("0.4").thousandths(), Some(400));
        assert_eq!(q("0.0004").thousandths(), None);
        assert_eq!(q("0").problem(false), Some("must not be zero"));
        assert_eq!(q("-1").problem(false), Some("must be greater than zero"));
        assert_eq!(q("-1").problem(true), None);
        assert_eq!(q("1.0001").problem(false), Some("must have at most three decimal places"));
        assert_eq!(q("1000000").problem(false), Some("is too large"));
        assert_eq!(q("0").level_problem(), None);
        assert!(Quantity::parse_from_json(Some(json!(1.5))).is_err(), "no JSON floats");
    }

    #[test]
    fn percentages_round_to_the_cent() {
        let p = Percent("12.5".parse().unwrap());
        assert_eq!(p.of(Money("100.10".parse().unwrap())).to_string(), "12.51");
        assert_eq!(Percent("100.01".parse().unwrap()).problem(), Some("must be between 0 and 100"));
        assert_eq!(serde_json::to_value(p).unwrap(), json!("12.50"));
    }
}

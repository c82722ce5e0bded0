//! The studio's key figures (indicadores): which metrics there are, what unit each is
//! counted in and which way is better, the calendar periods a target is set for, the
//! targets themselves and the input that sets one.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::money::Money;

/// A figure the studio can follow and set a target for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Metric {
    /// What was sold: totals of orders not cancelled, by order date, plus school packages.
    Revenue,
    /// Cash received: completed payments, by the day they were paid.
    Payments,
    /// Orders taken (not cancelled), by order date.
    Orders,
    /// Order revenue ÷ orders (school packages apart).
    AverageOrderValue,
    /// Clients with an order (not cancelled) in the period.
    ActiveClients,
    /// Of those, clients whose first order ever is in the period.
    NewClients,
    /// Average days from order date to delivery, over the orders delivered in the period.
    DeliveryDays,
    /// What the stock was worth at the end of the period.
    StockValue,
    /// Materials at or under their (non-zero) minimum at the end of the period.
    LowStock,
    /// Production orders completed in the period.
    ProductionOrders,
    /// Units the workshop registered as produced in the period.
    ProducedUnits,
    /// Materials used ÷ (used + wasted), by value, in percent.
    Efficiency,
    /// The value of materials wasted (merma) in the period.
    WasteValue,
}

/// The unit a metric is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    /// The studio's currency, two places.
    Money,
    /// Whole things.
    Count,
    /// 0–100, two places.
    Percent,
    /// Days, one place.
    Days,
}

/// Which way a metric should go: a target is met at or above it (`higher`) or at or
/// under it (`lower`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

impl Metric {
    /// Every metric, in the order answers list them.
    pub const ALL: [Metric; 13] = [
        Metric::Revenue,
        Metric::Payments,
        Metric::Orders,
        Metric::AverageOrderValue,
        Metric::ActiveClients,
        Metric::NewClients,
        Metric::DeliveryDays,
        Metric::StockValue,
        Metric::LowStock,
        Metric::ProductionOrders,
        Metric::ProducedUnits,
        Metric::Efficiency,
        Metric::WasteValue,
    ];

    /// The money metrics an accountant may read (the financial report's own figures).
    pub const FINANCIAL: [Metric; 3] = [Metric::Revenue, Metric::Payments, Metric::AverageOrderValue];

    /// The name as URLs and bodies write it.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Revenue => "revenue",
            Metric::Payments => "payments",
            Metric::Orders => "orders",
            Metric::AverageOrderValue => "average_order_value",
            Metric::ActiveClients => "active_clients",
            Metric::NewClients => "new_clients",
            Metric::DeliveryDays => "delivery_days",
            Metric::StockValue => "stock_value",
            Metric::LowStock => "low_stock",
            Metric::ProductionOrders => "production_orders",
            Metric::ProducedUnits => "produced_units",
            Metric::Efficiency => "efficiency",
            Metric::WasteValue => "waste_value",
        }
    }

    /// The metric's name in Spanish, for charts.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Revenue => "Ventas",
            Metric::Payments => "Cobros",
            Metric::Orders => "Pedidos",
            Metric::AverageOrderValue => "Ticket promedio",
            Metric::ActiveClients => "Clientes activos",
            Metric::NewClients => "Clientes nuevos",
            Metric::DeliveryDays => "Días de entrega (promedio)",
            Metric::StockValue => "Valor del inventario",
            Metric::LowStock => "Materiales con stock bajo",
            Metric::ProductionOrders => "Órdenes de producción terminadas",
            Metric::ProducedUnits => "Unidades producidas",
            Metric::Efficiency => "Eficiencia de producción",
            Metric::WasteValue => "Merma",
        }
    }

    pub fn unit(self) -> MetricUnit {
        match self {
            Metric::Revenue | Metric::Payments | Metric::AverageOrderValue | Metric::StockValue => MetricUnit::Money,
            Metric::WasteValue => MetricUnit::Money,
            Metric::Orders | Metric::ActiveClients | Metric::NewClients | Metric::LowStock => MetricUnit::Count,
            Metric::ProductionOrders | Metric::ProducedUnits => MetricUnit::Count,
            Metric::Efficiency => MetricUnit::Percent,
            Metric::DeliveryDays => MetricUnit::Days,
        }
    }

    pub fn better(self) -> Better {
        match self {
            Metric::DeliveryDays | Metric::StockValue | Metric::LowStock | Metric::WasteValue => Better::Lower,
            _ => Better::Higher,
        }
    }

    /// Whether an accountant may read it.
    pub fn is_financial(self) -> bool {
        Metric::FINANCIAL.contains(&self)
    }

    /// A value of this metric with its unit's places (counts whole, days one place).
    pub fn shaped(self, value: Decimal) -> Decimal {
        self.unit().shaped(value)
    }
}

impl MetricUnit {
    /// `value` rounded (half away from zero) and written with the unit's places: counts
    /// whole, days with one, money and percentages with two.
    pub fn shaped(self, value: Decimal) -> Decimal {
        let places = match self {
            MetricUnit::Count => 0,
            MetricUnit::Days => 1,
            MetricUnit::Money | MetricUnit::Percent => 2,
        };
        let mut value = value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        value.rescale(places);
        value
    }
}

/// The calendar periods targets are set for and figures are compared over. Weeks run
/// Monday to Sunday; quarters start in January, April, July and October.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year];

    pub fn key(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }
}

/// `value` as one of `all` by key, or a failure of `field` listing the keys.
pub fn parse_key<T: Copy>(
    checks: &mut Checks,
    field: &str,
    value: &str,
    all: &[T],
    key: fn(T) -> &'static str,
) -> Option<T> {
    let found = all.iter().copied().find(|item| key(*item) == value.trim());
    if found.is_none() {
        let names: Vec<&str> = all.iter().map(|item| key(*item)).collect();
        checks.fail(field, format!("must be one of {}", names.join(", ")));
    }
    found
}

/// A target (meta) the studio set for a metric over each period of a kind: "revenue of
/// 50,000.00 a month".
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct KpiTarget {
    pub id: Uuid,
    /// What the studio calls it ("Ventas del mes").
    pub name: String,
    pub metric: Metric,
    pub period: PeriodKind,
    /// In the metric's unit: an amount, a count, a percentage or days.
    pub target: Decimal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl KpiTarget {
    /// The target with its metric's places ("20" orders, "50000.00" of revenue).
    pub fn shaped(mut self) -> KpiTarget {
        self.target = self.metric.shaped(self.target);
        self
    }
}

impl Audited for KpiTarget {
    const ENTITY: &'static str = "kpi_target";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for KpiTarget {
    fn location(&self) -> String {
        format!("/api/metrics/{}", self.id)
    }
}

/// A target as sent to create or replace one.
#[derive(Debug, Clone, Object)]
pub struct KpiTargetInput {
    /// 1–100 characters.
    pub name: String,
    pub metric: Metric,
    pub period: PeriodKind,
    /// A decimal string in the metric's unit, at least 0: money with up to two places,
    /// a whole count, a percentage up to 100, days with up to one place.
    pub target: Money,
}

/// A target whose fields passed every rule.
#[derive(Debug, Clone)]
pub struct ValidTarget {
    pub name: String,
    pub metric: Metric,
    pub period: PeriodKind,
    pub target: Decimal,
}

/// The largest target any metric takes (what `numeric(14,2)` holds, and then some margin).
const MAX_TARGET: i64 = 999_999_999_999;

impl KpiTargetInput {
    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidTarget> {
        let mut checks = Checks::new();
        let name = checks.required("name", &self.name, 100);
        let target = self.target.0.normalize();
        let unit = self.metric.unit();
        let (places, unit_words) = match unit {
            MetricUnit::Money => (2, "an amount with at most two decimal places"),
            MetricUnit::Percent => (2, "a percentage with at most two decimal places"),
            MetricUnit::Count => (0, "a whole number"),
            MetricUnit::Days => (1, "days with at most one decimal place"),
        };
        if target.is_sign_negative() && !target.is_zero() {
            checks.fail("target", "must not be negative");
        } else if target.scale() > places {
            checks.fail("target", format!("must be {unit_words} for {}", self.metric.key()));
        } else if unit == MetricUnit::Percent && target > Decimal::ONE_HUNDRED {
            checks.fail("target", "a percentage must be at most 100");
        } else if target > Decimal::from(MAX_TARGET) {
            checks.fail("target", format!("must be at most {MAX_TARGET}"));
        }
        checks.finish()?;
        Ok(ValidTarget { name, metric: self.metric, period: self.period, target })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;

    fn input(metric: Metric, target: &str) -> KpiTargetInput {
        KpiTargetInput {
            name: "Meta".into(),
            metric,
            period: PeriodKind::Month,
            target: Money(target.parse().unwrap()),
        }
    }

    fn failed(result: ApiResult<ValidTarget>) -> Vec<String> {
        match result {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn a_target_is_checked_against_its_metrics_unit() {
        assert!(input(Metric::Revenue, "50000.50").validate().is_ok());
        assert!(input(Metric::Orders, "120").validate().is_ok());
        assert!(input(Metric::Orders, "120.00").validate().is_ok(), "trailing zeros are still whole");
        assert!(input(Metric::DeliveryDays, "3.5").validate().is_ok());
        assert!(input(Metric::Efficiency, "100").validate().is_ok());
        assert_eq!(failed(input(Metric::Orders, "12.5").validate()), ["target"]);
        assert_eq!(failed(input(Metric::Revenue, "10.001").validate()), ["target"]);
        assert_eq!(failed(input(Metric::Efficiency, "100.01").validate()), ["target"]);
        assert_eq!(failed(input(Metric::Revenue, "-1").validate()), ["target"]);
        assert_eq!(failed(input(Metric::DeliveryDays, "2.25").validate()), ["target"]);
        let mut blank = input(Metric::Revenue, "1");
        blank.name = "  ".into();
        assert_eq!(failed(blank.validate()), ["name"]);
    }

    #[test]
    fn values_take_their_units_places() {
        assert_eq!(Metric::Orders.shaped("12.4".parse().unwrap()).to_string(), "12");
        assert_eq!(Metric::Revenue.shaped("12".parse().unwrap()).to_string(), "12.00");
        assert_eq!(Metric::DeliveryDays.shaped("7.25".parse().unwrap()).to_string(), "7.3");
        assert_eq!(Metric::Efficiency.shaped("89.2241".parse().unwrap()).to_string(), "89.22");
    }
}

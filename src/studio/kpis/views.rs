//! What `/api/metrics` answers with: a period's actuals against their targets, a trend as a
//! chart, a comparison with the period before and the same one a year earlier.

use chrono::NaiveDate;
use poem_openapi::Object;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::studio::dashboard::model::Chart;
use crate::studio::kpis::model::{Better, KpiTarget, Metric, MetricUnit, PeriodKind};
use crate::studio::kpis::periods::CalendarPeriod;

/// Whose figures, in what currency and time zone.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct MetricsHeader {
    pub studio: String,
    /// ISO 4217: every amount is in it.
    pub currency: String,
    /// The IANA time zone the days are counted in.
    pub timezone: String,
}

/// A calendar period as answers name it.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct PeriodView {
    pub kind: PeriodKind,
    /// `2025-W07`, `2025-02`, `2025-Q1`, `2025`.
    pub key: String,
    /// In Spanish: `sem. 7 2025`, `feb 2025`, `T1 2025`.
    pub label: String,
    /// Its first day and its last counted (today, while it runs), both included.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl From<&CalendarPeriod> for PeriodView {
    fn from(p: &CalendarPeriod) -> PeriodView {
        PeriodView { kind: p.kind, key: p.key(), label: p.label(), from: p.span.from, to: p.span.to }
    }
}

/// How a metric stands against its target for the period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct TargetProgress {
    pub id: Uuid,
    pub name: String,
    pub target: Decimal,
    /// value ÷ target, in percent (two places); none when the target is 0 or there is no
    /// value. For a metric where lower is better, at most 100 means met.
    pub attainment_percent: Option<Decimal>,
    /// Whether the value is at or past the target in the metric's good direction; none
    /// without a value.
    pub met: Option<bool>,
}

impl TargetProgress {
    pub fn of(target: &KpiTarget, value: Option<Decimal>) -> TargetProgress {
        let attainment = value
            .filter(|_| !target.target.is_zero())
            .map(|v| MetricUnit::Percent.shaped(v * Decimal::ONE_HUNDRED / target.target));
        let met = value.map(|v| match target.metric.better() {
            Better::Higher => v >= target.target,
            Better::Lower => v <= target.target,
        });
        TargetProgress {
            id: target.id,
            name: target.name.clone(),
            target: target.metric.shaped(target.target),
            attainment_percent: attainment,
            met,
        }
    }
}

/// One metric's actual value over a period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct MetricActual {
    pub metric: Metric,
    /// In Spanish.
    pub label: String,
    pub unit: MetricUnit,
    pub better: Better,
    /// In the unit's places; none for an average over nothing.
    pub value: Option<Decimal>,
    /// The studio's target for this metric and kind of period, if it set one.
    pub target: Option<TargetProgress>,
}

/// Actuals of a period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct MetricsActuals {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: MetricsHeader,
    pub period: PeriodView,
    pub metrics: Vec<MetricActual>,
}

/// A metric over a run of weeks or months.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Trend {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: MetricsHeader,
    pub metric: Metric,
    pub unit: MetricUnit,
    pub better: Better,
    /// `week` or `month`.
    pub interval: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The studio's target per interval, if it set one (drawn as the `target` series).
    pub target: Option<Decimal>,
    /// A line: `value` per week or month, and `target` beside it when there is one.
    pub chart: Chart,
}

/// One metric in three periods.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct MetricComparison {
    pub metric: Metric,
    pub label: String,
    pub unit: MetricUnit,
    pub better: Better,
    pub current: Option<Decimal>,
    pub previous: Option<Decimal>,
    pub last_year: Option<Decimal>,
    /// (current − previous) ÷ previous, in percent; none when previous is 0 or missing.
    pub change_percent: Option<Decimal>,
    /// The same against the period a year earlier.
    pub change_last_year_percent: Option<Decimal>,
}

/// A period against the one before and the same one a year earlier, like for like: while
/// the period runs, the others are cut at the same day.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Comparison {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: MetricsHeader,
    pub current: PeriodView,
    pub previous: PeriodView,
    pub last_year: PeriodView,
    pub metrics: Vec<MetricComparison>,
}

/// A target with how it stands in the period asked for.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct TargetStanding {
    #[oai(flatten)]
    #[serde(flatten)]
    pub target: KpiTarget,
    pub period: PeriodView,
    pub value: Option<Decimal>,
    pub progress: TargetProgress,
}

/// (current − before) ÷ before in percent; none when `before` is 0 or either is missing.
pub fn change(current: Option<Decimal>, before: Option<Decimal>) -> Option<Decimal> {
    let (current, before) = (current?, before?);
    (!before.is_zero()).then(|| MetricUnit::Percent.shaped((current - before) * Decimal::ONE_HUNDRED / before))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_change_over_nothing_is_null_not_a_division_error() {
        assert_eq!(change(d("150"), d("100")), d("50.00"));
        assert_eq!(change(d("10000"), d("20000")), d("-50.00"));
        assert_eq!(change(d("1"), d("3")), d("-66.67"));
        assert_eq!(change(d("5"), d("0")), None);
        assert_eq!(change(None, d("3")), None);
        assert_eq!(change(d("3"), None), None);
    }
}

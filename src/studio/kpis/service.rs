//! The rules of key figures: which period (the week, month, quarter or year holding a date,
//! up to today), which metrics a caller may read (accountants: the money ones), targets
//! one per metric and kind of period with every write audited, and a fixed number of
//! aggregate queries per answer in one read-only snapshot.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::audit;
use crate::auth::extract::TenantUser;
use crate::auth::permissions::Permission;
use crate::db::{TenantDb, Window};
use crate::http::db_error::on_constraint;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::dashboard::model::{Chart, ChartKind};
use crate::studio::kpis::figures;
use crate::studio::kpis::model::{KpiTarget, KpiTargetInput, Metric, PeriodKind, parse_key};
use crate::studio::kpis::periods::{CalendarPeriod, run_of};
use crate::studio::kpis::repo;
use crate::studio::kpis::views::{
    Comparison, MetricActual, MetricComparison, MetricsActuals, MetricsHeader, PeriodView, TargetProgress,
    TargetStanding, Trend, change,
};
use crate::studio::reports::repo::snapshot;

/// The metrics each `/api/metrics/<group>` route answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Revenue,
    Orders,
    Clients,
    Inventory,
    Production,
    Efficiency,
    Dashboard,
}

impl Group {
    pub fn metrics(self) -> &'static [Metric] {
        use Metric::*;
        match self {
            Group::Revenue => &[Revenue, Payments, AverageOrderValue],
            Group::Orders => &[Orders, AverageOrderValue, DeliveryDays],
            Group::Clients => &[ActiveClients, NewClients],
            Group::Inventory => &[StockValue, LowStock],
            Group::Production => &[ProductionOrders, ProducedUnits, WasteValue],
            Group::Efficiency => &[Efficiency, WasteValue],
            Group::Dashboard => &Metric::ALL,
        }
    }
}

fn not_found() -> ApiError {
    ApiError::not_found("KPI target")
}

fn taken() -> impl FnOnce(sqlx::Error) -> ApiError {
    on_constraint("kpi_targets_metric_period_key", "metric", "this metric already has a target for this kind of period")
}

fn header(user: &TenantUser) -> MetricsHeader {
    MetricsHeader {
        studio: user.tenant.name.clone(),
        currency: user.tenant.currency.clone(),
        timezone: user.tenant.timezone.clone(),
    }
}

/// `period` (default `month`) as a kind, checked.
fn period_kind(checks: &mut Checks, field: &str, period: Option<&str>, allowed: &[PeriodKind]) -> Option<PeriodKind> {
    match period {
        None => Some(PeriodKind::Month),
        Some(text) => parse_key(checks, field, text, allowed, PeriodKind::key),
    }
}

/// A date the calendar holds (2000–2100), else a failure naming `field`.
fn plausible(checks: &mut Checks, field: &str, date: Option<NaiveDate>) -> Option<NaiveDate> {
    use chrono::Datelike;
    match date {
        Some(d) if !(2000..=2100).contains(&d.year()) => {
            checks.failed(field, "must be a date between the years 2000 and 2100")
        }
        other => other,
    }
}

/// `metric=revenue,orders` as metrics (every one named when unknown); none asked is none.
fn metric_list(checks: &mut Checks, text: Option<&str>) -> Vec<Metric> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Vec::new();
    };
    let mut metrics = Vec::new();
    for name in text.split(',') {
        if let Some(metric) = parse_key(checks, "metric", name, &Metric::ALL, Metric::key)
            && !metrics.contains(&metric)
        {
            metrics.push(metric);
        }
    }
    metrics
}

/// Accountants read the money metrics only (403 for any other asked by name).
fn may_read(user: &TenantUser, metrics: &[Metric]) -> ApiResult<()> {
    if user.may(Permission::ReadMetrics) || metrics.iter().all(|m| m.is_financial()) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

async fn open(user: &TenantUser) -> ApiResult<TenantDb> {
    let mut db = user.begin().await?;
    snapshot(&mut db).await?;
    Ok(db)
}

/// The period asked: its kind (`period`) and a date in it (default today).
fn calendar_period(user: &TenantUser, period: Option<&str>, date: Option<NaiveDate>) -> ApiResult<CalendarPeriod> {
    let mut checks = Checks::new();
    let kind = period_kind(&mut checks, "period", period, &PeriodKind::ALL);
    let date = plausible(&mut checks, "date", date);
    checks.finish()?;
    let (tz, today) = (user.tenant.tz(), user.tenant.today());
    Ok(CalendarPeriod::holding(tz, kind.unwrap_or(PeriodKind::Month), date.unwrap_or(today), today))
}

/// The actuals of `group`'s metrics over the period holding `date`, each beside its target.
pub async fn actuals(
    user: &TenantUser,
    group: Group,
    period: Option<&str>,
    date: Option<NaiveDate>,
) -> ApiResult<MetricsActuals> {
    let period = calendar_period(user, period, date)?;
    let metrics = group.metrics();
    may_read(user, metrics)?;
    let mut db = open(user).await?;
    let figures = figures::compute(&mut db, &user.tenant.timezone, &[period.span], metrics).await?;
    let targets = repo::for_period(&mut db, period.kind, metrics).await?;
    db.commit().await?;
    let metrics = metrics
        .iter()
        .map(|&metric| {
            let value = figures.get(metric, 0);
            MetricActual {
                metric,
                label: metric.label().to_owned(),
                unit: metric.unit(),
                better: metric.better(),
                value,
                target: targets.iter().find(|t| t.metric == metric).map(|t| TargetProgress::of(t, value)),
            }
        })
        .collect();
    Ok(MetricsActuals { header: header(user), period: PeriodView::from(&period), metrics })
}

/// `metric` per week or month from the one holding `from` (default: eleven before `to`'s)
/// to the one holding `to` (default today), at most five years.
pub async fn trend(
    user: &TenantUser,
    metric: Option<&str>,
    interval: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Trend> {
    let mut checks = Checks::new();
    let metric = match metric {
        Some(text) => parse_key(&mut checks, "metric", text, &Metric::ALL, Metric::key),
        None => checks.failed("metric", "is required: one of the metrics' names"),
    };
    let interval = period_kind(&mut checks, "interval", interval, &[PeriodKind::Week, PeriodKind::Month]);
    let from = plausible(&mut checks, "from", from);
    let to = plausible(&mut checks, "to", to);
    checks.finish()?;
    let (Some(metric), Some(interval)) = (metric, interval) else {
        return Err(ApiError::internal("checked trend parameters went missing"));
    };
    may_read(user, &[metric])?;
    let (tz, today) = (user.tenant.tz(), user.tenant.today());
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| interval.shift(interval.first_day(to), -11));
    let periods = run_of(tz, interval, from, to, today)?;
    let spans: Vec<_> = periods.iter().map(|p| p.span).collect();
    let mut db = open(user).await?;
    let figures = figures::compute(&mut db, &user.tenant.timezone, &spans, &[metric]).await?;
    let target = repo::for_period(&mut db, interval, &[metric]).await?.into_iter().next();
    db.commit().await?;
    let target = target.map(|t| metric.shaped(t.target));
    let keys = periods.iter().map(CalendarPeriod::key).collect();
    let labels = periods.iter().map(CalendarPeriod::label).collect();
    let mut chart = Chart::new(ChartKind::Line, metric.label(), metric.unit(), keys, labels).with(
        "value",
        metric.label(),
        figures.series(metric),
    );
    if let Some(target) = target {
        chart = chart.with("target", "Meta", vec![Some(target); periods.len()]);
    }
    Ok(Trend {
        header: header(user),
        metric,
        unit: metric.unit(),
        better: metric.better(),
        interval,
        from: spans[0].from,
        to: spans[spans.len() - 1].to,
        target,
        chart,
    })
}

/// The period holding `date` against the one before and the same one a year earlier, for
/// `metric` (comma-separated; default every metric the caller may read).
pub async fn comparison(
    user: &TenantUser,
    period: Option<&str>,
    date: Option<NaiveDate>,
    metric: Option<&str>,
) -> ApiResult<Comparison> {
    let mut checks = Checks::new();
    let asked = metric_list(&mut checks, metric);
    checks.finish()?;
    let current = calendar_period(user, period, date)?;
    let metrics: Vec<Metric> = if !asked.is_empty() {
        may_read(user, &asked)?;
        asked
    } else if user.may(Permission::ReadMetrics) {
        Metric::ALL.to_vec()
    } else {
        Metric::FINANCIAL.to_vec()
    };
    let tz = user.tenant.tz();
    let (previous, last_year) = (current.previous(tz), current.a_year_before(tz));
    let mut db = open(user).await?;
    let spans = [current.span, previous.span, last_year.span];
    let figures = figures::compute(&mut db, &user.tenant.timezone, &spans, &metrics).await?;
    db.commit().await?;
    let metrics = metrics
        .into_iter()
        .map(|metric| {
            let (now, before, year_ago) = (figures.get(metric, 0), figures.get(metric, 1), figures.get(metric, 2));
            MetricComparison {
                metric,
                label: metric.label().to_owned(),
                unit: metric.unit(),
                better: metric.better(),
                current: now,
                previous: before,
                last_year: year_ago,
                change_percent: change(now, before),
                change_last_year_percent: change(now, year_ago),
            }
        })
        .collect();
    Ok(Comparison {
        header: header(user),
        current: PeriodView::from(&current),
        previous: PeriodView::from(&previous),
        last_year: PeriodView::from(&last_year),
        metrics,
    })
}

/// One page of targets; `metric` and `period` filter (422 naming an unknown one).
pub async fn list(
    user: &TenantUser,
    metric: Option<&str>,
    period: Option<&str>,
    window: Window,
) -> ApiResult<(i64, Vec<KpiTarget>)> {
    let mut checks = Checks::new();
    let metric = metric.and_then(|m| parse_key(&mut checks, "metric", m, &Metric::ALL, Metric::key));
    let period = period.and_then(|p| parse_key(&mut checks, "period", p, &PeriodKind::ALL, PeriodKind::key));
    checks.finish()?;
    let (count, targets) = repo::list(&mut user.db().await?, metric, period, window).await?;
    Ok((count, targets.into_iter().map(KpiTarget::shaped).collect()))
}

/// A target and how it stands in its period holding `date` (default: the current one).
pub async fn get(user: &TenantUser, id: Uuid, date: Option<NaiveDate>) -> ApiResult<TargetStanding> {
    let mut checks = Checks::new();
    let date = plausible(&mut checks, "date", date);
    checks.finish()?;
    let mut db = open(user).await?;
    let target = repo::get(&mut db, id).await?.ok_or_else(not_found)?.shaped();
    let (tz, today) = (user.tenant.tz(), user.tenant.today());
    let period = CalendarPeriod::holding(tz, target.period, date.unwrap_or(today), today);
    let figures = figures::compute(&mut db, &user.tenant.timezone, &[period.span], &[target.metric]).await?;
    db.commit().await?;
    let value = figures.get(target.metric, 0);
    let progress = TargetProgress::of(&target, value);
    Ok(TargetStanding { period: PeriodView::from(&period), value, progress, target })
}

pub async fn create(user: &TenantUser, input: &KpiTargetInput) -> ApiResult<KpiTarget> {
    let target = input.validate()?;
    let mut tx = user.begin().await?;
    let created = repo::insert(&mut tx, &target, Some(user.user_id)).await.map_err(taken())?.shaped();
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces every field of a target.
pub async fn update(user: &TenantUser, id: Uuid, input: &KpiTargetInput) -> ApiResult<KpiTarget> {
    let target = input.validate()?;
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?.shaped();
    let after = repo::update(&mut tx, id, &target).await.map_err(taken())?.shaped();
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete(user: &TenantUser, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?.shaped();
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}

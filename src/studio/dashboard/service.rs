//! The dashboard's rules: which month (the one asked for, else the current one, up to
//! today), which days the year and the monthly charts cover, and a fixed number of
//! aggregate queries per answer — one snapshot, the metric families the section needs over
//! all its spans at once, revenue by service, open orders, low stock — whatever the data.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use crate::auth::extract::TenantUser;
use crate::db::TenantDb;
use crate::http::{ApiError, ApiResult};
use crate::studio::dashboard::model::{
    Chart, ChartKind, ClientsDashboard, ClientsSection, Dashboard, DashboardHeader, OrdersDashboard, OrdersSection,
    RevenueDashboard, RevenueSection, ServiceRevenue, StatusOrders, WorkshopSection, status_label,
};
use crate::studio::dashboard::repo;
use crate::studio::kpis::figures::{self, Figures};
use crate::studio::kpis::model::{Metric, MetricUnit, PeriodKind};
use crate::studio::kpis::periods::{CalendarPeriod, span};
use crate::studio::money::Money;
use crate::studio::orders::model::OrderStatus;
use crate::studio::reports::export::labels;
use crate::studio::reports::financial::RevenueKind;
use crate::studio::reports::model::Period;
use crate::studio::reports::repo::snapshot;

/// Months the charts cover.
const TREND_MONTHS: usize = 12;
/// Where each span sits in the lists sent to [`figures::compute`]: twelve months ending
/// with the month shown, then the year so far (and the same a year earlier, for revenue).
const MONTH: usize = TREND_MONTHS - 1;
const YEAR: usize = TREND_MONTHS;

/// The days a dashboard covers.
struct Days {
    months: Vec<CalendarPeriod>,
    /// The twelve months and the year, in the order of the constants above.
    spans: Vec<Period>,
    /// The same days a year earlier.
    last_year: Vec<Period>,
}

impl Days {
    fn month(&self) -> &Period {
        &self.spans[MONTH]
    }

    fn year(&self) -> &Period {
        &self.spans[YEAR]
    }

    fn month_keys(&self) -> Vec<String> {
        self.months.iter().map(CalendarPeriod::key).collect()
    }

    fn month_labels(&self) -> Vec<String> {
        self.months.iter().map(CalendarPeriod::label).collect()
    }
}

/// `YYYY-MM` as its first day; 422 naming `month` otherwise.
fn parse_month(month: &str) -> ApiResult<NaiveDate> {
    let first = labels::month_start(month.trim())
        .filter(|_| month.trim().len() == 7)
        .ok_or_else(|| ApiError::invalid("month", "must be a month written YYYY-MM"))?;
    if !(2000..=2100).contains(&first.year()) {
        return Err(ApiError::invalid("month", "must be a month between the years 2000 and 2100"));
    }
    Ok(first)
}

fn days(user: &TenantUser, month: Option<&str>) -> ApiResult<Days> {
    let (tz, today) = (user.tenant.tz(), user.tenant.today());
    let date = match month {
        Some(month) => parse_month(month)?,
        None => today,
    };
    let shown = CalendarPeriod::holding(tz, PeriodKind::Month, date, today);
    let months: Vec<CalendarPeriod> = (0..TREND_MONTHS as i32)
        .map(|back| {
            let first = PeriodKind::Month.shift(shown.first, back - (TREND_MONTHS as i32 - 1));
            CalendarPeriod::holding(tz, PeriodKind::Month, first, today)
        })
        .collect();
    let year_from = PeriodKind::Year.first_day(shown.first);
    let a_year_before = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
    let mut spans: Vec<Period> = months.iter().map(|m| m.span).collect();
    spans.push(span(tz, year_from, shown.span.to));
    let mut last_year: Vec<Period> = months.iter().map(|m| m.a_year_before(tz).span).collect();
    last_year.push(span(tz, a_year_before(year_from), a_year_before(shown.span.to)));
    Ok(Days { months, spans, last_year })
}

fn header(user: &TenantUser, days: &Days) -> DashboardHeader {
    DashboardHeader {
        studio: user.tenant.name.clone(),
        currency: user.tenant.currency.clone(),
        timezone: user.tenant.timezone.clone(),
        month: days.months[MONTH].key(),
        month_from: days.month().from,
        month_to: days.month().to,
        year_from: days.year().from,
        trend_from: days.spans[0].from,
        generated_at: chrono::Utc::now(),
    }
}

fn money(value: Option<Decimal>) -> Money {
    Money(value.unwrap_or_default())
}

fn count(value: Option<Decimal>) -> i64 {
    value.and_then(|v| i64::try_from(v).ok()).unwrap_or(0)
}

/// A read-only snapshot of the caller's studio and the figures of `metrics` over `days`.
async fn open(user: &TenantUser, days: &Days, metrics: &[Metric]) -> ApiResult<(TenantDb, Figures)> {
    let mut db = user.begin().await?;
    snapshot(&mut db).await?;
    let figures = figures::compute(&mut db, &user.tenant.timezone, &days.spans, metrics).await?;
    Ok((db, figures))
}

async fn revenue_in(user: &TenantUser, db: &mut TenantDb, days: &Days, figures: &Figures) -> ApiResult<RevenueSection> {
    let rows = repo::by_service(db, days.year(), days.month()).await?;
    let before = figures::compute(db, &user.tenant.timezone, &days.last_year, &[Metric::Revenue]).await?;
    let by_service: Vec<ServiceRevenue> = RevenueKind::ALL
        .into_iter()
        .map(|service| {
            let row = rows.iter().find(|r| r.service == service);
            ServiceRevenue {
                service,
                label: labels::revenue_kind(service).to_owned(),
                month: Money(row.map(|r| r.month).unwrap_or_default()),
                year: Money(row.map(|r| r.year).unwrap_or_default()),
            }
        })
        .collect();
    let keys: Vec<String> = by_service.iter().map(|s| key_of(s.service)).collect();
    let names: Vec<String> = by_service.iter().map(|s| s.label.clone()).collect();
    let by_service_chart =
        Chart::new(ChartKind::Bar, "Ventas por servicio", MetricUnit::Money, keys.clone(), names.clone())
            .with("month", "Mes", by_service.iter().map(|s| Some(s.month.0)).collect())
            .with("year", "Año", by_service.iter().map(|s| Some(s.year.0)).collect());
    let service_share_chart = Chart::new(ChartKind::Pie, "Ventas del mes por servicio", MetricUnit::Money, keys, names)
        .with("month", "Mes", by_service.iter().map(|s| Some(s.month.0)).collect());
    let series = figures.series(Metric::Revenue);
    let by_month_chart =
        Chart::new(ChartKind::Line, "Ventas por mes", MetricUnit::Money, days.month_keys(), days.month_labels())
            .with("revenue", "Ventas", series[..TREND_MONTHS].to_vec())
            .with("last_year", "Un año antes", before.series(Metric::Revenue)[..TREND_MONTHS].to_vec());
    Ok(RevenueSection {
        month_total: money(figures.get(Metric::Revenue, MONTH)),
        year_total: money(figures.get(Metric::Revenue, YEAR)),
        month_total_last_year: money(before.get(Metric::Revenue, MONTH)),
        year_total_last_year: money(before.get(Metric::Revenue, YEAR)),
        by_service,
        by_service_chart,
        service_share_chart,
        by_month_chart,
    })
}

/// A service's key as the API writes it (`school_packages`).
fn key_of(service: RevenueKind) -> String {
    serde_json::to_value(service).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

const OPEN: [OrderStatus; 4] =
    [OrderStatus::Pending, OrderStatus::Confirmed, OrderStatus::InProduction, OrderStatus::Ready];

async fn orders_in(user: &TenantUser, db: &mut TenantDb, days: &Days, figures: &Figures) -> ApiResult<OrdersSection> {
    let rows = repo::pending(db, user.tenant.today()).await?;
    let pending_by_status: Vec<StatusOrders> = OPEN
        .into_iter()
        .map(|status| {
            let row = rows.iter().find(|r| r.status == status);
            StatusOrders {
                status,
                label: status_label(status).to_owned(),
                orders: row.map_or(0, |r| r.orders),
                total: Money(row.map(|r| r.total).unwrap_or_default()),
                balance: Money(row.map(|r| r.balance).unwrap_or_default()),
                overdue: row.map_or(0, |r| r.overdue),
            }
        })
        .collect();
    let pending_chart = Chart::new(
        ChartKind::Pie,
        "Pedidos abiertos por estado",
        MetricUnit::Count,
        pending_by_status.iter().map(|s| s.status.as_str()).collect(),
        pending_by_status.iter().map(|s| s.label.clone()).collect(),
    )
    .with("orders", "Pedidos", pending_by_status.iter().map(|s| Some(Decimal::from(s.orders))).collect());
    let orders = figures.series(Metric::Orders);
    let by_month_chart =
        Chart::new(ChartKind::Bar, "Pedidos por mes", MetricUnit::Count, days.month_keys(), days.month_labels()).with(
            "orders",
            "Pedidos",
            orders[..TREND_MONTHS].to_vec(),
        );
    let delivery = figures.series(Metric::DeliveryDays);
    let delivery_days_chart = Chart::new(
        ChartKind::Line,
        "Días promedio de entrega",
        MetricUnit::Days,
        days.month_keys(),
        days.month_labels(),
    )
    .with("delivery_days", "Días", delivery[..TREND_MONTHS].to_vec());
    Ok(OrdersSection {
        pending_orders: pending_by_status.iter().map(|s| s.orders).sum(),
        pending_balance: Money(pending_by_status.iter().map(|s| s.balance.0).sum()),
        overdue_orders: pending_by_status.iter().map(|s| s.overdue).sum(),
        month_orders: count(figures.get(Metric::Orders, MONTH)),
        year_orders: count(figures.get(Metric::Orders, YEAR)),
        month_delivery_days: figures.get(Metric::DeliveryDays, MONTH),
        year_delivery_days: figures.get(Metric::DeliveryDays, YEAR),
        pending_by_status,
        pending_chart,
        by_month_chart,
        delivery_days_chart,
    })
}

fn clients_in(days: &Days, figures: &Figures) -> ClientsSection {
    let active = |i| count(figures.get(Metric::ActiveClients, i));
    let new = |i| count(figures.get(Metric::NewClients, i));
    let (month_active, month_new) = (active(MONTH), new(MONTH));
    let (year_active, year_new) = (active(YEAR), new(YEAR));
    let new_vs_returning_chart = Chart::new(
        ChartKind::Pie,
        "Clientes del mes: nuevos y recurrentes",
        MetricUnit::Count,
        vec!["new".into(), "returning".into()],
        vec!["Nuevos".into(), "Recurrentes".into()],
    )
    .with("clients", "Clientes", vec![Some(month_new.into()), Some((month_active - month_new).into())]);
    let months = 0..TREND_MONTHS;
    let by_month_chart = Chart::new(
        ChartKind::Bar,
        "Clientes activos por mes",
        MetricUnit::Count,
        days.month_keys(),
        days.month_labels(),
    )
    .with("new", "Nuevos", months.clone().map(|i| Some(new(i).into())).collect())
    .with("returning", "Recurrentes", months.map(|i| Some((active(i) - new(i)).into())).collect());
    ClientsSection {
        month_active,
        month_new,
        month_returning: month_active - month_new,
        year_active,
        year_new,
        year_returning: year_active - year_new,
        new_vs_returning_chart,
        by_month_chart,
    }
}

async fn workshop_in(db: &mut TenantDb, days: &Days, figures: &Figures) -> ApiResult<WorkshopSection> {
    let efficiency = figures.series(Metric::Efficiency);
    let efficiency_chart = Chart::new(
        ChartKind::Line,
        "Eficiencia de producción por mes",
        MetricUnit::Percent,
        days.month_keys(),
        days.month_labels(),
    )
    .with("efficiency", "Eficiencia", efficiency[..TREND_MONTHS].to_vec());
    Ok(WorkshopSection {
        low_stock: repo::low_stock(db).await?,
        month_efficiency_percent: figures.get(Metric::Efficiency, MONTH),
        year_efficiency_percent: figures.get(Metric::Efficiency, YEAR),
        month_waste_value: money(figures.get(Metric::WasteValue, MONTH)),
        year_waste_value: money(figures.get(Metric::WasteValue, YEAR)),
        efficiency_chart,
    })
}

/// The whole dashboard of `month` (`YYYY-MM`, default the current one).
pub async fn dashboard(user: &TenantUser, month: Option<&str>) -> ApiResult<Dashboard> {
    let days = days(user, month)?;
    let metrics = [Metric::Revenue, Metric::ActiveClients, Metric::DeliveryDays, Metric::Efficiency];
    let (mut db, figures) = open(user, &days, &metrics).await?;
    let dashboard = Dashboard {
        header: header(user, &days),
        revenue: revenue_in(user, &mut db, &days, &figures).await?,
        orders: orders_in(user, &mut db, &days, &figures).await?,
        clients: clients_in(&days, &figures),
        workshop: workshop_in(&mut db, &days, &figures).await?,
    };
    db.commit().await?;
    Ok(dashboard)
}

pub async fn revenue(user: &TenantUser, month: Option<&str>) -> ApiResult<RevenueDashboard> {
    let days = days(user, month)?;
    let (mut db, figures) = open(user, &days, &[Metric::Revenue]).await?;
    let revenue = revenue_in(user, &mut db, &days, &figures).await?;
    db.commit().await?;
    Ok(RevenueDashboard { header: header(user, &days), revenue })
}

pub async fn orders(user: &TenantUser, month: Option<&str>) -> ApiResult<OrdersDashboard> {
    let days = days(user, month)?;
    let (mut db, figures) = open(user, &days, &[Metric::Orders, Metric::DeliveryDays]).await?;
    let orders = orders_in(user, &mut db, &days, &figures).await?;
    db.commit().await?;
    Ok(OrdersDashboard { header: header(user, &days), orders })
}

pub async fn clients(user: &TenantUser, month: Option<&str>) -> ApiResult<ClientsDashboard> {
    let days = days(user, month)?;
    let (db, figures) = open(user, &days, &[Metric::ActiveClients]).await?;
    db.commit().await?;
    Ok(ClientsDashboard { header: header(user, &days), clients: clients_in(&days, &figures) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_written_yyyy_mm() {
        assert_eq!(parse_month("2025-02").unwrap(), NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
        for bad in ["2025-13", "2025-2", "febrero", "1999-12", "2025-02-01", ""] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }
}

//! What the dashboard answers with: figures an owner reads at a glance, and charts ready to
//! draw — each chart a kind (bar, line, pie), keys and Spanish labels for its axis or
//! slices, and one or more series of values in the chart's unit.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use rust_decimal::Decimal;

use crate::studio::kpis::model::MetricUnit;
use crate::studio::money::Money;
use crate::studio::orders::model::OrderStatus;
use crate::studio::reports::financial::RevenueKind;

/// How a chart is meant to be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Bar,
    Line,
    Pie,
}

/// One series of a chart: a value per label, `null` where there is none (an average over
/// nothing), so a line shows a gap rather than a false zero.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Series {
    /// A stable name for programs (`month`, `year`, `new`, ...).
    pub key: String,
    /// Its name for the legend, in Spanish.
    pub name: String,
    /// Decimal strings in the chart's unit, one per label.
    pub values: Vec<Option<Decimal>>,
}

/// A chart, ready for a charting library: `labels` on the axis (or the slices of a pie),
/// one value per label in each series.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Chart {
    pub kind: ChartKind,
    /// Its title, in Spanish.
    pub title: String,
    /// What the values count: money in the studio's currency, things, percent or days.
    pub unit: MetricUnit,
    /// Stable names of the labels (`2025-02`, `print`, `in_production`).
    pub keys: Vec<String>,
    /// The labels as a person reads them, in Spanish (`feb 2025`, `Impresiones`).
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    pub fn new(kind: ChartKind, title: &str, unit: MetricUnit, keys: Vec<String>, labels: Vec<String>) -> Chart {
        Chart { kind, title: title.to_owned(), unit, keys, labels, series: Vec::new() }
    }

    /// Adds a series, its values written with the chart's unit's places.
    pub fn with(mut self, key: &str, name: &str, values: Vec<Option<Decimal>>) -> Chart {
        let values = values.into_iter().map(|v| v.map(|v| self.unit.shaped(v))).collect();
        self.series.push(Series { key: key.to_owned(), name: name.to_owned(), values });
        self
    }
}

/// Whose dashboard, in what currency and time zone, over which days.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct DashboardHeader {
    /// The studio's name.
    pub studio: String,
    /// ISO 4217: every amount is in it.
    pub currency: String,
    /// The IANA time zone the days are counted in.
    pub timezone: String,
    /// The month shown (`YYYY-MM`).
    pub month: String,
    /// Its first day and its last (today, while it runs).
    pub month_from: NaiveDate,
    pub month_to: NaiveDate,
    /// The year's figures run from its January 1st to `month_to`.
    pub year_from: NaiveDate,
    /// Monthly charts cover the twelve months ending with the month shown.
    pub trend_from: NaiveDate,
    /// Pending orders and low stock are taken now, whatever the month shown.
    pub generated_at: DateTime<Utc>,
}

/// Revenue of one service (an order line's kind, or school packages).
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ServiceRevenue {
    pub service: RevenueKind,
    /// In Spanish.
    pub label: String,
    pub month: Money,
    pub year: Money,
}

/// What was sold, by service, in the month and in the year so far.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct RevenueSection {
    pub month_total: Money,
    pub year_total: Money,
    /// The same months a year earlier (the same days, while the month runs).
    pub month_total_last_year: Money,
    pub year_total_last_year: Money,
    /// Every service, in a fixed order, unsold ones with zero.
    pub by_service: Vec<ServiceRevenue>,
    /// Revenue per service, the month against the year (bar).
    pub by_service_chart: Chart,
    /// The month's revenue shared by service (pie).
    pub service_share_chart: Chart,
    /// Revenue per month, the last twelve against the same months a year earlier (line).
    pub by_month_chart: Chart,
}

/// Open orders of one status, now.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct StatusOrders {
    pub status: OrderStatus,
    /// In Spanish.
    pub label: String,
    pub orders: i64,
    pub total: Money,
    /// Still to be paid.
    pub balance: Money,
    /// Past their due date.
    pub overdue: i64,
}

/// Orders: those still open by status (now), how many were taken, how fast they are delivered.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct OrdersSection {
    /// Pending, confirmed, in production and ready: every one listed, empty ones with zero.
    pub pending_by_status: Vec<StatusOrders>,
    pub pending_orders: i64,
    pub pending_balance: Money,
    /// Open orders whose due date has passed.
    pub overdue_orders: i64,
    /// Orders taken (not cancelled) in the month and in the year so far.
    pub month_orders: i64,
    pub year_orders: i64,
    /// Average days from order to delivery of the orders delivered in the month, the year.
    pub month_delivery_days: Option<Decimal>,
    pub year_delivery_days: Option<Decimal>,
    /// Open orders by status (pie).
    pub pending_chart: Chart,
    /// Orders taken per month (bar).
    pub by_month_chart: Chart,
    /// Average delivery days per month (line).
    pub delivery_days_chart: Chart,
}

/// Clients with orders: how many, new or returning.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ClientsSection {
    /// Clients with an order (not cancelled) in the month.
    pub month_active: i64,
    /// Of them, those whose first order ever is in the month.
    pub month_new: i64,
    pub month_returning: i64,
    pub year_active: i64,
    pub year_new: i64,
    pub year_returning: i64,
    /// The month's active clients, new against returning (pie).
    pub new_vs_returning_chart: Chart,
    /// New and returning clients per month (bar, stacked).
    pub by_month_chart: Chart,
}

/// The workshop: stock to reorder and how much of the material used ends as work.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct WorkshopSection {
    /// Materials at or under their (non-zero) minimum now.
    pub low_stock: i64,
    /// Used ÷ (used + wasted), by value, in percent; none when nothing moved.
    pub month_efficiency_percent: Option<Decimal>,
    pub year_efficiency_percent: Option<Decimal>,
    pub month_waste_value: Money,
    pub year_waste_value: Money,
    /// Efficiency per month (line).
    pub efficiency_chart: Chart,
}

/// The whole dashboard.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Dashboard {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: DashboardHeader,
    pub revenue: RevenueSection,
    pub orders: OrdersSection,
    pub clients: ClientsSection,
    pub workshop: WorkshopSection,
}

/// `/api/dashboard/revenue`.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct RevenueDashboard {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: DashboardHeader,
    pub revenue: RevenueSection,
}

/// `/api/dashboard/orders`.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct OrdersDashboard {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: DashboardHeader,
    pub orders: OrdersSection,
}

/// `/api/dashboard/clients`.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ClientsDashboard {
    #[oai(flatten)]
    #[serde(flatten)]
    pub header: DashboardHeader,
    pub clients: ClientsSection,
}

/// An open order status in Spanish.
pub fn status_label(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending => "Pendiente",
        OrderStatus::Confirmed => "Confirmado",
        OrderStatus::InProduction => "En producción",
        OrderStatus::Ready => "Listo para entregar",
        OrderStatus::Delivered => "Entregado",
        OrderStatus::Cancelled => "Anulado",
    }
}

//! What every report shares: the names of the reports and of the export formats, the period
//! a report covers (the studio's local dates, both included) and the header every report
//! starts with.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use poem_openapi::{Enum, Object};

use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::period;

/// The reports there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReportName {
    /// Revenue, payments received, receivables.
    Financial,
    /// Stock valuation, low stock, movements.
    Inventory,
    /// Materials used and wasted, efficiency, output and lead times.
    Production,
}

impl ReportName {
    pub const ALL: [ReportName; 3] = [ReportName::Financial, ReportName::Inventory, ReportName::Production];

    /// The name as URLs write it (`financial`).
    pub fn key(self) -> &'static str {
        match self {
            ReportName::Financial => "financial",
            ReportName::Inventory => "inventory",
            ReportName::Production => "production",
        }
    }

    /// The report's title, in Spanish (what a file and its pages are called).
    pub fn title(self) -> &'static str {
        match self {
            ReportName::Financial => "Reporte financiero",
            ReportName::Inventory => "Reporte de inventario",
            ReportName::Production => "Reporte de producción",
        }
    }

    /// The start of a file name (ASCII only, as every browser saves it).
    pub fn file_stem(self) -> &'static str {
        match self {
            ReportName::Financial => "reporte-financiero",
            ReportName::Inventory => "reporte-inventario",
            ReportName::Production => "reporte-produccion",
        }
    }
}

/// The files a report exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A printable document with a chart.
    Pdf,
    /// An XLSX workbook with typed cells, one sheet per section.
    Excel,
    /// RFC 4180 text, UTF-8 with BOM, in the studio's export locale.
    Csv,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Pdf, ExportFormat::Excel, ExportFormat::Csv];

    /// The name as the URL writes it.
    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Excel => "excel",
            ExportFormat::Csv => "csv",
        }
    }

    /// The file's media type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "application/pdf",
            ExportFormat::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Excel => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }
}

/// `value` as one of `names`, or a failure of `field` listing them.
fn one_of<T: Copy>(checks: &mut Checks, field: &str, value: &str, all: &[T], key: fn(T) -> &'static str) -> Option<T> {
    let found = all.iter().copied().find(|item| key(*item) == value.trim());
    if found.is_none() {
        let names: Vec<&str> = all.iter().map(|item| key(*item)).collect();
        checks.fail(field, format!("must be one of {}", names.join(", ")));
    }
    found
}

/// An export request's `format` and `report`, both checked (422 naming each unknown one).
pub fn export_target(format: &str, report: &str) -> ApiResult<(ExportFormat, ReportName)> {
    let mut checks = Checks::new();
    let format = one_of(&mut checks, "format", format, &ExportFormat::ALL, ExportFormat::key);
    let report = one_of(&mut checks, "report", report, &ReportName::ALL, ReportName::key);
    checks.finish()?;
    match (format, report) {
        (Some(format), Some(report)) => Ok((format, report)),
        _ => Err(ApiError::internal("a checked export target went missing")),
    }
}

/// The longest period a report covers: five years.
pub const MAX_YEARS: u32 = 5;

/// The period a report covers: `from` and `to` are the studio's local dates, both included;
/// `starts` and `ends` are the instants the database compares (`ends` is the first instant
/// after `to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
}

impl Period {
    /// The period asked for in `tz`, where `today` is the studio's date. Absent `to` is
    /// today; absent `from` is the first of January of `to`'s year. 422 naming `from` or
    /// `to` for a date outside 2000–2100, `to` before `from`, or more than five years.
    pub fn resolve(tz: Tz, today: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>) -> ApiResult<Period> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to.with_month(1).and_then(|d| d.with_day(1)).unwrap_or(to));
        let instants = period::instants(tz, Some(from), Some(to))?;
        if from.checked_add_months(Months::new(12 * MAX_YEARS)).is_none_or(|limit| to >= limit) {
            return Err(ApiError::invalid("to", format!("a report covers at most {MAX_YEARS} years")));
        }
        match (instants.from, instants.until) {
            (Some(starts), Some(ends)) => Ok(Period { from, to, starts, ends }),
            _ => Err(ApiError::invalid("to", "is not a date the studio's calendar has")),
        }
    }
}

/// What every report starts with: whose, in what currency and time zone, over what period.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ReportHeader {
    pub report: ReportName,
    /// The studio's name.
    pub studio: String,
    /// ISO 4217: every amount of the report is in it.
    pub currency: String,
    /// The IANA time zone the period's days are counted in.
    pub timezone: String,
    /// The first day of the period (the studio's date), included.
    pub from: NaiveDate,
    /// The last day of the period, included.
    pub to: NaiveDate,
    pub generated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fields(result: ApiResult<Period>) -> Vec<String> {
        match result {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn the_period_defaults_to_the_year_so_far_and_counts_the_studios_days() {
        let tz = chrono_tz::America::La_Paz;
        let p = Period::resolve(tz, date("2025-03-10"), None, None).unwrap();
        assert_eq!((p.from, p.to), (date("2025-01-01"), date("2025-03-10")));
        assert_eq!(p.starts.to_rfc3339(), "2025-01-01T04:00:00+00:00");
        assert_eq!(p.ends.to_rfc3339(), "2025-03-11T04:00:00+00:00");
    }

    #[test]
    fn reversed_absurd_and_over_long_periods_are_named() {
        let tz = chrono_tz::America::Santiago;
        let today = date("2025-06-01");
        assert_eq!(fields(Period::resolve(tz, today, Some(date("2025-02-01")), Some(date("2025-01-31")))), ["to"]);
        assert_eq!(fields(Period::resolve(tz, today, Some(date("1900-01-01")), Some(date("2025-01-31")))), ["from"]);
        assert_eq!(fields(Period::resolve(tz, today, Some(date("2020-01-01")), Some(date("2025-01-01")))), ["to"]);
        assert!(Period::resolve(tz, today, Some(date("2020-01-01")), Some(date("2024-12-31"))).is_ok());
    }

    #[test]
    fn unknown_formats_and_reports_are_both_named() {
        let failed = |f: &str, r: &str| match export_target(f, r) {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("expected 422, got {other:?}"),
        };
        assert_eq!(failed("docx", "sales"), ["format", "report"]);
        assert_eq!(failed("pdf", "sales"), ["report"]);
        assert_eq!(export_target("excel", "inventory").unwrap(), (ExportFormat::Excel, ReportName::Inventory));
    }
}

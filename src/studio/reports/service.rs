//! The rules of reports: the period (the studio's days, at most five years), who may see
//! which report (the financial one is the accountants' too; inventory and production are
//! the workshop's), one read-only snapshot per report, and files named after the report,
//! the studio and the period.

use chrono::NaiveDate;

use crate::auth::extract::TenantUser;
use crate::auth::permissions::Permission;
use crate::db::TenantDb;
use crate::export::{self, Document};
use crate::http::{ApiError, ApiResult};
use crate::studio::reports::export::layout;
use crate::studio::reports::financial::{self, FinancialReport};
use crate::studio::reports::inventory::{self, InventoryReport};
use crate::studio::reports::model::{ExportFormat, Period, ReportHeader, ReportName, export_target};
use crate::studio::reports::production::{self, ProductionReport};
use crate::studio::reports::repo;
use crate::studio::settings;

/// A report as a file.
#[derive(Debug)]
pub struct ExportFile {
    pub content_type: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn period(user: &TenantUser, from: Option<NaiveDate>, to: Option<NaiveDate>) -> ApiResult<Period> {
    Period::resolve(user.tenant.tz(), user.tenant.today(), from, to)
}

/// A read-only, repeatable-read unit of work on the caller's studio.
async fn snapshot(user: &TenantUser) -> ApiResult<TenantDb> {
    let mut db = user.begin().await?;
    repo::snapshot(&mut db).await?;
    Ok(db)
}

fn header(user: &TenantUser, report: ReportName, period: &Period) -> ReportHeader {
    ReportHeader {
        report,
        studio: user.tenant.name.clone(),
        currency: user.tenant.currency.clone(),
        timezone: user.tenant.timezone.clone(),
        from: period.from,
        to: period.to,
        generated_at: chrono::Utc::now(),
    }
}

async fn financial_in(db: &mut TenantDb, user: &TenantUser, period: &Period) -> ApiResult<FinancialReport> {
    let tz = &user.tenant.timezone;
    Ok(FinancialReport {
        header: header(user, ReportName::Financial, period),
        revenue: financial::revenue(db, period, tz).await?,
        payments: financial::payments(db, period, tz).await?,
        receivables: financial::receivables(db, period).await?,
    })
}

async fn inventory_in(db: &mut TenantDb, user: &TenantUser, period: &Period) -> ApiResult<InventoryReport> {
    let (valuation, low_stock, movements) = inventory::figures(db, period).await?;
    Ok(InventoryReport { header: header(user, ReportName::Inventory, period), valuation, low_stock, movements })
}

async fn production_in(db: &mut TenantDb, user: &TenantUser, period: &Period) -> ApiResult<ProductionReport> {
    Ok(production::report(db, header(user, ReportName::Production, period), period).await?)
}

pub async fn financial(
    user: &TenantUser,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<FinancialReport> {
    let period = period(user, from, to)?;
    let mut db = snapshot(user).await?;
    let report = financial_in(&mut db, user, &period).await?;
    db.commit().await?;
    Ok(report)
}

pub async fn inventory(
    user: &TenantUser,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<InventoryReport> {
    let period = period(user, from, to)?;
    let mut db = snapshot(user).await?;
    let report = inventory_in(&mut db, user, &period).await?;
    db.commit().await?;
    Ok(report)
}

pub async fn production(
    user: &TenantUser,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<ProductionReport> {
    let period = period(user, from, to)?;
    let mut db = snapshot(user).await?;
    let report = production_in(&mut db, user, &period).await?;
    db.commit().await?;
    Ok(report)
}

/// `report` over the period as a `format` file. Unknown names are a 422 naming `format`
/// and `report`; the inventory and production reports need the workshop's reports
/// permission (403 for an accountant).
pub async fn export(
    user: &TenantUser,
    format: &str,
    report: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<ExportFile> {
    let (format, report) = export_target(format, report)?;
    if report != ReportName::Financial && !user.may(Permission::ReadWorkshopReports) {
        return Err(ApiError::forbidden());
    }
    let period = period(user, from, to)?;
    let tz = user.tenant.tz();
    let mut db = snapshot(user).await?;
    let settings = settings::load(&mut db, &user.tenant).await?;
    let document = match report {
        ReportName::Financial => layout::financial(&financial_in(&mut db, user, &period).await?, &settings, tz),
        ReportName::Inventory => layout::inventory(&inventory_in(&mut db, user, &period).await?, &settings, tz),
        ReportName::Production => layout::production(&production_in(&mut db, user, &period).await?, &settings, tz),
    };
    db.commit().await?;
    let bytes = render(format, document).await?;
    let file_name =
        format!("{}-{}-{}_{}.{}", report.file_stem(), user.tenant.slug, period.from, period.to, format.extension());
    Ok(ExportFile { content_type: format.content_type(), file_name, bytes })
}

/// Writes the file off the async workers: a PDF or a workbook is CPU work.
async fn render(format: ExportFormat, document: Document) -> ApiResult<Vec<u8>> {
    let written = tokio::task::spawn_blocking(move || match format {
        ExportFormat::Pdf => export::pdf::write(&document),
        ExportFormat::Excel => export::xlsx::write(&document).map_err(|e| e.to_string()),
        ExportFormat::Csv => Ok(export::csv::write(&document)),
    })
    .await
    .map_err(ApiError::internal)?;
    written.map_err(ApiError::internal)
}

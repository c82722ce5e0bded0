//! `/api/reports`: the financial, inventory and production reports as JSON, and any of them
//! as a PDF, XLSX or CSV file.

use chrono::NaiveDate;
use poem::http::header::CONTENT_DISPOSITION;
use poem::{IntoResponse, Response};
use poem_openapi::param::{Path, Query};
use poem_openapi::registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef};
use poem_openapi::types::Type;
use poem_openapi::{ApiResponse, OpenApi};

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::routes::ApiTags;
use crate::studio::reports::financial::FinancialReport;
use crate::studio::reports::inventory::InventoryReport;
use crate::studio::reports::model::ExportFormat;
use crate::studio::reports::production::ProductionReport;
use crate::studio::reports::service::{self, ExportFile};

pub struct ReportsApi;

impl IntoResponse for ExportFile {
    fn into_response(self) -> Response {
        Response::builder()
            .content_type(self.content_type)
            .header(CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", self.file_name))
            .header("x-content-type-options", "nosniff")
            .header("cache-control", "private, no-store")
            .body(self.bytes)
    }
}

impl ApiResponse for ExportFile {
    fn meta() -> MetaResponses {
        let binary =
            MetaSchemaRef::Inline(Box::new(MetaSchema { format: Some("binary"), ..MetaSchema::new("string") }));
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The report as a file: PDF, XLSX or CSV as asked",
                status: Some(200),
                status_range: None,
                content: ExportFormat::ALL
                    .iter()
                    .map(|format| MetaMediaType { content_type: format.content_type(), schema: binary.clone() })
                    .collect(),
                headers: vec![MetaHeader {
                    name: "Content-Disposition".to_owned(),
                    description: Some(
                        "`attachment; filename=\"reporte-financiero-<studio>-<from>_<to>.pdf\"`".to_owned(),
                    ),
                    required: true,
                    deprecated: false,
                    schema: String::schema_ref(),
                }],
            }],
        }
    }

    fn register(_registry: &mut poem_openapi::registry::Registry) {}
}

#[OpenApi(prefix_path = "/api/reports", tag = "ApiTags::Reports")]
impl ReportsApi {
    /// Revenue by month and by item kind (orders not cancelled, by order date; school
    /// packages as their own line), payments received by method and by month, and
    /// receivables at `to` aged 0–30, 31–60, 61–90 and over 90 days. `from`/`to` are the
    /// studio's dates, both included (default: the year so far), at most five years apart.
    #[oai(path = "/financial", method = "get")]
    async fn financial(
        &self,
        user: TenantUser,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<FinancialReport>> {
        Ok(JsonOut(service::financial(&user, from.0, to.0).await?))
    }

    /// Stock valuation by category and material at `to`, materials at or under their
    /// minimum then, and the period's movements by kind and category (opening + movements =
    /// closing value).
    #[oai(path = "/inventory", method = "get")]
    async fn inventory(
        &self,
        user: TenantUser,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<InventoryReport>> {
        Ok(JsonOut(service::inventory(&user, from.0, to.0).await?))
    }

    /// Materials used against wasted by material and category, efficiency, waste by reason,
    /// the workshop's output and production lead times over the period.
    #[oai(path = "/production", method = "get")]
    async fn production(
        &self,
        user: TenantUser,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<ProductionReport>> {
        Ok(JsonOut(service::production(&user, from.0, to.0).await?))
    }

    /// A report as a file: `format` is `pdf` (with a chart, page numbers, Spanish labels),
    /// `excel` (XLSX, a sheet per section, typed cells) or `csv` (RFC 4180, UTF-8 with BOM,
    /// `;` where the studio's export locale writes a decimal comma); `report` is
    /// `financial`, `inventory` or `production`. Unknown ones are 422 naming the field.
    #[oai(path = "/export/:format", method = "get")]
    async fn export(
        &self,
        user: TenantUser,
        #[oai(validator(max_length = 40))] format: Path<String>,
        #[oai(validator(max_length = 40))] report: Query<String>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<ExportFile> {
        service::export(&user, &format.0, &report.0, from.0, to.0).await
    }
}

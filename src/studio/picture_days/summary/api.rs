//! `/api/contracts/{id}/summary`: the picture day's figures.

use poem_openapi::OpenApi;
use poem_openapi::param::Path;
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::routes::ApiTags;
use crate::studio::picture_days::summary::model::PictureDaySummary;
use crate::studio::picture_days::summary::service;

pub struct SummaryApi;

#[OpenApi(prefix_path = "/api/contracts", tag = "ApiTags::PictureDays")]
impl SummaryApi {
    /// A contract's picture day: students and how many ordered, packages sold (count and
    /// revenue each), revenue with late fees, and the commission owed to the school.
    #[oai(path = "/:id/summary", method = "get")]
    async fn summary(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<PictureDaySummary>> {
        Ok(JsonOut(service::summary(&user, id.0).await?))
    }
}

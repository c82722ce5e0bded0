//! `/api/quotes/frame`: price a frame from its sizes and materials.

use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::routes::ApiTags;
use crate::studio::quotes::model::{FrameQuote, FrameQuoteInput};
use crate::studio::quotes::service;

/// The frame quote route.
pub struct QuotesApi;

#[OpenApi(prefix_path = "/api/quotes", tag = "ApiTags::Quotes")]
impl QuotesApi {
    /// Price a frame: outer size = artwork + 2 × mat border; moulding = 2 × (outer width +
    /// height) + 8 × its width for the mitres + the studio's waste allowance; glazing,
    /// backing and mat board by the outer area; each material's cost × the studio's markup
    /// for its kind, plus labour (fixed + per metre of moulding), rounded to the studio's
    /// step. Every intermediate figure is in the answer, and `frame_item` is the order item
    /// (kind `frame`) it becomes. Nothing is stored.
    #[oai(path = "/frame", method = "post")]
    async fn frame(&self, user: TenantUser, body: Json<FrameQuoteInput>) -> ApiResult<JsonOut<FrameQuote>> {
        Ok(JsonOut(service::frame(&user, &body).await?))
    }
}

//! Platform operators' sessions (`/api/platform/auth/...`): the same hashing, throttling and
//! refresh-token rules as a studio's users, kept in the shared schema. Their tokens carry
//! `scope: platform` and no `tid`.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use crate::app::AppState;
use crate::auth::{LoginRequest, RefreshRequest, TokenResponse};
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::request_context::RequestOrigin;
use crate::http::responses::NoContent;
use crate::routes::ApiTags;

pub struct PlatformAuthApi;

#[OpenApi(prefix_path = "/api/platform/auth", tag = "ApiTags::PlatformAuth")]
impl PlatformAuthApi {
    /// Sign in as a platform operator; the tokens work on platform routes only.
    #[oai(path = "/login", method = "post")]
    async fn login(
        &self,
        state: Data<&Arc<AppState>>,
        origin: RequestOrigin,
        body: Json<LoginRequest>,
    ) -> ApiResult<JsonOut<TokenResponse>> {
        Ok(JsonOut(state.sessions.operator_login(&origin, &body.email, &body.password).await?))
    }

    /// Exchange an operator's refresh token for a new pair (used once; reuse revokes the
    /// whole sign-in).
    #[oai(path = "/refresh", method = "post")]
    async fn refresh(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<RefreshRequest>,
    ) -> ApiResult<JsonOut<TokenResponse>> {
        Ok(JsonOut(state.sessions.operator_refresh(&body.refresh_token).await?))
    }

    /// Sign out: revokes the refresh token and its sign-in. Always 204.
    #[oai(path = "/logout", method = "post")]
    async fn logout(&self, state: Data<&Arc<AppState>>, body: Json<RefreshRequest>) -> ApiResult<NoContent> {
        state.sessions.operator_logout(&body.refresh_token).await?;
        Ok(NoContent::Done)
    }
}

//! `POST /api/platform/auth/login`: operator sign-in, answering a platform token.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use crate::app::AppState;
use crate::auth::{LoginRequest, TokenResponse, bad_credentials, operators};
use crate::http::json::JsonOut;
use crate::http::{ApiResult, ApiTags};

pub struct PlatformAuthApi;

#[OpenApi(prefix_path = "/api/platform/auth", tag = "ApiTags::PlatformAuth")]
impl PlatformAuthApi {
    /// Sign in as a platform operator; the token works on platform routes only.
    #[oai(path = "/login", method = "post")]
    async fn login(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<LoginRequest>,
    ) -> ApiResult<JsonOut<TokenResponse>> {
        let operator = operators::find_by_email(&state.db.catalog, body.email.trim()).await?;
        let hash = operator.as_ref().map(|o| o.password_hash.as_str());
        let verified = state.passwords.verify(&body.password, hash).await;
        let operator = match operator {
            Some(op) if verified && op.active => op,
            _ => return Err(bad_credentials()),
        };
        operators::record_login(&state.db.catalog, operator.id).await?;
        Ok(JsonOut(TokenResponse::bearer(
            state.jwt.issue_platform(operator.id),
        )))
    }
}

//! Platform operators' sessions (`/api/platform/auth/...`): the same hashing, throttling and
//! refresh-token rules as a studio's users, kept in the shared schema. Their tokens carry
//! `scope: platform` and no `tid`.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use crate::app::AppState;
use crate::auth::jwt::Subject;
use crate::auth::refresh::{self, Rotation, Store};
use crate::auth::{LoginRequest, RefreshRequest, TokenResponse, bad_credentials, bad_refresh, operators};
use crate::http::json::JsonOut;
use crate::http::request_context::RequestOrigin;
use crate::http::responses::NoContent;
use crate::http::{ApiResult, ApiTags};

pub struct PlatformAuthApi;

fn operator_token(state: &AppState, id: uuid::Uuid, session: refresh::Issued) -> TokenResponse {
    let access = state.jwt.issue(Subject { id, tenant: None, role: "operator", family: Some(session.family) });
    TokenResponse::new(access, session)
}

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
        let email = body.email.trim();
        state.login_guard.check(None, email, origin.ip)?;
        let operator = operators::find_by_email(&state.db.catalog, email).await?;
        let hash = operator.as_ref().map(|o| o.password_hash.as_str());
        let verified = state.passwords.verify(&body.password, hash).await;
        let operator = match operator {
            Some(op) if verified && op.active => op,
            _ => {
                state.login_guard.failed(None, email, origin.ip);
                tracing::warn!(operator.email = %email, "operator sign-in failed");
                return Err(bad_credentials());
            }
        };
        state.login_guard.succeeded(None, email);
        operators::record_login(&state.db.catalog, operator.id).await?;
        let mut conn = state.db.catalog.acquire().await?;
        let ttl = state.settings.auth.refresh_token_ttl_seconds;
        let session = refresh::start_family(&mut *conn, Store::Platform, operator.id, ttl).await?;
        Ok(JsonOut(operator_token(&state, operator.id, session)))
    }

    /// Exchange an operator's refresh token for a new pair (used once; reuse revokes the
    /// whole sign-in).
    #[oai(path = "/refresh", method = "post")]
    async fn refresh(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<RefreshRequest>,
    ) -> ApiResult<JsonOut<TokenResponse>> {
        let mut tx = state.db.catalog.begin().await?;
        let ttl = state.settings.auth.refresh_token_ttl_seconds;
        let rotation = refresh::rotate(&mut *tx, Store::Platform, &body.refresh_token, ttl).await?;
        match rotation {
            Rotation::Rotated { subject, issued } => {
                if !operators::is_active(&mut tx, subject).await? {
                    refresh::revoke_family(&mut *tx, Store::Platform, issued.family).await?;
                    tx.commit().await?;
                    return Err(bad_refresh());
                }
                tx.commit().await?;
                Ok(JsonOut(operator_token(&state, subject, issued)))
            }
            Rotation::Reused { subject, family } => {
                tracing::warn!(operator.id = %subject, %family, "operator refresh token reused: sign-in revoked");
                tx.commit().await?;
                Err(bad_refresh())
            }
            Rotation::Invalid => Err(bad_refresh()),
        }
    }

    /// Sign out: revokes the refresh token and its sign-in. Always 204.
    #[oai(path = "/logout", method = "post")]
    async fn logout(&self, state: Data<&Arc<AppState>>, body: Json<RefreshRequest>) -> ApiResult<NoContent> {
        let mut conn = state.db.catalog.acquire().await?;
        refresh::revoke_by_token(&mut *conn, Store::Platform, &body.refresh_token).await?;
        Ok(NoContent::Done)
    }
}

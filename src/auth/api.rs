//! A studio user's session and own account: sign-in, refresh, sign-out, profile, avatar,
//! password (`/api/auth/...`).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use crate::app::AppState;
use crate::auth::extract::TenantUser;
use crate::auth::users::model::{PasswordChange, ProfileUpdate, UserView};
use crate::auth::users::service;
use crate::auth::{LoginRequest, RefreshRequest, TokenResponse};
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::request_context::RequestOrigin;
use crate::http::responses::{Image, NoContent};
use crate::images::ImageUpload;
use crate::routes::ApiTags;
use crate::tenancy::resolve::RequestTenant;

pub struct AuthApi;

#[OpenApi(prefix_path = "/api/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Sign in to this studio: an access token (15 minutes) and a refresh token (7 days).
    /// Repeated failures for one account or from one address answer 429 for a while.
    #[oai(path = "/login", method = "post")]
    async fn login(
        &self,
        state: Data<&Arc<AppState>>,
        tenant: Data<&RequestTenant>,
        origin: RequestOrigin,
        body: Json<LoginRequest>,
    ) -> ApiResult<JsonOut<TokenResponse>> {
        let tenant = tenant.require()?;
        Ok(JsonOut(state.sessions.login(&tenant, &origin, &body.email, &body.password).await?))
    }

    /// Exchange a refresh token for a new pair. Each refresh token works once; presenting a
    /// used one again signs out every session that descends from the same sign-in.
    #[oai(path = "/refresh", method = "post")]
    async fn refresh(
        &self,
        state: Data<&Arc<AppState>>,
        tenant: Data<&RequestTenant>,
        origin: RequestOrigin,
        body: Json<RefreshRequest>,
    ) -> ApiResult<JsonOut<TokenResponse>> {
        let tenant = tenant.require()?;
        Ok(JsonOut(state.sessions.refresh(&tenant, &origin, &body.refresh_token).await?))
    }

    /// Sign out: revokes the refresh token and every token of its sign-in. Always 204.
    #[oai(path = "/logout", method = "post")]
    async fn logout(
        &self,
        state: Data<&Arc<AppState>>,
        tenant: Data<&RequestTenant>,
        origin: RequestOrigin,
        body: Json<RefreshRequest>,
    ) -> ApiResult<NoContent> {
        let tenant = tenant.require()?;
        state.sessions.logout(&tenant, &origin, &body.refresh_token).await?;
        Ok(NoContent::Done)
    }

    /// The signed-in user's profile.
    #[oai(path = "/profile", method = "get")]
    async fn profile(&self, user: TenantUser) -> ApiResult<JsonOut<UserView>> {
        Ok(JsonOut(service::me(&user).await?.into()))
    }

    /// Change one's own name and phone.
    #[oai(path = "/profile", method = "put")]
    async fn update_profile(&self, user: TenantUser, body: Json<ProfileUpdate>) -> ApiResult<JsonOut<UserView>> {
        Ok(JsonOut(service::update_profile(&user, &body).await?))
    }

    /// Change one's own password (the current one is required). Every other session of the
    /// account is signed out; this one stays.
    #[oai(path = "/change-password", method = "post")]
    async fn change_password(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        body: Json<PasswordChange>,
    ) -> ApiResult<NoContent> {
        service::change_password(&user, &state.sessions, &body).await?;
        Ok(NoContent::Done)
    }

    /// One's own avatar image.
    #[oai(path = "/profile/avatar", method = "get")]
    async fn avatar(&self, state: Data<&Arc<AppState>>, user: TenantUser) -> ApiResult<Image> {
        service::avatar(&user, &state.images).await
    }

    /// Upload one's avatar (multipart field `file`): JPEG, PNG or WebP, at most 2 MiB.
    #[oai(path = "/profile/avatar", method = "put")]
    async fn upload_avatar(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        upload: ImageUpload,
    ) -> ApiResult<JsonOut<UserView>> {
        let bytes = upload.bytes().await?;
        Ok(JsonOut(service::set_avatar(&user, &state.images, &bytes).await?))
    }
}

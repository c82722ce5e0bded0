//! A studio user's session and own account: sign-in, refresh, sign-out, profile, avatar,
//! password (`/api/auth/...`).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{Multipart, OpenApi};
use serde_json::json;

use crate::app::AppState;
use crate::auth::extract::TenantUser;
use crate::auth::jwt::Subject;
use crate::auth::refresh::{self, Rotation, Store};
use crate::auth::{LoginRequest, RefreshRequest, TokenResponse, bad_credentials, bad_refresh};
use crate::http::json::JsonOut;
use crate::http::request_context::RequestOrigin;
use crate::http::responses::{Image, NoContent};
use crate::http::{ApiError, ApiResult, ApiTags};
use crate::studio::audit::{self, AuditContext, Entry};
use crate::studio::users::avatar::{self, MAX_BYTES};
use crate::studio::users::model::{PasswordChange, ProfileUpdate, User, UserView};
use crate::studio::users::{repo, service};
use crate::tenancy::resolve::RequestTenant;

pub struct AuthApi;

/// An avatar upload: one file in the form field `file`.
#[derive(Debug, Multipart)]
pub struct AvatarUpload {
    /// A JPEG, PNG or WebP image of at most 2 MiB (the type is read from the content).
    pub file: Upload,
}

fn anonymous(origin: &RequestOrigin) -> AuditContext {
    AuditContext { actor_id: None, request_id: origin.request_id.clone(), ip: origin.ip }
}

/// An access token for `user` of the studio, paired with the sign-in's refresh token.
fn user_tokens(state: &AppState, tenant: uuid::Uuid, user: &User, session: refresh::Issued) -> TokenResponse {
    let subject = Subject { id: user.id, tenant: Some(tenant), role: user.role.as_str(), family: Some(session.family) };
    TokenResponse::new(state.jwt.issue(subject), session)
}

/// The signed-in user's own row; a deleted or deactivated account is signed out (401).
async fn me(state: &AppState, user: &TenantUser) -> ApiResult<User> {
    let mut db = state.db.tenants.acquire(&user.tenant.schema).await?;
    match repo::find_by_id(&mut db, user.user_id).await? {
        Some(found) if found.active => Ok(found),
        _ => Err(ApiError::Unauthorized("this account no longer exists or is inactive".to_owned())),
    }
}

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
        let email = body.email.trim();
        state.login_guard.check(Some(tenant.id), email, origin.ip)?;
        let mut db = state.db.tenants.acquire(&tenant.schema).await?;
        let user = repo::find_by_email(&mut db, email).await?;
        // Verified even when the user does not exist, so both cases take the same time.
        let verified = state.passwords.verify(&body.password, user.as_ref().map(|u| u.password_hash.as_str())).await;
        let user = match user {
            Some(user) if verified && user.active => user,
            other => {
                state.login_guard.failed(Some(tenant.id), email, origin.ip);
                let reason = match &other {
                    None => "unknown_email",
                    Some(u) if !u.active => "inactive",
                    Some(_) => "wrong_password",
                };
                let entry = Entry::new(
                    "auth.login_failed",
                    "user",
                    other.map(|u| u.id.to_string()),
                    json!({"email": email, "reason": reason}),
                );
                db.begin().await?;
                audit::record(&mut db, &anonymous(&origin), entry).await?;
                db.commit().await?;
                return Err(bad_credentials());
            }
        };
        state.login_guard.succeeded(Some(tenant.id), email);
        let ctx = AuditContext { actor_id: Some(user.id), ..anonymous(&origin) };
        db.begin().await?;
        repo::record_login(&mut db, user.id).await?;
        let session =
            refresh::start_family(&mut db, Store::Tenant, user.id, state.settings.auth.refresh_token_ttl_seconds)
                .await?;
        audit::record(&mut db, &ctx, Entry::new("auth.login", "user", Some(user.id.to_string()), json!({}))).await?;
        db.commit().await?;
        Ok(JsonOut(user_tokens(&state, tenant.id, &user, session)))
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
        let mut db = state.db.tenants.acquire(&tenant.schema).await?;
        db.begin().await?;
        let ttl = state.settings.auth.refresh_token_ttl_seconds;
        match refresh::rotate(&mut db, Store::Tenant, &body.refresh_token, ttl).await? {
            Rotation::Rotated { subject, issued } => {
                let user = repo::find_by_id(&mut db, subject).await?.filter(|u| u.active);
                let Some(user) = user else {
                    // Deactivated (or deleted) since: the family ends here.
                    refresh::revoke_family(&mut db, Store::Tenant, issued.family).await?;
                    db.commit().await?;
                    return Err(bad_refresh());
                };
                db.commit().await?;
                Ok(JsonOut(user_tokens(&state, tenant.id, &user, issued)))
            }
            Rotation::Reused { subject, family } => {
                let ctx = AuditContext { actor_id: Some(subject), ..anonymous(&origin) };
                let entry = Entry::new(
                    "auth.refresh_reuse_detected",
                    "user",
                    Some(subject.to_string()),
                    json!({"family": family}),
                );
                audit::record(&mut db, &ctx, entry).await?;
                db.commit().await?;
                Err(bad_refresh())
            }
            Rotation::Invalid => Err(bad_refresh()),
        }
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
        let mut db = state.db.tenants.acquire(&tenant.schema).await?;
        db.begin().await?;
        if let Some((family, subject)) = refresh::revoke_by_token(&mut db, Store::Tenant, &body.refresh_token).await? {
            let ctx = AuditContext { actor_id: Some(subject), ..anonymous(&origin) };
            audit::record(
                &mut db,
                &ctx,
                Entry::new("auth.logout", "user", Some(subject.to_string()), json!({"family": family})),
            )
            .await?;
        }
        db.commit().await?;
        Ok(NoContent::Done)
    }

    /// The signed-in user's profile.
    #[oai(path = "/profile", method = "get")]
    async fn profile(&self, state: Data<&Arc<AppState>>, user: TenantUser) -> ApiResult<JsonOut<UserView>> {
        Ok(JsonOut(me(&state, &user).await?.into()))
    }

    /// Change one's own name and phone.
    #[oai(path = "/profile", method = "put")]
    async fn update_profile(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        body: Json<ProfileUpdate>,
    ) -> ApiResult<JsonOut<UserView>> {
        me(&state, &user).await?;
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        Ok(JsonOut(service::update_profile(db, &user.audit(), user.user_id, &body).await?))
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
        let me = me(&state, &user).await?;
        let guard = &state.login_guard;
        guard.check(Some(user.tenant.id), &me.email, user.ip)?;
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        let changed = service::change_password(
            db,
            &user.audit(),
            &state.passwords,
            &me,
            user.family,
            &body.old_password,
            &body.new_password,
        )
        .await;
        if let Err(ApiError::Validation(errors)) = &changed
            && errors.iter().any(|e| e.field == "old_password")
        {
            guard.failed(Some(user.tenant.id), &me.email, user.ip);
        }
        changed.map(|()| NoContent::Done)
    }

    /// One's own avatar image.
    #[oai(path = "/profile/avatar", method = "get")]
    async fn avatar(&self, state: Data<&Arc<AppState>>, user: TenantUser) -> ApiResult<Image> {
        let me = me(&state, &user).await?;
        let (Some(file), Some(content_type)) = (me.avatar_file, me.avatar_content_type) else {
            return Err(ApiError::not_found("avatar"));
        };
        let bytes = state.avatars.read(user.tenant.id, &file).await.map_err(|e| {
            tracing::warn!(error = %e, "avatar file missing");
            ApiError::not_found("avatar")
        })?;
        Ok(Image { bytes, content_type })
    }

    /// Upload one's avatar (multipart field `file`): JPEG, PNG or WebP, at most 2 MiB.
    #[oai(path = "/profile/avatar", method = "put")]
    async fn upload_avatar(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        upload: AvatarUpload,
    ) -> ApiResult<JsonOut<UserView>> {
        let me = me(&state, &user).await?;
        let bytes = upload.file.into_vec().await.map_err(|_| ApiError::BadRequest {
            code: "invalid_body",
            detail: "the upload could not be read".to_owned(),
        })?;
        if bytes.len() > MAX_BYTES {
            return Err(ApiError::PayloadTooLarge("an avatar is at most 2 MiB".to_owned()));
        }
        let Some((content_type, extension)) = avatar::sniff(&bytes) else {
            return Err(ApiError::invalid("file", "must be a JPEG, PNG or WebP image"));
        };
        let file = state.avatars.save(user.tenant.id, &bytes, extension).await.map_err(ApiError::internal)?;
        let mut db = state.db.tenants.acquire(&user.tenant.schema).await?;
        db.begin().await?;
        repo::set_avatar(&mut db, me.id, &file, content_type).await?;
        let changes = json!({"content_type": content_type, "bytes": bytes.len()});
        audit::record(
            &mut db,
            &user.audit(),
            Entry::new("user.avatar_changed", "user", Some(me.id.to_string()), changes),
        )
        .await?;
        db.commit().await?;
        if let Some(old) = &me.avatar_file {
            state.avatars.remove(user.tenant.id, old).await;
        }
        let mut view = UserView::from(me);
        view.has_avatar = true;
        Ok(JsonOut(view))
    }
}

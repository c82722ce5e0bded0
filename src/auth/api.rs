//! A studio user's sign-in and own profile: `POST /api/auth/login`, `GET /api/auth/profile`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::extract::TenantUser;
use crate::auth::permissions::Permission;
use crate::auth::roles::Role;
use crate::auth::{LoginRequest, TokenResponse, bad_credentials};
use crate::http::json::JsonOut;
use crate::http::{ApiError, ApiResult, ApiTags};
use crate::studio::users::model::User;
use crate::studio::users::repo;
use crate::tenancy::resolve::RequestTenant;

pub struct AuthApi;

/// The signed-in user.
#[derive(Debug, Object, serde::Serialize)]
pub struct Profile {
    pub id: Uuid,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub phone: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<User> for Profile {
    fn from(u: User) -> Profile {
        Profile {
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            phone: u.phone,
            active: u.active,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

#[OpenApi(prefix_path = "/api/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Sign in to this studio. The token names the studio and is refused on any other.
    #[oai(path = "/login", method = "post")]
    async fn login(
        &self,
        state: Data<&Arc<AppState>>,
        tenant: Data<&RequestTenant>,
        body: Json<LoginRequest>,
    ) -> ApiResult<JsonOut<TokenResponse>> {
        let tenant = tenant.require()?;
        let mut db = state.db.tenants.acquire(&tenant.schema).await?;
        let user = repo::find_by_email(&mut db, body.email.trim()).await?;
        let hash = user.as_ref().map(|u| u.password_hash.as_str());
        // Verified even when the user does not exist, so both cases take the same time.
        let verified = state.passwords.verify(&body.password, hash).await;
        let user = match user {
            Some(user) if verified && user.active => user,
            _ => return Err(bad_credentials()),
        };
        repo::record_login(&mut db, user.id).await?;
        Ok(JsonOut(TokenResponse::bearer(state.jwt.issue_tenant(
            user.id,
            tenant.id,
            user.role.as_str(),
        ))))
    }

    /// The signed-in user's profile.
    #[oai(path = "/profile", method = "get")]
    async fn profile(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
    ) -> ApiResult<JsonOut<Profile>> {
        user.require(Permission::ProfileRead)?;
        let mut db = state.db.tenants.acquire(&user.tenant.schema).await?;
        let found = repo::find_by_id(&mut db, user.user_id).await?;
        match found {
            Some(u) if u.active => Ok(JsonOut(u.into())),
            _ => Err(ApiError::Unauthorized(
                "this account no longer exists or is inactive".to_owned(),
            )),
        }
    }
}

//! `/api/users`: user management (admins; the permission table says so).

use std::sync::Arc;

use poem::http::Uri;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::extract::TenantUser;
use crate::auth::roles::Role;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, PageRequest};
use crate::http::responses::{Created, Deleted};
use crate::http::{ApiResult, ApiTags};
use crate::studio::users::model::{NewUserInput, UserUpdate, UserView};
use crate::studio::users::repo::{self, UserFilter};
use crate::studio::users::service;

pub struct UsersApi;

#[OpenApi(prefix_path = "/api/users", tag = "ApiTags::Users")]
impl UsersApi {
    /// List the studio's users in name order; `search` matches email and name.
    #[oai(path = "/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        role: Query<Option<Role>>,
        active: Query<Option<bool>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<UserView>>> {
        let request = PageRequest::parse(page.0, page_size.0)?;
        let filter = UserFilter { search: search.0.filter(|s| !s.trim().is_empty()), role: role.0, active: active.0 };
        let mut db = state.db.tenants.acquire(&user.tenant.schema).await?;
        let (count, users) = repo::list(&mut db, &filter, request.limit(), request.offset()).await?;
        let views = users.into_iter().map(UserView::from).collect();
        Ok(JsonOut(Page::new(uri, request, count, views)))
    }

    /// Create a user with a role and an initial password.
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        body: Json<NewUserInput>,
    ) -> ApiResult<Created<UserView>> {
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        let created = service::create(db, &user.audit(), &state.passwords, &body).await?;
        Ok(Created::Created(JsonOut(created)))
    }

    /// One user.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&Arc<AppState>>, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<UserView>> {
        let mut db = state.db.tenants.acquire(&user.tenant.schema).await?;
        Ok(JsonOut(service::get(&mut db, id.0).await?.into()))
    }

    /// Change a user's name, role, phone or active flag. The last active admin cannot be
    /// demoted or deactivated (409 `last_admin`).
    #[oai(path = "/:id", method = "put")]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<UserUpdate>,
    ) -> ApiResult<JsonOut<UserView>> {
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        Ok(JsonOut(service::update(db, &user.audit(), id.0, &body).await?))
    }

    /// Delete a user; the last active admin cannot be deleted (409 `last_admin`).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&Arc<AppState>>, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        if let Some(avatar) = service::delete(db, &user.audit(), id.0).await? {
            state.avatars.remove(user.tenant.id, &avatar).await;
        }
        Ok(Deleted::Deleted)
    }
}

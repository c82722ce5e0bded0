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
use crate::auth::users::model::{NewUserInput, UserFilter, UserUpdate, UserView};
use crate::auth::users::service;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{Created, Deleted};
use crate::routes::ApiTags;

pub struct UsersApi;

#[OpenApi(prefix_path = "/api/users", tag = "ApiTags::Users")]
impl UsersApi {
    /// List the studio's users in name order; `search` matches email and name.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        role: Query<Option<Role>>,
        active: Query<Option<bool>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<UserView>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = UserFilter { search: search.0, role: role.0, active: active.0 };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Create a user with a role and an initial password.
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        body: Json<NewUserInput>,
    ) -> ApiResult<Created<UserView>> {
        Ok(Created::new(service::create(&user, &state.passwords, &body).await?))
    }

    /// One user.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<UserView>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Change a user's name, role, phone or active flag. The last active admin cannot be
    /// demoted or deactivated (409 `last_admin`).
    #[oai(path = "/:id", method = "put")]
    async fn update(&self, user: TenantUser, id: Path<Uuid>, body: Json<UserUpdate>) -> ApiResult<JsonOut<UserView>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Delete a user; the last active admin cannot be deleted (409 `last_admin`).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&Arc<AppState>>, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, &state.images, id.0).await?;
        Ok(Deleted::Deleted)
    }
}

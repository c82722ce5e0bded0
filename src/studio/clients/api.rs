//! `/api/clients`: list (search, kind filter, pages), schools, create, get, replace, delete.

use poem::http::Uri;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{Created, Deleted};
use crate::routes::ApiTags;
use crate::studio::clients::model::{Client, ClientFilter, ClientInput, ClientKind};
use crate::studio::clients::service;

pub struct ClientsApi;

#[OpenApi(prefix_path = "/api/clients", tag = "ApiTags::Clients")]
impl ClientsApi {
    /// List clients in name order. `search` matches name, tax id, email and phone;
    /// `kind` keeps individuals or schools.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        kind: Query<Option<ClientKind>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Client>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = ClientFilter { kind: kind.0, search: search.0 };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// List schools (clients of kind `school`), for contracts.
    #[oai(path = "/schools", method = "get")]
    async fn schools(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Client>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = ClientFilter { kind: Some(ClientKind::School), search: search.0 };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Create a client. The tax id is checked for its type (check digits included).
    #[oai(path = "/", method = "post")]
    async fn create(&self, user: TenantUser, body: Json<ClientInput>) -> ApiResult<Created<Client>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// One client.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Client>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Replace a client's fields.
    #[oai(path = "/:id", method = "put")]
    async fn update(&self, user: TenantUser, id: Path<Uuid>, body: Json<ClientInput>) -> ApiResult<JsonOut<Client>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Delete a client; refused (409 `client_in_use`) while orders or contracts refer to it.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0).await?;
        Ok(Deleted::Deleted)
    }
}

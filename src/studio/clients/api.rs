//! `/api/clients`: list (search, kind filter, pages), schools, create, get, replace, delete.

use std::sync::Arc;

use poem::http::Uri;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::extract::TenantUser;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, PageRequest};
use crate::http::responses::{Created, Deleted};
use crate::http::{ApiResult, ApiTags};
use crate::studio::clients::model::{Client, ClientInput, ClientKind};
use crate::studio::clients::repo::ClientFilter;
use crate::studio::clients::service;

pub struct ClientsApi;

impl ClientsApi {
    async fn page(
        state: &AppState,
        user: &TenantUser,
        uri: &Uri,
        filter: ClientFilter,
        page: Option<i64>,
        page_size: Option<i64>,
    ) -> ApiResult<JsonOut<Page<Client>>> {
        let request = PageRequest::parse(page, page_size)?;
        let mut db = state.db.tenants.acquire(&user.tenant.schema).await?;
        let (count, clients) = service::list(&mut db, &filter, request.limit(), request.offset()).await?;
        Ok(JsonOut(Page::new(uri, request, count, clients)))
    }
}

#[OpenApi(prefix_path = "/api/clients", tag = "ApiTags::Clients")]
impl ClientsApi {
    /// List clients in name order. `search` matches name, tax id, email and phone;
    /// `kind` keeps individuals or schools.
    #[oai(path = "/", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        kind: Query<Option<ClientKind>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Client>>> {
        let filter = ClientFilter { kind: kind.0, search: search.0.filter(|s| !s.trim().is_empty()) };
        Self::page(&state, &user, uri, filter, page.0, page_size.0).await
    }

    /// List schools (clients of kind `school`), for contracts.
    #[oai(path = "/schools", method = "get")]
    async fn schools(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Client>>> {
        let filter = ClientFilter { kind: Some(ClientKind::School), search: search.0.filter(|s| !s.trim().is_empty()) };
        Self::page(&state, &user, uri, filter, page.0, page_size.0).await
    }

    /// Create a client. The tax id is checked for its type (check digits included).
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        body: Json<ClientInput>,
    ) -> ApiResult<Created<Client>> {
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        Ok(Created::Created(JsonOut(service::create(db, &user.audit(), &body).await?)))
    }

    /// One client.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, state: Data<&Arc<AppState>>, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Client>> {
        let mut db = state.db.tenants.acquire(&user.tenant.schema).await?;
        Ok(JsonOut(service::get(&mut db, id.0).await?))
    }

    /// Replace a client's fields.
    #[oai(path = "/:id", method = "put")]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<ClientInput>,
    ) -> ApiResult<JsonOut<Client>> {
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        Ok(JsonOut(service::update(db, &user.audit(), id.0, &body).await?))
    }

    /// Delete a client; refused (409) while orders or contracts refer to it.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, state: Data<&Arc<AppState>>, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        let db = state.db.tenants.acquire(&user.tenant.schema).await?;
        service::delete(db, &user.audit(), id.0).await?;
        Ok(Deleted::Deleted)
    }
}

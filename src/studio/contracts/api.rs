//! `/api/contracts`: list (status, school, year, search, pages), the contracts about to end,
//! create, get, replace, status changes, delete.

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
use crate::studio::contracts::model::{Contract, ContractFilter, ContractInput, ContractStatus, StatusChange};
use crate::studio::contracts::service;

pub struct ContractsApi;

#[OpenApi(prefix_path = "/api/contracts", tag = "ApiTags::Contracts")]
impl ContractsApi {
    /// List contracts, newest number first. `status=expired` keeps active contracts whose
    /// end date has passed; `search` matches number and title.
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        status: Query<Option<ContractStatus>>,
        school_id: Query<Option<Uuid>>,
        academic_year: Query<Option<i32>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Contract>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = ContractFilter {
            status: status.0,
            school_id: school_id.0,
            academic_year: academic_year.0,
            search: search.0,
        };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Active contracts ending within `days` (1–365; default: the studio's
    /// `contract_expiry_days` setting, 30 unless changed) of today in the studio's time zone,
    /// soonest first.
    #[oai(path = "/expiring", method = "get")]
    async fn expiring(
        &self,
        user: TenantUser,
        uri: &Uri,
        days: Query<Option<i64>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Contract>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        Ok(paging.answer(service::expiring(&user, days.0, paging.window()).await?))
    }

    /// Create a draft contract with a school; it is numbered `CTR-<year>-NNNNN`.
    #[oai(path = "/", method = "post")]
    async fn create(&self, user: TenantUser, body: Json<ContractInput>) -> ApiResult<Created<Contract>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// One contract.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Contract>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Replace a contract's fields (not its number or status); a completed or cancelled
    /// contract cannot change (409 `contract_closed`).
    #[oai(path = "/:id", method = "put")]
    async fn update(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<ContractInput>,
    ) -> ApiResult<JsonOut<Contract>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Move a contract along draft → active → completed, or to cancelled; any other step is
    /// 409 `invalid_transition`.
    #[oai(path = "/:id/status", method = "post")]
    async fn set_status(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<StatusChange>,
    ) -> ApiResult<JsonOut<Contract>> {
        Ok(JsonOut(service::set_status(&user, id.0, body.status).await?))
    }

    /// Delete a contract.
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0).await?;
        Ok(Deleted::Deleted)
    }
}

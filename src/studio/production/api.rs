//! `/api/production`: production orders (list, create, get with efficiency, replace,
//! status, delete), registering production, and the workshop's efficiency over a period.

use chrono::NaiveDate;
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
use crate::studio::production::efficiency::PeriodEfficiency;
use crate::studio::production::model::{
    ProductionFilter, ProductionOrder, ProductionOrderDetail, ProductionOrderInput, ProductionStatus, StatusChange,
};
use crate::studio::production::register::{self, Registration, RegistrationInput};
use crate::studio::production::service;

/// The production routes.
pub struct ProductionApi;

#[OpenApi(prefix_path = "/api/production", tag = "ApiTags::Production")]
impl ProductionApi {
    /// List production orders, newest number first: by status, assignee or customer order;
    /// `search` matches number and description.
    #[oai(path = "/orders", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        status: Query<Option<ProductionStatus>>,
        assignee_id: Query<Option<Uuid>>,
        order_id: Query<Option<Uuid>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<ProductionOrder>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter =
            ProductionFilter { status: status.0, assignee_id: assignee_id.0, order_id: order_id.0, search: search.0 };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Create a planned production order, numbered `PRD-<year>-NNNNN`.
    #[oai(path = "/orders", method = "post")]
    async fn create(&self, user: TenantUser, body: Json<ProductionOrderInput>) -> ApiResult<Created<ProductionOrder>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// One production order, with what it used and wasted and its efficiency.
    #[oai(path = "/orders/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<ProductionOrderDetail>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Replace an order's fields (not its number, status or produced quantity); a done or
    /// cancelled order is closed (409 `production_order_closed`).
    #[oai(path = "/orders/:id", method = "put")]
    async fn update(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<ProductionOrderInput>,
    ) -> ApiResult<JsonOut<ProductionOrder>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Move an order along planned → in_progress → done, or to cancelled; any other step is
    /// 409 `invalid_transition` with `from` and `to`. Going in progress sets `started_at`,
    /// done or cancelled `finished_at`.
    #[oai(path = "/orders/:id/status", method = "post")]
    async fn set_status(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<StatusChange>,
    ) -> ApiResult<JsonOut<ProductionOrder>> {
        Ok(JsonOut(service::set_status(&user, id.0, body.status).await?))
    }

    /// Delete an order nothing was registered on (409 `production_order_in_use` otherwise).
    #[oai(path = "/orders/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0).await?;
        Ok(Deleted::Deleted)
    }

    /// Register production on an order, in one transaction: the materials used and wasted
    /// (each a ledger movement; mouldings cut by best fit) and the products made. Any bad
    /// line writes nothing. A planned order starts; a done or cancelled one refuses.
    #[oai(path = "/register", method = "post")]
    async fn register(&self, user: TenantUser, body: Json<RegistrationInput>) -> ApiResult<Created<Registration>> {
        Ok(Created::new(register::register(&user, &body).await?))
    }

    /// The workshop's efficiency between `from` and `to` (inclusive dates in the studio's
    /// time zone; default the last 30 days, at most 366): used ÷ (used + wasted) per
    /// category (by value) and per material (by quantity), and the waste by reason.
    #[oai(path = "/efficiency", method = "get")]
    async fn efficiency(
        &self,
        user: TenantUser,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<JsonOut<PeriodEfficiency>> {
        Ok(JsonOut(service::efficiency(&user, from.0, to.0).await?))
    }
}

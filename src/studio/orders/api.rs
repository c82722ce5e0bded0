//! `/api/orders`: list (filters, pages), search, create, get, replace, delete, status
//! changes, payments and voiding them.

use chrono::NaiveDate;
use poem::http::Uri;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{Created, Deleted};
use crate::http::{ApiError, ApiResult};
use crate::routes::ApiTags;
use crate::studio::orders::input::{
    OrderFilter, OrderInput, OrderPaymentInput, OrderPaymentVoidInput, OrderStatusInput,
};
use crate::studio::orders::model::{Order, OrderPaymentStatus, OrderStatus, OrderSummary};
use crate::studio::orders::service;

pub struct OrdersApi;

#[OpenApi(prefix_path = "/api/orders", tag = "ApiTags::Orders")]
impl OrdersApi {
    /// List orders, newest first. Filters: `status`, `payment_status`, `client_id`,
    /// `contract_id`, `assigned_to`, and `from`/`to` on the order date (inclusive); `search`
    /// matches number, client name and notes.
    #[oai(path = "/", method = "get")]
    #[expect(
        clippy::too_many_arguments,
        reason = "poem-openapi documents each query parameter from its own argument: eight filters and the page"
    )]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        status: Query<Option<OrderStatus>>,
        payment_status: Query<Option<OrderPaymentStatus>>,
        client_id: Query<Option<Uuid>>,
        contract_id: Query<Option<Uuid>>,
        assigned_to: Query<Option<Uuid>>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<OrderSummary>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = OrderFilter {
            status: status.0,
            payment_status: payment_status.0,
            client_id: client_id.0,
            contract_id: contract_id.0,
            assigned_to: assigned_to.0,
            from: from.0,
            to: to.0,
            search: search.0,
        };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Orders whose number, client name or notes contain `q` (any case), newest first.
    #[oai(path = "/search", method = "get")]
    async fn search(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] q: Query<String>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<OrderSummary>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        if q.0.trim().is_empty() {
            return Err(ApiError::invalid("q", "is required"));
        }
        let filter = OrderFilter { search: Some(q.0), ..OrderFilter::default() };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Create a pending order with its lines; it is numbered `ORD-<year>-NNNNN` and priced by
    /// the server under the studio's tax settings. Subtotal, discount, tax, total, paid,
    /// balance, a line's `line_total` and `tax`, the number and the status are the server's:
    /// sending one is a 422 naming it.
    #[oai(path = "/", method = "post")]
    async fn create(&self, user: TenantUser, body: Json<OrderInput>) -> ApiResult<Created<Order>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// One order with its lines, payments and status history.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Order>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Replace an order's fields and lines (not its number, status or payments). A delivered
    /// or cancelled order is closed (409 `order_closed`); from `in_production` on, its lines
    /// are fixed (409 `items_locked`); a total below what was paid is 409 `total_below_paid`.
    #[oai(path = "/:id", method = "put")]
    async fn update(&self, user: TenantUser, id: Path<Uuid>, body: Json<OrderInput>) -> ApiResult<JsonOut<Order>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Delete a pending or cancelled order that never had a payment (409 `order_not_deletable`
    /// or `order_has_payments` otherwise).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0).await?;
        Ok(Deleted::Deleted)
    }

    /// Move an order along pending → confirmed → in_production → ready → delivered, or to
    /// cancelled before delivery; any other step is 409 `invalid_transition`. Confirming needs
    /// the studio's minimum deposit (409 `deposit_required`, with what is missing).
    #[oai(path = "/:id/status", method = "post")]
    async fn set_status(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<OrderStatusInput>,
    ) -> ApiResult<JsonOut<Order>> {
        Ok(JsonOut(service::set_status(&user, id.0, &body).await?))
    }

    /// Record a payment of at most the balance; answers the order, with the payment listed and
    /// its paid, balance and payment status updated.
    #[oai(path = "/:id/payments", method = "post")]
    async fn record_payment(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<OrderPaymentInput>,
    ) -> ApiResult<Created<Order>> {
        Ok(Created::new(service::record_payment(&user, id.0, &body).await?))
    }

    /// Void a payment recorded by mistake, with a reason: it stays listed, no longer counts.
    #[oai(path = "/:id/payments/:payment_id/void", method = "post")]
    async fn void_payment(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        payment_id: Path<Uuid>,
        body: Json<OrderPaymentVoidInput>,
    ) -> ApiResult<JsonOut<Order>> {
        Ok(JsonOut(service::void_payment(&user, id.0, payment_id.0, &body).await?))
    }
}

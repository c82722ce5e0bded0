//! `/api/contracts/{id}/package-orders`: orders staff record for a student, and the list of
//! every order of a contract (families' and staff's).

use poem::http::Uri;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::Created;
use crate::routes::ApiTags;
use crate::studio::picture_days::orders::model::{OrderChannel, OrderFilter, PackageOrder, StaffOrderInput};
use crate::studio::picture_days::orders::service;

pub struct PackageOrdersApi;

#[OpenApi(prefix_path = "/api/contracts", tag = "ApiTags::PictureDays")]
impl PackageOrdersApi {
    /// A contract's package orders, newest first; filtered by package, the school's student
    /// id, lateness and who placed them.
    #[oai(path = "/:id/package-orders", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        id: Path<Uuid>,
        package_id: Query<Option<Uuid>>,
        #[oai(validator(max_length = 40))] student_id: Query<Option<String>>,
        late: Query<Option<bool>>,
        channel: Query<Option<OrderChannel>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<PackageOrder>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter =
            OrderFilter { package_id: package_id.0, student_id: student_id.0, late: late.0, channel: channel.0 };
        Ok(paging.answer(service::list(&user, id.0, &filter, paging.window()).await?))
    }

    /// Record an order for a student of the roster (by the school's student id). Taken on
    /// active and expired contracts; after the order deadline it is late and carries the
    /// contract's late fee. A student orders each package once (409 `already_ordered`).
    #[oai(path = "/:id/package-orders", method = "post")]
    async fn record(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<StaffOrderInput>,
    ) -> ApiResult<Created<PackageOrder>> {
        Ok(Created::new(service::record(&user, id.0, &body).await?))
    }

    /// One package order.
    #[oai(path = "/:id/package-orders/:order_id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>, order_id: Path<Uuid>) -> ApiResult<JsonOut<PackageOrder>> {
        Ok(JsonOut(service::get(&user, id.0, order_id.0).await?))
    }
}

//! `/api/products`: finished products — list (by status, kind, location, links, search),
//! create, get, replace, delete, the photo, and the status actions (reserve, release,
//! sell, deliver).

use poem::http::Uri;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{Created, Deleted, Image};
use crate::images::{ImageStore, ImageUpload};
use crate::routes::ApiTags;
use crate::studio::products::model::{
    OrderRef, Product, ProductFilter, ProductInput, ProductKind, ProductStatus, ReservationInput, SaleInput,
};
use crate::studio::products::service;

/// The finished product routes.
pub struct ProductsApi;

#[OpenApi(prefix_path = "/api/products", tag = "ApiTags::Products")]
impl ProductsApi {
    /// List products by code: by status, kind, location (whole, any case), production
    /// order, order or client; `search` matches code and name.
    #[oai(path = "/", method = "get")]
    #[allow(clippy::too_many_arguments)] // one per query parameter, as the API documents them
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        status: Query<Option<ProductStatus>>,
        kind: Query<Option<ProductKind>>,
        #[oai(validator(max_length = 100))] location: Query<Option<String>>,
        production_order_id: Query<Option<Uuid>>,
        order_id: Query<Option<Uuid>>,
        client_id: Query<Option<Uuid>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Product>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = ProductFilter {
            status: status.0,
            kind: kind.0,
            location: location.0,
            production_order_id: production_order_id.0,
            order_id: order_id.0,
            client_id: client_id.0,
            search: search.0,
        };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Products in one status (`in_stock`, `reserved`, `sold`, `delivered`), by code.
    #[oai(path = "/status/:status", method = "get")]
    async fn by_status(
        &self,
        user: TenantUser,
        uri: &Uri,
        status: Path<ProductStatus>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Product>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = ProductFilter { status: Some(status.0), ..ProductFilter::default() };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Products at one location (matched whole, whatever its case), by code.
    #[oai(path = "/location/:location", method = "get")]
    async fn by_location(
        &self,
        user: TenantUser,
        uri: &Uri,
        #[oai(validator(max_length = 100))] location: Path<String>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Product>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = ProductFilter { location: Some(location.0), ..ProductFilter::default() };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Create a product, in stock; without a code it is numbered `FP-<year>-NNNNN`.
    #[oai(path = "/", method = "post")]
    async fn create(&self, user: TenantUser, body: Json<ProductInput>) -> ApiResult<Created<Product>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// One product.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Product>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Replace a product's fields (its status and order move through the actions).
    #[oai(path = "/:id", method = "put")]
    async fn update(&self, user: TenantUser, id: Path<Uuid>, body: Json<ProductInput>) -> ApiResult<JsonOut<Product>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Delete a product still in stock (409 `product_in_use` otherwise).
    #[oai(path = "/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, images: Data<&ImageStore>, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, &images, id.0).await?;
        Ok(Deleted::Deleted)
    }

    /// The product's photo.
    #[oai(path = "/:id/photo", method = "get")]
    async fn photo(&self, user: TenantUser, images: Data<&ImageStore>, id: Path<Uuid>) -> ApiResult<Image> {
        service::photo(&user, &images, id.0).await
    }

    /// Upload the product's photo (multipart field `file`): JPEG, PNG or WebP, at most 2 MiB.
    #[oai(path = "/:id/photo", method = "put")]
    async fn upload_photo(
        &self,
        user: TenantUser,
        images: Data<&ImageStore>,
        id: Path<Uuid>,
        upload: ImageUpload,
    ) -> ApiResult<JsonOut<Product>> {
        let bytes = upload.bytes().await?;
        Ok(JsonOut(service::set_photo(&user, &images, id.0, &bytes).await?))
    }

    /// Sell a product in stock or reserved (409 `invalid_transition` otherwise).
    #[oai(path = "/:id/sell", method = "post")]
    async fn sell(&self, user: TenantUser, id: Path<Uuid>, body: Json<SaleInput>) -> ApiResult<JsonOut<Product>> {
        Ok(JsonOut(service::sell(&user, id.0, &body).await?))
    }

    /// Reserve a product in stock for an order.
    #[oai(path = "/:id/reserve", method = "post")]
    async fn reserve(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<ReservationInput>,
    ) -> ApiResult<JsonOut<Product>> {
        Ok(JsonOut(service::reserve(&user, id.0, &body).await?))
    }

    /// Put a reserved product back in stock.
    #[oai(path = "/:id/release", method = "post")]
    async fn release(&self, user: TenantUser, id: Path<Uuid>, body: Json<OrderRef>) -> ApiResult<JsonOut<Product>> {
        Ok(JsonOut(service::release(&user, id.0, &body).await?))
    }

    /// Deliver a reserved or sold product.
    #[oai(path = "/:id/deliver", method = "post")]
    async fn deliver(&self, user: TenantUser, id: Path<Uuid>, body: Json<OrderRef>) -> ApiResult<JsonOut<Product>> {
        Ok(JsonOut(service::deliver(&user, id.0, &body).await?))
    }
}

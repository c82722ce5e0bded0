//! `/api/contracts/{id}/packages`: what a contract sells to its families.

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
use crate::studio::picture_days::packages::model::{Package, PackageInput};
use crate::studio::picture_days::packages::service;

pub struct PackagesApi;

#[OpenApi(prefix_path = "/api/contracts", tag = "ApiTags::PictureDays")]
impl PackagesApi {
    /// A contract's packages, cheapest first; `active` keeps those on sale (or withdrawn).
    #[oai(path = "/:id/packages", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        id: Path<Uuid>,
        active: Query<Option<bool>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Package>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        Ok(paging.answer(service::list(&user, id.0, active.0, paging.window()).await?))
    }

    /// Add a package to a contract.
    #[oai(path = "/:id/packages", method = "post")]
    async fn create(&self, user: TenantUser, id: Path<Uuid>, body: Json<PackageInput>) -> ApiResult<Created<Package>> {
        Ok(Created::new(service::create(&user, id.0, &body).await?))
    }

    /// One package.
    #[oai(path = "/:id/packages/:package_id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>, package_id: Path<Uuid>) -> ApiResult<JsonOut<Package>> {
        Ok(JsonOut(service::get(&user, id.0, package_id.0).await?))
    }

    /// Replace a package's fields; `active: false` withdraws it from sale. Orders already
    /// placed keep their price.
    #[oai(path = "/:id/packages/:package_id", method = "put")]
    async fn update(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        package_id: Path<Uuid>,
        body: Json<PackageInput>,
    ) -> ApiResult<JsonOut<Package>> {
        Ok(JsonOut(service::update(&user, id.0, package_id.0, &body).await?))
    }

    /// Delete a package nobody ordered (409 `package_has_orders` otherwise).
    #[oai(path = "/:id/packages/:package_id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>, package_id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0, package_id.0).await?;
        Ok(Deleted::Deleted)
    }
}

//! `/api/inventory`: materials (CRUD, per category), a moulding's pieces, the movement
//! ledger (record, list, get, reverse) and the low-stock alerts.

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
use crate::studio::inventory::alerts::Alert;
use crate::studio::inventory::changes::{MovementFilter, MovementInput, ReversalInput};
use crate::studio::inventory::model::{Material, MaterialCategory, MaterialFilter, MaterialInput};
use crate::studio::inventory::movements::{Movement, MovementKind, Piece, Recorded};
use crate::studio::inventory::service;

/// The inventory routes.
pub struct InventoryApi;

#[OpenApi(prefix_path = "/api/inventory", tag = "ApiTags::Inventory")]
impl InventoryApi {
    /// List materials in name order. `category` keeps one category, `low_stock=true` those
    /// at or under their minimum; `search` matches sku, name and supplier.
    #[oai(path = "/materials", method = "get")]
    async fn list(
        &self,
        user: TenantUser,
        uri: &Uri,
        category: Query<Option<MaterialCategory>>,
        low_stock: Query<Option<bool>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Material>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = MaterialFilter { category: category.0, low_stock: low_stock.0, search: search.0 };
        Ok(paging.answer(service::list(&user, &filter, paging.window()).await?))
    }

    /// Create a material (with no stock: stock arrives through a purchase movement). Its
    /// attributes are checked for its category; the sku is unique (409 naming `sku`).
    #[oai(path = "/materials", method = "post")]
    async fn create(&self, user: TenantUser, body: Json<MaterialInput>) -> ApiResult<Created<Material>> {
        Ok(Created::new(service::create(&user, &body).await?))
    }

    /// One material.
    #[oai(path = "/materials/:id", method = "get")]
    async fn get(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Material>> {
        Ok(JsonOut(service::get(&user, id.0).await?))
    }

    /// Replace a material's fields (never its stock). A material with movements keeps its
    /// category and unit (409 `material_in_use`).
    #[oai(path = "/materials/:id", method = "put")]
    async fn update(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<MaterialInput>,
    ) -> ApiResult<JsonOut<Material>> {
        Ok(JsonOut(service::update(&user, id.0, &body).await?))
    }

    /// Delete a material that never moved (409 `material_in_use` otherwise).
    #[oai(path = "/materials/:id", method = "delete")]
    async fn delete(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<Deleted> {
        service::delete(&user, id.0).await?;
        Ok(Deleted::Deleted)
    }

    /// A moulding's pieces on the rack (full sticks and remnants), longest first;
    /// `all=true` adds the pieces already used up. 404 for a material that is not a moulding.
    #[oai(path = "/materials/:id/pieces", method = "get")]
    async fn pieces(
        &self,
        user: TenantUser,
        uri: &Uri,
        id: Path<Uuid>,
        all: Query<Option<bool>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Piece>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        Ok(paging.answer(service::pieces(&user, id.0, all.0.unwrap_or(false), paging.window()).await?))
    }

    /// The ledger, latest first: by material, kind, production order, and the days it
    /// happened (`from`, `to`: inclusive dates in the studio's time zone).
    #[oai(path = "/movements", method = "get")]
    async fn movements(
        &self,
        user: TenantUser,
        uri: &Uri,
        material_id: Query<Option<Uuid>>,
        kind: Query<Option<MovementKind>>,
        production_order_id: Query<Option<Uuid>>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Movement>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = MovementFilter {
            material_id: material_id.0,
            kind: kind.0,
            production_order_id: production_order_id.0,
            ..MovementFilter::default()
        };
        Ok(paging.answer(service::movements(&user, filter, (from.0, to.0), paging.window()).await?))
    }

    /// Record a movement: the only way stock changes. Stock never goes under zero (409
    /// `insufficient_stock` with `available` and `requested` in `context`). A moulding is
    /// bought in whole sticks and cut by best fit; offcuts under the studio's minimum
    /// become an automatic `waste` movement (reason `offcut`).
    #[oai(path = "/movements", method = "post")]
    async fn record(&self, user: TenantUser, body: Json<MovementInput>) -> ApiResult<Created<Recorded>> {
        Ok(Created::new(service::record(&user, &body).await?))
    }

    /// One movement.
    #[oai(path = "/movements/:id", method = "get")]
    async fn movement(&self, user: TenantUser, id: Path<Uuid>) -> ApiResult<JsonOut<Movement>> {
        Ok(JsonOut(service::movement(&user, id.0).await?))
    }

    /// Undo a movement with an `adjustment` of the opposite quantity that names it
    /// (`reverses_id`); a cut's offcut waste is undone with it, and a moulding gets its
    /// pieces back. Once only (409 `already_reversed`); never a reversal or an offcut on
    /// its own (409 `not_reversible`).
    #[oai(path = "/movements/:id/reverse", method = "post")]
    async fn reverse(
        &self,
        user: TenantUser,
        id: Path<Uuid>,
        body: Json<ReversalInput>,
    ) -> ApiResult<Created<Recorded>> {
        Ok(Created::new(service::reverse(&user, id.0, &body).await?))
    }

    /// Materials at or under their (non-zero) minimum, worst first, with the shortfall and
    /// a suggested reorder up to the studio's multiple of the minimum (whole sticks for
    /// mouldings).
    #[oai(path = "/alerts", method = "get")]
    async fn alerts(
        &self,
        user: TenantUser,
        uri: &Uri,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Alert>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        Ok(paging.answer(service::alerts(&user, paging.window()).await?))
    }

    /// The materials of one category (`mouldings`, `paints`, `printing`, `souvenirs`,
    /// `equipment`, `painting_supplies`, `design`; any other: 404), in name order.
    #[oai(path = "/:category", method = "get")]
    async fn category(
        &self,
        user: TenantUser,
        uri: &Uri,
        category: Path<String>,
        low_stock: Query<Option<bool>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<Material>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = MaterialFilter { category: None, low_stock: low_stock.0, search: search.0 };
        Ok(paging.answer(service::list_category(&user, &category.0, filter, paging.window()).await?))
    }
}

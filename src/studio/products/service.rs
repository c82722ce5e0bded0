//! The rules of finished products and the unit of work of each action.
//!
//! The status moves only along its workflow ([`ProductStatus::may_become`]); a refusal is
//! 409 `invalid_transition` with `from` and `to`. The `*_in` functions work inside a
//! caller's transaction: production registrations create products with them, and the
//! orders module reserves a product when an order takes it ([`reserve_in`]), releases an
//! order's reservations when it is cancelled ([`release_order_in`]) and delivers its
//! products when it is delivered ([`deliver_order_in`]).

use chrono::Datelike;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Entry};
use crate::auth::extract::TenantUser;
use crate::db::{TenantDb, Window};
use crate::http::responses::Image;
use crate::http::{ApiError, ApiResult, FieldError};
use crate::images::{self, ImageFolder, ImageStore};
use crate::studio::inventory::service::check_production_order;
use crate::studio::numbering;
use crate::studio::products::model::{
    OrderRef, Product, ProductFilter, ProductInput, ProductStatus, ReservationInput, SaleInput, ValidProduct,
};
use crate::studio::products::repo::{self, Origin};

fn not_found() -> ApiError {
    ApiError::not_found("product")
}

/// A unique violation of the code, named as the caller sent it (`code`, `products[1].code`).
fn code_taken(field: String) -> impl FnOnce(sqlx::Error) -> ApiError {
    move |err| match err.as_database_error() {
        Some(db) if db.constraint() == Some("products_code_key") => ApiError::Conflict {
            code: "conflict",
            detail: "a product with this code already exists".to_owned(),
            errors: vec![FieldError::new(field, "a product with this code already exists")],
        },
        _ => err.into(),
    }
}

/// One page of products by code.
pub async fn list(user: &TenantUser, filter: &ProductFilter, window: Window) -> ApiResult<(i64, Vec<Product>)> {
    Ok(repo::list(&mut user.db().await?, filter, window).await?)
}

/// One product (404 if the studio has none with this id).
pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<Product> {
    repo::get(&mut user.db().await?, id).await?.ok_or_else(not_found)
}

/// Checks that the links a product names are the studio's (422 on `{prefix}field`).
async fn check_links(db: &mut TenantDb, product: &ValidProduct, prefix: &str) -> ApiResult<()> {
    check_production_order(db, product.production_order_id, &format!("{prefix}production_order_id")).await?;
    check_client(db, product.client_id, &format!("{prefix}client_id")).await
}

async fn check_client(db: &mut TenantDb, client_id: Option<Uuid>, field: &str) -> ApiResult<()> {
    if let Some(id) = client_id
        && !repo::client_exists(db, id).await?
    {
        return Err(ApiError::invalid(field, "no client of this studio has this id"));
    }
    Ok(())
}

/// Creates a product inside the caller's transaction: numbered `FP-<year>-NNNNN` when it has
/// no code; `prefix` names its fields in errors (`products[0].`).
pub async fn create_in(
    db: &mut TenantDb,
    audit_ctx: &AuditContext,
    year: i32,
    product: &ValidProduct,
    origin: Origin,
    prefix: &str,
) -> ApiResult<Product> {
    check_links(db, product, prefix).await?;
    let code = match &product.code {
        Some(code) => code.clone(),
        None => numbering::next(db, "FP", year).await?,
    };
    let created = repo::insert(db, &code, product, origin).await.map_err(code_taken(format!("{prefix}code")))?;
    audit::created(db, audit_ctx, &created).await?;
    Ok(created)
}

/// Creates a product, in stock.
pub async fn create(user: &TenantUser, input: &ProductInput) -> ApiResult<Product> {
    let product = input.validate()?;
    let mut tx = user.begin().await?;
    let origin = Origin { registration_id: None, order_id: None, status: ProductStatus::InStock };
    let created = create_in(&mut tx, user.audit(), user.tenant.today().year(), &product, origin, "").await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces a product's fields (not its status or order).
pub async fn update(user: &TenantUser, id: Uuid, input: &ProductInput) -> ApiResult<Product> {
    let product = input.validate()?;
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    check_links(&mut tx, &product, "").await?;
    let code = product.code.clone().unwrap_or_else(|| before.code.clone());
    let after = repo::update(&mut tx, id, &code, &product).await.map_err(code_taken("code".to_owned()))?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a product still in stock (one reserved, sold or delivered is part of an order's
/// or a sale's history: 409 `product_in_use`).
pub async fn delete(user: &TenantUser, images: &ImageStore, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let before = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    if before.status != ProductStatus::InStock {
        return Err(ApiError::ConflictWith {
            code: "product_in_use",
            detail: format!("the product is {}; only a product in stock can be deleted", before.status.key()),
            context: json!({"status": before.status.key()}),
        });
    }
    let photo = repo::photo(&mut tx, id).await?.and_then(|(file, _)| file);
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    if let Some(file) = photo {
        images.remove(user.tenant.id, ImageFolder::Products, &file).await;
    }
    Ok(())
}

/// Moves a locked product to `to` if its workflow allows it, with the audit row.
async fn step(
    db: &mut TenantDb,
    audit_ctx: &AuditContext,
    before: Product,
    to: ProductStatus,
    order_id: Option<Uuid>,
    client_id: Option<Uuid>,
) -> ApiResult<Product> {
    if !before.status.may_become(to) {
        return Err(ApiError::invalid_transition("a product", before.status.key(), to.key()));
    }
    let after = repo::move_to(db, before.id, to, order_id, client_id).await?;
    audit::updated(db, audit_ctx, &before, &after).await?;
    Ok(after)
}

/// The order a product is held for must be the one named, when one is named.
fn same_order(product: &Product, order_id: Option<Uuid>) -> ApiResult<()> {
    match (product.order_id, order_id) {
        (Some(held), Some(named)) if held != named => Err(ApiError::ConflictWith {
            code: "reserved_for_another_order",
            detail: "the product is held for another order".to_owned(),
            context: json!({"order_id": held}),
        }),
        _ => Ok(()),
    }
}

/// The order a product is linked to must be an open order of this studio (422 on `field` if
/// the studio has none with this id, 409 `order_closed` if it is delivered or cancelled). It
/// is held until the transaction ends, taken before the product (the order's own status
/// changes lock the order, then its products). Answers the order's client.
async fn open_order(db: &mut TenantDb, order_id: Uuid, field: &str) -> ApiResult<Uuid> {
    let (status, client) = repo::hold_order(db, order_id)
        .await?
        .ok_or_else(|| ApiError::invalid(field, "no order of this studio has this id"))?;
    if status.is_closed() {
        return Err(ApiError::ConflictWith {
            code: "order_closed",
            detail: format!("the order is {}; a closed order takes no products", status.as_str()),
            context: json!({"order_id": order_id, "status": status}),
        });
    }
    Ok(client)
}

/// Reserves a product for an open order of the studio (in the caller's transaction), for
/// the order's client unless another is named. Reserving it again for the same order
/// changes nothing.
pub async fn reserve_in(
    db: &mut TenantDb,
    audit_ctx: &AuditContext,
    id: Uuid,
    order_id: Uuid,
    client_id: Option<Uuid>,
) -> ApiResult<Product> {
    check_client(db, client_id, "client_id").await?;
    let order_client = open_order(db, order_id, "order_id").await?;
    let client_id = client_id.or(Some(order_client));
    let before = repo::lock(db, id).await?.ok_or_else(not_found)?;
    if before.status == ProductStatus::Reserved && before.order_id == Some(order_id) {
        return Ok(before);
    }
    same_order(&before, Some(order_id))?;
    step(db, audit_ctx, before, ProductStatus::Reserved, Some(order_id), client_id).await
}

/// Puts a reserved product back in stock (in the caller's transaction).
pub async fn release_in(
    db: &mut TenantDb,
    audit_ctx: &AuditContext,
    id: Uuid,
    order_id: Option<Uuid>,
) -> ApiResult<Product> {
    let before = repo::lock(db, id).await?.ok_or_else(not_found)?;
    same_order(&before, order_id)?;
    step(db, audit_ctx, before, ProductStatus::InStock, None, None).await
}

/// Delivers a reserved or sold product (in the caller's transaction).
pub async fn deliver_in(
    db: &mut TenantDb,
    audit_ctx: &AuditContext,
    id: Uuid,
    order_id: Option<Uuid>,
) -> ApiResult<Product> {
    let before = repo::lock(db, id).await?.ok_or_else(not_found)?;
    same_order(&before, order_id)?;
    let order = before.order_id;
    step(db, audit_ctx, before, ProductStatus::Delivered, order, None).await
}

/// Sells a product in stock or reserved (in the caller's transaction); an order named must
/// be an open order of the studio.
pub async fn sell_in(db: &mut TenantDb, audit_ctx: &AuditContext, id: Uuid, sale: &SaleInput) -> ApiResult<Product> {
    check_client(db, sale.client_id, "client_id").await?;
    if let Some(order_id) = sale.order_id {
        open_order(db, order_id, "order_id").await?;
    }
    let before = repo::lock(db, id).await?.ok_or_else(not_found)?;
    same_order(&before, sale.order_id)?;
    let order = before.order_id.or(sale.order_id);
    step(db, audit_ctx, before, ProductStatus::Sold, order, sale.client_id).await
}

/// An order was cancelled: every product it held reserved goes back in stock.
pub async fn release_order_in(db: &mut TenantDb, audit_ctx: &AuditContext, order_id: Uuid) -> ApiResult<Vec<Product>> {
    let mut released = Vec::new();
    for product in repo::lock_of_order(db, order_id, &["reserved"]).await? {
        released.push(step(db, audit_ctx, product, ProductStatus::InStock, None, None).await?);
    }
    Ok(released)
}

/// An order was delivered: every product it holds, reserved or sold, is delivered.
pub async fn deliver_order_in(db: &mut TenantDb, audit_ctx: &AuditContext, order_id: Uuid) -> ApiResult<Vec<Product>> {
    let mut delivered = Vec::new();
    for product in repo::lock_of_order(db, order_id, &["reserved", "sold"]).await? {
        delivered.push(step(db, audit_ctx, product, ProductStatus::Delivered, Some(order_id), None).await?);
    }
    Ok(delivered)
}

/// Runs one of the `*_in` actions as its own unit of work for `user`.
macro_rules! unit_of_work {
    ($user:expr, |$tx:ident, $audit:ident| $body:expr) => {{
        let mut $tx = $user.begin().await?;
        let $audit = $user.audit();
        let done = $body;
        $tx.commit().await?;
        Ok(done)
    }};
}

/// Sells a product (its own unit of work).
pub async fn sell(user: &TenantUser, id: Uuid, sale: &SaleInput) -> ApiResult<Product> {
    unit_of_work!(user, |tx, ctx| sell_in(&mut tx, ctx, id, sale).await?)
}

/// Reserves a product for an order (its own unit of work).
pub async fn reserve(user: &TenantUser, id: Uuid, input: &ReservationInput) -> ApiResult<Product> {
    unit_of_work!(user, |tx, ctx| reserve_in(&mut tx, ctx, id, input.order_id, input.client_id).await?)
}

/// Puts a reserved product back in stock (its own unit of work).
pub async fn release(user: &TenantUser, id: Uuid, input: &OrderRef) -> ApiResult<Product> {
    unit_of_work!(user, |tx, ctx| release_in(&mut tx, ctx, id, input.order_id).await?)
}

/// Delivers a reserved or sold product (its own unit of work).
pub async fn deliver(user: &TenantUser, id: Uuid, input: &OrderRef) -> ApiResult<Product> {
    unit_of_work!(user, |tx, ctx| deliver_in(&mut tx, ctx, id, input.order_id).await?)
}

/// A product's photo.
pub async fn photo(user: &TenantUser, images: &ImageStore, id: Uuid) -> ApiResult<Image> {
    let stored = repo::photo(&mut user.db().await?, id).await?.ok_or_else(not_found)?;
    let (Some(file), Some(content_type)) = stored else {
        return Err(ApiError::not_found("photo"));
    };
    let bytes = images.read(user.tenant.id, ImageFolder::Products, &file).await.map_err(|e| {
        tracing::warn!(error = %e, "product photo file missing");
        ApiError::not_found("photo")
    })?;
    Ok(Image { bytes, content_type })
}

/// Stores a product's photo (its type read from the bytes) and removes the one it replaces.
pub async fn set_photo(user: &TenantUser, images: &ImageStore, id: Uuid, bytes: &[u8]) -> ApiResult<Product> {
    let (content_type, extension) = images::check(bytes, "a photo")?;
    let mut tx = user.begin().await?;
    repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let old = repo::photo(&mut tx, id).await?.and_then(|(file, _)| file);
    let file =
        images.save(user.tenant.id, ImageFolder::Products, bytes, extension).await.map_err(ApiError::internal)?;
    repo::set_photo(&mut tx, id, &file, content_type).await?;
    let changes = json!({"content_type": content_type, "bytes": bytes.len()});
    audit::record(&mut tx, user.audit(), Entry::new("product.photo_changed", "product", Some(id), changes)).await?;
    if let Err(e) = tx.commit().await {
        images.remove(user.tenant.id, ImageFolder::Products, &file).await;
        return Err(e.into());
    }
    if let Some(old) = old {
        images.remove(user.tenant.id, ImageFolder::Products, &old).await;
    }
    get(user, id).await
}

//! SQL on a studio's `products` table, always through the tenant-scoped handle. Reads join
//! the production order's number and the client's name; writes return the same shape.

use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::orders::model::OrderStatus;
use crate::studio::products::model::{Product, ProductFilter, ProductStatus, ValidProduct};

/// The columns of a [`Product`] over `p` (products) joined to its production order and client.
macro_rules! select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT p.id, p.code, p.name, p.kind, p.status, p.location, p.price, p.description, \
             p.production_order_id, po.number AS production_order_number, p.order_id, p.client_id, \
             c.name AS client_name, p.photo_file IS NOT NULL AS has_photo, p.reserved_at, p.sold_at, \
             p.delivered_at, p.created_at, p.updated_at \
             FROM p LEFT JOIN production_orders po ON po.id = p.production_order_id \
             LEFT JOIN clients c ON c.id = p.client_id",
            $($rest),*
        )
    };
}

/// Reads name the table `p` the way writes name their CTE.
macro_rules! reading {
    ($($rest:literal),*) => { concat!("WITH p AS (SELECT * FROM products) ", select!($($rest),*)) };
}

/// One page of products by code, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &ProductFilter, window: Window) -> sqlx::Result<(i64, Vec<Product>)> {
    let mut list = ListQuery::new(reading!(), "code, id");
    list.filter("p.status = ", filter.status)
        .filter("p.kind = ", filter.kind)
        .filter("lower(p.location) = ", filter.location.as_deref().map(str::to_lowercase))
        .filter("p.production_order_id = ", filter.production_order_id)
        .filter("p.order_id = ", filter.order_id)
        .filter("p.client_id = ", filter.client_id)
        .contains("lower(p.code || ' ' || p.name)", filter.search.as_deref());
    list.fetch(db, window).await
}

/// One product.
#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Product>> {
    sqlx::query_as(reading!(" WHERE p.id = $1")).bind(id).fetch_optional(db).await
}

/// A product, locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Product>> {
    sqlx::query_as(concat!("WITH p AS (SELECT * FROM products WHERE id = $1 FOR UPDATE) ", select!()))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The products an order holds in `statuses`, locked, by code.
#[tracing::instrument(skip_all)]
pub async fn lock_of_order(db: &mut TenantDb, order_id: Uuid, statuses: &[&str]) -> sqlx::Result<Vec<Product>> {
    sqlx::query_as(concat!(
        "WITH p AS (SELECT * FROM products WHERE order_id = $1 AND status = ANY($2) ORDER BY id FOR UPDATE) ",
        select!(" ORDER BY p.code")
    ))
    .bind(order_id)
    .bind(statuses)
    .fetch_all(db)
    .await
}

/// Where a new product comes from and how it starts.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub registration_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub status: ProductStatus,
}

/// Writes a new product with `code`, starting as `origin` says.
#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, code: &str, product: &ValidProduct, origin: Origin) -> sqlx::Result<Product> {
    let sql = concat!(
        "WITH p AS (INSERT INTO products (code, name, kind, location, price, description, production_order_id, \
         client_id, id, registration_id, order_id, status, reserved_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $12 = 'reserved' THEN now() END) \
         RETURNING *) ",
        select!()
    );
    with_fields(sql, code, product, Uuid::now_v7())
        .bind(origin.registration_id)
        .bind(origin.order_id)
        .bind(origin.status)
        .fetch_one(db)
        .await
}

/// Replaces a product's fields (not its status or order).
#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, code: &str, product: &ValidProduct) -> sqlx::Result<Product> {
    let sql = concat!(
        "WITH p AS (UPDATE products SET code = $1, name = $2, kind = $3, location = $4, price = $5, \
         description = $6, production_order_id = $7, client_id = $8, updated_at = now() WHERE id = $9 RETURNING *) ",
        select!()
    );
    with_fields(sql, code, product, id).fetch_one(db).await
}

/// `sql` with the product's fields as `$1`–`$8` and `id` as `$9`.
fn with_fields<'q>(
    sql: &'static str,
    code: &'q str,
    p: &'q ValidProduct,
    id: Uuid,
) -> QueryAs<'q, Postgres, Product, PgArguments> {
    sqlx::query_as(sql)
        .bind(code)
        .bind(&p.name)
        .bind(p.kind)
        .bind(&p.location)
        .bind(p.price)
        .bind(&p.description)
        .bind(p.production_order_id)
        .bind(p.client_id)
        .bind(id)
}

/// Moves a product to `status`, holding `order_id` (none once back in stock) and, when
/// given, a client; the time of each step is kept.
#[tracing::instrument(skip_all)]
pub async fn move_to(
    db: &mut TenantDb,
    id: Uuid,
    status: ProductStatus,
    order_id: Option<Uuid>,
    client_id: Option<Uuid>,
) -> sqlx::Result<Product> {
    sqlx::query_as(concat!(
        "WITH p AS (UPDATE products SET status = $2, order_id = $3, client_id = coalesce($4, client_id), \
         reserved_at = CASE WHEN $2 = 'reserved' THEN now() WHEN $2 = 'in_stock' THEN NULL ELSE reserved_at END, \
         sold_at = CASE WHEN $2 = 'sold' THEN now() ELSE sold_at END, \
         delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END, \
         updated_at = now() WHERE id = $1 RETURNING *) ",
        select!()
    ))
    .bind(id)
    .bind(status)
    .bind(order_id)
    .bind(client_id)
    .fetch_one(db)
    .await
}

/// The stored photo of a product: its file name and type.
#[tracing::instrument(skip_all)]
pub async fn photo(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<(Option<String>, Option<String>)>> {
    sqlx::query_as("SELECT photo_file, photo_content_type FROM products WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Points a product at its stored photo.
#[tracing::instrument(skip_all)]
pub async fn set_photo(db: &mut TenantDb, id: Uuid, file: &str, content_type: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE products SET photo_file = $2, photo_content_type = $3, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(file)
        .bind(content_type)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether the studio has a client with this id (held so it cannot go while the product
/// that names it is written).
#[tracing::instrument(skip_all)]
pub async fn client_exists(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    let found: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM clients WHERE id = $1 FOR SHARE").bind(id).fetch_optional(db).await?;
    Ok(found.is_some())
}

/// A customer order of the studio: its status and client, held (`FOR SHARE`) so it can be
/// neither cancelled, delivered nor deleted while a product is linked to it.
#[tracing::instrument(skip_all)]
pub async fn hold_order(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<(OrderStatus, Uuid)>> {
    sqlx::query_as("SELECT status, client_id FROM orders WHERE id = $1 FOR SHARE").bind(id).fetch_optional(db).await
}

/// Deletes a product.
#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM products WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

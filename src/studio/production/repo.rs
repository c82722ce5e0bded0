//! SQL on a studio's `production_orders` and `production_registrations` tables, always
//! through the tenant-scoped handle. Reads join the assignee's name; writes return the
//! same shape through a CTE.

use chrono::{DateTime, Utc};
use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::production::model::{ProductionFilter, ProductionOrder, ProductionStatus, ValidProductionOrder};

/// The columns of a [`ProductionOrder`] over `o` joined to its assignee.
macro_rules! select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT o.id, o.number, o.order_id, o.order_item_id, o.description, o.status, o.planned_quantity, \
             o.produced_quantity, o.assignee_id, u.full_name AS assignee_name, o.due_on, o.notes, o.specs, \
             o.started_at, o.finished_at, o.created_at, o.updated_at FROM o LEFT JOIN users u ON u.id = o.assignee_id",
            $($rest),*
        )
    };
}

/// Reads name the table `o` the way writes name their CTE.
macro_rules! reading {
    ($($rest:literal),*) => { concat!("WITH o AS (SELECT * FROM production_orders) ", select!($($rest),*)) };
}

/// Whether the studio has a customer order `order_id` (held, `FOR KEY SHARE`, so it cannot be
/// deleted meanwhile) and, when `item_id` is given, whether that order has that line.
#[tracing::instrument(skip_all)]
pub async fn order_line(db: &mut TenantDb, order_id: Uuid, item_id: Option<Uuid>) -> sqlx::Result<(bool, bool)> {
    let found: Option<bool> = sqlx::query_scalar(
        "SELECT $2::uuid IS NULL OR EXISTS (SELECT 1 FROM order_items WHERE order_id = $1 AND id = $2) \
         FROM orders WHERE id = $1 FOR KEY SHARE",
    )
    .bind(order_id)
    .bind(item_id)
    .fetch_optional(db)
    .await?;
    Ok((found.is_some(), found.unwrap_or(false)))
}

/// Whether the studio has a production order with this id.
#[tracing::instrument(skip_all)]
pub async fn exists(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM production_orders WHERE id = $1)").bind(id).fetch_one(db).await
}

/// One page of production orders, newest number first.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut TenantDb,
    filter: &ProductionFilter,
    window: Window,
) -> sqlx::Result<(i64, Vec<ProductionOrder>)> {
    let mut list = ListQuery::new(reading!(), "number DESC");
    list.filter("o.status = ", filter.status)
        .filter("o.assignee_id = ", filter.assignee_id)
        .filter("o.order_id = ", filter.order_id)
        .contains("lower(o.number || ' ' || o.description)", filter.search.as_deref());
    list.fetch(db, window).await
}

/// One production order.
#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<ProductionOrder>> {
    sqlx::query_as(reading!(" WHERE o.id = $1")).bind(id).fetch_optional(db).await
}

/// A production order, locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<ProductionOrder>> {
    sqlx::query_as(concat!("WITH o AS (SELECT * FROM production_orders WHERE id = $1 FOR UPDATE) ", select!()))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Writes a new, planned production order numbered `number`.
#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, number: &str, order: &ValidProductionOrder) -> sqlx::Result<ProductionOrder> {
    let sql = concat!(
        "WITH o AS (INSERT INTO production_orders (description, planned_quantity, order_id, order_item_id, \
         assignee_id, due_on, notes, specs, id, number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING *) ",
        select!()
    );
    with_fields(sql, order, Uuid::now_v7()).bind(number).fetch_one(db).await
}

/// Replaces an order's fields (not its number, status or produced quantity).
#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, order: &ValidProductionOrder) -> sqlx::Result<ProductionOrder> {
    let sql = concat!(
        "WITH o AS (UPDATE production_orders SET description = $1, planned_quantity = $2, order_id = $3, \
         order_item_id = $4, assignee_id = $5, due_on = $6, notes = $7, specs = $8, updated_at = now() \
         WHERE id = $9 RETURNING *) ",
        select!()
    );
    with_fields(sql, order, id).fetch_one(db).await
}

/// `sql` with the order's fields as `$1`–`$8` and `id` as `$9`.
fn with_fields<'q>(
    sql: &'static str,
    o: &'q ValidProductionOrder,
    id: Uuid,
) -> QueryAs<'q, Postgres, ProductionOrder, PgArguments> {
    sqlx::query_as(sql)
        .bind(&o.description)
        .bind(o.planned_quantity)
        .bind(o.order_id)
        .bind(o.order_item_id)
        .bind(o.assignee_id)
        .bind(o.due_on)
        .bind(&o.notes)
        .bind(&o.specs)
        .bind(id)
}

/// Moves an order to `status`; going in progress starts it, done or cancelled finishes it.
#[tracing::instrument(skip_all)]
pub async fn set_status(db: &mut TenantDb, id: Uuid, status: ProductionStatus) -> sqlx::Result<ProductionOrder> {
    sqlx::query_as(concat!(
        "WITH o AS (UPDATE production_orders SET status = $2, \
         started_at = CASE WHEN $2 = 'in_progress' THEN now() ELSE started_at END, \
         finished_at = CASE WHEN $2 IN ('done', 'cancelled') THEN now() ELSE finished_at END, \
         updated_at = now() WHERE id = $1 RETURNING *) ",
        select!()
    ))
    .bind(id)
    .bind(status)
    .fetch_one(db)
    .await
}

/// Adds what a registration produced to the order's produced quantity.
#[tracing::instrument(skip_all)]
pub async fn add_produced(db: &mut TenantDb, id: Uuid, produced: i32) -> sqlx::Result<ProductionOrder> {
    sqlx::query_as(concat!(
        "WITH o AS (UPDATE production_orders SET produced_quantity = produced_quantity + $2, updated_at = now() \
         WHERE id = $1 RETURNING *) ",
        select!()
    ))
    .bind(id)
    .bind(produced)
    .fetch_one(db)
    .await
}

/// Whether `id` is an active user of the studio.
#[tracing::instrument(skip_all)]
pub async fn is_active_user(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active)").bind(id).fetch_one(db).await
}

/// What refers to an order: registrations, movements and products.
#[tracing::instrument(skip_all)]
pub async fn holders(db: &mut TenantDb, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM production_registrations WHERE production_order_id = $1) \
              + (SELECT count(*) FROM stock_movements WHERE production_order_id = $1) \
              + (SELECT count(*) FROM products WHERE production_order_id = $1)",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// How many registrations an order has.
#[tracing::instrument(skip_all)]
pub async fn registration_count(db: &mut TenantDb, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM production_registrations WHERE production_order_id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}

/// A registration's row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegistrationRow {
    pub id: Uuid,
    pub production_order_id: Uuid,
    pub produced_quantity: i32,
    pub notes: Option<String>,
    pub actor_id: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

/// Writes a registration's row.
#[tracing::instrument(skip_all)]
pub async fn insert_registration(
    db: &mut TenantDb,
    order_id: Uuid,
    produced: i32,
    notes: Option<&str>,
    actor_id: Option<Uuid>,
) -> sqlx::Result<RegistrationRow> {
    sqlx::query_as(
        "INSERT INTO production_registrations (id, production_order_id, produced_quantity, notes, actor_id) \
         VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, production_order_id, produced_quantity, notes, actor_id, recorded_at",
    )
    .bind(Uuid::now_v7())
    .bind(order_id)
    .bind(produced)
    .bind(notes)
    .bind(actor_id)
    .fetch_one(db)
    .await
}

/// Deletes a production order.
#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM production_orders WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

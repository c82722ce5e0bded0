//! SQL on a studio's orders, always through the tenant-scoped handle: `orders` here, its
//! lines, payments and status history beside it. Reads join the client, contract and
//! assigned user for their names.

pub mod history;
pub mod items;
pub mod payments;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::contracts::model::ContractStatus;
use crate::studio::orders::input::ValidOrder;
use crate::studio::orders::model::{OrderPaymentStatus, OrderStatus, OrderSummary};
use crate::studio::orders::pricing::{TaxTerms, Totals};

/// The columns of an [`OrderSummary`] over `$orders` (orders named `o`) and the rows it names.
macro_rules! select {
    ($orders:literal $(, $rest:literal)*) => {
        concat!(
            "SELECT o.id, o.number, o.client_id, c.name AS client_name, o.contract_id, k.number AS contract_number, \
             o.status, o.order_date, o.due_date, o.delivered_at, o.notes, o.assigned_to, \
             u.full_name AS assigned_to_name, o.prices_include_tax, o.tax_rate, o.subtotal, o.discount, o.tax, \
             o.total, o.paid, o.balance, o.payment_status, o.created_at, o.updated_at \
             FROM ", $orders, " JOIN clients c ON c.id = o.client_id LEFT JOIN contracts k ON k.id = o.contract_id \
             LEFT JOIN users u ON u.id = o.assigned_to",
            $($rest),*
        )
    };
}

/// Reads name the table `o` itself, not a CTE over it: a query over a CTE is planned apart,
/// so a list's order and limit could not reach the table's indexes.
macro_rules! reading {
    ($($rest:literal),*) => { select!("orders o" $(, $rest)*) };
}

/// The stored filters of a list.
pub struct ListFilter<'a> {
    pub status: Option<OrderStatus>,
    pub payment_status: Option<OrderPaymentStatus>,
    pub client_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub search: Option<&'a str>,
}

/// One page of orders, newest first, and how many match. `search` looks in `search_text`
/// (number, client name, notes), which the trigram index `orders_search_idx` covers.
/// Every filter is a column of `orders` and every order has its client, so the total is
/// counted over `orders` alone (an index-only scan for a status), and the page walks
/// `orders_date_number_idx` and stops at its last row.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut TenantDb,
    filter: &ListFilter<'_>,
    window: Window,
) -> sqlx::Result<(i64, Vec<OrderSummary>)> {
    let mut list = ListQuery::new(reading!(), "order_date DESC, number DESC");
    list.count_from("orders o")
        .filter("o.status = ", filter.status)
        .filter("o.payment_status = ", filter.payment_status)
        .filter("o.client_id = ", filter.client_id)
        .filter("o.contract_id = ", filter.contract_id)
        .filter("o.assigned_to = ", filter.assigned_to)
        .filter("o.order_date >= ", filter.from)
        .filter("o.order_date <= ", filter.to)
        .contains("o.search_text", filter.search);
    list.fetch(db, window).await
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<OrderSummary>> {
    sqlx::query_as(reading!(" WHERE o.id = $1")).bind(id).fetch_optional(db).await
}

/// An order, locked until the transaction ends: its status, lines and payments change only
/// under this lock.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<OrderSummary>> {
    sqlx::query_as(concat!("WITH o AS (SELECT * FROM orders WHERE id = $1 FOR UPDATE) ", select!("o")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Makes the rest of the transaction read one snapshot: an order, its lines, payments and
/// history, read by separate statements, as of one moment. Must come before any read.
#[tracing::instrument(skip_all)]
pub async fn read_snapshot(db: &mut TenantDb) -> sqlx::Result<()> {
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(db).await?;
    Ok(())
}

/// Whether the client exists, held (`FOR KEY SHARE`) so it cannot go while the order that
/// names it is written.
#[tracing::instrument(skip_all)]
pub async fn client_exists(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM clients WHERE id = $1 FOR KEY SHARE").bind(id).fetch_optional(db).await?;
    Ok(found.is_some())
}

/// A contract's stored status, held like a client.
#[tracing::instrument(skip_all)]
pub async fn contract_status(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<ContractStatus>> {
    sqlx::query_scalar("SELECT status FROM contracts WHERE id = $1 FOR KEY SHARE").bind(id).fetch_optional(db).await
}

/// Whether a user of the studio is active, held like a client.
#[tracing::instrument(skip_all)]
pub async fn user_active(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar("SELECT active FROM users WHERE id = $1 FOR KEY SHARE").bind(id).fetch_optional(db).await
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    db: &mut TenantDb,
    id: Uuid,
    number: &str,
    order: &ValidOrder,
    terms: TaxTerms,
    totals: &Totals,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO orders (client_id, contract_id, order_date, due_date, notes, assigned_to, subtotal, discount, \
         tax, total, id, number, prices_include_tax, tax_rate) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(order.client_id)
    .bind(order.contract_id)
    .bind(order.order_date)
    .bind(order.due_date)
    .bind(&order.notes)
    .bind(order.assigned_to)
    .bind(totals.subtotal)
    .bind(totals.discount)
    .bind(totals.tax)
    .bind(totals.total)
    .bind(id)
    .bind(number)
    .bind(terms.prices_include_tax)
    .bind(terms.rate)
    .execute(db)
    .await?;
    Ok(())
}

/// Replaces an order's editable fields and its totals (its tax terms stay).
#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, order: &ValidOrder, totals: &Totals) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE orders SET client_id = $1, contract_id = $2, order_date = $3, due_date = $4, notes = $5, \
         assigned_to = $6, subtotal = $7, discount = $8, tax = $9, total = $10, updated_at = now() WHERE id = $11",
    )
    .bind(order.client_id)
    .bind(order.contract_id)
    .bind(order.order_date)
    .bind(order.due_date)
    .bind(&order.notes)
    .bind(order.assigned_to)
    .bind(totals.subtotal)
    .bind(totals.discount)
    .bind(totals.tax)
    .bind(totals.total)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Moves an order to `status`; delivering stamps `delivered_at`.
#[tracing::instrument(skip_all)]
pub async fn set_status(db: &mut TenantDb, id: Uuid, status: OrderStatus) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE orders SET status = $2, \
         delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END, updated_at = now() \
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .execute(db)
    .await?;
    Ok(())
}

/// Sets `paid` to the sum of the order's completed payments (recounted, never incremented).
#[tracing::instrument(skip_all)]
pub async fn recount_paid(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE orders SET paid = (SELECT coalesce(sum(amount), 0) FROM order_payments \
         WHERE order_id = $1 AND status = 'completed'), updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// What refers to an order beyond its own rows: the numbers of the production orders that
/// serve it, and how many finished products it sold or delivered (reserved ones are
/// released on deletion).
#[tracing::instrument(skip_all)]
pub async fn workshop_links(db: &mut TenantDb, id: Uuid) -> sqlx::Result<(Vec<String>, i64)> {
    sqlx::query_as(
        "SELECT coalesce((SELECT array_agg(number ORDER BY number) FROM production_orders WHERE order_id = $1), '{}'), \
         (SELECT count(*) FROM products WHERE order_id = $1 AND status IN ('sold', 'delivered'))",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM orders WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

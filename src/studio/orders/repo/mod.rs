//! SQL on a studio's orders, always through the tenant-scoped handle: `orders` here, its
//! lines, payments and status history beside it. Reads join the client, contract and
//! assigned user for their names.
//!
//! Creating an order and recording a payment are each one statement of CTEs, audit row
//! included, that answers what the API shows: a request costs its statements, so each unit
//! of work sends as few as its rules allow.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Entry};
use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::contracts::model::ContractStatus;
use crate::studio::numbering::next_number;
use crate::studio::orders::input::ValidOrder;
use crate::studio::orders::model::{Order, OrderPaymentStatus, OrderStatus, OrderSummary};
use crate::studio::orders::pricing::Totals;
use crate::studio::settings::document::Stored;
use crate::studio::settings::repo::stored_object;

/// The columns of an [`OrderSummary`] over orders named `o`, joined as [`joins!`] joins them.
macro_rules! summary_columns {
    () => {
        "o.id, o.number, o.client_id, c.name AS client_name, o.contract_id, k.number AS contract_number, \
         o.status, o.order_date, o.due_date, o.delivered_at, o.notes, o.assigned_to, \
         u.full_name AS assigned_to_name, o.prices_include_tax, o.tax_rate, o.subtotal, o.discount, o.tax, \
         o.total, o.paid, o.balance, o.payment_status, o.created_at, o.updated_at"
    };
}

/// The rows whose names a summary shows: client, contract, assigned user.
macro_rules! joins {
    () => {
        " JOIN {studio}.clients c ON c.id = o.client_id LEFT JOIN {studio}.contracts k ON k.id = o.contract_id \
         LEFT JOIN {studio}.users u ON u.id = o.assigned_to"
    };
}

/// The columns of an [`OrderSummary`] over `$orders` (orders named `o`) and the rows it names.
macro_rules! select {
    ($orders:literal $(, $rest:literal)*) => {
        concat!("SELECT ", summary_columns!(), " FROM ", $orders, joins!(), $($rest),*)
    };
}

/// A whole [`Order`] over `$orders` (orders named `o`): the summary's columns, then its
/// lines, `$payments` (a source of its payment rows named `p`) and its history, each as a
/// JSON array in the API's shape — amounts as text (exact: `Money` takes no JSON float),
/// timestamps in ISO 8601 with their offset. One statement reads one snapshot: an order is
/// read whole and consistent without a transaction of its own.
macro_rules! whole {
    ($orders:literal, $payments:literal $(, $rest:literal)*) => {
        concat!(
            "SELECT ", summary_columns!(), ", \
             (SELECT coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'kind', i.kind, 'description', i.description, \
             'quantity', i.quantity, 'unit_price', i.unit_price::text, 'discount', i.discount::text, 'specs', i.specs, \
             'line_total', i.line_total::text, 'tax', i.tax::text) ORDER BY i.position), '[]') \
             FROM {studio}.order_items i WHERE i.order_id = o.id) AS items, \
             (SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'amount', p.amount::text, 'method', p.method, \
             'reference', p.reference, 'status', p.status, 'paid_at', p.paid_at, 'recorded_by', p.recorded_by, \
             'voided_at', p.voided_at, 'voided_by', p.voided_by, 'void_reason', p.void_reason) \
             ORDER BY p.paid_at, p.id), '[]') FROM ", $payments, ") AS payments, \
             (SELECT coalesce(jsonb_agg(jsonb_build_object('from', h.from_status, 'to', h.to_status, \
             'changed_by', h.changed_by, 'changed_by_name', hu.full_name, 'changed_at', h.changed_at, 'note', h.note) \
             ORDER BY h.changed_at, h.id), '[]') FROM {studio}.order_status_history h LEFT JOIN {studio}.users hu ON hu.id = h.changed_by \
             WHERE h.order_id = o.id) AS history \
             FROM ", $orders, joins!(), $($rest),*
        )
    };
}

pub mod history;
pub mod items;
pub mod payments;

/// Reads name the table `o` itself, not a CTE over it: a query over a CTE is planned apart,
/// so a list's order and limit could not reach the table's indexes.
macro_rules! reading {
    ($($rest:literal),*) => { select!("{studio}.orders o" $(, $rest)*) };
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
    list.count_from("{studio}.orders o")
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

/// One order with its lines, payments and history, in one statement.
#[tracing::instrument(skip_all)]
pub async fn get(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<Order>> {
    let sql =
        db.sql(whole!("{studio}.orders o", "{studio}.order_payments p WHERE p.order_id = o.id", " WHERE o.id = $1"));
    sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(db).await
}

/// An order, locked until the transaction ends: its status, lines and payments change only
/// under this lock. A lock that had to wait returns the row as the last holder left it, but
/// the rest of this statement reads a snapshot older than that holder's commit: the order's
/// lines, payments and history are read by the statements that follow.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<OrderSummary>> {
    let sql = db.sql(concat!("WITH o AS (SELECT * FROM {studio}.orders WHERE id = $1 FOR UPDATE) ", select!("o")));
    sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(db).await
}

/// What an order's write needs to know besides its input, read in one statement: the
/// moment (`now()`, the transaction's), the client, contract and staff member it names —
/// held (`FOR KEY SHARE`) so they cannot go while the transaction lasts; `None` when the
/// studio has no such row — the acting user's name, and the studio's stored settings.
#[derive(Debug, sqlx::FromRow)]
pub struct References {
    pub at: DateTime<Utc>,
    pub client_name: Option<String>,
    pub contract_number: Option<String>,
    pub contract_status: Option<ContractStatus>,
    pub assigned_to_name: Option<String>,
    pub assigned_to_active: Option<bool>,
    pub actor_name: Option<String>,
    #[sqlx(json)]
    pub settings: Stored,
}

#[tracing::instrument(skip_all)]
pub async fn references(db: &mut TenantDb, order: &ValidOrder, actor: Uuid) -> sqlx::Result<References> {
    let sql = db.sql(concat!(
        "SELECT now() AS at, c.name AS client_name, k.number AS contract_number, k.status AS contract_status, \
         u.full_name AS assigned_to_name, u.active AS assigned_to_active, \
         (SELECT full_name FROM {studio}.users WHERE id = $4) AS actor_name, ",
        stored_object!(),
        " AS settings FROM (VALUES (1)) AS one \
         LEFT JOIN LATERAL (SELECT name FROM {studio}.clients WHERE id = $1 FOR KEY SHARE) c ON true \
         LEFT JOIN LATERAL (SELECT number, status FROM {studio}.contracts WHERE id = $2 FOR KEY SHARE) k ON true \
         LEFT JOIN LATERAL (SELECT full_name, active FROM {studio}.users WHERE id = $3 FOR KEY SHARE) u ON true"
    ));
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(order.client_id)
        .bind(order.contract_id)
        .bind(order.assigned_to)
        .bind(actor)
        .fetch_one(db)
        .await
}

/// Creates `order` (built whole by the service, its number left empty) in one statement:
/// the next `ORD` number of `year`, the order (whose trigger writes `search_text`), its
/// lines, its first history step (by `changed_by`) and its audit row (`entry`, whose `after.number` is filled
/// in here). Returns the number. The lines and the rest read the inserted order, so they are
/// written after it: a trigger on `order_items` finds its order. The counter row stays
/// locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &mut TenantDb,
    order: &Order,
    year: i32,
    changed_by: Option<Uuid>,
    ctx: &AuditContext,
    entry: Entry,
) -> sqlx::Result<String> {
    let summary = &order.summary;
    let sql = db.sql(concat!(
        "WITH next_number AS (",
        next_number!("$1", "$2"),
        "), o AS (INSERT INTO {studio}.orders (id, number, client_id, contract_id, order_date, due_date, notes, assigned_to, \
         subtotal, discount, tax, total, prices_include_tax, tax_rate, created_at, updated_at) \
         SELECT $3, number, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16 FROM next_number \
         RETURNING id, number), \
         lines AS (",
        items::insert_lines!("o.id", "o, ", "$17"),
        "), step AS (INSERT INTO {studio}.order_status_history (id, order_id, from_status, to_status, changed_by, changed_at) \
         SELECT $18, o.id, NULL, $19, $20, $16 FROM o), \
         audit AS (INSERT INTO {studio}.audit_log (",
        audit::repo::columns!(),
        ") SELECT $21, $22, $23, $24, $25, jsonb_set($26, '{after,number}', to_jsonb(o.number)), $27, $28 FROM o) \
         SELECT number FROM o"
    ));
    let query = sqlx::query(AssertSqlSafe(sql))
        .bind("ORD")
        .bind(year)
        .bind(summary.id)
        .bind(summary.client_id)
        .bind(summary.contract_id)
        .bind(summary.order_date)
        .bind(summary.due_date)
        .bind(&summary.notes)
        .bind(summary.assigned_to)
        .bind(summary.subtotal)
        .bind(summary.discount)
        .bind(summary.tax)
        .bind(summary.total)
        .bind(summary.prices_include_tax)
        .bind(summary.tax_rate)
        .bind(summary.created_at)
        .bind(Json(&order.items))
        .bind(Uuid::now_v7())
        .bind(summary.status)
        .bind(changed_by);
    audit::repo::bind(query, ctx, entry).fetch_one(db).await?.try_get("number")
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

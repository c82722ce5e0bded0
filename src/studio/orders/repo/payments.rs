//! SQL on `order_payments`: money received for an order; voided, never deleted.

use sqlx::{AssertSqlSafe, FromRow};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Entry};
use crate::db::TenantDb;
use crate::studio::orders::input::ValidPayment;
use crate::studio::orders::model::{Order, OrderPayment};

/// The columns of an [`OrderPayment`], then the rest of a statement.
macro_rules! columns {
    ($($rest:literal),*) => {
        concat!(
            "id, amount, method, reference, status, paid_at, recorded_by, voided_at, voided_by, void_reason",
            $($rest),*
        )
    };
}

/// How many payments an order has, voided ones included.
#[tracing::instrument(skip_all)]
pub async fn count(db: &mut TenantDb, order_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM order_payments WHERE order_id = $1").bind(order_id).fetch_one(db).await
}

/// Records payment `id` of a locked order with its audit row (`entry`) and recounts `paid`,
/// in one statement, and answers the whole order as it stands after.
///
/// The order must have been locked by an earlier statement of the transaction
/// ([`super::lock`]): this statement's snapshot, taken once the lock was held, has every
/// payment committed before it, and no other can come while the lock is held. So `paid` is
/// recounted, never incremented: the completed payments this statement sees, plus the one it
/// inserts (which its own reads cannot see).
#[tracing::instrument(skip_all)]
pub async fn record(
    db: &mut TenantDb,
    order_id: Uuid,
    id: Uuid,
    payment: &ValidPayment,
    recorded_by: Option<Uuid>,
    ctx: &AuditContext,
    entry: Entry,
) -> sqlx::Result<Order> {
    let sql = db.sql(concat!(
        "WITH new_payment AS (INSERT INTO {studio}.order_payments (id, order_id, amount, method, reference, recorded_by) \
         VALUES ($2, $1, $3, $4, $5, $6) RETURNING *), \
         o AS (UPDATE {studio}.orders SET paid = (SELECT coalesce(sum(amount), 0) FROM {studio}.order_payments \
         WHERE order_id = $1 AND status = 'completed') + (SELECT amount FROM new_payment), updated_at = now() \
         WHERE id = $1 RETURNING *), \
         audit AS (INSERT INTO {studio}.audit_log (",
        audit::repo::columns!(),
        ") VALUES ($7, $8, $9, $10, $11, $12, $13, $14)) ",
        whole!("o", "(SELECT * FROM {studio}.order_payments WHERE order_id = o.id UNION ALL SELECT * FROM new_payment) p")
    ));
    let query = sqlx::query(AssertSqlSafe(sql))
        .bind(order_id)
        .bind(id)
        .bind(payment.amount)
        .bind(payment.method)
        .bind(&payment.reference)
        .bind(recorded_by);
    Order::from_row(&audit::repo::bind(query, ctx, entry).fetch_one(db).await?)
}

/// A payment of `order_id` (of no other order), locked until the transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb, order_id: Uuid, id: Uuid) -> sqlx::Result<Option<OrderPayment>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM order_payments WHERE id = $1 AND order_id = $2 FOR UPDATE")))
        .bind(id)
        .bind(order_id)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn void(db: &mut TenantDb, id: Uuid, voided_by: Option<Uuid>, reason: &str) -> sqlx::Result<OrderPayment> {
    sqlx::query_as(concat!(
        "UPDATE order_payments SET status = 'voided', voided_at = now(), voided_by = $2, void_reason = $3 \
         WHERE id = $1 RETURNING ",
        columns!()
    ))
    .bind(id)
    .bind(voided_by)
    .bind(reason)
    .fetch_one(db)
    .await
}

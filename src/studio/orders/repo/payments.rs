//! SQL on `order_payments`: money received for an order; voided, never deleted.

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::orders::input::ValidPayment;
use crate::studio::orders::model::OrderPayment;

/// The columns of an [`OrderPayment`], then the rest of a statement.
macro_rules! columns {
    ($($rest:literal),*) => {
        concat!(
            "id, amount, method, reference, status, paid_at, recorded_by, voided_at, voided_by, void_reason",
            $($rest),*
        )
    };
}

/// An order's payments, oldest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, order_id: Uuid) -> sqlx::Result<Vec<OrderPayment>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM order_payments WHERE order_id = $1 ORDER BY paid_at, id")))
        .bind(order_id)
        .fetch_all(db)
        .await
}

/// How many payments an order has, voided ones included.
#[tracing::instrument(skip_all)]
pub async fn count(db: &mut TenantDb, order_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM order_payments WHERE order_id = $1").bind(order_id).fetch_one(db).await
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    db: &mut TenantDb,
    order_id: Uuid,
    payment: &ValidPayment,
    recorded_by: Option<Uuid>,
) -> sqlx::Result<OrderPayment> {
    sqlx::query_as(concat!(
        "INSERT INTO order_payments (id, order_id, amount, method, reference, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
        columns!()
    ))
    .bind(Uuid::now_v7())
    .bind(order_id)
    .bind(payment.amount)
    .bind(payment.method)
    .bind(&payment.reference)
    .bind(recorded_by)
    .fetch_one(db)
    .await
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

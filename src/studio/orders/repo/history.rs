//! SQL on `order_status_history`: every status an order went through.

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::orders::model::{OrderStatus, OrderStatusRecord};

/// An order's history, oldest first, with the name of who changed it while their account
/// exists.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, order_id: Uuid) -> sqlx::Result<Vec<OrderStatusRecord>> {
    sqlx::query_as(
        "SELECT h.from_status AS \"from\", h.to_status AS \"to\", h.changed_by, u.full_name AS changed_by_name, \
         h.changed_at, h.note FROM order_status_history h LEFT JOIN users u ON u.id = h.changed_by \
         WHERE h.order_id = $1 ORDER BY h.changed_at, h.id",
    )
    .bind(order_id)
    .fetch_all(db)
    .await
}

/// Records a step: `from` is `None` for the order's creation.
#[tracing::instrument(skip_all)]
pub async fn record(
    db: &mut TenantDb,
    order_id: Uuid,
    from: Option<OrderStatus>,
    to: OrderStatus,
    changed_by: Option<Uuid>,
    note: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO order_status_history (id, order_id, from_status, to_status, changed_by, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Uuid::now_v7())
    .bind(order_id)
    .bind(from)
    .bind(to)
    .bind(changed_by)
    .bind(note)
    .execute(db)
    .await?;
    Ok(())
}

//! SQL on `order_status_history`: every status an order went through (read with the order,
//! see `whole!`).

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::orders::model::OrderStatus;

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

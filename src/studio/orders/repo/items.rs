//! SQL on `order_items`: an order's lines, read in their order and replaced as a whole.

use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::orders::input::ValidItem;
use crate::studio::orders::model::OrderItem;
use crate::studio::orders::pricing::PricedLine;

/// An order's lines, in the order they were given.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, order_id: Uuid) -> sqlx::Result<Vec<OrderItem>> {
    sqlx::query_as(
        "SELECT id, kind, description, quantity, unit_price, discount, specs, line_total, tax \
         FROM order_items WHERE order_id = $1 ORDER BY position",
    )
    .bind(order_id)
    .fetch_all(db)
    .await
}

/// Replaces an order's lines with `items`, priced as `priced` (same order), in one statement.
#[tracing::instrument(skip_all)]
pub async fn replace(
    db: &mut TenantDb,
    order_id: Uuid,
    items: &[ValidItem],
    priced: &[PricedLine],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM order_items WHERE order_id = $1").bind(order_id).execute(&mut *db).await?;
    let ids: Vec<Uuid> = items.iter().map(|_| Uuid::now_v7()).collect();
    let positions: Vec<i32> = (0..items.len() as i32).collect();
    let kinds: Vec<String> = items.iter().map(|i| i.kind.as_str()).collect();
    let descriptions: Vec<&str> = items.iter().map(|i| i.description.as_str()).collect();
    let quantities: Vec<i32> = items.iter().map(|i| i.quantity).collect();
    let unit_prices: Vec<_> = items.iter().map(|i| i.unit_price.0).collect();
    let discounts: Vec<_> = items.iter().map(|i| i.discount.0).collect();
    let specs: Vec<serde_json::Value> = items.iter().map(|i| serde_json::json!(i.specs)).collect();
    let line_totals: Vec<_> = priced.iter().map(|p| p.line_total.0).collect();
    let taxes: Vec<_> = priced.iter().map(|p| p.tax.0).collect();
    sqlx::query(
        "INSERT INTO order_items (order_id, id, position, kind, description, quantity, unit_price, discount, specs, \
         line_total, tax) \
         SELECT $1, * FROM UNNEST($2::uuid[], $3::int[], $4::text[], $5::text[], $6::int[], $7::numeric[], \
         $8::numeric[], $9::jsonb[], $10::numeric[], $11::numeric[])",
    )
    .bind(order_id)
    .bind(ids)
    .bind(positions)
    .bind(kinds)
    .bind(descriptions)
    .bind(quantities)
    .bind(unit_prices)
    .bind(discounts)
    .bind(specs)
    .bind(line_totals)
    .bind(taxes)
    .execute(db)
    .await?;
    Ok(())
}

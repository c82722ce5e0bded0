//! SQL on `order_items`: an order's lines, written from the lines the API shows, and
//! replaced as a whole.

use sqlx::AssertSqlSafe;
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::orders::model::OrderItem;

/// Inserts lines for order `$order` (an expression: `"$1"`, `"o.id"`) from `$lines`, a
/// `jsonb` parameter holding them as the API shows them (`Json(&[OrderItem])`: amounts as exact text), in their order (`position` from 0);
/// `$from` is what the statement reads besides them (`"o, "` or `""`). The columns are
/// named, so a column kept by a trigger needs nothing here.
macro_rules! insert_lines {
    ($order:literal, $from:literal, $lines:literal) => {
        concat!(
            "INSERT INTO {studio}.order_items (order_id, id, position, kind, description, quantity, unit_price, discount, \
             specs, line_total, tax) \
             SELECT ",
            $order,
            ", l.id, l.n - 1, l.kind, l.description, l.quantity, l.unit_price, l.discount, l.specs, l.line_total, \
             l.tax FROM ",
            $from,
            "ROWS FROM (jsonb_to_recordset(",
            $lines,
            ") AS (id uuid, kind text, description text, quantity integer, unit_price numeric, discount numeric, \
             specs jsonb, line_total numeric, tax numeric)) WITH ORDINALITY \
             AS l (id, kind, description, quantity, unit_price, discount, specs, line_total, tax, n)"
        )
    };
}
pub(crate) use insert_lines;

/// Replaces an order's lines with `lines`.
#[tracing::instrument(skip_all)]
pub async fn replace(db: &mut TenantDb, order_id: Uuid, lines: &[OrderItem]) -> sqlx::Result<()> {
    let delete = db.sql("DELETE FROM {studio}.order_items WHERE order_id = $1");
    sqlx::query(AssertSqlSafe(delete)).bind(order_id).execute(&mut *db).await?;
    let insert = db.sql(insert_lines!("$1", "", "$2"));
    sqlx::query(AssertSqlSafe(insert)).bind(order_id).bind(Json(lines)).execute(db).await?;
    Ok(())
}

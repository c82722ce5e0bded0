//! Status changes: the workflow, the minimum deposit to confirm, the history, and the
//! finished products that follow the order (released when it is cancelled, delivered with it).

use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::extract::TenantUser;
use crate::http::ApiResult;
use crate::studio::money::Money;
use crate::studio::orders::input::OrderStatusInput;
use crate::studio::orders::model::{Order, OrderStatus};
use crate::studio::orders::repo::{self, history};
use crate::studio::orders::service::{conflict, detail, locked};
use crate::studio::products::service as products;
use crate::studio::settings;

/// Moves an order along its workflow (409 `invalid_transition` naming from and to). Confirming
/// needs the studio's minimum deposit paid (409 `deposit_required` with what is missing).
/// Cancelling puts the products reserved for the order back in stock; delivering delivers
/// every product it holds, reserved or sold — in the same transaction as the change.
pub async fn set_status(user: &TenantUser, id: Uuid, input: &OrderStatusInput) -> ApiResult<Order> {
    let note = input.validate()?;
    let to = input.status;
    let mut tx = user.begin().await?;
    let order = locked(&mut tx, id).await?;
    let from = order.status;
    if !from.may_become(to) {
        let detail = format!("an order cannot go from {} to {}", from.as_str(), to.as_str());
        return Err(conflict("invalid_transition", detail, json!({"from": from, "to": to})));
    }
    if to == OrderStatus::Confirmed {
        let studio = settings::load(&mut tx, &user.tenant).await?;
        let required = studio.min_deposit_percent.of(order.total);
        if order.paid < required {
            let missing = Money(required.0 - order.paid.0);
            let detail = format!(
                "confirming needs a deposit of {required} ({}% of {}); {missing} is missing",
                studio.min_deposit_percent, order.total
            );
            let context = json!({"required": required, "paid": order.paid, "missing": missing});
            return Err(conflict("deposit_required", detail, context));
        }
    }
    repo::set_status(&mut tx, id, to).await?;
    // The finished products the order holds follow it, in this transaction.
    match to {
        OrderStatus::Cancelled => {
            products::release_order_in(&mut tx, user.audit(), id).await?;
        }
        OrderStatus::Delivered => {
            products::deliver_order_in(&mut tx, user.audit(), id).await?;
        }
        _ => {}
    }
    history::record(&mut tx, id, Some(from), to, Some(user.user_id), note.as_deref()).await?;
    let changes = json!({"before": {"status": from}, "after": {"status": to}, "note": note});
    audit::record(&mut tx, user.audit(), Entry::new("order.status_changed", "order", Some(id), changes)).await?;
    let after = detail(&mut tx, id).await?;
    tx.commit().await?;
    Ok(after)
}

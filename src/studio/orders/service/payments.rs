//! Payments: recorded up to the balance, voided with a reason; `paid` follows them.

use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::extract::TenantUser;
use crate::http::{ApiError, ApiResult};
use crate::studio::orders::input::{OrderPaymentInput, OrderPaymentVoidInput};
use crate::studio::orders::model::{Order, OrderPaymentState, OrderStatus};
use crate::studio::orders::repo::{self, payments};
use crate::studio::orders::service::{conflict, detail, locked};

/// Records money received; more than the balance is refused (422 on `amount`), and a
/// cancelled order takes none (409 `order_closed`).
///
/// Four statements: `BEGIN`; the order locked ([`locked`]); the payment, `paid` recounted,
/// the audit row and the order as it then stands ([`payments::record`]); `COMMIT` — each
/// naming the studio's schema, on a qualified handle (`begin_qualified`).
pub async fn record_payment(user: &TenantUser, order_id: Uuid, input: &OrderPaymentInput) -> ApiResult<Order> {
    let payment = input.validate()?;
    let mut tx = user.begin_qualified().await?;
    let order = locked(&mut tx, order_id).await?;
    if order.status == OrderStatus::Cancelled {
        let detail = "the order is cancelled; it takes no payments".to_owned();
        return Err(conflict("order_closed", detail, json!({"status": order.status})));
    }
    if payment.amount > order.balance {
        return Err(ApiError::invalid("amount", format!("is more than the order's balance ({})", order.balance)));
    }
    let id = Uuid::now_v7();
    let changes = json!({"after": {"order_id": order_id, "order_number": order.number, "amount": payment.amount,
                                   "method": payment.method, "reference": payment.reference}});
    let entry = Entry::new("payment.recorded", "payment", Some(id), changes);
    let after = payments::record(&mut tx, order_id, id, &payment, Some(user.user_id), user.audit(), entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Voids a payment of the order, with a reason; it stays listed but no longer counts.
pub async fn void_payment(
    user: &TenantUser,
    order_id: Uuid,
    payment_id: Uuid,
    input: &OrderPaymentVoidInput,
) -> ApiResult<Order> {
    let reason = input.validate()?;
    let mut tx = user.begin().await?;
    let order = locked(&mut tx, order_id).await?;
    let payment = payments::lock(&mut tx, order_id, payment_id).await?.ok_or_else(|| ApiError::not_found("payment"))?;
    if payment.status == OrderPaymentState::Voided {
        let detail = "the payment is already voided".to_owned();
        return Err(conflict("payment_voided", detail, json!({"voided_at": payment.voided_at})));
    }
    payments::void(&mut tx, payment_id, Some(user.user_id), &reason).await?;
    repo::recount_paid(&mut tx, order_id).await?;
    let changes = json!({
        "before": {"status": payment.status},
        "after": {"status": OrderPaymentState::Voided, "void_reason": reason},
        "order_id": order_id, "order_number": order.number, "amount": payment.amount,
    });
    audit::record(&mut tx, user.audit(), Entry::new("payment.voided", "payment", Some(payment_id), changes)).await?;
    let after = detail(&mut tx, order_id).await?;
    tx.commit().await?;
    Ok(after)
}

//! Demo orders: fifty over the last weeks, across every status, with lines of several kinds,
//! deposits and settled balances, some partial, one payment voided; a few under the demo's
//! contracts when there are any.

use chrono::Days;
use rust_decimal::Decimal;
use serde_json::json;

use crate::auth::extract::TenantUser;
use crate::db::Window;
use crate::http::ApiResult;
use crate::studio::clients::model::ClientFilter;
use crate::studio::clients::service as clients;
use crate::studio::contracts::model::ContractFilter;
use crate::studio::contracts::service as contracts;
use crate::studio::money::Money;
use crate::studio::orders::input::{
    OrderInput, OrderItemInput, OrderPaymentInput, OrderPaymentVoidInput, OrderStatusInput, SentKeys,
};
use crate::studio::orders::model::{Order, OrderItemKind as Kind, OrderPaymentMethod as Method, OrderStatus};
use crate::studio::orders::service;

const ORDERS: usize = 50;

/// A line of the catalogue: kind, description, unit price, specs.
type Offer = (Kind, &'static str, &'static str, &'static [(&'static str, &'static str)]);

/// What a Peruvian studio sells.
const CATALOGUE: &[Offer] = &[
    (Kind::Session, "Sesión familiar en estudio", "180.00", &[("duration", "1 h"), ("backdrop", "gris")]),
    (Kind::Print, "Impresión 20x30 cm", "12.00", &[("size", "20x30"), ("paper", "lustre")]),
    (Kind::Frame, "Cuadro 30x40 cm", "95.00", &[("size", "30x40"), ("moulding", "nogal")]),
    (Kind::Souvenir, "Taza personalizada", "25.00", &[("color", "blanco")]),
    (Kind::Print, "Impresión 10x15 cm", "2.50", &[("size", "10x15"), ("paper", "mate")]),
    (Kind::Design, "Diseño de tarjetas de invitación", "60.00", &[]),
    (Kind::Restoration, "Restauración de foto antigua", "45.00", &[("damage", "rasgado")]),
    (Kind::Session, "Sesión de promoción escolar", "120.00", &[("location", "colegio")]),
];

/// The steps from pending to `target`.
fn steps_to(target: OrderStatus) -> Vec<OrderStatus> {
    use OrderStatus::*;
    let workflow = [Confirmed, InProduction, Ready, Delivered];
    match workflow.iter().position(|s| *s == target) {
        Some(last) => workflow[..=last].to_vec(),
        None if target == Cancelled => vec![Cancelled],
        None => Vec::new(),
    }
}

/// Where each demo order ends up, in turn.
const STATUSES: [OrderStatus; 6] = [
    OrderStatus::Pending,
    OrderStatus::Confirmed,
    OrderStatus::InProduction,
    OrderStatus::Ready,
    OrderStatus::Delivered,
    OrderStatus::Cancelled,
];

fn line(i: usize, n: usize) -> OrderItemInput {
    let (kind, description, price, specs) = CATALOGUE[(i + n * 3) % CATALOGUE.len()];
    let quantity = if kind == Kind::Print { 2 + (i % 5) as i64 * 4 } else { 1 };
    OrderItemInput {
        kind,
        description: Some(description.to_owned()),
        quantity,
        unit_price: Some(Money(price.parse().unwrap_or_default())),
        discount: (i.is_multiple_of(4) && n == 0).then(|| Money(Decimal::from(5))),
        specs: Some(specs.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect()),
        quote: None,
        sent: SentKeys::default(),
    }
}

async fn pay(admin: &TenantUser, order: &Order, amount: Money, method: Method) -> ApiResult<Order> {
    let reference = (method != Method::Cash).then(|| format!("OP-{}", &order.summary.number[9..]));
    service::record_payment(admin, order.summary.id, &OrderPaymentInput { amount, method, reference }).await
}

/// Creates the demo's orders, as the demo admin, through the orders services.
pub async fn seed(admin: &TenantUser) -> ApiResult<()> {
    let all = Window { limit: 100, offset: 0 };
    let (_, clients) = clients::list(admin, &ClientFilter::default(), all).await?;
    let (_, contracts) = contracts::list(admin, &ContractFilter::default(), all).await?;
    if clients.is_empty() {
        return Ok(());
    }
    let today = admin.tenant.today();
    let methods = [Method::Cash, Method::Transfer, Method::Qr, Method::Card];
    for i in 0..ORDERS {
        let order_date = today - Days::new(((ORDERS - i) * 2) as u64);
        let input = OrderInput {
            client_id: clients[i % clients.len()].id,
            // Every seventh order comes from a school's contract, when the demo has one.
            contract_id: contracts.get(i / 7 % contracts.len().max(1)).filter(|_| i % 7 == 3).map(|c| c.id),
            order_date: Some(order_date),
            due_date: Some(order_date + Days::new(7 + (i % 3) as u64 * 7)),
            notes: (i % 5 == 1).then(|| "Entregar en sobre con el logo del estudio".to_owned()),
            assigned_to: Some(admin.user_id),
            items: (0..1 + i % 3).map(|n| line(i, n)).collect(),
            sent: SentKeys::default(),
        };
        let mut order = service::create(admin, &input).await?;
        let target = STATUSES[i % STATUSES.len()];
        let method = methods[i % methods.len()];
        let deposit = Money::rounded(order.summary.total.0 / Decimal::TWO);
        if i == 7 {
            // A deposit recorded with the wrong method, voided, and taken again below.
            order = pay(admin, &order, deposit, Method::Other).await?;
            let mistaken = order.payments[0].id;
            let reason = OrderPaymentVoidInput { reason: "Registrado con el medio de pago equivocado".to_owned() };
            service::void_payment(admin, order.summary.id, mistaken, &reason).await?;
        }
        // Pending ones have a deposit every other time; cancelled ones never paid.
        if target != OrderStatus::Cancelled && (target != OrderStatus::Pending || i % 2 == 0) {
            order = pay(admin, &order, deposit, method).await?;
        }
        for step in steps_to(target) {
            if step == OrderStatus::Delivered && i % 24 != 10 && order.summary.balance > Money::ZERO {
                // Settled on delivery, but for the odd client who pays later.
                order = pay(admin, &order, order.summary.balance, Method::Cash).await?;
            }
            order =
                service::set_status(admin, order.summary.id, &OrderStatusInput { status: step, note: None }).await?;
        }
    }
    Ok(())
}

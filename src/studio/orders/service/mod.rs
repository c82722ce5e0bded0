//! The rules of orders and the unit of work of each action: reading, creating, replacing
//! and deleting orders here; status changes and payments beside it.
//!
//! Every write locks the order row first (`repo::lock`): its status, lines, payments and
//! `paid` change only under that lock, so concurrent payments cannot overpay and a status
//! change always sees the payments made before it.

mod payments;
mod status;

pub use payments::{record_payment, void_payment};
pub use status::set_status;

use chrono::Datelike;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::extract::TenantUser;
use crate::db::{TenantDb, Window};
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::contracts::model::ContractStatus;
use crate::studio::money::Money;
use crate::studio::orders::input::{ItemSource, OrderFilter, OrderInput, ValidItem, ValidOrder, check_amounts};
use crate::studio::orders::model::{
    Order, OrderItem, OrderItemKind, OrderPaymentStatus, OrderStatus, OrderStatusRecord, OrderSummary,
};
use crate::studio::orders::pricing::{self, PricedLine, TaxTerms, Totals};
use crate::studio::orders::repo::{self, ListFilter, References, items};
use crate::studio::products::service as products;
use crate::studio::quotes::service as quotes;
use crate::studio::settings;
use crate::tenancy::model::Tenant;

fn not_found() -> ApiError {
    ApiError::not_found("order")
}

/// 409 with `code`, a sentence for a person and `context` for a program.
fn conflict(code: &'static str, detail: String, context: serde_json::Value) -> ApiError {
    ApiError::ConflictWith { code, detail, context }
}

/// The order as it stands on `db` (inside a write, after the write), read in one statement.
async fn detail(db: &mut TenantDb, id: Uuid) -> ApiResult<Order> {
    repo::get(db, id).await?.ok_or_else(not_found)
}

/// The locked order, or 404.
async fn locked(db: &mut TenantDb, id: Uuid) -> ApiResult<OrderSummary> {
    repo::lock(db, id).await?.ok_or_else(not_found)
}

/// The client, contract and staff member an order names must be this studio's (422 on the
/// field otherwise). A cancelled contract or a deactivated user may stay on an order that
/// already named them, but not be newly named. Returns the client's name.
fn check_references(refs: &References, order: &ValidOrder, before: Option<&OrderSummary>) -> ApiResult<String> {
    let mut checks = Checks::new();
    if refs.client_name.is_none() {
        checks.fail("client_id", "no client of this studio has this id");
    }
    if order.contract_id.is_some() {
        let kept = before.is_some_and(|b| b.contract_id == order.contract_id);
        match refs.contract_status {
            None => checks.fail("contract_id", "no contract of this studio has this id"),
            Some(ContractStatus::Cancelled) if !kept => checks.fail("contract_id", "the contract is cancelled"),
            Some(_) => {}
        }
    }
    if order.assigned_to.is_some() {
        let kept = before.is_some_and(|b| b.assigned_to == order.assigned_to);
        match refs.assigned_to_active {
            None => checks.fail("assigned_to", "no user of this studio has this id"),
            Some(false) if !kept => checks.fail("assigned_to", "the user is deactivated"),
            Some(_) => {}
        }
    }
    checks.finish()?;
    Ok(refs.client_name.clone().unwrap_or_default())
}

/// Fills in the frame lines the server prices: a line with a `quote` is quoted now, on `db`
/// (its price, its snapshot in `specs`, and the quote's description unless one was sent); a
/// line sent back with its snapshot must be a quoted frame line of the order (`stored`) and
/// keeps its quoted price. Every failure is a 422 naming the line's field.
async fn resolve_frames(
    db: &mut TenantDb,
    tenant: &Tenant,
    items: &mut [ValidItem],
    stored: &[OrderItem],
) -> ApiResult<()> {
    let mut checks = Checks::new();
    for (i, item) in items.iter_mut().enumerate() {
        let prefix = format!("items[{i}].");
        match &item.source {
            ItemSource::Sent => {}
            ItemSource::Quote(input) => {
                let quote = match quotes::price_in(db, tenant, input).await {
                    Ok(quote) => quote,
                    Err(ApiError::Validation(errors)) => {
                        for e in errors {
                            checks.fail(&format!("{prefix}quote.{}", e.field), e.message);
                        }
                        continue;
                    }
                    Err(other) => return Err(other),
                };
                let Value::Object(snapshot) = quote.frame_item.specs else {
                    return Err(ApiError::internal("a frame quote's snapshot is not an object"));
                };
                item.unit_price = quote.frame_item.unit_price;
                item.specs = snapshot.into_iter().collect();
                if item.description.is_empty() {
                    item.description = quote.frame_item.description;
                }
                check_amounts(&mut checks, &prefix, item.quantity, item.unit_price, item.discount);
            }
            ItemSource::Kept { unit_price } => {
                let Some(kept) = stored.iter().find(|s| s.kind == OrderItemKind::Frame && s.specs == item.specs) else {
                    checks.fail(
                        &format!("{prefix}specs"),
                        "a frame's quote snapshot stays only on the line of this order that holds it; send a \
                         `quote` to price a new frame",
                    );
                    continue;
                };
                if unit_price.is_some_and(|price| price != kept.unit_price) {
                    checks.fail(
                        &format!("{prefix}unit_price"),
                        format!(
                            "a quoted frame keeps its quoted price ({}); send a new `quote` to re-price it",
                            kept.unit_price
                        ),
                    );
                }
                item.unit_price = kept.unit_price;
                check_amounts(&mut checks, &prefix, item.quantity, item.unit_price, item.discount);
            }
        }
    }
    checks.finish()
}

/// Prices the lines under `terms`; an order whose amounts would not fit is a 422 on `items`.
fn priced(terms: TaxTerms, items: &[ValidItem]) -> ApiResult<(Vec<PricedLine>, Totals)> {
    let lines: Vec<_> = items.iter().map(ValidItem::line).collect();
    let (priced, totals) = pricing::price(terms, &lines);
    if totals.subtotal.problem().is_some() || totals.total.problem().is_some() {
        return Err(ApiError::invalid("items", "the order's total is too large"));
    }
    Ok((priced, totals))
}

/// Whether the stored lines are the lines sent, in the same order.
fn same_items(stored: &[OrderItem], sent: &[ValidItem]) -> bool {
    stored.len() == sent.len()
        && stored.iter().zip(sent).all(|(s, v)| {
            s.kind == v.kind
                && s.description == v.description
                && s.quantity == v.quantity
                && s.unit_price == v.unit_price
                && s.discount == v.discount
                && s.specs == v.specs
        })
}

pub async fn list(user: &TenantUser, filter: &OrderFilter, window: Window) -> ApiResult<(i64, Vec<OrderSummary>)> {
    filter.validate()?;
    let stored = ListFilter {
        status: filter.status,
        payment_status: filter.payment_status,
        client_id: filter.client_id,
        contract_id: filter.contract_id,
        assigned_to: filter.assigned_to,
        from: filter.from,
        to: filter.to,
        search: filter.search.as_deref(),
    };
    Ok(repo::list(&mut user.reads().await?, &stored, window).await?)
}

/// One order, its lines, payments and history, read in one statement (one snapshot).
pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<Order> {
    detail(&mut user.reads().await?, id).await
}

/// The lines as the order shows them: each sent line with its price, a new id each.
fn order_lines(items: &[ValidItem], priced: &[PricedLine]) -> Vec<OrderItem> {
    items
        .iter()
        .zip(priced)
        .map(|(item, priced)| OrderItem {
            id: Uuid::now_v7(),
            kind: item.kind,
            description: item.description.clone(),
            quantity: item.quantity,
            unit_price: item.unit_price,
            discount: item.discount,
            specs: item.specs.clone(),
            line_total: priced.line_total,
            tax: priced.tax,
        })
        .collect()
}

/// Creates a pending order numbered `ORD-<this year>-NNNNN` (the studio's year), priced under
/// the studio's tax settings, which the order keeps.
///
/// Four statements: `BEGIN`; the references and the settings ([`repo::references`]); the
/// number, order, lines, history step and audit row ([`repo::create`]); `COMMIT` — and the
/// quotes of quoted frames in between. The answer is the order as written, built here: it is
/// not read back.
pub async fn create(user: &TenantUser, input: &OrderInput) -> ApiResult<Order> {
    let today = user.tenant.today();
    let mut order = input.validate(today)?;
    // Every statement of an order whose lines are all sent as they are names the studio's
    // schema; pricing a frame from a quote reads the workshop's tables on the studio's path.
    let mut tx = if order.items.iter().all(|i| matches!(i.source, ItemSource::Sent)) {
        user.begin_qualified().await?
    } else {
        user.begin().await?
    };
    let refs = repo::references(&mut tx, &order, user.user_id).await?;
    let client_name = check_references(&refs, &order, None)?;
    resolve_frames(&mut tx, &user.tenant, &mut order.items, &[]).await?;
    let studio = settings::repo::effective(&user.tenant, &refs.settings)?;
    let terms = TaxTerms { rate: studio.tax_rate, prices_include_tax: studio.prices_include_tax };
    let (lines, totals) = priced(terms, &order.items)?;
    let status = OrderStatus::Pending;
    let mut created = Order {
        summary: OrderSummary {
            id: Uuid::now_v7(),
            number: String::new(), // the statement's: see `repo::create`
            client_id: order.client_id,
            client_name,
            contract_id: order.contract_id,
            contract_number: refs.contract_number,
            status,
            order_date: order.order_date,
            due_date: order.due_date,
            delivered_at: None,
            notes: order.notes,
            assigned_to: order.assigned_to,
            assigned_to_name: refs.assigned_to_name,
            prices_include_tax: terms.prices_include_tax,
            tax_rate: terms.rate,
            subtotal: totals.subtotal,
            discount: totals.discount,
            tax: totals.tax,
            total: totals.total,
            paid: Money::ZERO,
            balance: totals.total,
            payment_status: OrderPaymentStatus::of(totals.total, Money::ZERO),
            created_at: refs.at,
            updated_at: refs.at,
        },
        items: order_lines(&order.items, &lines),
        payments: Vec::new(),
        history: vec![OrderStatusRecord {
            from: None,
            to: status,
            changed_by: Some(user.user_id),
            changed_by_name: refs.actor_name,
            changed_at: refs.at,
            note: None,
        }],
    };
    let entry = Entry::created(&created);
    created.summary.number =
        repo::create(&mut tx, &created, today.year(), Some(user.user_id), user.audit(), entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// Replaces an order's fields and lines. A delivered or cancelled order is closed (409
/// `order_closed`); once in production its lines are fixed (409 `items_locked`); the new
/// total may not fall below what was paid (409 `total_below_paid`).
pub async fn update(user: &TenantUser, id: Uuid, input: &OrderInput) -> ApiResult<Order> {
    let mut tx = user.begin().await?;
    let summary = locked(&mut tx, id).await?;
    let mut order = input.validate(summary.order_date)?;
    let status = summary.status;
    if status.is_closed() {
        let detail = format!("the order is {}; a closed order cannot change", status.as_str());
        return Err(conflict("order_closed", detail, json!({"status": status})));
    }
    let before = detail(&mut tx, id).await?;
    resolve_frames(&mut tx, &user.tenant, &mut order.items, &before.items).await?;
    let items_changed = !same_items(&before.items, &order.items);
    if items_changed && !status.items_editable() {
        let detail = format!("the order is {}; its lines no longer change", status.as_str());
        return Err(conflict("items_locked", detail, json!({"status": status})));
    }
    let refs = repo::references(&mut tx, &order, user.user_id).await?;
    check_references(&refs, &order, Some(&before.summary))?;
    let terms = TaxTerms { rate: before.summary.tax_rate, prices_include_tax: before.summary.prices_include_tax };
    let (lines, totals) = priced(terms, &order.items)?;
    let paid = before.summary.paid;
    if totals.total < paid {
        let detail = format!("the new total {} is below the {paid} already paid; void a payment first", totals.total);
        return Err(conflict("total_below_paid", detail, json!({"total": totals.total, "paid": paid})));
    }
    repo::update(&mut tx, id, &order, &totals).await?;
    if items_changed {
        items::replace(&mut tx, id, &order_lines(&order.items, &lines)).await?;
    }
    let after = detail(&mut tx, id).await?;
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a pending or cancelled order that never had a payment, that no production order
/// serves and that sold or delivered no finished product (409 otherwise); the products it
/// held reserved go back in stock.
pub async fn delete(user: &TenantUser, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    let summary = locked(&mut tx, id).await?;
    let status = summary.status;
    if !matches!(status, OrderStatus::Pending | OrderStatus::Cancelled) {
        let detail = format!("the order is {}; only pending or cancelled orders are deleted", status.as_str());
        return Err(conflict("order_not_deletable", detail, json!({"status": status})));
    }
    let payments = repo::payments::count(&mut tx, id).await?;
    if payments > 0 {
        let detail = format!("the order has {payments} payment(s), voided ones included; cancel it instead");
        return Err(conflict("order_has_payments", detail, json!({"payments": payments})));
    }
    let (production, sold) = repo::workshop_links(&mut tx, id).await?;
    if !production.is_empty() {
        let detail = format!("production orders serve this order ({}); cancel it instead", production.join(", "));
        return Err(conflict("order_in_production", detail, json!({"production_orders": production})));
    }
    if sold > 0 {
        let detail = format!("{sold} finished product(s) were sold or delivered through this order; cancel it instead");
        return Err(conflict("order_has_products", detail, json!({"products": sold})));
    }
    let before = detail(&mut tx, id).await?;
    products::release_order_in(&mut tx, user.audit(), id).await?;
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &before).await?;
    tx.commit().await?;
    Ok(())
}

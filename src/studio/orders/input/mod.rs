//! What the orders API takes to create or replace an order, and the rules each input must pass before anything is read or
//! written: every offending field is named (`items[2].discount`), and the amounts the server
//! computes are refused when a client sends them.

mod actions;
mod sent_keys;

pub use actions::{OrderFilter, OrderPaymentInput, OrderPaymentVoidInput, OrderStatusInput, ValidPayment};
pub use sent_keys::SentKeys;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use poem_openapi::Object;
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::money::Money;
use crate::studio::orders::model::OrderItemKind;
use crate::studio::orders::pricing::Line;
use crate::studio::quotes::model::FrameQuoteInput;

/// At most this many lines in one order.
pub const MAX_ITEMS: usize = 100;
/// At most this many of one thing in a line.
pub const MAX_QUANTITY: i64 = 10_000;
const MAX_SPECS: usize = 20;

/// Order fields the server computes: a client sending one gets a 422 naming it.
const COMPUTED_ORDER_FIELDS: &[&str] = &[
    "number",
    "status",
    "subtotal",
    "discount",
    "tax",
    "total",
    "paid",
    "balance",
    "payment_status",
    "delivered_at",
    "payments",
    "history",
];
/// Line fields the server computes.
const COMPUTED_ITEM_FIELDS: &[&str] = &["line_total", "tax"];

/// An order's fields and lines, as sent to create one or to replace them (`PUT`). The
/// number, status, totals and payments are the server's: sending them is a 422.
#[derive(Debug, Clone, Object)]
pub struct OrderInput {
    /// A client of this studio.
    pub client_id: Uuid,
    /// A contract of this studio (a school's picture day), if the order comes from one.
    pub contract_id: Option<Uuid>,
    /// Default: today in the studio's time zone (creating), the order's date (replacing).
    pub order_date: Option<NaiveDate>,
    /// The delivery date promised; on or after `order_date`.
    pub due_date: Option<NaiveDate>,
    /// Up to 2000 characters.
    pub notes: Option<String>,
    /// An active user of this studio.
    pub assigned_to: Option<Uuid>,
    /// 1–100 lines.
    pub items: Vec<OrderItemInput>,
    #[oai(flatten)]
    pub sent: SentKeys,
}

/// One line as sent: its amounts are computed by the server.
#[derive(Debug, Clone, Object)]
pub struct OrderItemInput {
    pub kind: OrderItemKind,
    /// 1–300 characters; required unless the line has a `quote` (default: the quote's).
    pub description: Option<String>,
    /// 1–10000.
    pub quantity: i64,
    /// The price of one, as the studio writes its prices (with or without tax). Required,
    /// except on a quoted frame: with a `quote` the server prices the line and sending one
    /// is a 422; a frame line sent back with its quote snapshot keeps its quoted price.
    pub unit_price: Option<Money>,
    /// An amount off the line (default 0), at most quantity × unit price.
    pub discount: Option<Money>,
    /// A flat object (at most 20 keys) of text, numbers or booleans: size, moulding, paper...
    /// A quoted frame's specs are its quote snapshot, written by the server: sent back as
    /// the order shows them, they keep the line as it was quoted.
    pub specs: Option<BTreeMap<String, Value>>,
    /// A frame to price now (kind `frame` only): the server quotes it as
    /// `POST /api/quotes/frame` does, with the studio's current materials and settings, and
    /// the line keeps the quote's price and every figure in `specs`, unchanged by later
    /// price or settings changes.
    pub quote: Option<FrameQuoteInput>,
    #[oai(flatten)]
    pub sent: SentKeys,
}

/// An order's fields after every rule passed.
#[derive(Debug, Clone)]
pub struct ValidOrder {
    pub client_id: Uuid,
    pub contract_id: Option<Uuid>,
    pub order_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub assigned_to: Option<Uuid>,
    pub items: Vec<ValidItem>,
}

/// A line after every rule passed. A quoted or kept frame line has its price, specs (and a
/// quoted one its default description) filled in by the service.
#[derive(Debug, Clone)]
pub struct ValidItem {
    pub kind: OrderItemKind,
    pub description: String,
    pub quantity: i32,
    pub unit_price: Money,
    pub discount: Money,
    pub specs: BTreeMap<String, Value>,
    pub source: ItemSource,
}

/// Where a line's price comes from.
#[derive(Debug, Clone)]
pub enum ItemSource {
    /// The price sent.
    Sent,
    /// A frame quoted now, from this input (already checked).
    Quote(Box<FrameQuoteInput>),
    /// A quoted frame sent back with its snapshot (`specs`): it must be a line the order
    /// already has, and keeps its quoted price (`unit_price`, if sent, must be it).
    Kept { unit_price: Option<Money> },
}

impl ValidItem {
    /// What pricing needs of the line.
    pub fn line(&self) -> Line {
        Line { quantity: self.quantity, unit_price: self.unit_price, discount: self.discount }
    }
}

/// Dates a studio can mean: years 2000 to 2100.
fn plausible(checks: &mut Checks, field: &str, date: Option<NaiveDate>) {
    if date.is_some_and(|d| !(2000..=2100).contains(&d.year())) {
        checks.fail(field, "must be a date between the years 2000 and 2100");
    }
}

impl OrderInput {
    /// Checks every field and line; `default_date` stands for an absent `order_date`.
    pub fn validate(&self, default_date: NaiveDate) -> ApiResult<ValidOrder> {
        let mut checks = Checks::new();
        self.sent.refuse(&mut checks, "", COMPUTED_ORDER_FIELDS);
        let order_date = self.order_date.unwrap_or(default_date);
        plausible(&mut checks, "order_date", self.order_date);
        plausible(&mut checks, "due_date", self.due_date);
        if self.due_date.is_some_and(|due| due < order_date) {
            checks.fail("due_date", "must not be before the order date");
        }
        let notes = checks.optional("notes", self.notes.as_deref(), 2000);
        if self.items.is_empty() {
            checks.fail("items", "an order needs at least one line");
        } else if self.items.len() > MAX_ITEMS {
            checks.fail("items", format!("an order has at most {MAX_ITEMS} lines"));
        }
        let items: Vec<ValidItem> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| item.validate(&mut checks, &format!("items[{i}].")))
            .collect();
        checks.finish()?;
        Ok(ValidOrder {
            client_id: self.client_id,
            contract_id: self.contract_id,
            order_date,
            due_date: self.due_date,
            notes,
            assigned_to: self.assigned_to,
            items,
        })
    }
}

impl OrderItemInput {
    fn validate(&self, checks: &mut Checks, prefix: &str) -> ValidItem {
        let field = |name: &str| format!("{prefix}{name}");
        self.sent.refuse(checks, prefix, COMPUTED_ITEM_FIELDS);
        let description = match (&self.description, &self.quote) {
            (None, Some(_)) => String::new(),
            (text, _) => checks.required(&field("description"), text.as_deref().unwrap_or_default(), 300),
        };
        if !(1..=MAX_QUANTITY).contains(&self.quantity) {
            checks.fail(&field("quantity"), format!("must be between 1 and {MAX_QUANTITY}"));
        }
        let quantity = self.quantity.clamp(1, MAX_QUANTITY) as i32;
        let discount = Money::checked(checks, &field("discount"), self.discount);
        let specs = self.specs.clone().unwrap_or_default();
        let specs_problem = specs_problem(&specs);
        let source = if let Some(quote) = &self.quote {
            if self.kind != OrderItemKind::Frame {
                checks.fail(&field("quote"), "only a `frame` line takes a quote");
            }
            if self.unit_price.is_some() {
                checks.fail(&field("unit_price"), "is priced by the server from the quote and must not be sent");
            }
            if self.specs.is_some() {
                checks.fail(&field("specs"), "are the quote's snapshot, written by the server, and must not be sent");
            }
            if let Err(ApiError::Validation(errors)) = quote.validate() {
                for error in errors {
                    checks.fail(&field(&format!("quote.{}", error.field)), error.message);
                }
            }
            ItemSource::Quote(Box::new(quote.clone()))
        } else if self.kind == OrderItemKind::Frame && specs_problem.is_some() && is_snapshot(&specs) {
            ItemSource::Kept { unit_price: self.unit_price }
        } else {
            if let Some(problem) = specs_problem {
                checks.fail(&field("specs"), problem);
            }
            ItemSource::Sent
        };
        let unit_price = match (&source, self.unit_price) {
            (ItemSource::Sent, None) => checks.failed(&field("unit_price"), "is required").unwrap_or(Money::ZERO),
            (ItemSource::Quote(_), _) => Money::ZERO,
            (_, price) => Money::checked(checks, &field("unit_price"), price),
        };
        if matches!(source, ItemSource::Sent) {
            check_amounts(checks, prefix, quantity, unit_price, discount);
        }
        ValidItem { kind: self.kind, description, quantity, unit_price, discount, specs, source }
    }
}

/// quantity × unit price must be a storable amount, and the discount at most that.
pub fn check_amounts(checks: &mut Checks, prefix: &str, quantity: i32, unit_price: Money, discount: Money) {
    // Bounded (quantity ≤ 10⁴, price < 10¹⁰): the product cannot overflow.
    if unit_price.problem().is_none() {
        let gross = Decimal::from(quantity) * unit_price.0;
        if Money(gross).problem().is_some() {
            checks.fail(&format!("{prefix}unit_price"), "quantity × unit_price is too large");
        } else if discount.0 > gross {
            checks.fail(&format!("{prefix}discount"), "must not exceed quantity × unit_price");
        }
    }
}

/// Whether `specs` has the shape of a frame quote's snapshot (which the server writes, and
/// a client may only send back as it was).
fn is_snapshot(specs: &BTreeMap<String, Value>) -> bool {
    ["quoted_at", "consumption", "lines", "price"].iter().all(|key| specs.contains_key(*key))
}

/// Why `specs` is not a small flat object of text, numbers and booleans.
fn specs_problem(specs: &BTreeMap<String, Value>) -> Option<String> {
    if specs.len() > MAX_SPECS {
        return Some(format!("must have at most {MAX_SPECS} keys"));
    }
    for (key, value) in specs {
        let key_len = key.trim().chars().count();
        if key_len == 0 || key_len > 40 {
            return Some("keys must be 1–40 characters".to_owned());
        }
        match value {
            Value::String(text) if text.chars().count() > 200 => {
                return Some(format!("`{key}` must be at most 200 characters"));
            }
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {}
            _ => return Some(format!("`{key}` must be text, a number or a boolean")),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line(quantity: i64, unit_price: &str, discount: Option<&str>) -> OrderItemInput {
        OrderItemInput {
            kind: OrderItemKind::Print,
            description: Some("Impresión 20x30".to_owned()),
            quantity,
            unit_price: Some(Money(unit_price.parse().unwrap())),
            discount: discount.map(|d| Money(d.parse().unwrap())),
            specs: None,
            quote: None,
            sent: SentKeys::default(),
        }
    }

    fn input(items: Vec<OrderItemInput>) -> OrderInput {
        OrderInput {
            client_id: Uuid::nil(),
            contract_id: None,
            order_date: None,
            due_date: None,
            notes: None,
            assigned_to: None,
            items,
            sent: SentKeys::default(),
        }
    }

    fn failing(input: &OrderInput) -> Vec<String> {
        match input.validate(NaiveDate::from_ymd_opt(2026, 5, 10).unwrap()) {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn an_absent_order_date_takes_the_default_and_a_due_date_may_not_precede_it() {
        let mut order = input(vec![line(2, "12.50", None)]);
        let valid = order.validate(NaiveDate::from_ymd_opt(2026, 5, 10).unwrap()).unwrap();
        assert_eq!(valid.order_date.to_string(), "2026-05-10");
        assert_eq!(valid.items[0].discount, Money::ZERO);
        order.due_date = NaiveDate::from_ymd_opt(2026, 5, 9);
        assert_eq!(failing(&order), ["due_date"]);
    }

    #[test]
    fn each_bad_line_is_named_with_its_position() {
        let lines = vec![
            line(1, "10", None),
            line(0, "10", None),
            line(2, "10", Some("20.01")),
            line(10_000, "9999999.99", None),
            line(1, "1.001", None),
        ];
        assert_eq!(
            failing(&input(lines)),
            ["items[1].quantity", "items[2].discount", "items[3].unit_price", "items[4].unit_price"]
        );
        assert_eq!(failing(&input(Vec::new())), ["items"]);
    }

    #[test]
    fn specs_are_a_small_flat_object() {
        let spec = |value: Value| BTreeMap::from([("size".to_owned(), value)]);
        assert_eq!(specs_problem(&spec(json!("20x30"))), None);
        assert_eq!(specs_problem(&spec(json!(3))), None);
        assert!(specs_problem(&spec(json!(["20x30"]))).is_some());
        assert!(specs_problem(&spec(json!(null))).is_some());
        assert!(specs_problem(&BTreeMap::from([(" ".to_owned(), json!("x"))])).is_some());
        let many: BTreeMap<String, Value> = (0..21).map(|i| (format!("k{i}"), json!(i))).collect();
        assert!(specs_problem(&many).is_some());
    }
}

//! An order as the API shows it — its summary (lists), its lines, payments and status
//! history (one order) — and the enums and workflow it moves along.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::responses::Located;
use crate::studio::money::{Money, Percent};

/// Declares a text enum stored as `text` and written in snake_case in JSON and SQL.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize, sqlx::Type)]
        #[oai(rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        #[sqlx(type_name = "text", rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// The value as the API and the database write it.
            pub fn as_str(self) -> String {
                serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            }
        }
    };
}

text_enum!(
    /// Where an order stands.
    OrderStatus { Pending, Confirmed, InProduction, Ready, Delivered, Cancelled }
);

impl OrderStatus {
    /// The workflow: pending → confirmed → in_production → ready → delivered, and cancelled
    /// from any state before delivered.
    pub fn may_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (Pending, Confirmed) | (Confirmed, InProduction) | (InProduction, Ready) | (Ready, Delivered)
        ) || (to == Cancelled && !self.is_closed())
    }

    /// Delivered or cancelled: the order no longer changes.
    pub fn is_closed(self) -> bool {
        matches!(self, OrderStatus::Delivered | OrderStatus::Cancelled)
    }

    /// Whether the lines (and so the prices) may still change: until the work starts.
    pub fn items_editable(self) -> bool {
        matches!(self, OrderStatus::Pending | OrderStatus::Confirmed)
    }
}

text_enum!(
    /// What a line sells.
    OrderItemKind { Session, Print, Frame, Souvenir, Design, Restoration, Other }
);

text_enum!(
    /// How much of the total has been paid: nothing, part, all of it.
    OrderPaymentStatus { Unpaid, Partial, Paid }
);

impl OrderPaymentStatus {
    /// The status of `paid` out of `total`: the rule of the generated column
    /// `orders.payment_status`, for an answer built without reading the order back.
    pub fn of(total: Money, paid: Money) -> OrderPaymentStatus {
        if paid >= total {
            OrderPaymentStatus::Paid
        } else if paid > Money::ZERO {
            OrderPaymentStatus::Partial
        } else {
            OrderPaymentStatus::Unpaid
        }
    }
}

text_enum!(
    /// How the client paid.
    OrderPaymentMethod { Cash, Card, Transfer, Qr, Other }
);

text_enum!(
    /// A payment counts while completed; a voided one is kept, but no longer counts.
    OrderPaymentState { Completed, Voided }
);

/// An order without its lines, payments and history: what lists show.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct OrderSummary {
    pub id: Uuid,
    /// `ORD-<year>-<5 digits>`, gap-free per studio and year.
    pub number: String,
    pub client_id: Uuid,
    pub client_name: String,
    pub contract_id: Option<Uuid>,
    pub contract_number: Option<String>,
    pub status: OrderStatus,
    pub order_date: NaiveDate,
    /// When the client expects it (fecha de entrega).
    pub due_date: Option<NaiveDate>,
    /// Set when the order is delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    /// The studio user in charge.
    pub assigned_to: Option<Uuid>,
    pub assigned_to_name: Option<String>,
    /// The tax terms the order is priced under (the studio's when it was created).
    pub prices_include_tax: bool,
    pub tax_rate: Percent,
    /// Σ quantity × unit price, as the prices are written (with tax when they include it).
    pub subtotal: Money,
    /// Σ line discounts.
    pub discount: Money,
    /// Σ line taxes: carved out of the total when prices include tax, added to it otherwise.
    pub tax: Money,
    /// What the client owes in all.
    pub total: Money,
    /// Σ completed payments.
    pub paid: Money,
    /// total − paid.
    pub balance: Money,
    pub payment_status: OrderPaymentStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of an order.
#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct OrderItem {
    pub id: Uuid,
    pub kind: OrderItemKind,
    pub description: String,
    pub quantity: i32,
    pub unit_price: Money,
    /// An amount off this line.
    pub discount: Money,
    /// Size, moulding, paper, ...
    #[sqlx(json)]
    pub specs: BTreeMap<String, Value>,
    /// quantity × unit price − discount, as the prices are written.
    pub line_total: Money,
    /// This line's tax, to the cent.
    pub tax: Money,
}

/// Money received for an order.
#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct OrderPayment {
    pub id: Uuid,
    pub amount: Money,
    pub method: OrderPaymentMethod,
    /// Voucher, operation or card slip number.
    pub reference: Option<String>,
    pub status: OrderPaymentState,
    pub paid_at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub voided_at: Option<DateTime<Utc>>,
    pub voided_by: Option<Uuid>,
    pub void_reason: Option<String>,
}

/// One step of an order's status history.
#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct OrderStatusRecord {
    /// None for the order's creation.
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub changed_by: Option<Uuid>,
    /// The name of who changed it, while their account exists.
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
    pub note: Option<String>,
}

/// An order with everything it holds.
// Read in one statement: the lines, payments and history come as JSON arrays beside the
// summary's columns (`repo::whole!`).
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Order {
    #[oai(flatten)]
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub summary: OrderSummary,
    #[sqlx(json)]
    pub items: Vec<OrderItem>,
    /// Oldest first; voided ones included.
    #[sqlx(json)]
    pub payments: Vec<OrderPayment>,
    /// Every status change, oldest first, starting with the creation.
    #[sqlx(json)]
    pub history: Vec<OrderStatusRecord>,
}

impl Audited for Order {
    const ENTITY: &'static str = "order";

    fn audit_id(&self) -> Uuid {
        self.summary.id
    }
}

impl Located for Order {
    fn location(&self) -> String {
        format!("/api/orders/{}", self.summary.id)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_workflow_allows_only_its_arrows() {
        let all = [Pending, Confirmed, InProduction, Ready, Delivered, Cancelled];
        let allowed: Vec<_> = all
            .iter()
            .flat_map(|&from| all.iter().map(move |&to| (from, to)))
            .filter(|(f, t)| f.may_become(*t))
            .collect();
        assert_eq!(
            allowed,
            [
                (Pending, Confirmed),
                (Pending, Cancelled),
                (Confirmed, InProduction),
                (Confirmed, Cancelled),
                (InProduction, Ready),
                (InProduction, Cancelled),
                (Ready, Delivered),
                (Ready, Cancelled),
            ]
        );
    }

    #[test]
    fn payment_status_follows_paid_against_total() {
        let money = |s: &str| Money(s.parse().unwrap());
        assert_eq!(OrderPaymentStatus::of(money("80.00"), Money::ZERO), OrderPaymentStatus::Unpaid);
        assert_eq!(OrderPaymentStatus::of(money("80.00"), money("0.01")), OrderPaymentStatus::Partial);
        assert_eq!(OrderPaymentStatus::of(money("80.00"), money("80.00")), OrderPaymentStatus::Paid);
        assert_eq!(OrderPaymentStatus::of(Money::ZERO, Money::ZERO), OrderPaymentStatus::Paid, "nothing owed");
    }

    #[test]
    fn enums_read_as_their_snake_case_names() {
        assert_eq!(InProduction.as_str(), "in_production");
        assert_eq!(OrderPaymentMethod::Qr.as_str(), "qr");
    }
}

//! The inputs of an order's actions — status change, payment, void — and the list filter.

use chrono::NaiveDate;
use poem_openapi::Object;
use uuid::Uuid;

use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::studio::money::Money;
use crate::studio::orders::model::{OrderPaymentMethod, OrderPaymentStatus, OrderStatus};

/// A status change.
#[derive(Debug, Clone, Object)]
pub struct OrderStatusInput {
    /// The status to move to.
    pub status: OrderStatus,
    /// Why, kept in the history (up to 500 characters).
    pub note: Option<String>,
}

impl OrderStatusInput {
    /// The note, trimmed and bounded.
    pub fn validate(&self) -> ApiResult<Option<String>> {
        let mut checks = Checks::new();
        let note = checks.optional("note", self.note.as_deref(), 500);
        checks.finish()?;
        Ok(note)
    }
}

/// Money received for an order.
#[derive(Debug, Clone, Object)]
pub struct OrderPaymentInput {
    /// More than 0 and at most the order's balance.
    pub amount: Money,
    pub method: OrderPaymentMethod,
    /// Voucher, operation or card slip number (up to 100 characters).
    pub reference: Option<String>,
}

/// A payment's fields after every rule passed.
#[derive(Debug, Clone)]
pub struct ValidPayment {
    pub amount: Money,
    pub method: OrderPaymentMethod,
    pub reference: Option<String>,
}

impl OrderPaymentInput {
    pub fn validate(&self) -> ApiResult<ValidPayment> {
        let mut checks = Checks::new();
        let amount = Money::checked(&mut checks, "amount", Some(self.amount));
        if amount.0.is_zero() {
            checks.fail("amount", "must be more than 0");
        }
        let reference = checks.optional("reference", self.reference.as_deref(), 100);
        checks.finish()?;
        Ok(ValidPayment { amount, method: self.method, reference })
    }
}

/// Why a payment is voided.
#[derive(Debug, Clone, Object)]
pub struct OrderPaymentVoidInput {
    /// 1–500 characters.
    pub reason: String,
}

impl OrderPaymentVoidInput {
    pub fn validate(&self) -> ApiResult<String> {
        let mut checks = Checks::new();
        let reason = checks.required("reason", &self.reason, 500);
        checks.finish()?;
        Ok(reason)
    }
}

/// Filters of the order list.
#[derive(Debug, Default, Clone)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub payment_status: Option<OrderPaymentStatus>,
    pub client_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    /// Order date on or after.
    pub from: Option<NaiveDate>,
    /// Order date on or before.
    pub to: Option<NaiveDate>,
    /// Matches number, client name and notes.
    pub search: Option<String>,
}

impl OrderFilter {
    /// A reversed date range is a 422 on `to`.
    pub fn validate(&self) -> ApiResult<()> {
        let mut checks = Checks::new();
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            checks.fail("to", "must not be before from");
        }
        checks.finish()
    }
}

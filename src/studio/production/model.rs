//! A production order as the API shows it, its status workflow, the inputs that make or
//! change one, and the list filter.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use poem_openapi::{Enum, Object};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::production::efficiency::Efficiency;

/// Where a production order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ProductionStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

impl ProductionStatus {
    /// The status as written in JSON (`in_progress`).
    pub fn key(self) -> &'static str {
        match self {
            ProductionStatus::Planned => "planned",
            ProductionStatus::InProgress => "in_progress",
            ProductionStatus::Done => "done",
            ProductionStatus::Cancelled => "cancelled",
        }
    }

    /// The workflow: planned → in_progress → done, and cancelled from planned or in
    /// progress.
    pub fn may_become(self, to: ProductionStatus) -> bool {
        use ProductionStatus::*;
        matches!((self, to), (Planned, InProgress | Cancelled) | (InProgress, Done | Cancelled))
    }

    /// Whether the order is over: nothing more is registered or changed on it.
    pub fn is_closed(self) -> bool {
        matches!(self, ProductionStatus::Done | ProductionStatus::Cancelled)
    }
}

/// A production order.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct ProductionOrder {
    pub id: Uuid,
    /// `PRD-<year>-<5 digits>`, gap-free per studio and year.
    pub number: String,
    /// The customer order it serves (orders are their own module: a plain id).
    pub order_id: Option<Uuid>,
    pub order_item_id: Option<Uuid>,
    pub description: String,
    pub status: ProductionStatus,
    pub planned_quantity: i32,
    /// The sum of its registrations' produced quantities.
    pub produced_quantity: i32,
    /// A user of the studio.
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// What to make, as the item that asked for it said (a frame item's quote snapshot).
    pub specs: Option<Value>,
    /// Set when it goes in progress.
    pub started_at: Option<DateTime<Utc>>,
    /// Set when it is done or cancelled.
    pub finished_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Audited for ProductionOrder {
    const ENTITY: &'static str = "production_order";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for ProductionOrder {
    fn location(&self) -> String {
        format!("/api/production/orders/{}", self.id)
    }
}

/// A production order with what its registrations used and wasted.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct ProductionOrderDetail {
    #[oai(flatten)]
    #[serde(flatten)]
    pub order: ProductionOrder,
    pub efficiency: Efficiency,
    /// How many registrations it has.
    pub registrations: i64,
}

/// The fields of a production order, as sent to create or replace one (the number,
/// status, produced quantity and times are the server's).
#[derive(Debug, Clone, Object)]
pub struct ProductionOrderInput {
    /// 1–500 characters.
    pub description: String,
    /// 1–100000; default 1.
    pub planned_quantity: Option<i32>,
    /// The customer order it serves.
    pub order_id: Option<Uuid>,
    /// The order's item it makes (needs `order_id`).
    pub order_item_id: Option<Uuid>,
    /// An active user of the studio.
    pub assignee_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
    /// Up to 2000 characters.
    pub notes: Option<String>,
    /// What to make, as an object (a frame item's `specs`).
    pub specs: Option<Value>,
}

/// A production order's fields after every rule passed.
#[derive(Debug, Clone)]
pub struct ValidProductionOrder {
    pub description: String,
    pub planned_quantity: i32,
    pub order_id: Option<Uuid>,
    pub order_item_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub specs: Option<Value>,
}

impl ProductionOrderInput {
    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidProductionOrder> {
        let mut checks = Checks::new();
        let description = checks.required("description", &self.description, 500);
        let planned_quantity = self.planned_quantity.unwrap_or(1);
        if !(1..=100_000).contains(&planned_quantity) {
            checks.fail("planned_quantity", "must be between 1 and 100000");
        }
        if self.order_item_id.is_some() && self.order_id.is_none() {
            checks.fail("order_item_id", "needs the order_id it belongs to");
        }
        if self.due_on.is_some_and(|d| !(2000..=2100).contains(&d.year())) {
            checks.fail("due_on", "must be a date between the years 2000 and 2100");
        }
        let notes = checks.optional("notes", self.notes.as_deref(), 2000);
        let specs = match &self.specs {
            None | Some(Value::Null) => None,
            Some(Value::Object(_)) => self.specs.clone(),
            Some(_) => checks.failed("specs", "must be an object"),
        };
        checks.finish()?;
        Ok(ValidProductionOrder {
            description,
            planned_quantity,
            order_id: self.order_id,
            order_item_id: self.order_item_id,
            assignee_id: self.assignee_id,
            due_on: self.due_on,
            notes,
            specs,
        })
    }
}

/// A status change.
#[derive(Debug, Clone, Object)]
#[oai(rename = "ProductionStatusChange")]
pub struct StatusChange {
    pub status: ProductionStatus,
}

/// Filters of the production order list.
#[derive(Debug, Default, Clone)]
pub struct ProductionFilter {
    pub status: Option<ProductionStatus>,
    pub assignee_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    /// Matches number and description.
    pub search: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::ProductionStatus::*;

    #[test]
    fn the_workflow_allows_only_its_arrows() {
        let all = [Planned, InProgress, Done, Cancelled];
        let allowed: Vec<_> = all
            .iter()
            .flat_map(|&from| all.iter().map(move |&to| (from, to)))
            .filter(|(f, t)| f.may_become(*t))
            .collect();
        assert_eq!(allowed, [(Planned, InProgress), (Planned, Cancelled), (InProgress, Done), (InProgress, Cancelled)]);
    }
}

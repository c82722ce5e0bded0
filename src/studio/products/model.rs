//! A finished product as the API shows it, its kind and status, the inputs that create,
//! replace or move one, and the list filter.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::inventory::model::code;
use crate::studio::money::Money;

/// What was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ProductKind {
    FramedPicture,
    Print,
    Album,
    Souvenir,
    Other,
}

/// Where a product stands: in stock → reserved (for an order) → sold → delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ProductStatus {
    InStock,
    Reserved,
    Sold,
    Delivered,
}

impl ProductStatus {
    /// The status as written in JSON (`in_stock`).
    pub fn key(self) -> &'static str {
        match self {
            ProductStatus::InStock => "in_stock",
            ProductStatus::Reserved => "reserved",
            ProductStatus::Sold => "sold",
            ProductStatus::Delivered => "delivered",
        }
    }

    /// The workflow: reserve from stock, release back to it, sell from stock or a
    /// reservation, deliver what is sold or reserved (an order delivered is paid for).
    pub fn may_become(self, to: ProductStatus) -> bool {
        use ProductStatus::*;
        matches!((self, to), (InStock, Reserved | Sold) | (Reserved, InStock | Sold | Delivered) | (Sold, Delivered))
    }
}

/// A finished product.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Product {
    pub id: Uuid,
    /// Upper case, unique in the studio; `FP-<year>-NNNNN` when none was given.
    pub code: String,
    pub name: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    /// Where it is (a shelf, the shop window, the delivery counter).
    pub location: Option<String>,
    pub price: Money,
    pub description: Option<String>,
    pub production_order_id: Option<Uuid>,
    pub production_order_number: Option<String>,
    /// The customer order holding it (set by a reservation or a sale).
    pub order_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub client_name: Option<String>,
    pub has_photo: bool,
    pub reserved_at: Option<DateTime<Utc>>,
    pub sold_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Audited for Product {
    const ENTITY: &'static str = "product";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for Product {
    fn location(&self) -> String {
        format!("/api/products/{}", self.id)
    }
}

/// The fields of a product, as sent to create or replace one (the status moves through
/// its own actions; the order through reservations and sales).
#[derive(Debug, Clone, Object)]
#[oai(rename = "ProductInput")]
pub struct ProductInput {
    /// 1–40 letters, digits or `. _ / -`; unique. Creating: default `FP-<year>-NNNNN`;
    /// replacing: default the current one.
    pub code: Option<String>,
    /// 1–200 characters.
    pub name: String,
    pub kind: ProductKind,
    /// Up to 100 characters.
    pub location: Option<String>,
    /// Default 0.
    pub price: Option<Money>,
    /// Up to 2000 characters.
    pub description: Option<String>,
    /// A production order of the studio.
    pub production_order_id: Option<Uuid>,
    /// A client of the studio.
    pub client_id: Option<Uuid>,
}

/// A product's fields after every rule passed (the links are checked by the service).
#[derive(Debug, Clone)]
pub struct ValidProduct {
    pub code: Option<String>,
    pub name: String,
    pub kind: ProductKind,
    pub location: Option<String>,
    pub price: Money,
    pub description: Option<String>,
    pub production_order_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
}

impl ProductInput {
    /// Checks every field, naming each that fails as `{prefix}{field}`.
    pub fn check(&self, checks: &mut Checks, prefix: &str) -> ValidProduct {
        let field = |name: &str| format!("{prefix}{name}");
        ValidProduct {
            code: self.code.as_deref().map(|c| code(checks, &field("code"), c)),
            name: checks.required(&field("name"), &self.name, 200),
            kind: self.kind,
            location: checks.optional(&field("location"), self.location.as_deref(), 100),
            price: Money::checked(checks, &field("price"), self.price),
            description: checks.optional(&field("description"), self.description.as_deref(), 2000),
            production_order_id: self.production_order_id,
            client_id: self.client_id,
        }
    }

    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidProduct> {
        let mut checks = Checks::new();
        let valid = self.check(&mut checks, "");
        checks.finish()?;
        Ok(valid)
    }
}

/// A sale at the counter (or through an order).
#[derive(Debug, Clone, Default, Object)]
pub struct SaleInput {
    /// The buyer, a client of the studio.
    pub client_id: Option<Uuid>,
    /// The order it is sold through; a reserved product keeps its own.
    pub order_id: Option<Uuid>,
}

/// A reservation for an order.
#[derive(Debug, Clone, Object)]
pub struct ReservationInput {
    pub order_id: Uuid,
    /// The client the order is for.
    pub client_id: Option<Uuid>,
}

/// Which order a release or a delivery is for (optional: when given, it must be the
/// product's).
#[derive(Debug, Clone, Default, Object)]
pub struct OrderRef {
    pub order_id: Option<Uuid>,
}

/// Filters of the product list.
#[derive(Debug, Default, Clone)]
pub struct ProductFilter {
    pub status: Option<ProductStatus>,
    pub kind: Option<ProductKind>,
    /// Matched whole, whatever its case.
    pub location: Option<String>,
    pub production_order_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    /// Matches code and name.
    pub search: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::ProductStatus::*;

    #[test]
    fn the_workflow_allows_only_its_arrows() {
        let all = [InStock, Reserved, Sold, Delivered];
        let allowed: Vec<_> = all
            .iter()
            .flat_map(|&from| all.iter().map(move |&to| (from, to)))
            .filter(|(f, t)| f.may_become(*t))
            .collect();
        assert_eq!(
            allowed,
            [
                (InStock, Reserved),
                (InStock, Sold),
                (Reserved, InStock),
                (Reserved, Sold),
                (Reserved, Delivered),
                (Sold, Delivered)
            ]
        );
    }
}

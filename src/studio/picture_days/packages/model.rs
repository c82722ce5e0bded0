//! A package a contract sells to its families (name, price, what it holds), and the input
//! that makes or changes one.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::money::Money;

/// A package of a contract.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Package {
    pub id: Uuid,
    pub contract_id: Uuid,
    /// `Paquete A`, `Paquete Promoción`, ...; unique in the contract whatever its case.
    pub name: String,
    /// What a family pays for it (orders keep the price they were placed at).
    pub price: Money,
    /// What it holds, one item a line: `1 foto 20x25`, `2 fotos 13x18`, ...
    pub contents: Vec<String>,
    /// Whether families may still order it; a withdrawn package stays on its orders.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Audited for Package {
    const ENTITY: &'static str = "picture_package";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for Package {
    fn location(&self) -> String {
        format!("/api/contracts/{}/packages/{}", self.contract_id, self.id)
    }
}

/// A package's fields, to create or replace one.
#[derive(Debug, Clone, Object)]
pub struct PackageInput {
    /// 1–100 characters.
    pub name: String,
    /// Not negative, two decimals.
    pub price: Money,
    /// Up to 30 items of up to 200 characters; blank items are dropped.
    pub contents: Option<Vec<String>>,
    /// Default true.
    pub active: Option<bool>,
}

/// A package's fields after every rule passed.
#[derive(Debug, Clone)]
pub struct ValidPackage {
    pub name: String,
    pub price: Money,
    pub contents: Vec<String>,
    pub active: bool,
}

impl PackageInput {
    /// Checks every field and names each that fails.
    pub fn validate(&self) -> ApiResult<ValidPackage> {
        let mut checks = Checks::new();
        let name = checks.required("name", &self.name, 100);
        if let Some(problem) = self.price.problem() {
            checks.fail("price", problem);
        }
        let contents: Vec<String> =
            self.contents.iter().flatten().filter_map(|item| checks.optional("contents", Some(item), 200)).collect();
        if contents.len() > 30 {
            checks.fail("contents", "a package lists at most 30 items");
        }
        checks.finish()?;
        Ok(ValidPackage { name, price: self.price, contents, active: self.active.unwrap_or(true) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_items_are_dropped_and_bad_fields_named() {
        let input = PackageInput {
            name: " Paquete A ".into(),
            price: Money("85.50".parse().unwrap()),
            contents: Some(vec!["1 foto 20x25".into(), "  ".into(), "2 fotos 13x18".into()]),
            active: None,
        };
        let valid = input.validate().unwrap();
        assert_eq!(valid.name, "Paquete A");
        assert_eq!(valid.contents, ["1 foto 20x25", "2 fotos 13x18"]);
        assert!(valid.active);

        let bad = PackageInput {
            name: String::new(),
            price: Money("-1".parse().unwrap()),
            contents: Some(vec!["x".repeat(201)]),
            active: None,
        };
        let Err(crate::http::ApiError::Validation(errors)) = bad.validate() else { panic!("expected 422") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "price", "contents"]);
    }
}

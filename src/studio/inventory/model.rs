//! A material as the API shows it, its category and unit, the input that creates or
//! replaces one, and the list filter. Stock is not part of the input: it changes only
//! through the ledger ([`crate::studio::inventory::movements`]).

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::Audited;
use crate::http::ApiResult;
use crate::http::fields::Checks;
use crate::http::responses::Located;
use crate::studio::inventory::attributes;
use crate::studio::money::{Money, Quantity};
use crate::studio::settings::model::LowStockDefaults;

/// The seven kinds of material a studio keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum MaterialCategory {
    /// Varillas: kept as sticks and remnants, measured in metres.
    Mouldings,
    /// Pinturas: litres, millilitres or units.
    Paints,
    /// Impresión: paper, ink, film.
    Printing,
    /// Recordatorios: mugs, key rings, magnets.
    Souvenirs,
    /// Software y equipos.
    Equipment,
    /// Materiales de pintura: canvas, brushes, easels.
    PaintingSupplies,
    /// Materiales de diseño: glazing, backing, mat board, foam board.
    Design,
}

impl MaterialCategory {
    /// Every category, in the order the API lists them.
    pub const ALL: [MaterialCategory; 7] = [
        MaterialCategory::Mouldings,
        MaterialCategory::Paints,
        MaterialCategory::Printing,
        MaterialCategory::Souvenirs,
        MaterialCategory::Equipment,
        MaterialCategory::PaintingSupplies,
        MaterialCategory::Design,
    ];

    /// The key as written in URLs and JSON (`painting_supplies`).
    pub fn key(self) -> &'static str {
        match self {
            MaterialCategory::Mouldings => "mouldings",
            MaterialCategory::Paints => "paints",
            MaterialCategory::Printing => "printing",
            MaterialCategory::Souvenirs => "souvenirs",
            MaterialCategory::Equipment => "equipment",
            MaterialCategory::PaintingSupplies => "painting_supplies",
            MaterialCategory::Design => "design",
        }
    }

    /// The category named by `key`, if any.
    pub fn from_key(key: &str) -> Option<MaterialCategory> {
        MaterialCategory::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The units a material of this category may be counted in.
    pub fn units(self) -> &'static [Unit] {
        use self::Unit as U;
        match self {
            MaterialCategory::Mouldings => &[U::Metre],
            MaterialCategory::Paints => &[U::Litre, U::Millilitre, U::Unit],
            MaterialCategory::Printing => &[U::Sheet, U::Metre, U::Millilitre, U::Unit],
            MaterialCategory::Souvenirs | MaterialCategory::Equipment => &[U::Unit],
            MaterialCategory::PaintingSupplies => &[U::Unit, U::Sheet, U::Metre, U::Litre, U::Millilitre],
            MaterialCategory::Design => &[U::SquareMetre, U::Sheet, U::Unit],
        }
    }

    /// The studio's default minimum stock for a new material of this category.
    pub fn default_minimum(self, defaults: &LowStockDefaults) -> Quantity {
        match self {
            MaterialCategory::Mouldings => defaults.mouldings,
            MaterialCategory::Paints => defaults.paints,
            MaterialCategory::Printing => defaults.printing,
            MaterialCategory::Souvenirs => defaults.souvenirs,
            MaterialCategory::Equipment => defaults.equipment,
            MaterialCategory::PaintingSupplies => defaults.painting_supplies,
            MaterialCategory::Design => defaults.design,
        }
    }
}

/// What a material's quantities count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, serde::Serialize, sqlx::Type)]
#[oai(rename = "MaterialUnit", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Unit {
    Metre,
    SquareMetre,
    Litre,
    Millilitre,
    Sheet,
    Unit,
}

impl Unit {
    /// Whether quantities of this unit are whole numbers (a sheet or an item is not split).
    pub fn is_whole(self) -> bool {
        matches!(self, Unit::Sheet | Unit::Unit)
    }

    /// The unit as written in JSON (`square_metre`).
    pub fn key(self) -> &'static str {
        match self {
            Unit::Metre => "metre",
            Unit::SquareMetre => "square_metre",
            Unit::Litre => "litre",
            Unit::Millilitre => "millilitre",
            Unit::Sheet => "sheet",
            Unit::Unit => "unit",
        }
    }
}

/// A material of the workshop.
#[derive(Debug, Clone, Object, serde::Serialize, sqlx::FromRow)]
pub struct Material {
    pub id: Uuid,
    /// Upper case, unique in the studio.
    pub sku: String,
    pub name: String,
    pub category: MaterialCategory,
    pub unit: Unit,
    /// In `unit`; changes only through the movement ledger.
    pub stock: Quantity,
    /// At or under it the material shows in `GET /api/inventory/alerts`.
    pub minimum_stock: Quantity,
    /// The weighted average cost of one unit.
    pub unit_cost: Money,
    /// stock × unit_cost.
    pub stock_value: Money,
    /// Whether the stock is at or under a (non-zero) minimum.
    pub low_stock: bool,
    pub supplier: Option<String>,
    pub location: Option<String>,
    /// The category's attributes (README: "Inventory" lists them per category).
    pub attributes: Value,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Audited for Material {
    const ENTITY: &'static str = "material";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for Material {
    fn location(&self) -> String {
        format!("/api/inventory/materials/{}", self.id)
    }
}

/// The fields of a material, as sent to create or replace one.
#[derive(Debug, Clone, Object)]
pub struct MaterialInput {
    /// 1–40 characters: letters, digits and `. _ / -`; stored upper-cased; unique.
    pub sku: String,
    /// 1–200 characters.
    pub name: String,
    pub category: MaterialCategory,
    /// One of the category's units (mouldings: `metre`).
    pub unit: Unit,
    /// Default: the studio's low-stock default for the category.
    pub minimum_stock: Option<Quantity>,
    /// The cost of one unit before any purchase (purchases then average it). Default 0.
    pub unit_cost: Option<Money>,
    /// Up to 200 characters.
    pub supplier: Option<String>,
    /// Where it is kept (shelf, rack): up to 100 characters.
    pub location: Option<String>,
    /// The category's attributes, as an object.
    pub attributes: Option<Value>,
    /// Up to 2000 characters.
    pub notes: Option<String>,
}

/// A material's fields after every rule passed.
#[derive(Debug, Clone)]
pub struct ValidMaterial {
    pub sku: String,
    pub name: String,
    pub category: MaterialCategory,
    pub unit: Unit,
    pub minimum_stock: Quantity,
    pub unit_cost: Money,
    pub supplier: Option<String>,
    pub location: Option<String>,
    pub attributes: Value,
    pub notes: Option<String>,
}

/// A stock-keeping code: 1–40 of letters, digits and `. _ / -`, starting with a letter or
/// digit; upper-cased. Shared with finished products' codes.
pub fn code(checks: &mut Checks, field: &str, value: &str) -> String {
    let value = value.trim().to_uppercase();
    let ok = (1..=40).contains(&value.chars().count())
        && value.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c));
    if !ok {
        checks.fail(field, "must be 1–40 letters, digits or . _ / -, starting with a letter or digit");
    }
    value
}

impl MaterialInput {
    /// Checks every field and names each that fails; `defaults` gives the minimum stock when
    /// none is sent.
    pub fn validate(&self, defaults: &LowStockDefaults) -> ApiResult<ValidMaterial> {
        let mut checks = Checks::new();
        let sku = code(&mut checks, "sku", &self.sku);
        let name = checks.required("name", &self.name, 200);
        if !self.category.units().contains(&self.unit) {
            let allowed: Vec<_> = self.category.units().iter().map(|u| u.key()).collect();
            checks.fail("unit", format!("a {} material is counted in {}", self.category.key(), allowed.join(", ")));
        }
        let minimum_stock = self.minimum_stock.unwrap_or_else(|| self.category.default_minimum(defaults));
        if let Some(problem) = minimum_stock.level_problem() {
            checks.fail("minimum_stock", problem);
        }
        let unit_cost = Money::checked(&mut checks, "unit_cost", self.unit_cost);
        let supplier = checks.optional("supplier", self.supplier.as_deref(), 200);
        let location = checks.optional("location", self.location.as_deref(), 100);
        let notes = checks.optional("notes", self.notes.as_deref(), 2000);
        let attributes = attributes::validate(&mut checks, self.category, self.attributes.as_ref());
        checks.finish()?;
        Ok(ValidMaterial {
            sku,
            name,
            category: self.category,
            unit: self.unit,
            minimum_stock,
            unit_cost,
            supplier,
            location,
            attributes,
            notes,
        })
    }
}

/// Filters of the material list.
#[derive(Debug, Default, Clone)]
pub struct MaterialFilter {
    pub category: Option<MaterialCategory>,
    /// Only materials at or under their minimum.
    pub low_stock: Option<bool>,
    /// Matches sku, name and supplier.
    pub search: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;
    use rust_decimal::Decimal;
    use serde_json::json;

    fn defaults() -> LowStockDefaults {
        let q = |n: i64| Quantity(Decimal::from(n));
        LowStockDefaults {
            mouldings: q(12),
            paints: q(2),
            printing: q(100),
            souvenirs: q(20),
            equipment: q(0),
            painting_supplies: q(5),
            design: q(2),
        }
    }

    fn moulding() -> MaterialInput {
        MaterialInput {
            sku: " mol-ro-20 ".into(),
            name: "Moldura roble 20 mm".into(),
            category: MaterialCategory::Mouldings,
            unit: Unit::Metre,
            minimum_stock: None,
            unit_cost: Some(Money(Decimal::from(8))),
            supplier: Some("Molduras del Sur".into()),
            location: None,
            attributes: Some(json!({"width_mm": 20, "rebate_mm": 6, "colour": "roble", "profile": "plano",
                                    "stick_length_mm": 2900})),
            notes: None,
        }
    }

    fn failing(input: &MaterialInput) -> Vec<String> {
        match input.validate(&defaults()) {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_moulding_is_normalised_and_gets_the_default_minimum() {
        let valid = moulding().validate(&defaults()).unwrap();
        assert_eq!(valid.sku, "MOL-RO-20");
        assert_eq!(valid.minimum_stock, Quantity(Decimal::from(12)));
    }

    #[test]
    fn a_unit_outside_the_category_and_a_bad_sku_are_named() {
        let mut bad = moulding();
        bad.unit = Unit::Unit;
        bad.sku = "mol 20".into();
        assert_eq!(failing(&bad), ["sku", "unit"]);
        bad = moulding();
        bad.minimum_stock = Some(Quantity("-1".parse().unwrap()));
        assert_eq!(failing(&bad), ["minimum_stock"]);
    }

    #[test]
    fn every_category_key_round_trips() {
        for category in MaterialCategory::ALL {
            assert_eq!(MaterialCategory::from_key(category.key()), Some(category));
            assert_eq!(serde_json::to_value(category).unwrap(), json!(category.key()));
        }
        assert_eq!(MaterialCategory::from_key("frames"), None);
    }
}

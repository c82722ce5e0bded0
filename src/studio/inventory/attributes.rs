//! Each category's attributes: which keys a material of it carries, of what type, which are
//! required — one table per category, checked by one function. Errors name the attribute
//! (`attributes.width_mm`). Lengths are whole millimetres.
//!
//! | category | attributes |
//! |---|---|
//! | mouldings | `width_mm`*, `rebate_mm`* (< width), `colour`*, `profile`*, `stick_length_mm`*, `material`, `finish` |
//! | paints | `colour`*, `base`* (acrylic, oil, lacquer, varnish, primer, enamel, other), `finish` (matte, satin, gloss), `container_ml` |
//! | printing | `kind`* (paper, ink, film, canvas, other), `size` and `weight_gsm` (* for paper), `finish`, `colour` (* for ink), `printer`, `container_ml` |
//! | souvenirs | `item`*, `size`, `colour`, `customisable` |
//! | equipment | `kind`* (camera, lens, lighting, computer, printer, cutter, software, other), `brand`, `model`, `serial_number`, `licence_expires_on` |
//! | painting_supplies | `kind`* (canvas, brush, easel, palette, medium, solvent, other), `size`, `brand` |
//! | design | `kind`* (glazing, backing, mat_board, foam_board, adhesive, other), `thickness_mm`, `colour`, `sheet_width_mm`, `sheet_height_mm` |

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::http::fields::Checks;
use crate::studio::inventory::model::MaterialCategory;

/// The type of one attribute's value.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Trimmed text of 1..=n characters.
    Text(usize),
    /// A whole number in a range (millimetres, grams, millilitres).
    Int(i64, i64),
    /// One of a fixed list.
    Choice(&'static [&'static str]),
    /// A date `YYYY-MM-DD`.
    Date,
    Bool,
}

/// Whether an attribute must be present.
#[derive(Debug, Clone, Copy)]
enum Need {
    Required,
    Optional,
    /// Required when attribute `.0` has the value `.1`.
    When(&'static str, &'static str),
}

type Spec = (&'static str, Kind, Need);

use Kind::*;
use Need::*;

const MOULDINGS: &[Spec] = &[
    ("width_mm", Int(5, 300), Required),
    ("rebate_mm", Int(1, 100), Required),
    ("colour", Text(40), Required),
    ("profile", Text(60), Required),
    ("stick_length_mm", Int(1000, 6000), Required),
    ("material", Text(40), Optional),
    ("finish", Text(60), Optional),
];

const PAINTS: &[Spec] = &[
    ("colour", Text(40), Required),
    ("base", Choice(&["acrylic", "oil", "lacquer", "varnish", "primer", "enamel", "other"]), Required),
    ("finish", Choice(&["matte", "satin", "gloss"]), Optional),
    ("container_ml", Int(1, 100_000), Optional),
];

const PRINTING: &[Spec] = &[
    ("kind", Choice(&["paper", "ink", "film", "canvas", "other"]), Required),
    ("size", Text(40), When("kind", "paper")),
    ("weight_gsm", Int(50, 500), When("kind", "paper")),
    ("finish", Choice(&["glossy", "matte", "lustre", "satin", "metallic"]), Optional),
    ("colour", Text(40), When("kind", "ink")),
    ("printer", Text(60), Optional),
    ("container_ml", Int(1, 100_000), Optional),
];

const SOUVENIRS: &[Spec] = &[
    ("item", Text(60), Required),
    ("size", Text(40), Optional),
    ("colour", Text(40), Optional),
    ("customisable", Bool, Optional),
];

const EQUIPMENT: &[Spec] = &[
    ("kind", Choice(&["camera", "lens", "lighting", "computer", "printer", "cutter", "software", "other"]), Required),
    ("brand", Text(60), Optional),
    ("model", Text(60), Optional),
    ("serial_number", Text(60), Optional),
    ("licence_expires_on", Date, Optional),
];

const PAINTING_SUPPLIES: &[Spec] = &[
    ("kind", Choice(&["canvas", "brush", "easel", "palette", "medium", "solvent", "other"]), Required),
    ("size", Text(40), Optional),
    ("brand", Text(60), Optional),
];

const DESIGN: &[Spec] = &[
    ("kind", Choice(&["glazing", "backing", "mat_board", "foam_board", "adhesive", "other"]), Required),
    ("thickness_mm", Int(1, 50), Optional),
    ("colour", Text(40), Optional),
    ("sheet_width_mm", Int(10, 5000), Optional),
    ("sheet_height_mm", Int(10, 5000), Optional),
];

fn specs(category: MaterialCategory) -> &'static [Spec] {
    match category {
        MaterialCategory::Mouldings => MOULDINGS,
        MaterialCategory::Paints => PAINTS,
        MaterialCategory::Printing => PRINTING,
        MaterialCategory::Souvenirs => SOUVENIRS,
        MaterialCategory::Equipment => EQUIPMENT,
        MaterialCategory::PaintingSupplies => PAINTING_SUPPLIES,
        MaterialCategory::Design => DESIGN,
    }
}

/// Checks `value` against the category's table and returns the attributes as stored (text
/// trimmed, unknown keys refused). Every failure names `attributes.<key>`.
pub fn validate(checks: &mut Checks, category: MaterialCategory, value: Option<&Value>) -> Value {
    let empty = Map::new();
    let given = match value {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(map)) => map,
        Some(_) => {
            checks.fail("attributes", "must be an object");
            return Value::Object(Map::new());
        }
    };
    let table = specs(category);
    for key in given.keys() {
        if !table.iter().any(|(k, _, _)| k == key) {
            let known: Vec<_> = table.iter().map(|(k, _, _)| *k).collect();
            checks.fail(
                &format!("attributes.{key}"),
                format!("is not an attribute of {}; they are {}", category.key(), known.join(", ")),
            );
        }
    }
    let mut stored = Map::new();
    for (key, kind, need) in table {
        let field = format!("attributes.{key}");
        let present = given.get(*key).filter(|v| !v.is_null());
        let required = match need {
            Required => true,
            Optional => false,
            When(other, value) => given.get(*other).and_then(Value::as_str) == Some(*value),
        };
        match present {
            None if required => checks.fail(&field, "is required"),
            None => {}
            Some(v) => match typed(*kind, v) {
                Ok(v) => {
                    stored.insert((*key).to_owned(), v);
                }
                Err(message) => checks.fail(&field, message),
            },
        }
    }
    if category == MaterialCategory::Mouldings {
        let int = |k: &str| stored.get(k).and_then(Value::as_i64);
        if let (Some(width), Some(rebate)) = (int("width_mm"), int("rebate_mm"))
            && rebate >= width
        {
            checks.fail("attributes.rebate_mm", "must be less than width_mm");
        }
    }
    Value::Object(stored)
}

/// The value as stored, or why it is not of its kind.
fn typed(kind: Kind, value: &Value) -> Result<Value, String> {
    match kind {
        Text(max) => match value.as_str().map(str::trim) {
            Some(text) if !text.is_empty() && text.chars().count() <= max && !text.chars().any(char::is_control) => {
                Ok(Value::String(text.to_owned()))
            }
            _ => Err(format!("must be a text of 1–{max} characters")),
        },
        Int(min, max) => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(Value::from(n)),
            _ => Err(format!("must be a whole number from {min} to {max}")),
        },
        Choice(options) => match value.as_str() {
            Some(s) if options.contains(&s) => Ok(Value::String(s.to_owned())),
            _ => Err(format!("must be one of {}", options.join(", "))),
        },
        Date => match value.as_str().map(|s| s.parse::<NaiveDate>()) {
            Some(Ok(date)) => Ok(Value::String(date.to_string())),
            _ => Err("must be a date YYYY-MM-DD".to_owned()),
        },
        Bool => value.as_bool().map(Value::Bool).ok_or_else(|| "must be true or false".to_owned()),
    }
}

/// What cutting and quoting need of a moulding, read from its stored attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MouldingSpec {
    pub width_mm: i64,
    pub rebate_mm: i64,
    pub stick_length_mm: i64,
}

impl MouldingSpec {
    /// The spec of a moulding's stored attributes (`None` if they lack it, which the API
    /// never lets happen).
    pub fn of(attributes: &Value) -> Option<MouldingSpec> {
        let int = |k: &str| attributes.get(k).and_then(Value::as_i64);
        Some(MouldingSpec {
            width_mm: int("width_mm")?,
            rebate_mm: int("rebate_mm")?,
            stick_length_mm: int("stick_length_mm")?,
        })
    }
}

/// The `kind` attribute of a design material (glazing, backing, mat_board, ...).
pub fn design_kind(attributes: &Value) -> Option<&str> {
    attributes.get("kind").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;
    use serde_json::json;

    fn check(category: MaterialCategory, value: Value) -> Result<Value, Vec<String>> {
        let mut checks = Checks::new();
        let stored = validate(&mut checks, category, Some(&value));
        match checks.finish() {
            Ok(()) => Ok(stored),
            Err(ApiError::Validation(errors)) => Err(errors.into_iter().map(|e| e.field).collect()),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_moulding_needs_its_measures_and_they_must_make_sense() {
        let good = json!({"width_mm": 20, "rebate_mm": 6, "colour": " roble ", "profile": "plano",
                          "stick_length_mm": 2900});
        let stored = check(MaterialCategory::Mouldings, good).unwrap();
        assert_eq!(stored["colour"], "roble");
        assert_eq!(MouldingSpec::of(&stored), Some(MouldingSpec { width_mm: 20, rebate_mm: 6, stick_length_mm: 2900 }));
        let bad = json!({"width_mm": 20.5, "rebate_mm": 25, "colour": "", "stick_length_mm": 2900, "weight": 3});
        assert_eq!(
            check(MaterialCategory::Mouldings, bad).unwrap_err(),
            ["attributes.weight", "attributes.width_mm", "attributes.colour", "attributes.profile"]
        );
        let reversed =
            json!({"width_mm": 20, "rebate_mm": 20, "colour": "negro", "profile": "plano", "stick_length_mm": 2900});
        assert_eq!(check(MaterialCategory::Mouldings, reversed).unwrap_err(), ["attributes.rebate_mm"]);
    }

    #[test]
    fn paper_needs_size_and_weight_but_ink_needs_a_colour() {
        assert_eq!(
            check(MaterialCategory::Printing, json!({"kind": "paper"})).unwrap_err(),
            ["attributes.size", "attributes.weight_gsm"]
        );
        assert!(check(MaterialCategory::Printing, json!({"kind": "paper", "size": "A4", "weight_gsm": 260})).is_ok());
        assert_eq!(check(MaterialCategory::Printing, json!({"kind": "ink"})).unwrap_err(), ["attributes.colour"]);
        assert_eq!(check(MaterialCategory::Printing, json!({"kind": "toner"})).unwrap_err(), ["attributes.kind"]);
    }

    #[test]
    fn other_categories_check_their_types() {
        assert!(check(MaterialCategory::Souvenirs, json!({"item": "taza", "customisable": true})).is_ok());
        assert_eq!(
            check(MaterialCategory::Souvenirs, json!({"item": "taza", "customisable": "sí"})).unwrap_err(),
            ["attributes.customisable"]
        );
        assert_eq!(
            check(MaterialCategory::Equipment, json!({"kind": "software", "licence_expires_on": "2026-13-01"}))
                .unwrap_err(),
            ["attributes.licence_expires_on"]
        );
        assert!(check(MaterialCategory::Design, json!({"kind": "glazing", "thickness_mm": 2})).is_ok());
        let mut checks = Checks::new();
        validate(&mut checks, MaterialCategory::Design, Some(&json!(["glazing"])));
        assert!(checks.finish().is_err(), "attributes must be an object");
    }
}

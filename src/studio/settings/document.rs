//! The settings as a document of keys, with no code per key: the keys are the fields of
//! [`StudioSettings`], their descriptions its field docs, and a change is checked by
//! deserialising the whole document with the changed keys replaced, then running the
//! struct's own rules. A field added to [`StudioSettings`] is a key here at once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde_json::{Map, Value};

use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::settings::model::StudioSettings;

/// Stored values by key: what the studio set (the rest are defaults).
pub type Stored = BTreeMap<String, Value>;

/// What a change does to a key: set it to a value, or (`None`) back to its default.
pub type Changes = BTreeMap<String, Option<Value>>;

/// Every key in declaration order, with its description (the field's doc comment).
pub fn keys() -> &'static [(&'static str, &'static str)] {
    static KEYS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut registry = Registry::new();
        StudioSettings::register(&mut registry);
        let schema = registry.schemas.get(StudioSettings::name().as_ref()).expect("the settings register their schema");
        schema
            .properties
            .iter()
            .map(|(key, field)| {
                let description = match field {
                    MetaSchemaRef::Inline(schema) => schema.description.unwrap_or(""),
                    MetaSchemaRef::Reference(_) => "",
                };
                (*key, description)
            })
            .collect()
    })
}

/// Whether `key` names a setting.
pub fn is_key(key: &str) -> bool {
    keys().iter().any(|(k, _)| *k == key)
}

/// The settings as a JSON object, key by key.
pub fn to_object(settings: &StudioSettings) -> Map<String, Value> {
    match serde_json::to_value(settings) {
        Ok(Value::Object(map)) => map,
        _ => unreachable!("StudioSettings serialises as an object"),
    }
}

fn from_object(document: Map<String, Value>) -> Result<StudioSettings, serde_json::Error> {
    serde_json::from_value(Value::Object(document))
}

/// The defaults with the stored values over them (stored keys that are no longer settings
/// are ignored).
fn overlay(defaults: &StudioSettings, stored: &Stored) -> Map<String, Value> {
    let mut document = to_object(defaults);
    for (key, value) in stored {
        if let Some(slot) = document.get_mut(key) {
            *slot = value.clone();
        }
    }
    document
}

/// The settings in force: the stored values over the defaults. A stored value that no
/// longer reads as its setting's type is an error, never a silent default.
pub fn effective(defaults: &StudioSettings, stored: &Stored) -> Result<StudioSettings, serde_json::Error> {
    from_object(overlay(defaults, stored))
}

/// The outcome of a change that passed every check.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The settings in force after the change.
    pub settings: StudioSettings,
    /// What is to be stored after the change, in canonical form.
    pub stored: Stored,
}

/// Applies `changes` to what is `stored`, checking the result as a whole: an unknown key,
/// a value of the wrong shape (each changed key probed alone, so the message names it) or
/// a broken rule is a 422 naming every offending key, and nothing is to be written.
pub fn apply(defaults: &StudioSettings, stored: &Stored, changes: &Changes) -> ApiResult<Applied> {
    let base = overlay(defaults, stored);
    let mut checks = Checks::new();
    let mut document = base.clone();
    let default_values = to_object(defaults);
    for (key, change) in changes {
        let Some(default) = default_values.get(key) else {
            checks.fail(key, "is not a setting");
            continue;
        };
        let value = change.clone().unwrap_or_else(|| default.clone());
        let mut probe = base.clone();
        probe.insert(key.clone(), value.clone());
        if let Err(e) = from_object(probe) {
            checks.fail(key, e.to_string());
        }
        document.insert(key.clone(), value);
    }
    checks.finish()?;
    let settings = from_object(document).map_err(|e| ApiError::invalid("settings", e.to_string()))?.validate()?;
    let canonical = to_object(&settings);
    let mut next = Stored::new();
    for (key, _) in keys() {
        let set = match changes.get(*key) {
            Some(change) => change.is_some(),
            None => stored.contains_key(*key),
        };
        if set {
            next.insert((*key).to_owned(), canonical[*key].clone());
        }
    }
    Ok(Applied { settings, stored: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defaults() -> StudioSettings {
        let stored: Stored = [("tax_rate".to_owned(), json!("18.00"))].into();
        // Every field at its default for a Peruvian studio, the tax rate at 0.
        let mut base = to_object(&StudioSettings::defaults(&crate::tenancy::model::Tenant::example("PE", "PEN")));
        base.insert("tax_rate".to_owned(), json!("0"));
        let base = from_object(base).unwrap();
        effective(&base, &stored).unwrap()
    }

    fn bad_keys(changes: Changes) -> Vec<String> {
        match apply(&defaults(), &Stored::new(), &changes) {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn every_field_is_a_key_with_its_description() {
        let keys = keys();
        assert_eq!(keys.len(), to_object(&defaults()).len());
        assert_eq!(keys[0].0, "tax_rate");
        assert!(keys.iter().all(|(_, description)| !description.is_empty()), "{keys:?}");
        assert!(is_key("export_locale") && !is_key("nope"));
    }

    #[test]
    fn a_change_is_stored_canonically_and_a_reset_forgets_the_key() {
        let stored: Stored = [("low_stock_threshold".to_owned(), json!(9))].into();
        let changes: Changes =
            [("studio_address".to_owned(), Some(json!("  Jr. Junín 42  "))), ("low_stock_threshold".to_owned(), None)]
                .into();
        let applied = apply(&defaults(), &stored, &changes).unwrap();
        assert_eq!(applied.stored, Stored::from([("studio_address".to_owned(), json!("Jr. Junín 42"))]));
        assert_eq!(applied.settings.low_stock_threshold, 5);
    }

    #[test]
    fn wrong_shapes_unknown_keys_and_broken_rules_are_named_by_key() {
        let changes = |pairs: &[(&str, Value)]| -> Changes {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), Some(v.clone()))).collect()
        };
        assert_eq!(
            bad_keys(changes(&[("contract_expiry_days", json!("soon")), ("nope", json!(1)), ("tax_rate", json!(1.5))])),
            ["contract_expiry_days", "nope", "tax_rate"]
        );
        assert_eq!(bad_keys(changes(&[("export_locale", json!("fr-FR"))])), ["export_locale"]);
        assert_eq!(bad_keys(changes(&[("reminder_lead_hours", json!(0))])), ["reminder_lead_hours"]);
    }
}

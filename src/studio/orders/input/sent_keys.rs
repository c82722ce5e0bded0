//! [`SentKeys`]: which keys an input object arrived with, so that fields the server
//! computes can be refused with a 422 naming them rather than silently ignored.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

use crate::http::fields::Checks;

/// The keys an input object arrived with (those not null), so that validation can refuse the
/// ones the server computes with a 422 naming them. Flattened into an input, it adds nothing
/// to the documented schema.
#[derive(Debug, Clone, Default)]
pub struct SentKeys(Vec<String>);

impl SentKeys {
    /// Fails each of `computed` that was sent, as `<prefix><name>`.
    pub fn refuse(&self, checks: &mut Checks, prefix: &str, computed: &[&str]) {
        for name in computed.iter().filter(|name| self.0.iter().any(|sent| sent == *name)) {
            checks.fail(&format!("{prefix}{name}"), "is computed by the server and must not be sent");
        }
    }
}

impl Type for SentKeys {
    const IS_REQUIRED: bool = false;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "sent_keys".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("object")))
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for SentKeys {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        let keys = match value {
            Some(Value::Object(map)) => map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k).collect(),
            _ => Vec::new(),
        };
        Ok(SentKeys(keys))
    }
}

impl ToJSON for SentKeys {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Object(serde_json::Map::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_keys_sent_with_a_value_are_kept_and_computed_ones_refused() {
        let sent = SentKeys::parse_from_json(Some(json!({"total": "1", "tax": null, "notes": "x"}))).unwrap();
        let mut checks = Checks::new();
        sent.refuse(&mut checks, "items[0].", &["total", "tax", "balance"]);
        let Err(crate::http::ApiError::Validation(errors)) = checks.finish() else { panic!("expected 422") };
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["items[0].total"]);
        assert_eq!(SentKeys::parse_from_json(Some(json!([1]))).unwrap().to_json(), Some(json!({})));
    }
}

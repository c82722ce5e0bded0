//! [`FieldNamed`]: a JSON request body whose parse errors name the offending field.
//!
//! poem-openapi refuses a body whose field is missing, of the wrong type or outside its enum
//! with a message that names only the types involved (`Expected input type "Kind", found
//! "party"`). Wrapping the body type — `Json<FieldNamed<Input>>` — keeps the same schema in
//! the OpenAPI document and the same 400 `invalid_body`, and when parsing fails, checks each
//! property of the object against its documented schema (required, type, format, enum) to
//! say which one is wrong: ``field `kind`: must be one of session, delivery``.

use std::borrow::Cow;
use std::ops::Deref;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, Type};
use serde_json::{Map, Value};

/// A request body of type `T` whose parse errors name the field at fault.
#[derive(Debug, Clone)]
pub struct FieldNamed<T>(pub T);

impl<T> Deref for FieldNamed<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Type> Type for FieldNamed<T> {
    const IS_REQUIRED: bool = T::IS_REQUIRED;
    type RawValueType = T::RawValueType;
    type RawElementValueType = T::RawElementValueType;

    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        self.0.as_raw_value()
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        self.0.raw_element_iter()
    }
}

impl<T: ParseFromJSON> ParseFromJSON for FieldNamed<T> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        let object = match &value {
            Some(Value::Object(object)) => Some(object.clone()),
            _ => None,
        };
        T::parse_from_json(value).map(FieldNamed).map_err(|err| {
            let mut registry = Registry::new();
            T::register(&mut registry);
            let schema = registry.schemas.get(T::name().as_ref());
            match (object, schema) {
                (Some(object), Some(schema)) => match offending_field(&registry, schema, &object) {
                    Some((field, reason)) => ParseError::custom(format!("field `{field}` {reason}")),
                    None => err.propagate(),
                },
                _ => err.propagate(),
            }
        })
    }
}

/// The first property of `object` (in the schema's order) that breaks its schema, and why.
fn offending_field(registry: &Registry, schema: &MetaSchema, object: &Map<String, Value>) -> Option<(String, String)> {
    schema.properties.iter().find_map(|(name, property)| {
        let reason = match object.get(*name) {
            None | Some(Value::Null) if schema.required.contains(name) => Some("is required".to_owned()),
            None | Some(Value::Null) => None,
            Some(value) => resolve(registry, property).into_iter().find_map(|schema| breaks(schema, value)),
        };
        reason.map(|reason| ((*name).to_owned(), reason))
    })
}

/// The schemas a property must fit: its own and, for a documented field of a named type
/// (`allOf: [{$ref}, {description}]`), the named type's.
fn resolve<'a>(registry: &'a Registry, property: &'a MetaSchemaRef) -> Vec<&'a MetaSchema> {
    match property {
        MetaSchemaRef::Reference(name) => registry.schemas.get(name).into_iter().collect(),
        MetaSchemaRef::Inline(schema) => std::iter::once(schema.as_ref())
            .chain(schema.all_of.iter().flat_map(|part| resolve(registry, part)))
            .collect(),
    }
}

/// Why `value` does not fit `schema` (type, format, enum), if it visibly does not; formats
/// this does not know are left to the type's own parser.
fn breaks(schema: &MetaSchema, value: &Value) -> Option<String> {
    if !schema.enum_items.is_empty() && !schema.enum_items.contains(value) {
        let allowed: Vec<String> =
            schema.enum_items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
        return Some(format!("must be one of {}", allowed.join(", ")));
    }
    let text = value.as_str();
    let fits = match (schema.ty, schema.format) {
        ("string", Some("uuid")) => text.is_some_and(|t| uuid::Uuid::parse_str(t).is_ok()),
        ("string", Some("date-time")) => {
            text.is_some_and(|t| t.parse::<chrono::DateTime<chrono::FixedOffset>>().is_ok())
        }
        ("string", Some("date")) => text.is_some_and(|t| t.parse::<chrono::NaiveDate>().is_ok()),
        // poem-openapi takes a number or a boolean as a string's text.
        ("string", _) => !(value.is_array() || value.is_object() || value.is_null()),
        ("integer", Some("int32")) => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        ("integer", _) => value.is_i64() || value.is_u64(),
        ("number", _) => value.is_number(),
        ("boolean", _) => value.is_boolean(),
        ("array", _) => value.is_array(),
        ("object", _) => value.is_object(),
        _ => true,
    };
    let expected = match (schema.ty, schema.format) {
        ("string", Some("uuid")) => "a UUID",
        ("string", Some("date-time")) => "a date and time with its UTC offset (RFC 3339)",
        ("string", Some("date")) => "a date (YYYY-MM-DD)",
        ("integer", _) => "an integer",
        (ty, _) => ty,
    };
    (!fits).then(|| format!("must be {expected}"))
}

#[cfg(test)]
mod tests {
    use poem_openapi::{Enum, Object};

    use super::*;

    #[derive(Debug, Enum, PartialEq)]
    #[oai(rename_all = "snake_case")]
    enum Colour {
        Red,
        Green,
    }

    #[derive(Debug, Object)]
    struct Sample {
        colour: Colour,
        /// A documented field of a named type.
        shade: Option<Colour>,
        id: Option<uuid::Uuid>,
        at: chrono::DateTime<chrono::FixedOffset>,
        count: i32,
        name: String,
    }

    fn fault(value: Value) -> String {
        FieldNamed::<Sample>::parse_from_json(Some(value)).unwrap_err().into_message()
    }

    #[test]
    fn each_kind_of_fault_names_its_field() {
        let good = serde_json::json!({"colour": "red", "at": "2026-04-04T09:00:00-03:00", "count": 3, "name": "x"});
        let with = |key: &str, value: Value| {
            let mut v = good.clone();
            v[key] = value;
            v
        };
        assert!(FieldNamed::<Sample>::parse_from_json(Some(good.clone())).is_ok());
        assert!(fault(with("colour", "blue".into())).contains("field `colour` must be one of red, green"));
        assert!(fault(with("shade", "blue".into())).contains("field `shade` must be one of red, green"));
        assert!(fault(with("id", "not-a-uuid".into())).contains("field `id` must be a UUID"));
        assert!(fault(with("at", "2026-04-04T09:00:00".into())).contains("field `at` must be a date and time"));
        assert!(fault(with("count", "3".into())).contains("field `count` must be an integer"));
        assert!(fault(with("count", 1e12.into())).contains("field `count`"));
        assert!(fault(with("name", serde_json::json!(["x"]))).contains("field `name` must be string"));
        assert!(fault(with("name", Value::Null)).contains("field `name` is required"));
        assert!(fault(Value::String("nope".into())).contains("Sample"), "not an object: poem's own message");
    }
}

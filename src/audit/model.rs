//! What an audit row says: who (actor, request id, IP), what (action, entity, id) and the
//! change itself.

use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Who acts, and from where.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    /// The signed-in user; `None` for an anonymous event (a failed sign-in).
    pub actor_id: Option<Uuid>,
    pub request_id: Option<Arc<str>>,
    pub ip: Option<IpAddr>,
}

/// A record whose writes the trail names: its kind and its id. The serialized record is
/// what the trail keeps as "before" and "after".
pub trait Audited: Serialize {
    /// The kind of record (`client`, `contract`, ...); actions are `<entity>.created`, ...
    const ENTITY: &'static str;
    fn audit_id(&self) -> Uuid;
}

/// One event.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `client.created`, `auth.login_failed`, `user.role_changed`, ...
    pub action: String,
    /// The kind of record: `client`, `user`, ...
    pub entity: &'static str,
    pub entity_id: Option<String>,
    /// `{"before": {...}, "after": {...}}` or event details.
    pub changes: Value,
}

impl Entry {
    pub fn new(action: impl Into<String>, entity: &'static str, entity_id: Option<Uuid>, changes: Value) -> Entry {
        Entry { action: action.into(), entity, entity_id: entity_id.map(|id| id.to_string()), changes }
    }

    /// `<entity>.created`, with the new record as "after".
    pub fn created<T: Audited>(record: &T) -> Entry {
        Entry::new(format!("{}.created", T::ENTITY), T::ENTITY, Some(record.audit_id()), changes(None, Some(record)))
    }
}

/// The fields that differ between two versions of a record, as `{"before": {..}, "after": {..}}`;
/// a creation has only `after`, a deletion only `before`. Timestamps that every write
/// touches (`updated_at`) are left out.
pub fn changes<T: Serialize>(before: Option<&T>, after: Option<&T>) -> Value {
    let as_map = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(Value::Object(map))) => Some(map),
        _ => None,
    };
    match (as_map(before), as_map(after)) {
        (Some(before), Some(after)) => {
            let (mut b, mut a) = (Map::new(), Map::new());
            for (key, new) in &after {
                if key == "updated_at" {
                    continue;
                }
                let old = before.get(key).unwrap_or(&Value::Null);
                if old != new {
                    b.insert(key.clone(), old.clone());
                    a.insert(key.clone(), new.clone());
                }
            }
            json!({"before": b, "after": a})
        }
        (None, Some(after)) => json!({"after": after}),
        (Some(before), None) => json!({"before": before}),
        (None, None) => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Rec {
        name: &'static str,
        phone: Option<&'static str>,
        updated_at: u32,
    }

    #[test]
    fn only_changed_fields_are_kept() {
        let before = Rec { name: "Ana", phone: None, updated_at: 1 };
        let after = Rec { name: "Ana María", phone: None, updated_at: 2 };
        assert_eq!(
            changes(Some(&before), Some(&after)),
            json!({"before": {"name": "Ana"}, "after": {"name": "Ana María"}})
        );
        assert_eq!(changes(None, Some(&after))["after"]["name"], "Ana María");
    }
}

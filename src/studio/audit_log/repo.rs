//! SQL on the studio's `audit_log`, joined to its users for the actor's email and name.

use crate::db::{ListQuery, TenantDb, Window};
use crate::studio::audit_log::model::{AuditEntry, ValidFilter};

/// The trail's columns, with the actor where the user still exists.
const SELECT: &str = "SELECT a.id, a.at, a.actor_id, u.email::text AS actor_email, u.full_name AS actor_name, \
     a.action, a.entity, a.entity_id, a.changes, a.request_id, a.ip \
     FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

/// One page of the trail, newest first, and how many events match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &ValidFilter, window: Window) -> sqlx::Result<(i64, Vec<AuditEntry>)> {
    let mut list = ListQuery::new(SELECT, "at DESC, id DESC");
    list.filter("a.actor_id = ", filter.actor_id)
        .filter("a.action = ", filter.action.as_deref())
        .filter("a.entity = ", filter.entity.as_deref())
        .filter("a.entity_id = ", filter.entity_id.as_deref())
        .filter("a.at >= ", filter.since)
        .filter("a.at < ", filter.until);
    list.fetch(db, window).await
}

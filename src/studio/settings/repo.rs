//! SQL on a studio's `settings` table: one row per key the studio set, its value as JSON.

use serde_json::Value;
use uuid::Uuid;

use crate::db::TenantDb;
use crate::studio::settings::document::{self, Stored};
use crate::studio::settings::model::StudioSettings;
use crate::tenancy::model::Tenant;

/// Every stored value as one JSON object by key, for a statement that reads the settings
/// beside other things (then [`effective`]).
macro_rules! stored_object {
    () => {
        "(SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM {studio}.settings)"
    };
}
pub(crate) use stored_object;

/// The studio's settings: what it stored, over the defaults. A stored value that no longer
/// reads as its setting's type is a decode error, not a silent default.
#[tracing::instrument(skip_all)]
pub async fn load(db: &mut TenantDb, tenant: &Tenant) -> sqlx::Result<StudioSettings> {
    effective(tenant, &stored(db).await?)
}

/// The settings from what the studio stored (as [`stored`] or [`stored_object!`] read it),
/// over the defaults.
pub fn effective(tenant: &Tenant, stored: &Stored) -> sqlx::Result<StudioSettings> {
    document::effective(&StudioSettings::defaults(tenant), stored).map_err(|e| sqlx::Error::Decode(e.into()))
}

/// Every stored value by key.
#[tracing::instrument(skip_all)]
pub async fn stored(db: &mut TenantDb) -> sqlx::Result<Stored> {
    let rows: Vec<(String, Value)> = sqlx::query_as("SELECT key, value FROM settings").fetch_all(db).await?;
    Ok(rows.into_iter().collect())
}

/// Serialises writers of the settings until the transaction ends (readers go on): a change
/// is checked against the values it replaces.
#[tracing::instrument(skip_all)]
pub async fn lock(db: &mut TenantDb) -> sqlx::Result<()> {
    sqlx::query("LOCK TABLE settings IN SHARE ROW EXCLUSIVE MODE").execute(db).await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn upsert(db: &mut TenantDb, key: &str, value: &Value, by: Option<Uuid>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value, updated_by) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now(), updated_by = excluded.updated_by",
    )
    .bind(key)
    .bind(value)
    .bind(by)
    .execute(db)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn remove(db: &mut TenantDb, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM settings WHERE key = $1").bind(key).execute(db).await?;
    Ok(())
}

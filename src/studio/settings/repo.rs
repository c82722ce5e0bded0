//! SQL on a studio's `settings` table.

use serde_json::Value;

use crate::db::TenantDb;
use crate::studio::settings::model::StudioSettings;
use crate::tenancy::model::Tenant;

/// The studio's settings: what it stored, over the defaults. A stored value that no longer
/// reads as its setting's type is a decode error, not a silent default.
#[tracing::instrument(skip_all)]
pub async fn load(db: &mut TenantDb, tenant: &Tenant) -> sqlx::Result<StudioSettings> {
    let stored: Vec<(String, Value)> = sqlx::query_as("SELECT key, value FROM settings").fetch_all(db).await?;
    let mut document =
        serde_json::to_value(StudioSettings::defaults(tenant)).map_err(|e| sqlx::Error::Decode(e.into()))?;
    for (key, value) in stored {
        if let Some(slot) = document.get_mut(&key) {
            *slot = value;
        }
    }
    serde_json::from_value(document).map_err(|e| sqlx::Error::Decode(e.into()))
}

//! The rules of configuration: every change — one key, the studio's details, a restore —
//! is one unit of work that checks everything first (each bad key named, nothing written),
//! writes the keys that changed, writes the studio's catalog entry when its name, currency
//! or time zone change (through [`OwnStudio`](crate::tenancy::own_studio::OwnStudio), in
//! the same transaction), and records one audit row with what changed. Settings are read
//! from the studio's table on every use, so a change is in force at once on every instance;
//! the catalog entry is cached per instance and dropped everywhere by the notification its
//! change sends.

use serde_json::{Map, Value, json};

use crate::audit::{self, Entry};
use crate::auth::extract::TenantUser;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::studio::settings::document::{self, Applied, Changes, Stored};
use crate::studio::settings::model::StudioSettings;
use crate::studio::settings::repo;
use crate::studio::settings::views::{
    AlertSettings, BACKUP_FORMAT, BackupStudio, Setting, SettingsBackup, SystemInput, SystemSettings,
};
use crate::tenancy::model::Tenant;
use crate::tenancy::own_studio::StudioChanges;

fn unknown_key(key: &str) -> ApiError {
    ApiError::NotFound { code: "not_found", detail: format!("`{key}` is not a setting") }
}

fn view(
    key: &str,
    description: &str,
    settings: &StudioSettings,
    defaults: &StudioSettings,
    stored: &Stored,
) -> Setting {
    Setting {
        key: key.to_owned(),
        value: document::to_object(settings).remove(key).unwrap_or(Value::Null),
        default_value: document::to_object(defaults).remove(key).unwrap_or(Value::Null),
        is_default: !stored.contains_key(key),
        description: description.to_owned(),
    }
}

/// What is stored and what is in force, read in one go.
async fn read(user: &TenantUser) -> ApiResult<(Stored, StudioSettings)> {
    let mut db = user.db().await?;
    let stored = repo::stored(&mut db).await?;
    let settings = document::effective(&StudioSettings::defaults(&user.tenant), &stored)
        .map_err(|e| ApiError::internal(format!("stored settings do not decode: {e}")))?;
    Ok((stored, settings))
}

/// Every setting, in declaration order.
pub async fn list(user: &TenantUser) -> ApiResult<Vec<Setting>> {
    let (stored, settings) = read(user).await?;
    let defaults = StudioSettings::defaults(&user.tenant);
    Ok(document::keys().iter().map(|(key, about)| view(key, about, &settings, &defaults, &stored)).collect())
}

/// One setting; an unknown key is 404.
pub async fn get(user: &TenantUser, key: &str) -> ApiResult<Setting> {
    let (key, about) = document::keys().iter().find(|(k, _)| *k == key).ok_or_else(|| unknown_key(key))?;
    let (stored, settings) = read(user).await?;
    Ok(view(key, about, &settings, &StudioSettings::defaults(&user.tenant), &stored))
}

/// Sets one key (`value`) or brings it back to its default (`None`).
pub async fn set(user: &TenantUser, key: &str, value: Option<Value>) -> ApiResult<Setting> {
    if !document::is_key(key) {
        return Err(unknown_key(key));
    }
    let action = if value.is_some() { "setting.updated" } else { "setting.reset" };
    let changes = Changes::from([(key.to_owned(), value)]);
    let (_, applied) = change(user, action, Some(key), &changes, None).await?;
    let about = document::keys().iter().find(|(k, _)| *k == key).map_or("", |(_, about)| *about);
    Ok(view(key, about, &applied.settings, &StudioSettings::defaults(&user.tenant), &applied.stored))
}

/// The studio's details.
pub async fn system(user: &TenantUser) -> ApiResult<SystemSettings> {
    let (_, settings) = read(user).await?;
    Ok(SystemSettings::new(&user.tenant, &settings))
}

/// Changes the studio's details: its catalog entry and the settings keys they name.
pub async fn set_system(user: &TenantUser, input: &SystemInput) -> ApiResult<SystemSettings> {
    let studio =
        StudioChanges { name: input.name.clone(), currency: input.currency.clone(), timezone: input.timezone.clone() };
    let (tenant, applied) =
        change(user, "settings.system_updated", None, &input.setting_changes(), Some(studio)).await?;
    Ok(SystemSettings::new(&tenant, &applied.settings))
}

/// The alert thresholds and lead times.
pub async fn alerts(user: &TenantUser) -> ApiResult<AlertSettings> {
    let (_, settings) = read(user).await?;
    Ok(AlertSettings::from(&settings))
}

fn backup_of(t: &Tenant, stored: Stored) -> SettingsBackup {
    SettingsBackup {
        format: BACKUP_FORMAT,
        exported_at: Some(chrono::Utc::now()),
        studio: Some(BackupStudio { name: t.name.clone(), currency: t.currency.clone(), timezone: t.timezone.clone() }),
        settings: stored.into_iter().filter(|(key, _)| document::is_key(key)).collect(),
    }
}

/// The studio's configuration as one document.
pub async fn backup(user: &TenantUser) -> ApiResult<SettingsBackup> {
    let (stored, _) = read(user).await?;
    Ok(backup_of(&user.tenant, stored))
}

/// Restores a backup: its keys are set, every other key goes back to its default, and its
/// studio details (when present) are written — all checked first, all or nothing.
pub async fn restore(user: &TenantUser, backup: &SettingsBackup) -> ApiResult<SettingsBackup> {
    if backup.format != BACKUP_FORMAT {
        return Err(ApiError::invalid("format", format!("must be {BACKUP_FORMAT}")));
    }
    let mut changes: Changes = document::keys().iter().map(|(key, _)| ((*key).to_owned(), None)).collect();
    for (key, value) in &backup.settings {
        changes.insert(key.clone(), Some(value.clone()));
    }
    let studio = backup.studio.as_ref().map(|s| StudioChanges {
        name: Some(s.name.clone()),
        currency: Some(s.currency.clone()),
        timezone: Some(s.timezone.clone()),
    });
    let (tenant, applied) = change(user, "settings.restored", None, &changes, studio).await?;
    Ok(backup_of(&tenant, applied.stored))
}

/// The settings and catalog fields as one JSON object, for the audit trail's before/after.
fn audited(tenant: &Tenant, settings: &StudioSettings) -> Map<String, Value> {
    let mut object = document::to_object(settings);
    object.insert("name".to_owned(), json!(tenant.name));
    object.insert("currency".to_owned(), json!(tenant.currency));
    object.insert("timezone".to_owned(), json!(tenant.timezone));
    object
}

/// One change of configuration as a unit of work (see the module docs). Returns the studio's
/// catalog entry and settings as they are after it.
async fn change(
    user: &TenantUser,
    action: &str,
    key: Option<&str>,
    changes: &Changes,
    studio: Option<StudioChanges>,
) -> ApiResult<(Tenant, Applied)> {
    let defaults = StudioSettings::defaults(&user.tenant);
    let own = user.own_studio();
    let mut tx = user.begin().await?;
    repo::lock(&mut tx).await?;
    // Rows of keys that are no longer settings are left alone.
    let stored: Stored = repo::stored(&mut tx).await?.into_iter().filter(|(k, _)| document::is_key(k)).collect();
    let before = document::effective(&defaults, &stored)
        .map_err(|e| ApiError::internal(format!("stored settings do not decode: {e}")))?;
    // Every problem of the catalog fields and of the keys, in one answer.
    let mut checks = Checks::new();
    let mut studio_changes = match &studio {
        Some(sent) => own.check(&mut tx, &mut checks, sent).await?,
        None => StudioChanges::default(),
    };
    // Only what differs from the entry as it is.
    let current = user.tenant.as_ref();
    studio_changes.name = studio_changes.name.filter(|n| *n != current.name);
    studio_changes.currency = studio_changes.currency.filter(|c| *c != current.currency);
    studio_changes.timezone = studio_changes.timezone.filter(|t| *t != current.timezone);
    let applied = match document::apply(&defaults, &stored, changes) {
        Ok(applied) => Some(applied),
        Err(ApiError::Validation(errors)) => {
            errors.iter().for_each(|e| checks.fail(&e.field, e.message.clone()));
            None
        }
        Err(other) => return Err(other),
    };
    checks.finish()?;
    let applied = applied.expect("no failed check means the change applied");
    for key in stored.keys().filter(|k| !applied.stored.contains_key(*k)) {
        repo::remove(&mut tx, key).await?;
    }
    for (key, value) in applied.stored.iter().filter(|(k, v)| stored.get(*k) != Some(*v)) {
        repo::upsert(&mut tx, key, value, Some(user.user_id)).await?;
    }
    let tenant = if studio_changes.is_empty() {
        user.tenant.as_ref().clone()
    } else {
        own.update(&mut tx, &studio_changes).await?
    };
    let catalog_changed = !studio_changes.is_empty();
    if applied.stored != stored || catalog_changed {
        let diff = audit::changes(Some(&audited(&user.tenant, &before)), Some(&audited(&tenant, &applied.settings)));
        let entry =
            Entry { action: action.to_owned(), entity: "setting", entity_id: key.map(str::to_owned), changes: diff };
        audit::record(&mut tx, user.audit(), entry).await?;
    }
    if catalog_changed {
        own.commit(tx).await?
    } else {
        tx.commit().await?
    }
    Ok((tenant, applied))
}

//! What `/api/config` shows and takes: one setting, the studio's system details, its alert
//! thresholds, and the backup document.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::Serialize;
use serde_json::Value;

use crate::studio::money::Percent;
use crate::studio::settings::model::StudioSettings;
use crate::studio::settings::values::StudioTaxId;
use crate::tenancy::model::Tenant;

/// One setting of the studio.
#[derive(Debug, Clone, Object, Serialize)]
pub struct Setting {
    pub key: String,
    /// The value in force, of the key's type.
    pub value: Value,
    /// The value the key has when the studio sets nothing.
    pub default_value: Value,
    /// True when the studio has not set the key (`DELETE` brings it back to this).
    pub is_default: bool,
    pub description: String,
}

/// A new value for one key.
#[derive(Debug, Clone, Object)]
pub struct SettingValue {
    /// Of the key's type: `"18.00"` for a percentage, `30` for days, `"es-PE"`, `null` to
    /// clear an optional text, ...
    pub value: Value,
}

/// The studio's own details, as receipts and documents show them. `name`, `country`,
/// `currency` and `timezone` are the studio's entry in the platform's catalog; the rest are
/// settings keys of the same names.
#[derive(Debug, Clone, Object, Serialize)]
pub struct SystemSettings {
    pub name: String,
    /// ISO 3166-1; changed by the platform's operators only (it sets tax defaults).
    pub country: String,
    /// ISO 4217.
    pub currency: String,
    /// IANA time zone: the studio's dates ("today", date ranges) are computed in it.
    pub timezone: String,
    pub tax_rate: Percent,
    pub prices_include_tax: bool,
    pub studio_legal_name: Option<String>,
    pub studio_address: Option<String>,
    pub studio_tax_id: Option<StudioTaxId>,
    pub studio_phone: Option<String>,
    pub studio_email: Option<String>,
}

impl SystemSettings {
    pub fn new(tenant: &Tenant, s: &StudioSettings) -> SystemSettings {
        SystemSettings {
            name: tenant.name.clone(),
            country: tenant.country.clone(),
            currency: tenant.currency.clone(),
            timezone: tenant.timezone.clone(),
            tax_rate: s.tax_rate,
            prices_include_tax: s.prices_include_tax,
            studio_legal_name: s.studio_legal_name.clone(),
            studio_address: s.studio_address.clone(),
            studio_tax_id: s.studio_tax_id.clone(),
            studio_phone: s.studio_phone.clone(),
            studio_email: s.studio_email.clone(),
        }
    }
}

/// Changes to the studio's details: absent fields stay as they are; `null` clears an
/// optional one (back to its default).
#[derive(Debug, Clone, Object)]
pub struct SystemInput {
    /// 1–120 characters.
    pub name: Option<String>,
    /// ISO 4217 (`PEN`, `BOB`, `CLP`, ...). Amounts already recorded are not converted.
    pub currency: Option<String>,
    /// IANA name (`America/Lima`).
    pub timezone: Option<String>,
    pub tax_rate: MaybeUndefined<Percent>,
    pub prices_include_tax: MaybeUndefined<bool>,
    pub studio_legal_name: MaybeUndefined<String>,
    pub studio_address: MaybeUndefined<String>,
    pub studio_tax_id: MaybeUndefined<StudioTaxId>,
    pub studio_phone: MaybeUndefined<String>,
    pub studio_email: MaybeUndefined<String>,
}

/// A field of an input as a change of its key: absent is none, `null` a reset, a value a set.
fn change<T: Serialize>(changes: &mut BTreeMap<String, Option<Value>>, key: &str, field: &MaybeUndefined<T>) {
    match field {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => {
            changes.insert(key.to_owned(), None);
        }
        MaybeUndefined::Value(value) => {
            changes.insert(key.to_owned(), serde_json::to_value(value).ok());
        }
    }
}

impl SystemInput {
    /// The settings keys this input changes: a value sets the key, `null` resets it.
    pub fn setting_changes(&self) -> BTreeMap<String, Option<Value>> {
        let mut changes = BTreeMap::new();
        change(&mut changes, "tax_rate", &self.tax_rate);
        change(&mut changes, "prices_include_tax", &self.prices_include_tax);
        change(&mut changes, "studio_legal_name", &self.studio_legal_name);
        change(&mut changes, "studio_address", &self.studio_address);
        change(&mut changes, "studio_tax_id", &self.studio_tax_id);
        change(&mut changes, "studio_phone", &self.studio_phone);
        change(&mut changes, "studio_email", &self.studio_email);
        changes
    }
}

/// The thresholds and lead times alerts are raised with.
#[derive(Debug, Clone, Object, Serialize)]
pub struct AlertSettings {
    /// Stock at or below which an item is low (items without a threshold of their own).
    pub low_stock_threshold: i32,
    /// Days ahead a contract counts as expiring.
    pub contract_expiry_days: i32,
    /// Hours before an appointment its reminder is due.
    pub reminder_lead_hours: i32,
}

impl From<&StudioSettings> for AlertSettings {
    fn from(s: &StudioSettings) -> AlertSettings {
        AlertSettings {
            low_stock_threshold: s.low_stock_threshold,
            contract_expiry_days: s.contract_expiry_days,
            reminder_lead_hours: s.reminder_lead_hours,
        }
    }
}

/// The current version of the backup document.
pub const BACKUP_FORMAT: i32 = 1;

/// The studio's catalog entry in a backup.
#[derive(Debug, Clone, Object, Serialize)]
pub struct BackupStudio {
    pub name: String,
    pub currency: String,
    pub timezone: String,
}

/// The studio's configuration as one document: what `GET /api/config/backup` answers and
/// `PUT /api/config/backup` restores.
#[derive(Debug, Clone, Object, Serialize)]
pub struct SettingsBackup {
    /// 1.
    pub format: i32,
    /// When it was taken (informative; ignored on restore).
    pub exported_at: Option<DateTime<Utc>>,
    /// The studio's name, currency and time zone; restored when present.
    pub studio: Option<BackupStudio>,
    /// The keys the studio set, with their values; on restore every other key goes back to
    /// its default.
    pub settings: BTreeMap<String, Value>,
}

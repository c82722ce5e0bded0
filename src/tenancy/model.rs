//! A tenant (studio) as the catalog knows it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::SchemaName;

#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum, serde::Serialize, sqlx::Type, clap::ValueEnum)]
#[oai(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    /// Being created; not reachable yet.
    Provisioning,
    Active,
    /// Every tenant request answers 403 `tenant_suspended`.
    Suspended,
    /// Soft-deleted: traffic answers 404; the schema stays until `tenants delete --confirm`.
    Deleted,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Provisioning => "provisioning",
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
            TenantStatus::Deleted => "deleted",
        }
    }
}

/// One row of `public.tenants`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    #[sqlx(rename = "schema_name", try_from = "String")]
    pub schema: SchemaName,
    pub status: TenantStatus,
    pub country: String,
    pub currency: String,
    pub timezone: String,
    pub plan: String,
    pub schema_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Tenant {
    /// The studio's time zone. Provisioning checked the name against PostgreSQL's list; a
    /// name chrono-tz does not know (none so far) falls back to UTC rather than failing.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or_else(|_| {
            tracing::warn!(tenant.slug = %self.slug, timezone = %self.timezone, "unknown time zone; using UTC");
            chrono_tz::UTC
        })
    }

    /// Today's date where the studio is.
    pub fn today(&self) -> chrono::NaiveDate {
        Utc::now().with_timezone(&self.tz()).date_naive()
    }
}

#[cfg(test)]
impl Tenant {
    /// A studio as the catalog would hold it, for unit tests.
    pub fn example(country: &str, currency: &str) -> Tenant {
        let now = Utc::now();
        Tenant {
            id: Uuid::nil(),
            slug: "acme".to_owned(),
            name: "Acme".to_owned(),
            schema: SchemaName::parse("t_acme").expect("a valid schema name"),
            status: TenantStatus::Active,
            country: country.to_owned(),
            currency: currency.to_owned(),
            timezone: "America/Lima".to_owned(),
            plan: "standard".to_owned(),
            schema_version: 1,
            created_at: now,
            updated_at: now,
            suspended_at: None,
            deleted_at: None,
        }
    }
}

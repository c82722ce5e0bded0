//! A tenant (studio) as the catalog knows it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::SchemaName;

#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
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

    pub fn parse(s: &str) -> Option<TenantStatus> {
        Some(match s {
            "provisioning" => TenantStatus::Provisioning,
            "active" => TenantStatus::Active,
            "suspended" => TenantStatus::Suspended,
            "deleted" => TenantStatus::Deleted,
            _ => return None,
        })
    }
}

/// One row of `public.tenants`.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
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

impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for Tenant {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        let schema: String = row.try_get("schema_name")?;
        let status: String = row.try_get("status")?;
        let corrupt = |what: &str| sqlx::Error::Decode(format!("tenants.{what} is invalid").into());
        Ok(Tenant {
            id: row.try_get("id")?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
            schema: SchemaName::parse(&schema).ok_or_else(|| corrupt("schema_name"))?,
            status: TenantStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
            country: row.try_get("country")?,
            currency: row.try_get("currency")?,
            timezone: row.try_get("timezone")?,
            plan: row.try_get("plan")?,
            schema_version: row.try_get("schema_version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            suspended_at: row.try_get("suspended_at")?,
            deleted_at: row.try_get("deleted_at")?,
        })
    }
}

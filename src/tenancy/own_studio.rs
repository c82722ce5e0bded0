//! A studio's own entry in the catalog, as its admins may change it from inside the studio
//! (`PUT /api/config/system`): its name, currency and time zone.
//!
//! The catalog row stays the one source of truth for these (resolution, provisioning and
//! the platform API read it there). Business code never names the catalog: it gets an
//! [`OwnStudio`] from its caller (`TenantUser::own_studio`), bound to the caller's studio
//! and no other, and hands it the unit of work it already has open. The row is written on
//! that same connection — the statements are schema-qualified — so the settings, the audit
//! row and the catalog change commit or roll back together, and the `tenant_changed`
//! notification goes out at that commit, never for a rollback.

use std::sync::Arc;

use uuid::Uuid;

use crate::db::TenantDb;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult};
use crate::tenancy::catalog::{self, TenantChanges};
use crate::tenancy::locale;
use crate::tenancy::model::Tenant;
use crate::tenancy::resolve::TenantResolver;

/// What a studio's admin may change in its catalog entry; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudioChanges {
    pub name: Option<String>,
    /// ISO 4217, upper case.
    pub currency: Option<String>,
    /// An IANA time zone name.
    pub timezone: Option<String>,
}

impl StudioChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.currency.is_none() && self.timezone.is_none()
    }
}

/// The caller's own studio in the catalog: reads come with the caller (`user.tenant`),
/// changes go through here.
#[derive(Clone)]
pub struct OwnStudio {
    tenant_id: Uuid,
    /// This instance's resolution cache, forgotten at once after a change (other instances
    /// forget theirs when the notification reaches them). `None` outside a request.
    resolver: Option<Arc<TenantResolver>>,
}

impl std::fmt::Debug for OwnStudio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnStudio").field("tenant_id", &self.tenant_id).finish_non_exhaustive()
    }
}

impl OwnStudio {
    /// The entry of `tenant_id`; only the extractor of an authenticated caller builds one.
    pub fn new(tenant_id: Uuid, resolver: Option<Arc<TenantResolver>>) -> OwnStudio {
        OwnStudio { tenant_id, resolver }
    }

    /// Checks the fields a studio sent, recording every bad one in `checks` under its
    /// own name (`name`, `currency`, `timezone`); returns them normalised. The time zone must
    /// be known to PostgreSQL (dates are computed there too) and to chrono-tz.
    pub async fn check(
        &self,
        db: &mut TenantDb,
        checks: &mut Checks,
        sent: &StudioChanges,
    ) -> ApiResult<StudioChanges> {
        let name = sent.name.as_deref().map(|n| checks.required("name", n, 120));
        let currency = sent.currency.as_deref().map(|c| c.trim().to_uppercase());
        if currency.as_deref().is_some_and(|c| !locale::is_currency(c)) {
            checks.fail("currency", "must be an ISO 4217 code such as PEN, BOB or CLP");
        }
        let timezone = sent.timezone.as_deref().map(|t| t.trim().to_owned());
        if let Some(tz) = &timezone {
            let known_here = tz.parse::<chrono_tz::Tz>().is_ok();
            // A lookup, not `AT TIME ZONE`: an error would abort the caller's transaction.
            let known_there = known_here
                && sqlx::query_scalar::<_, bool>(
                    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = $1)",
                )
                .bind(tz)
                .fetch_one(&mut *db)
                .await?;
            if !known_there {
                checks.fail("timezone", "is not a known IANA time zone (such as America/Lima)");
            }
        }
        Ok(StudioChanges { name, currency, timezone })
    }

    /// Writes `changes` to the studio's catalog row inside the caller's unit of work (`db`
    /// has a transaction open) and queues the `tenant_changed` notification for its commit.
    /// Returns the row as it will be once committed.
    pub async fn update(&self, db: &mut TenantDb, changes: &StudioChanges) -> ApiResult<Tenant> {
        if !db.in_transaction() {
            return Err(ApiError::internal("a studio's catalog entry changes only inside a unit of work"));
        }
        let changes = TenantChanges {
            name: changes.name.clone(),
            currency: changes.currency.clone(),
            timezone: changes.timezone.clone(),
            ..TenantChanges::default()
        };
        let tenant =
            catalog::update(&mut *db, self.tenant_id, &changes).await?.ok_or_else(|| ApiError::not_found("studio"))?;
        catalog::notify_changed_on(&mut *db, self.tenant_id).await?;
        Ok(tenant)
    }

    /// Commits a unit of work that changed the entry, then forgets this instance's cached
    /// copy at once, so the very next request already sees the change.
    pub async fn commit(&self, db: TenantDb) -> ApiResult<()> {
        db.commit().await?;
        if let Some(resolver) = &self.resolver {
            resolver.invalidate_all();
        }
        Ok(())
    }
}

//! The platform API (operators): the tenant catalog, provisioning, suspension, custom
//! domains; plus `GET /api/tenants/current` for a studio's own users and the self-service
//! `POST /api/signup`.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::http::Uri;
use poem::web::{Data, RemoteAddr};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::extract::{PlatformOperator, TenantUser};
use crate::http::db_error::on_constraint;
use crate::http::fields::Checks;
use crate::http::json::JsonOut;
use crate::http::pagination::{Page, Paging};
use crate::http::responses::{Created, Deleted, Located};
use crate::http::{ApiError, ApiResult};
use crate::routes::ApiTags;
use crate::tenancy::catalog::{self, TenantChanges, TenantFilter};
use crate::tenancy::model::{Tenant, TenantStatus};
use crate::tenancy::provision::{self, ProvisionRequest};
use crate::tenancy::{domains, locale};

/// A studio as the platform shows it.
#[derive(Debug, Object, serde::Serialize)]
pub struct TenantView {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub schema_name: String,
    pub status: TenantStatus,
    pub country: String,
    pub currency: String,
    pub timezone: String,
    pub plan: String,
    /// The highest tenant migration applied to its schema.
    pub schema_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> TenantView {
        TenantView {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
            schema_name: t.schema.as_str().to_owned(),
            status: t.status,
            country: t.country.clone(),
            currency: t.currency.clone(),
            timezone: t.timezone.clone(),
            plan: t.plan.clone(),
            schema_version: t.schema_version,
            created_at: t.created_at,
            updated_at: t.updated_at,
            suspended_at: t.suspended_at,
            deleted_at: t.deleted_at,
        }
    }
}

impl Located for TenantView {
    fn location(&self) -> String {
        format!("/api/tenants/{}", self.id)
    }
}

/// Fields an operator may change; absent fields stay as they are.
#[derive(Debug, Object)]
pub struct TenantPatch {
    pub name: Option<String>,
    /// Free-form plan name (`standard`, `pro`, ...).
    pub plan: Option<String>,
    pub country: Option<String>,
    pub currency: Option<String>,
    pub timezone: Option<String>,
}

/// A custom domain of a studio.
#[derive(Debug, Object, serde::Serialize)]
pub struct DomainView {
    pub domain: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Object)]
pub struct DomainInput {
    /// A host name such as `fotos.miestudio.pe` (no scheme, no port).
    pub domain: String,
}

pub struct TenantsApi;

async fn load(state: &AppState, id: Uuid) -> ApiResult<Tenant> {
    catalog::find_by_id(&state.db.catalog, id).await?.ok_or_else(|| ApiError::not_found("tenant"))
}

fn validate_patch(patch: &TenantPatch) -> ApiResult<TenantChanges> {
    let mut checks = Checks::new();
    let name = patch.name.as_deref().map(|n| checks.required("name", n, 120));
    let plan = patch.plan.as_deref().map(|p| checks.required("plan", p, 40));
    let country = patch.country.as_deref().map(|c| c.trim().to_uppercase());
    if country.as_deref().is_some_and(|c| !locale::is_country(c)) {
        checks.fail("country", "must be an ISO 3166-1 alpha-2 code such as PE, BO or CL");
    }
    let currency = patch.currency.as_deref().map(|c| c.trim().to_uppercase());
    if currency.as_deref().is_some_and(|c| !locale::is_currency(c)) {
        checks.fail("currency", "must be an ISO 4217 code such as PEN, BOB or CLP");
    }
    let timezone = patch.timezone.as_deref().map(|t| checks.required("timezone", t, 64));
    checks.finish()?;
    Ok(TenantChanges { name, plan, country, currency, timezone })
}

/// Runs a status change or edit in a transaction that also tells every instance.
async fn change(
    state: &AppState,
    id: Uuid,
    apply: impl AsyncFnOnce(&mut sqlx::PgConnection) -> sqlx::Result<Option<Tenant>>,
) -> ApiResult<Tenant> {
    let mut tx = state.db.catalog.begin().await?;
    let tenant = apply(&mut tx).await?.ok_or_else(|| ApiError::not_found("tenant"))?;
    catalog::notify_changed(&mut tx, id).await?;
    tx.commit().await?;
    // This instance forgets at once; the others when the notification reaches them.
    state.resolver.invalidate_all();
    Ok(tenant)
}

async fn set_status(state: &AppState, id: Uuid, status: TenantStatus) -> ApiResult<JsonOut<TenantView>> {
    let tenant = change(state, id, async |c| catalog::set_status(c, id, status).await).await?;
    Ok(JsonOut(TenantView::from(&tenant)))
}

#[OpenApi(prefix_path = "/api", tag = "ApiTags::Tenants")]
impl TenantsApi {
    /// List studios; `status` filters, `search` matches slug and name.
    #[oai(path = "/tenants", method = "get")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        uri: &Uri,
        status: Query<Option<TenantStatus>>,
        #[oai(validator(max_length = 100))] search: Query<Option<String>>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
    ) -> ApiResult<JsonOut<Page<TenantView>>> {
        let paging = Paging::new(uri, page.0, page_size.0)?;
        let filter = TenantFilter { status: status.0, search: search.0 };
        let (count, tenants) = catalog::list(&state.db.catalog, &filter, paging.window()).await?;
        Ok(paging.answer((count, tenants.iter().map(TenantView::from).collect())))
    }

    /// Provision a studio: its schema, every tenant migration and its first admin.
    #[oai(path = "/tenants", method = "post")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        body: Json<ProvisionRequest>,
    ) -> ApiResult<Created<TenantView>> {
        let (tenant, _) =
            provision::provision(&state.db.catalog, &state.passwords, &state.settings.provisioning, &body).await?;
        Ok(Created::new(TenantView::from(&tenant)))
    }

    /// The studio this request is for (any signed-in user of it).
    #[oai(path = "/tenants/current", method = "get")]
    async fn current(&self, user: TenantUser) -> ApiResult<JsonOut<TenantView>> {
        Ok(JsonOut(TenantView::from(user.tenant.as_ref())))
    }

    /// One studio.
    #[oai(path = "/tenants/:id", method = "get")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
    ) -> ApiResult<JsonOut<TenantView>> {
        Ok(JsonOut(TenantView::from(&load(&state, id.0).await?)))
    }

    /// Change a studio's name, plan, country, currency or time zone.
    #[oai(path = "/tenants/:id", method = "patch")]
    async fn patch(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
        body: Json<TenantPatch>,
    ) -> ApiResult<JsonOut<TenantView>> {
        let changes = validate_patch(&body)?;
        if let Some(tz) = &changes.timezone {
            let known = sqlx::query("SELECT now() AT TIME ZONE $1").bind(tz).execute(&state.db.catalog).await;
            if known.is_err() {
                return Err(ApiError::invalid("timezone", "is not a known IANA time zone"));
            }
        }
        let tenant = change(&state, id.0, async |c| catalog::update(c, id.0, &changes).await).await?;
        Ok(JsonOut(TenantView::from(&tenant)))
    }

    /// Soft-delete a studio: its traffic stops at once; the schema stays until an operator
    /// runs `fotostudio tenants delete <slug> --confirm <slug>`.
    #[oai(path = "/tenants/:id", method = "delete")]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
    ) -> ApiResult<Deleted> {
        change(&state, id.0, async |c| catalog::set_status(c, id.0, TenantStatus::Deleted).await).await?;
        Ok(Deleted::Deleted)
    }

    /// Suspend a studio: every instance answers its requests 403 `tenant_suspended` within a second.
    #[oai(path = "/tenants/:id/suspend", method = "post")]
    async fn suspend(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
    ) -> ApiResult<JsonOut<TenantView>> {
        let tenant = load(&state, id.0).await?;
        if tenant.status == TenantStatus::Deleted {
            return Err(ApiError::conflict("a deleted studio cannot be suspended"));
        }
        set_status(&state, id.0, TenantStatus::Suspended).await
    }

    /// Re-activate a suspended (or soft-deleted) studio.
    #[oai(path = "/tenants/:id/activate", method = "post")]
    async fn activate(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
    ) -> ApiResult<JsonOut<TenantView>> {
        set_status(&state, id.0, TenantStatus::Active).await
    }

    /// A studio's custom domains.
    #[oai(path = "/tenants/:id/domains", method = "get")]
    async fn domains(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
    ) -> ApiResult<JsonOut<Vec<DomainView>>> {
        let tenant = load(&state, id.0).await?;
        let rows = catalog::list_domains(&state.db.catalog, tenant.id).await?;
        Ok(JsonOut(rows.into_iter().map(|(domain, created_at)| DomainView { domain, created_at }).collect()))
    }

    /// Add a custom domain; requests whose host is that domain resolve to the studio.
    #[oai(path = "/tenants/:id/domains", method = "post")]
    async fn add_domain(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
        body: Json<DomainInput>,
    ) -> ApiResult<Created<DomainView>> {
        let domain = domains::parse(&body.domain, &state.settings.tenancy.base_domain)
            .map_err(|m| ApiError::invalid("domain", m))?;
        let tenant = load(&state, id.0).await?;
        let mut tx = state.db.catalog.begin().await?;
        let created_at = catalog::add_domain(&mut tx, tenant.id, &domain).await.map_err(on_constraint(
            "tenant_domains_pkey",
            "domain",
            "this domain is already assigned to a studio",
        ))?;
        catalog::notify_changed(&mut tx, tenant.id).await?;
        tx.commit().await?;
        state.resolver.invalidate_all();
        Ok(Created::at(format!("/api/tenants/{}/domains/{domain}", tenant.id), DomainView { domain, created_at }))
    }

    /// Remove a custom domain.
    #[oai(path = "/tenants/:id/domains/:domain", method = "delete")]
    async fn remove_domain(
        &self,
        state: Data<&Arc<AppState>>,
        _operator: PlatformOperator,
        id: Path<Uuid>,
        domain: Path<String>,
    ) -> ApiResult<Deleted> {
        let domain = domain.0.trim().trim_end_matches('.').to_ascii_lowercase();
        let mut tx = state.db.catalog.begin().await?;
        if !catalog::remove_domain(&mut tx, id.0, &domain).await? {
            return Err(ApiError::not_found("domain"));
        }
        catalog::notify_changed(&mut tx, id.0).await?;
        tx.commit().await?;
        state.resolver.invalidate_all();
        Ok(Deleted::Deleted)
    }

    /// Self-service sign-up: provisions a studio without an operator, when the platform
    /// allows it (`provisioning.self_service`); limited per client IP.
    #[oai(path = "/signup", method = "post")]
    async fn signup(
        &self,
        state: Data<&Arc<AppState>>,
        remote: &RemoteAddr,
        body: Json<ProvisionRequest>,
    ) -> ApiResult<Created<TenantView>> {
        if !state.settings.provisioning.self_service {
            return Err(ApiError::NotFound {
                code: "not_found",
                detail: "self-service sign-up is not enabled on this platform".to_owned(),
            });
        }
        let ip: Option<IpAddr> = remote.as_socket_addr().map(|a| a.ip());
        state.signup_limiter.acquire(ip)?;
        let (tenant, _) =
            provision::provision(&state.db.catalog, &state.passwords, &state.settings.provisioning, &body).await?;
        Ok(Created::new(TenantView::from(&tenant)))
    }
}

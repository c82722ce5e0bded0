//! Provisioning a studio: catalog row (`provisioning`) → schema → tenant migrations → first
//! admin → `active`.
//!
//! PostgreSQL's DDL is transactional, so all of it is one transaction: a crash at any point
//! leaves nothing behind, and other instances never see a half-built studio. The transaction
//! first takes the schema's advisory lock without waiting — a second request for the same
//! slug while the first runs gets 409 at once — and the lock is transaction-scoped, so it
//! also holds behind PgBouncer in transaction pooling mode. A row still `provisioning` (left
//! by an older, multi-step provisioning, or written by hand) is finished by a retry: its
//! schema is rebuilt from scratch; `tenants repair` removes such rows instead.

use std::time::{Duration, Instant};

use poem_openapi::Object;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPool;
use uuid::Uuid;

use crate::auth::password::{self, PasswordHasherConfig};
use crate::auth::roles::Role;
use crate::auth::users::repo::{self as users, NewUser};
use crate::config::ProvisioningSettings;
use crate::http::db_error::on_constraint;
use crate::http::fields::Checks;
use crate::http::{ApiError, ApiResult, FieldError};
use crate::tenancy::model::{Tenant, TenantStatus};
use crate::tenancy::slug::Slug;
use crate::tenancy::{catalog, locale, migrations};

/// The first admin of a new studio.
#[derive(Debug, Clone, Object)]
pub struct AdminInput {
    pub email: String,
    /// Defaults to "Administrador".
    pub full_name: Option<String>,
    /// At least 10 characters, not the email.
    pub password: String,
}

/// What `POST /api/tenants` (and `tenants create`) takes.
#[derive(Debug, Clone, Object)]
pub struct ProvisionRequest {
    /// `^[a-z][a-z0-9-]{1,38}[a-z0-9]$`, not reserved: the subdomain and `X-Tenant` value.
    pub slug: String,
    pub name: String,
    /// ISO 3166-1 alpha-2; default from the platform's settings.
    pub country: Option<String>,
    /// ISO 4217; default from the country (PE → PEN, BO → BOB, CL → CLP, ...).
    pub currency: Option<String>,
    /// IANA time zone; default from the country (PE → America/Lima, ...).
    pub timezone: Option<String>,
    pub admin: AdminInput,
}

struct ValidRequest {
    slug: Slug,
    name: String,
    country: String,
    currency: String,
    timezone: String,
    admin_email: String,
    admin_name: String,
    admin_password: String,
}

fn validate(req: &ProvisionRequest, defaults: &ProvisioningSettings) -> ApiResult<ValidRequest> {
    let mut checks = Checks::new();
    let slug = match Slug::parse(req.slug.trim()) {
        Ok(slug) => Some(slug),
        Err(e) => {
            checks.fail("slug", e.to_string());
            None
        }
    };
    let name = checks.required("name", &req.name, 120);
    let country = req.country.as_deref().map(str::trim).unwrap_or(&defaults.default_country).to_uppercase();
    if !locale::is_country(&country) {
        checks.fail("country", "must be an ISO 3166-1 alpha-2 code such as PE, BO or CL");
    }
    let implied = locale::defaults_for(&country);
    let currency = match req.currency.as_deref().map(str::trim) {
        Some(c) => c.to_uppercase(),
        None => implied.map(|d| d.0).unwrap_or(&defaults.default_currency).to_owned(),
    };
    if !locale::is_currency(&currency) {
        checks.fail("currency", "must be an ISO 4217 code such as PEN, BOB or CLP");
    }
    let timezone = match req.timezone.as_deref().map(str::trim) {
        Some(tz) => tz.to_owned(),
        None => implied.map(|d| d.1).unwrap_or(&defaults.default_timezone).to_owned(),
    };
    if timezone.is_empty() || timezone.len() > 64 {
        checks.fail("timezone", "must be an IANA time zone such as America/Lima");
    }
    let admin_email = checks.email("admin.email", Some(&req.admin.email)).unwrap_or_default();
    if admin_email.is_empty() {
        checks.fail("admin.email", "is required");
    }
    let admin_name = checks
        .optional("admin.full_name", req.admin.full_name.as_deref(), 120)
        .unwrap_or_else(|| "Administrador".to_owned());
    if let Err(message) = password::check_policy(&req.admin.password, &admin_email) {
        checks.fail("admin.password", message);
    }
    checks.finish()?;
    Ok(ValidRequest {
        slug: slug.expect("checked above"),
        name,
        country,
        currency,
        timezone,
        admin_email,
        admin_name,
        admin_password: req.admin.password.clone(),
    })
}

/// How long the parts took (the benchmark reports them).
#[derive(Debug, Clone, Copy)]
pub struct ProvisionTimings {
    /// Schema creation and every tenant migration.
    pub schema_and_migrations: Duration,
    /// Everything, including hashing the admin's password.
    pub total: Duration,
}

fn slug_taken() -> ApiError {
    ApiError::Conflict {
        code: "conflict",
        detail: "a studio with this slug already exists".to_owned(),
        errors: vec![FieldError::new("slug", "is already taken")],
    }
}

/// Provisions a studio; see the module docs for the steps and what a retry does.
pub async fn provision(
    pool: &PgPool,
    passwords: &PasswordHasherConfig,
    defaults: &ProvisioningSettings,
    req: &ProvisionRequest,
) -> ApiResult<(Tenant, ProvisionTimings)> {
    let started = Instant::now();
    let valid = validate(req, defaults)?;
    let schema = valid.slug.schema_name();
    // Hash before taking any lock: it is the slow part and needs no database.
    let password_hash = passwords.hash(&valid.admin_password).await?;

    let mut conn = pool.acquire().await?;
    // The time zone is checked by PostgreSQL itself, which knows every IANA name (before the
    // transaction: an unknown name is an error that would abort it).
    if sqlx::query("SELECT now() AT TIME ZONE $1").bind(&valid.timezone).execute(&mut *conn).await.is_err() {
        return Err(ApiError::invalid("timezone", "is not a known IANA time zone such as America/Lima"));
    }
    let being_provisioned = || ApiError::Conflict {
        code: "conflict",
        detail: "this studio is being provisioned right now".to_owned(),
        errors: vec![FieldError::new("slug", "is being provisioned")],
    };
    let mut tx = migrations::try_begin_schema_transaction(&mut conn, &schema).await?.ok_or_else(being_provisioned)?;

    let existing: Option<(Uuid, String)> =
        sqlx::query_as("SELECT id, status FROM public.tenants WHERE slug = $1 FOR UPDATE")
            .bind(valid.slug.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    let tenant_id = match existing {
        None => {
            // A schema of that name with no studio in the catalog: left by a manual restore
            // or a purge that did not finish. Its data is not ours to overwrite or drop.
            if schema_exists(&mut tx, &schema).await? {
                return Err(ApiError::ConflictWith {
                    code: "schema_exists",
                    detail: format!(
                        "schema {} already exists without a studio in the catalog; see `fotostudio tenants repair`",
                        schema.as_str()
                    ),
                    context: serde_json::json!({"schema": schema.as_str()}),
                });
            }
            let id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO public.tenants (id, slug, name, schema_name, status, country, currency, timezone) \
                 VALUES ($1, $2, $3, $4, 'provisioning', $5, $6, $7)",
            )
            .bind(id)
            .bind(valid.slug.as_str())
            .bind(&valid.name)
            .bind(schema.as_str())
            .bind(&valid.country)
            .bind(&valid.currency)
            .bind(&valid.timezone)
            .execute(&mut *tx)
            .await
            .map_err(on_constraint(
                "tenants_slug_key",
                "slug",
                "a studio with this slug already exists",
            ))?;
            id
        }
        // Left behind by a provisioning that did not finish: start its schema afresh.
        Some((id, status)) if status == TenantStatus::Provisioning.as_str() => {
            tracing::warn!(tenant.slug = %valid.slug, "finishing a provisioning that did not complete");
            sqlx::raw_sql(AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {} CASCADE", schema.quoted())))
                .execute(&mut *tx)
                .await?;
            id
        }
        Some(_) => return Err(slug_taken()),
    };

    let schema_started = Instant::now();
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {}", schema.quoted()))).execute(&mut *tx).await?;
    let migrations = migrations::tenant_migrations();
    migrations::apply_tenant_migrations(&mut tx, migrations).await.map_err(ApiError::internal)?;
    let schema_and_migrations = schema_started.elapsed();

    let admin = NewUser {
        email: &valid.admin_email,
        full_name: &valid.admin_name,
        password_hash: &password_hash,
        role: Role::Admin,
        phone: None,
    };
    users::insert(&mut *tx, &admin).await?;
    let tenant: Tenant = sqlx::query_as(
        "UPDATE public.tenants SET status = 'active', schema_version = $2, name = $3, country = $4, \
         currency = $5, timezone = $6, updated_at = now() WHERE id = $1 \
         RETURNING id, slug, name, schema_name, status, country, currency, timezone, plan, schema_version, \
         created_at, updated_at, suspended_at, deleted_at",
    )
    .bind(tenant_id)
    .bind(migrations::latest_version(migrations))
    .bind(&valid.name)
    .bind(&valid.country)
    .bind(&valid.currency)
    .bind(&valid.timezone)
    .fetch_one(&mut *tx)
    .await?;
    catalog::notify_changed(&mut tx, tenant_id).await?;
    tx.commit().await?;
    tracing::info!(tenant.slug = %tenant.slug, "provisioned {}", tenant.slug);
    Ok((tenant, ProvisionTimings { schema_and_migrations, total: started.elapsed() }))
}

async fn schema_exists(conn: &mut sqlx::PgConnection, schema: &crate::db::SchemaName) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
        .bind(schema.as_str())
        .fetch_one(conn)
        .await
}

/// Studio schemas (`t_...`) that no studio of the catalog owns: left by a manual restore, or
/// by a purge that died between its steps.
pub async fn orphan_schemas(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT n.nspname::text FROM pg_namespace n \
         WHERE n.nspname LIKE 't\\_%' AND NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.schema_name = n.nspname) \
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
}

/// Drops orphan schemas, each under its advisory lock and only if it is still an orphan.
/// Returns the schemas dropped.
pub async fn drop_orphans(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    let mut dropped = Vec::new();
    for name in orphan_schemas(pool).await? {
        let Some(schema) = crate::db::SchemaName::parse(&name) else { continue };
        let mut conn = pool.acquire().await?;
        let Some(mut tx) = migrations::try_begin_schema_transaction(&mut conn, &schema).await? else {
            continue; // being provisioned right now
        };
        let owned: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.tenants WHERE schema_name = $1)")
            .bind(schema.as_str())
            .fetch_one(&mut *tx)
            .await?;
        if owned {
            continue;
        }
        sqlx::raw_sql(AssertSqlSafe(format!("DROP SCHEMA {} CASCADE", schema.quoted()))).execute(&mut *tx).await?;
        tx.commit().await?;
        dropped.push(name);
    }
    Ok(dropped)
}

/// Removes what provisionings that died left behind: rows still `provisioning` whose lock is
/// free, and their schemas. Returns the slugs cleaned.
pub async fn repair(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    let stuck: Vec<(Uuid, String, String)> =
        sqlx::query_as("SELECT id, slug, schema_name FROM public.tenants WHERE status = 'provisioning'")
            .fetch_all(pool)
            .await?;
    let mut cleaned = Vec::new();
    for (id, slug, schema_name) in stuck {
        let Some(schema) = crate::db::SchemaName::parse(&schema_name) else {
            continue;
        };
        let mut conn = pool.acquire().await?;
        let Some(mut tx) = migrations::try_begin_schema_transaction(&mut conn, &schema).await? else {
            continue; // being provisioned right now
        };
        sqlx::raw_sql(AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {} CASCADE", schema.quoted())))
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM public.tenants WHERE id = $1 AND status = 'provisioning'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        cleaned.push(slug);
    }
    Ok(cleaned)
}

/// Drops a tenant's schema and removes it from the catalog (the CLI's `tenants delete`).
pub async fn purge(pool: &PgPool, tenant: &Tenant) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::raw_sql(AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {} CASCADE", tenant.schema.quoted())))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM public.tenants WHERE id = $1").bind(tenant.id).execute(&mut *tx).await?;
    catalog::notify_changed(&mut tx, tenant.id).await?;
    tx.commit().await?;
    Ok(())
}

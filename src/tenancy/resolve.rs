//! Tenant resolution: `X-Tenant` header → custom domain → subdomain of the base domain.
//!
//! Lookups go through a moka cache (TTL, size bound, a short TTL for unknown names so floods
//! of them stay off the database). Every instance LISTENs for `tenant_changed` (see
//! `tenancy::listener`) and bumps a generation counter: entries loaded under an older
//! generation count as misses, which also covers a load that raced with the invalidation.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use poem::{Endpoint, Middleware, Request};
use sqlx::PgPool;

use crate::config::TenancySettings;
use crate::db::DbHealth;
use crate::db::health::is_connection_failure;
use crate::http::ApiError;
use crate::tenancy::catalog;
use crate::tenancy::model::{Tenant, TenantStatus};
use crate::tenancy::slug::{RESERVED, Slug};

pub const TENANT_HEADER: &str = "x-tenant";

/// Why a request has no usable tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// No tenant named: fine for platform routes, 400 `tenant_required` for tenant routes.
    Missing,
    NotFound,
    Mismatch,
    Suspended,
    /// The schema is behind this binary: 503 until `migrate tenants` has run.
    Migrating,
    /// The catalog could not be read.
    Unavailable,
}

impl ResolveError {
    pub fn into_api_error(self, retry_after_seconds: u64) -> ApiError {
        match self {
            ResolveError::Missing => ApiError::BadRequest {
                code: "tenant_required",
                detail: "this route needs a studio: use its subdomain, its domain or an X-Tenant header".to_owned(),
            },
            ResolveError::NotFound => {
                ApiError::NotFound { code: "tenant_not_found", detail: "no studio answers to this name".to_owned() }
            }
            ResolveError::Mismatch => ApiError::BadRequest {
                code: "tenant_mismatch",
                detail: "the X-Tenant header and the host name name different studios".to_owned(),
            },
            ResolveError::Suspended => {
                ApiError::Forbidden { code: "tenant_suspended", detail: "this studio is suspended".to_owned() }
            }
            ResolveError::Migrating => ApiError::Unavailable {
                code: "tenant_migrating",
                detail: "this studio is being upgraded; try again shortly".to_owned(),
                retry_after_seconds,
            },
            ResolveError::Unavailable => ApiError::Unavailable {
                code: "service_unavailable",
                detail: "the studio directory is unavailable; try again shortly".to_owned(),
                retry_after_seconds: 2,
            },
        }
    }
}

/// What the middleware found for this request, stored in the request's data.
#[derive(Debug, Clone)]
pub struct RequestTenant {
    pub result: Result<Arc<Tenant>, ResolveError>,
    retry_after_seconds: u64,
}

impl RequestTenant {
    /// The tenant, or the problem a tenant route answers with.
    pub fn require(&self) -> Result<Arc<Tenant>, ApiError> {
        self.result.clone().map_err(|e| e.into_api_error(self.retry_after_seconds))
    }
}

#[derive(Clone)]
struct Entry {
    generation: u64,
    tenant: Option<Arc<Tenant>>,
}

struct EntryExpiry {
    ttl: Duration,
    negative_ttl: Duration,
}

impl Expiry<String, Entry> for EntryExpiry {
    fn expire_after_create(&self, _key: &String, value: &Entry, _at: Instant) -> Option<Duration> {
        Some(if value.tenant.is_some() { self.ttl } else { self.negative_ttl })
    }
}

/// Resolves tenants by slug or domain, cached.
pub struct TenantResolver {
    catalog: PgPool,
    /// Skips the catalog while the database is known to be down (503 at once).
    health: Arc<DbHealth>,
    base_domain: String,
    /// The schema version this binary was built for; tenants behind it are `Migrating`.
    required_version: i32,
    retry_after_seconds: u64,
    by_slug: Cache<String, Entry>,
    by_domain: Cache<String, Entry>,
    generation: AtomicU64,
    /// Lookups answered from the cache, and lookups that went to the catalog (`/metrics`).
    hits: AtomicU64,
    misses: AtomicU64,
}

impl TenantResolver {
    pub fn new(
        catalog: PgPool,
        health: Arc<DbHealth>,
        settings: &TenancySettings,
        required_version: i32,
    ) -> TenantResolver {
        let cache = || {
            Cache::builder()
                .max_capacity(settings.cache_max_entries)
                .expire_after(EntryExpiry {
                    ttl: Duration::from_secs(settings.cache_ttl_seconds),
                    negative_ttl: Duration::from_secs(settings.cache_negative_ttl_seconds),
                })
                .build()
        };
        TenantResolver {
            catalog,
            health,
            base_domain: settings.base_domain.to_ascii_lowercase(),
            required_version,
            retry_after_seconds: settings.migrating_retry_after_seconds,
            by_slug: cache(),
            by_domain: cache(),
            generation: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Cache hits and misses since start.
    pub fn cache_counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// Forgets everything cached (a tenant changed somewhere, or notifications may be lost).
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.by_slug.invalidate_all();
        self.by_domain.invalidate_all();
    }

    async fn cached(
        &self,
        cache: &Cache<String, Entry>,
        key: &str,
        by_domain: bool,
    ) -> Result<Option<Arc<Tenant>>, ResolveError> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(entry) = cache.get(key).await {
            if entry.generation == generation {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(entry.tenant);
            }
            cache.invalidate(key).await;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        if self.health.fail_fast() {
            return Err(ResolveError::Unavailable);
        }
        let load = async {
            let found = if by_domain {
                catalog::find_by_domain(&self.catalog, key).await
            } else {
                catalog::find_by_slug(&self.catalog, key).await
            };
            found.map(|t| Entry { generation, tenant: t.map(Arc::new) })
        };
        match cache.try_get_with(key.to_owned(), load).await {
            Ok(entry) => {
                self.health.succeeded();
                Ok(entry.tenant)
            }
            Err(e) => {
                tracing::warn!(error = %e, "tenant lookup failed");
                if is_connection_failure(&e) {
                    self.health.failed();
                }
                Err(ResolveError::Unavailable)
            }
        }
    }

    /// The tenant a slug names (any status).
    pub async fn by_slug(&self, slug: &str) -> Result<Option<Arc<Tenant>>, ResolveError> {
        if Slug::parse(slug).is_err() {
            // Not a possible slug: no need to ask the database (or fill the cache).
            return Ok(None);
        }
        self.cached(&self.by_slug, slug, false).await
    }

    /// What the host name says: no tenant (platform host), a slug, or a custom domain.
    fn classify_host<'h>(&self, host: &'h str) -> HostKind<'h> {
        let host = strip_port(host);
        if host.is_empty()
            || host == self.base_domain
            || host == "localhost"
            || host.parse::<std::net::IpAddr>().is_ok()
            || host.starts_with('[')
        {
            return HostKind::Platform;
        }
        if let Some(label) = host.strip_suffix(self.base_domain.as_str()).and_then(|h| h.strip_suffix('.')) {
            if RESERVED.contains(&label) {
                return HostKind::Platform;
            }
            return HostKind::Subdomain(label);
        }
        HostKind::Domain(host)
    }

    /// Resolves a request's tenant from its `X-Tenant` header and host name.
    pub async fn resolve(&self, header: Option<&str>, host: Option<&str>) -> Result<Arc<Tenant>, ResolveError> {
        let from_host = match host.map(|h| self.classify_host(h)) {
            None | Some(HostKind::Platform) => None,
            Some(HostKind::Subdomain(label)) => Some(self.by_slug(label).await?.ok_or(ResolveError::NotFound)?),
            Some(HostKind::Domain(domain)) => {
                match self.cached(&self.by_domain, domain, true).await? {
                    Some(tenant) => Some(tenant),
                    // An unknown host behind a proxy, with the tenant named by header: use the header.
                    None if header.is_some() => None,
                    None => return Err(ResolveError::NotFound),
                }
            }
        };
        let from_header = match header {
            Some(slug) => Some(self.by_slug(slug.trim()).await?.ok_or(ResolveError::NotFound)?),
            None => None,
        };
        let tenant = match (from_header, from_host) {
            (Some(h), Some(d)) if h.id != d.id => return Err(ResolveError::Mismatch),
            (Some(t), _) | (None, Some(t)) => t,
            (None, None) => return Err(ResolveError::Missing),
        };
        match tenant.status {
            TenantStatus::Active => {}
            TenantStatus::Suspended => return Err(ResolveError::Suspended),
            TenantStatus::Provisioning | TenantStatus::Deleted => {
                return Err(ResolveError::NotFound);
            }
        }
        if tenant.schema_version < self.required_version {
            return Err(ResolveError::Migrating);
        }
        Ok(tenant)
    }
}

enum HostKind<'h> {
    Platform,
    Subdomain(&'h str),
    Domain(&'h str),
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        // [::1]:8080
        return host.split(']').next().map(|h| &host[..h.len() + 1]).unwrap_or(host);
    }
    host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
}

/// Resolves the tenant of every request and stores a [`RequestTenant`]; platform routes
/// ignore it, tenant routes `require()` it. The slug goes on the request's span.
pub struct ResolveTenant(pub Arc<TenantResolver>);

impl<E: Endpoint> Middleware<E> for ResolveTenant {
    type Output = ResolveTenantEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        ResolveTenantEndpoint { inner: ep, resolver: self.0.clone() }
    }
}

pub struct ResolveTenantEndpoint<E> {
    inner: E,
    resolver: Arc<TenantResolver>,
}

fn bad_host(detail: &str) -> poem::Error {
    ApiError::BadRequest { code: "bad_request", detail: detail.to_owned() }.into()
}

/// The one host name a request names, or 400 when it names none usable or two that could
/// disagree: a second `Host` header, or an absolute-form target (`GET http://a/...`) whose
/// authority is not the `Host` header (RFC 9112 §3.2). Resolution must never depend on
/// which of two names a proxy would have used.
fn request_host(req: &Request) -> poem::Result<Option<String>> {
    let mut hosts = req.headers().get_all(poem::http::header::HOST).iter();
    let header = match (hosts.next(), hosts.next()) {
        (_, Some(_)) => return Err(bad_host("a request carries one Host header")),
        (Some(value), None) => Some(value.to_str().map_err(|_| bad_host("the Host header is not a host name"))?),
        (None, None) => None,
    };
    let target = req.uri().authority().map(|a| a.as_str());
    let host = match (header, target) {
        (Some(h), Some(t)) if !h.eq_ignore_ascii_case(t) => {
            return Err(bad_host("the request target and the Host header name different hosts"));
        }
        (Some(h), _) => h,
        (None, Some(t)) => t,
        (None, None) => return Ok(None),
    };
    let host = host.to_ascii_lowercase();
    if !crate::tenancy::domains::is_plausible_host(strip_port(&host)) {
        return Err(bad_host("the Host header is not a host name"));
    }
    Ok(Some(host))
}

impl<E: Endpoint> Endpoint for ResolveTenantEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> poem::Result<Self::Output> {
        let header = req.headers().get(TENANT_HEADER).map(|v| v.to_str().unwrap_or("\u{0}"));
        let host = request_host(&req)?;
        let result = self.resolver.resolve(header, host.as_deref()).await;
        if let Ok(tenant) = &result {
            tracing::Span::current().record("tenant", tenant.slug.as_str());
        }
        req.set_data(RequestTenant { result, retry_after_seconds: self.resolver.retry_after_seconds });
        self.inner.call(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::strip_port;

    #[test]
    fn ports_are_stripped_from_host_names() {
        assert_eq!(strip_port("acme.example:8080"), "acme.example");
        assert_eq!(strip_port("acme.example"), "acme.example");
        assert_eq!(strip_port("[::1]:8080"), "[::1]");
    }
}

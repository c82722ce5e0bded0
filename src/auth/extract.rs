//! Who is calling: [`TenantUser`] on tenant routes, [`PlatformOperator`] on platform routes.
//! Both are poem-openapi extractors documented as bearer security schemes. A tenant route
//! answers the tenant's problem (unknown, suspended, migrating...) before it looks at the
//! token, then refuses any token not issued for this very tenant.

use std::net::IpAddr;
use std::sync::Arc;

use poem::http::header::AUTHORIZATION;
use poem::{PathPattern, Request};
use poem_openapi::registry::{MetaSecurityScheme, Registry};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};
use uuid::Uuid;

use crate::audit::AuditContext;
use crate::auth::jwt::{JwtKeys, PLATFORM_AUDIENCE, TENANT_AUDIENCE};
use crate::auth::permissions::{self, Permission};
use crate::auth::roles::Role;
use crate::db::{TenantDb, TenantPool};
use crate::http::ApiError;
use crate::http::rate_limit::RateLimiter;
use crate::http::request_context::{ClientIp, RequestId};
use crate::tenancy::model::Tenant;
use crate::tenancy::own_studio::OwnStudio;
use crate::tenancy::resolve::RequestTenant;

/// Implements poem-openapi's extractor for a bearer-token identity: documented as the
/// security scheme `$scheme`, extracted by the type's own `authenticate(&Request)`.
macro_rules! bearer_extractor {
    ($ty:ty, $scheme:literal, $description:literal) => {
        impl<'a> ApiExtractor<'a> for $ty {
            const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
            type ParamType = ();
            type ParamRawType = ();

            fn register(registry: &mut Registry) {
                register_bearer(registry, $scheme, $description);
            }

            fn security_schemes() -> Vec<&'static str> {
                vec![$scheme]
            }

            async fn from_request(
                req: &'a Request,
                _body: &mut poem::RequestBody,
                _param_opts: ExtractParamOptions<Self::ParamType>,
            ) -> poem::Result<Self> {
                Ok(<$ty>::authenticate(req).await?)
            }
        }
    };
}

fn bearer(req: &Request) -> Result<&str, ApiError> {
    let value = req
        .headers()
        .get(AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("a bearer token is required".to_owned()))?;
    let value = value.to_str().map_err(|_| ApiError::Unauthorized("malformed Authorization header".to_owned()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(ApiError::Unauthorized("expected `Authorization: Bearer <token>`".to_owned())),
    }
}

/// Data the route table puts on every request; missing only if the table is miswired.
fn data<T: Send + Sync + 'static>(req: &Request) -> Result<&T, ApiError> {
    req.data::<T>().ok_or_else(|| ApiError::internal(format!("{} missing from request", std::any::type_name::<T>())))
}

fn register_bearer(registry: &mut Registry, name: &'static str, description: &'static str) {
    registry.create_security_scheme(
        name,
        MetaSecurityScheme {
            ty: "http",
            description: Some(description),
            name: None,
            key_in: None,
            scheme: Some("bearer"),
            bearer_format: Some("JWT"),
            flows: None,
            openid_connect_url: None,
        },
    );
}

/// A signed-in user of the tenant this request resolved to, already checked against the
/// permission table for the route being called. It carries its studio's database: business
/// code reaches the studio's tables through [`db`](TenantUser::db) and
/// [`begin`](TenantUser::begin), and nothing else.
#[derive(Debug, Clone)]
pub struct TenantUser {
    pub user_id: Uuid,
    pub role: Role,
    pub tenant: Arc<Tenant>,
    /// The refresh family of the sign-in the access token came from.
    pub family: Option<Uuid>,
    audit: AuditContext,
    pool: TenantPool,
    /// The studio's own catalog entry, bound to this user's studio.
    entry: OwnStudio,
}

impl TenantUser {
    /// A caller inside the process acting as `user_id` of `tenant` (the demo's seeding): the
    /// same services, rules and audit trail as a request, without a token.
    pub fn acting_as(user_id: Uuid, role: Role, tenant: Arc<Tenant>, pool: TenantPool) -> TenantUser {
        let audit = AuditContext { actor_id: Some(user_id), request_id: None, ip: None };
        let entry = OwnStudio::new(tenant.id, None);
        TenantUser { user_id, role, tenant, family: None, audit, pool, entry }
    }

    /// A handle on this user's studio's schema, for reads (and for writes that bracket
    /// themselves with `begin`/`commit`).
    pub async fn db(&self) -> Result<TenantDb, sqlx::Error> {
        self.pool.acquire(&self.tenant.schema).await
    }

    /// A handle for hot reads whose statements name the studio's schema (`{studio}.` in
    /// their text, see [`TenantDb::sql`]): every studio's reads share connections without
    /// switching. Only for statements written that way: any other fails on it.
    pub async fn reads(&self) -> Result<TenantDb, sqlx::Error> {
        self.pool.acquire_qualified(&self.tenant.schema).await
    }

    /// A unit of work (a transaction, as [`begin`](TenantUser::begin)) whose every statement
    /// names the studio's schema, on the same shared connections as [`reads`](Self::reads):
    /// for the busiest writes, whose plans then survive from one studio to the next.
    pub async fn begin_qualified(&self) -> Result<TenantDb, sqlx::Error> {
        let mut db = self.reads().await?;
        db.begin().await?;
        Ok(db)
    }

    /// A handle on this user's studio's schema with a transaction open: the unit of work of
    /// a write. Dropped without `commit`, it rolls back.
    pub async fn begin(&self) -> Result<TenantDb, sqlx::Error> {
        let mut db = self.db().await?;
        db.begin().await?;
        Ok(db)
    }

    /// This user's studio's own entry in the catalog (name, currency, time zone), to change
    /// inside a unit of work opened with [`begin`](TenantUser::begin).
    pub fn own_studio(&self) -> OwnStudio {
        self.entry.clone()
    }

    /// Who does what, from where, for the audit trail.
    pub fn audit(&self) -> &AuditContext {
        &self.audit
    }

    /// The client's IP (sign-in throttling).
    pub fn ip(&self) -> Option<IpAddr> {
        self.audit.ip
    }

    /// Whether the permission table lets this user's role do `permission` (for checks finer
    /// than the route's own, which already passed).
    pub fn may(&self, permission: Permission) -> bool {
        permissions::allows(self.role, permission)
    }

    async fn authenticate(req: &Request) -> Result<TenantUser, ApiError> {
        let tenant = req
            .data::<RequestTenant>()
            .ok_or_else(|| ApiError::internal("tenant resolution missing from request"))?
            .require()?;
        let token = bearer(req)?;
        let invalid = || ApiError::Unauthorized("invalid or expired token".to_owned());
        let claims = data::<Arc<JwtKeys>>(req)?.verify(token, TENANT_AUDIENCE).ok_or_else(invalid)?;
        if claims.tid != Some(tenant.id) {
            return Err(ApiError::Unauthorized("this token belongs to another studio".to_owned()));
        }
        let role = Role::parse(&claims.role).ok_or_else(invalid)?;
        // The route's permission, from the one table; a route without an entry is refused.
        let pattern = req.data::<PathPattern>().map(|p| p.0.as_ref()).unwrap_or("");
        match permissions::for_route(req.method(), pattern) {
            Some(permission) if permissions::allows(role, permission) => {}
            Some(_) => return Err(ApiError::forbidden()),
            None => {
                tracing::error!(%pattern, method = %req.method(), "tenant route missing from the permission table");
                return Err(ApiError::forbidden());
            }
        }
        let entry = OwnStudio::new(tenant.id, req.data::<Arc<crate::app::AppState>>().map(|s| s.resolver.clone()));
        Ok(TenantUser {
            entry,
            user_id: claims.sub,
            role,
            tenant,
            family: claims.fam,
            audit: AuditContext {
                actor_id: Some(claims.sub),
                request_id: req.data::<RequestId>().map(|r| r.0.clone()),
                ip: req.data::<ClientIp>().and_then(|c| c.0),
            },
            pool: data::<TenantPool>(req)?.clone(),
        })
    }
}

bearer_extractor!(TenantUser, "TenantToken", "An access token from `POST /api/auth/login` of this studio.");

/// A signed-in platform operator.
#[derive(Debug, Clone)]
pub struct PlatformOperator {
    pub operator_id: Uuid,
}

impl PlatformOperator {
    async fn authenticate(req: &Request) -> Result<PlatformOperator, ApiError> {
        let token = bearer(req)?;
        let claims = data::<Arc<JwtKeys>>(req)?
            .verify(token, PLATFORM_AUDIENCE)
            .filter(|c| c.tid.is_none() && c.scope == "platform")
            .ok_or_else(|| ApiError::Unauthorized("invalid or expired operator token".to_owned()))?;
        Ok(PlatformOperator { operator_id: claims.sub })
    }
}

bearer_extractor!(PlatformOperator, "PlatformToken", "An operator token from `POST /api/platform/auth/login`.");

/// An anonymous caller on a studio's host (a family ordering with an access code): the
/// studio the request resolved to, its database, and where the request comes from. Routes
/// that take it need no token, so they must throttle and check what they are given.
#[derive(Clone)]
pub struct TenantVisitor {
    pub tenant: Arc<Tenant>,
    audit: AuditContext,
    pool: TenantPool,
    guesses: Arc<GuessGuard>,
}

impl std::fmt::Debug for TenantVisitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantVisitor").field("tenant", &self.tenant.slug).field("audit", &self.audit).finish()
    }
}

/// Wrong guesses (access codes) per client IP, shared by every anonymous route: past the
/// limit within the window, every attempt from that IP answers 429 until the window passes.
pub struct GuessGuard(pub RateLimiter<Option<IpAddr>>);

impl TenantVisitor {
    /// A handle on the studio's schema, for reads.
    pub async fn db(&self) -> Result<TenantDb, sqlx::Error> {
        self.pool.acquire(&self.tenant.schema).await
    }

    /// A handle on the studio's schema with a transaction open.
    pub async fn begin(&self) -> Result<TenantDb, sqlx::Error> {
        let mut db = self.db().await?;
        db.begin().await?;
        Ok(db)
    }

    /// No actor; the request id and IP, for the audit trail.
    pub fn audit(&self) -> &AuditContext {
        &self.audit
    }

    /// Reserves one guess for this client, or 429 if it has guessed wrong too often. Call
    /// it before looking a guess up: deciding and counting are one step, so a burst of
    /// concurrent guesses cannot get more than the limit evaluated. The guess stays counted
    /// unless `right_guess` gives it back.
    pub fn check_guesses(&self) -> Result<(), ApiError> {
        self.guesses.0.acquire(self.audit.ip)
    }

    /// Counts a wrong guess found after a right one was given back (a real code with a
    /// package of another contract). A guess that `check_guesses` reserved and that turned
    /// out wrong is counted already.
    pub fn wrong_guess(&self) {
        // At the limit already: the next `check_guesses` refuses anyway.
        let _ = self.guesses.0.acquire(self.audit.ip);
    }

    /// A right guess: gives its reservation back, so families ordering from one school's
    /// network are not throttled by their own correct codes.
    pub fn right_guess(&self) {
        self.guesses.0.release(&self.audit.ip);
    }
}

impl<'a> poem::FromRequest<'a> for TenantVisitor {
    async fn from_request(req: &'a Request, _body: &mut poem::RequestBody) -> poem::Result<Self> {
        let tenant = data::<RequestTenant>(req)?.require()?;
        Ok(TenantVisitor {
            tenant,
            audit: AuditContext {
                actor_id: None,
                request_id: req.data::<RequestId>().map(|r| r.0.clone()),
                ip: req.data::<ClientIp>().and_then(|c| c.0),
            },
            pool: data::<TenantPool>(req)?.clone(),
            guesses: data::<Arc<GuessGuard>>(req)?.clone(),
        })
    }
}

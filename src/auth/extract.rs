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

use crate::app::AppState;
use crate::auth::jwt::{PLATFORM_AUDIENCE, TENANT_AUDIENCE};
use crate::auth::permissions::{self, Permission};
use crate::auth::roles::Role;
use crate::http::ApiError;
use crate::http::request_context::{ClientIp, RequestId};
use crate::studio::audit::AuditContext;
use crate::tenancy::model::Tenant;
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

fn state(req: &Request) -> Result<&Arc<AppState>, ApiError> {
    req.data::<Arc<AppState>>().ok_or_else(|| ApiError::internal("application state missing from request"))
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
/// permission table for the route being called.
#[derive(Debug, Clone)]
pub struct TenantUser {
    pub user_id: Uuid,
    pub role: Role,
    pub tenant: Arc<Tenant>,
    /// The refresh family of the sign-in the access token came from.
    pub family: Option<Uuid>,
    pub request_id: Option<Arc<str>>,
    pub ip: Option<IpAddr>,
}

impl TenantUser {
    /// Who did what, from where, for the audit trail.
    pub fn audit(&self) -> AuditContext {
        AuditContext { actor_id: Some(self.user_id), request_id: self.request_id.clone(), ip: self.ip }
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
        let claims = state(req)?.jwt.verify(token, TENANT_AUDIENCE).ok_or_else(invalid)?;
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
        Ok(TenantUser {
            user_id: claims.sub,
            role,
            tenant,
            family: claims.fam,
            request_id: req.data::<RequestId>().map(|r| r.0.clone()),
            ip: req.data::<ClientIp>().and_then(|c| c.0),
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
        let claims = state(req)?
            .jwt
            .verify(token, PLATFORM_AUDIENCE)
            .filter(|c| c.tid.is_none() && c.scope == "platform")
            .ok_or_else(|| ApiError::Unauthorized("invalid or expired operator token".to_owned()))?;
        Ok(PlatformOperator { operator_id: claims.sub })
    }
}

bearer_extractor!(PlatformOperator, "PlatformToken", "An operator token from `POST /api/platform/auth/login`.");

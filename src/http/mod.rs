//! The HTTP layer: problem details, pagination, request context, and the route table that
//! combines every module's API into one OpenAPI service.

pub mod body_limit;
pub mod db_error;
pub mod error;
pub mod health;
pub mod json;
pub mod pagination;
pub mod rate_limit;
pub mod request_context;
pub mod responses;

use std::sync::Arc;

use poem::middleware::{NormalizePath, TrailingSlash};
use poem::{EndpointExt, Route};
use poem_openapi::{OpenApiService, Tags};

pub use error::{ApiError, ApiResult, FieldError, Problem};

use crate::app::AppState;

/// The groups operations are listed under in `/docs`.
#[derive(Tags)]
pub enum ApiTags {
    /// Health and readiness.
    Operations,
    /// Platform operators: sign-in.
    PlatformAuth,
    /// Platform operators: the studio (tenant) catalog.
    Tenants,
    /// A studio's users: sign-in and own profile.
    Auth,
    /// A studio's users (admins).
    Users,
    /// Clients and schools (clientes, colegios).
    Clients,
}

/// Every API of the product, as one OpenAPI service.
pub type Apis = (
    health::HealthApi,
    crate::auth::platform_api::PlatformAuthApi,
    crate::tenancy::api::TenantsApi,
    crate::auth::api::AuthApi,
    crate::studio::users::api::UsersApi,
    crate::studio::clients::api::ClientsApi,
);

/// The OpenAPI service (also used by tests to walk every operation).
pub fn openapi() -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            health::HealthApi,
            crate::auth::platform_api::PlatformAuthApi,
            crate::tenancy::api::TenantsApi,
            crate::auth::api::AuthApi,
            crate::studio::users::api::UsersApi,
            crate::studio::clients::api::ClientsApi,
        ),
        "fotostudio",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Schema-per-tenant back office for photo studios. Tenant routes need the studio \
         (subdomain, custom domain or `X-Tenant` header) and a token from its `/api/auth/login`; \
         platform routes need an operator token. Errors are RFC 9457 problem details with a \
         stable `code`.",
    )
}

/// The whole route table with its middleware.
pub fn routes(state: Arc<AppState>) -> impl poem::Endpoint {
    let api = openapi();
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    let server = &state.settings.server;
    let (body_limit, upload_limit) = (server.body_limit_bytes, server.upload_limit_bytes);
    let trust_forwarded_for = server.trust_forwarded_for;
    Route::new()
        .nest("/", api)
        .nest("/docs", docs)
        .at("/openapi.json", spec)
        .with(crate::tenancy::resolve::ResolveTenant(state.resolver.clone()))
        .with(body_limit::BodyLimit { json: body_limit, upload: upload_limit })
        .with(NormalizePath::new(TrailingSlash::Trim))
        .data(state)
        .with(request_context::RequestContext { trust_forwarded_for })
}

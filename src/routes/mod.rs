//! The route table: every API of the product as one OpenAPI service, the operations routes,
//! and the middleware every request passes through (outermost last).

pub mod health;
pub mod tags;

use std::sync::Arc;

use poem::middleware::{NormalizePath, TrailingSlash};
use poem::{EndpointExt, Route};
use poem_openapi::OpenApiService;

pub use tags::ApiTags;

use crate::app::AppState;
use crate::http::{body_limit, request_context};

/// Every API of the product. The studio's business APIs are one nested group
/// ([`crate::studio::Apis`]), so this tuple stays far from poem-openapi's 16-member limit.
pub type Apis = (
    health::HealthApi,
    crate::auth::platform_api::PlatformAuthApi,
    crate::tenancy::api::TenantsApi,
    crate::auth::api::AuthApi,
    crate::auth::users::api::UsersApi,
    crate::studio::Apis,
);

/// The OpenAPI service (also used by tests to walk every operation).
pub fn openapi() -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            health::HealthApi,
            crate::auth::platform_api::PlatformAuthApi,
            crate::tenancy::api::TenantsApi,
            crate::auth::api::AuthApi,
            crate::auth::users::api::UsersApi,
            crate::studio::apis(),
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
        .data(state.db.tenants.clone())
        .data(state.jwt.clone())
        .data(state.guesses.clone())
        .data(state.images.clone())
        .data(state)
        .with(request_context::RequestContext { trust_forwarded_for })
}

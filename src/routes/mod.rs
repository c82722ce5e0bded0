//! The route table: every API of the product as one OpenAPI service, the operations routes,
//! and the middleware every request passes through (outermost last).

pub mod health;
pub mod tags;

use std::sync::Arc;

use poem::endpoint::make_sync;
use poem::http::{HeaderValue, header};
use poem::middleware::{NormalizePath, TrailingSlash};
use poem::web::Html;
use poem::{EndpointExt, IntoResponse, Route};
use poem_openapi::OpenApiService;

pub use tags::ApiTags;

use crate::app::AppState;
use crate::http::security_headers::{self, SecurityHeaders};
use crate::http::{body_limit, request_context};
use crate::metrics::endpoint::Scrape;
use crate::metrics::http::{RecordRequests, RouteLabels};
use crate::tenancy::cors::Cors;

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

/// How a request names its studio, declared on every studio route so `/docs` can call them.
const TENANT_HEADER_DOC: &str = "The studio, by its slug (e.g. `demo`). Optional when the host names the \
     studio: `<slug>.<base domain>` (e.g. `demo.fotostudio.localhost`) or one of its custom domains; if \
     both are given they must agree (400 `tenant_mismatch`).";

/// The OpenAPI document as served at `/openapi.json` and behind `/docs`: poem-openapi's,
/// with the optional `X-Tenant` header declared on every studio route (those a studio's
/// token opens, and the studio's sign-in and public routes), so a client generated from it —
/// or "Try it out" in `/docs` — can name the studio.
pub fn document() -> String {
    let mut spec: serde_json::Value = serde_json::from_str(&openapi().spec()).expect("poem-openapi writes valid JSON");
    let header = serde_json::json!({
        "name": "X-Tenant", "in": "header", "required": false,
        "description": TENANT_HEADER_DOC, "schema": {"type": "string"}
    });
    if let Some(paths) = spec["paths"].as_object_mut() {
        for (path, operations) in paths.iter_mut() {
            let studio_path = path.starts_with("/api/auth/") || path.starts_with("/api/public/");
            for operation in operations.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
                let with_token = operation["security"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|scheme| scheme.get("TenantToken").is_some()));
                if with_token || studio_path {
                    match operation["parameters"].as_array_mut() {
                        Some(parameters) => parameters.insert(0, header.clone()),
                        None => operation["parameters"] = serde_json::json!([header.clone()]),
                    }
                }
            }
        }
    }
    optional_properties_are_nullable(&mut spec);
    items_may_be_null(&mut spec);
    bodies_may_be_unsupported(&mut spec);
    serde_json::to_string_pretty(&spec).expect("a JSON value serialises")
}

/// An optional property (an `Option` field: not `required`, no `default`) is written as
/// `null` when it has no value, and `null` is accepted for it in a request body; poem-openapi
/// documents only its type. Say `nullable: true`; a `$ref` becomes `allOf: [$ref]` so that the
/// flag has a schema of its own to sit on.
fn optional_properties_are_nullable(spec: &mut serde_json::Value) {
    let Some(schemas) = spec["components"]["schemas"].as_object_mut() else { return };
    for schema in schemas.values_mut() {
        let required: Vec<String> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(|name| name.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        // `get_mut`: indexing a missing key mutably would add it (as null).
        let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) else { continue };
        for (name, property) in properties.iter_mut() {
            if required.contains(name) || property.get("default").is_some() {
                continue;
            }
            if let Some(reference) = property.get("$ref").cloned() {
                *property = serde_json::json!({"allOf": [{"$ref": reference}]});
            }
            property["nullable"] = serde_json::Value::Bool(true);
        }
    }
}

/// Arrays of `Option`s — `(schema, property)` — whose items are `null` where there is no value
/// (a chart series has a gap); poem-openapi documents only the item's type.
const NULLABLE_ITEMS: &[(&str, &str)] = &[("Series", "values")];

fn items_may_be_null(spec: &mut serde_json::Value) {
    for (schema, property) in NULLABLE_ITEMS {
        let items = &mut spec["components"]["schemas"][schema]["properties"][property]["items"];
        assert!(items.is_object(), "{schema}.{property} is a documented array");
        items["nullable"] = serde_json::Value::Bool(true);
    }
}

/// An operation that takes a body answers 415 `unsupported_media_type` to a body of another
/// content type (poem-openapi's own check, before the handler).
fn bodies_may_be_unsupported(spec: &mut serde_json::Value) {
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    let unsupported = serde_json::json!({
        "description": "The body's content type is not one the operation takes (`unsupported_media_type`)",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    });
    for operations in paths.values_mut() {
        for operation in operations.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            if operation.get("requestBody").is_some()
                && let Some(responses) = operation["responses"].as_object_mut()
            {
                responses.entry("415").or_insert_with(|| unsupported.clone());
            }
        }
    }
}

/// The whole route table with its middleware.
pub fn routes(state: Arc<AppState>) -> impl poem::Endpoint {
    let api = openapi();
    let document = document();
    // Request metrics are labelled by the documented route templates, read from the same document.
    let documented: serde_json::Value = serde_json::from_str(&document).expect("the document is JSON");
    let paths = documented["paths"].as_object().into_iter().flat_map(|paths| paths.keys().map(String::as_str));
    let route_labels = RouteLabels::new(paths.chain(["/docs", "/openapi.json", "/metrics"]));
    // poem-openapi's Swagger UI page embeds its own document; embed the served one instead.
    let docs_html = api.swagger_ui_html().replacen(&api.spec(), &document, 1);
    let spec = make_sync(move |_| {
        poem::Response::builder().content_type("application/json; charset=utf-8").body(document.clone())
    });
    let docs_policy = security_headers::docs_policy(&security_headers::inline_script_hashes(&docs_html));
    let docs = make_sync(move |_| {
        let mut page = Html(docs_html.clone()).into_response();
        if let Ok(policy) = HeaderValue::from_str(&docs_policy) {
            page.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        page
    });
    let record_requests = RecordRequests { metrics: state.metrics.clone(), routes: Arc::new(route_labels) };
    let scrape = Scrape { state: state.clone(), require_token: true };
    let server = &state.settings.server;
    let (body_limit, upload_limit) = (server.body_limit_bytes, server.upload_limit_bytes);
    let trust_forwarded_for = server.trust_forwarded_for;
    Route::new()
        .nest("/", api)
        .at("/docs", docs)
        .at("/openapi.json", spec)
        .at("/metrics", scrape)
        .with(Cors { resolver: state.resolver.clone(), allowed_origins: server.cors_allowed_origins.clone().into() })
        .with(crate::tenancy::resolve::ResolveTenant(state.resolver.clone()))
        .with(body_limit::BodyLimit { json: body_limit, upload: upload_limit })
        .with(NormalizePath::new(TrailingSlash::Trim))
        .data(state.db.tenants.clone())
        .data(state.jwt.clone())
        .data(state.guesses.clone())
        .data(state.images.clone())
        .data(state)
        .with(SecurityHeaders)
        .with(record_requests)
        .with(request_context::RequestContext { trust_forwarded_for })
}

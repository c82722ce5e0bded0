//! CORS for the studios' web apps. A staff web app runs on its studio's own subdomain
//! (`https://acme.fotostudio.example`) or custom domain and calls the API from there; the
//! browser lets it read an answer only if the answer names its origin. We name exactly the
//! origins that resolve to the request's studio — never `*` — plus the origins listed in
//! `server.cors_allowed_origins` (a developer's `http://localhost:5173`). Any other origin
//! gets no CORS headers at all, and its preflight a 403.
//!
//! A preflight (`OPTIONS` with `Access-Control-Request-Method`) carries no `X-Tenant` value,
//! only header names: it is allowed when the origin itself is an active studio's address;
//! the real request is then answered for that origin only if the request is for that same
//! studio.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

use crate::tenancy::resolve::{RequestTenant, TenantResolver};

const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
const ALLOW_HEADERS: &str = "authorization, content-type, x-tenant, x-request-id";
const EXPOSE_HEADERS: &str = "location, x-request-id, retry-after, content-disposition";
/// How long a browser may reuse a preflight's answer.
const MAX_AGE_SECONDS: &str = "600";

/// The CORS middleware; runs inside tenant resolution (it reads the request's studio).
pub struct Cors {
    pub resolver: Arc<TenantResolver>,
    /// Origins allowed for every studio (development), exactly as browsers send them.
    pub allowed_origins: Arc<[String]>,
}

impl<E: Endpoint> Middleware<E> for Cors {
    type Output = CorsEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        CorsEndpoint { inner: ep, resolver: self.resolver.clone(), allowed_origins: self.allowed_origins.clone() }
    }
}

pub struct CorsEndpoint<E> {
    inner: E,
    resolver: Arc<TenantResolver>,
    allowed_origins: Arc<[String]>,
}

/// The host of an origin (`https://acme.example:8443` → `acme.example`), if it is one.
fn origin_host(origin: &str) -> Option<String> {
    let uri: poem::http::Uri = origin.parse().ok()?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let bare = uri.path_and_query().is_none_or(|p| p.as_str().is_empty() || p.as_str() == "/");
    (scheme_ok && bare).then(|| uri.host().map(str::to_ascii_lowercase)).flatten()
}

impl<E> CorsEndpoint<E> {
    /// The studio an origin is the address of, if any (and active).
    async fn origin_studio(&self, origin: &str) -> Option<uuid::Uuid> {
        let host = origin_host(origin)?;
        if !super::domains::is_plausible_host(&host) {
            return None;
        }
        self.resolver.resolve(None, Some(&host)).await.ok().map(|t| t.id)
    }

    fn listed(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }
}

fn allow(response: &mut Response, origin: HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
}

impl<E: Endpoint> Endpoint for CorsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let Some(origin) = req.headers().get(header::ORIGIN).cloned() else {
            return Ok(self.inner.call(req).await?.into_response());
        };
        let origin_text = origin.to_str().unwrap_or("").to_owned();
        let preflight =
            req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        if preflight {
            let allowed = self.listed(&origin_text) || self.origin_studio(&origin_text).await.is_some();
            if !allowed {
                return Ok(Response::builder().status(StatusCode::FORBIDDEN).header(header::VARY, "Origin").finish());
            }
            let mut response = Response::builder()
                .status(StatusCode::NO_CONTENT)
                .header(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
                .header(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
                .header(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
                .finish();
            allow(&mut response, origin);
            return Ok(response);
        }
        let request_studio = req.data::<RequestTenant>().and_then(|t| t.result.as_ref().ok().map(|t| t.id));
        let allowed = self.listed(&origin_text)
            || match request_studio {
                Some(studio) => self.origin_studio(&origin_text).await == Some(studio),
                None => false,
            };
        let mut response = match self.inner.call(req).await {
            Ok(output) => output.into_response(),
            Err(err) => crate::http::error::render_any_error(err).await,
        };
        if allowed {
            allow(&mut response, origin);
        } else {
            response.headers_mut().append(header::VARY, HeaderValue::from_static("Origin"));
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::origin_host;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(origin_host("https://Acme.Example:8443").as_deref(), Some("acme.example"));
        assert_eq!(origin_host("http://localhost:5173").as_deref(), Some("localhost"));
        for bad in ["null", "file:///etc", "acme.example", "https://acme.example/path", "javascript:alert(1)"] {
            assert_eq!(origin_host(bad), None, "{bad}");
        }
    }
}

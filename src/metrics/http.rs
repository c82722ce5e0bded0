//! Request metrics: a middleware around the route table records each answer by method,
//! route template and status. poem's router leaves the matched pattern on the response (or
//! the error); the pattern's parameters are poem-openapi's positional names
//! (`/api/clients/:param0`), so [`RouteLabels`] maps each back to the documented template
//! (`/api/clients/:id`). A path no route matched is labelled `unmatched`: what a client
//! puts in a URL never becomes a label.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use poem::http::Method;
use poem::{Endpoint, IntoResponse, Middleware, PathPattern, Request, Response};

use crate::metrics::Metrics;

/// The label of requests no route matched.
pub const UNMATCHED: &str = "unmatched";

/// Route templates by shape: the path with every parameter segment as `*`.
#[derive(Debug, Clone, Default)]
pub struct RouteLabels {
    by_shape: HashMap<String, String>,
}

fn is_param(segment: &str) -> bool {
    segment.starts_with(':') || (segment.starts_with('{') && segment.ends_with('}'))
}

/// `/api/clients/{id}` and `/api/clients/:param0` both → `/api/clients/*`.
fn shape(path: &str) -> String {
    let segments: Vec<&str> =
        path.split('/').filter(|s| !s.is_empty()).map(|s| if is_param(s) { "*" } else { s }).collect();
    format!("/{}", segments.join("/"))
}

impl RouteLabels {
    /// Labels for these documented paths (`/api/clients/{id}`), written the way the
    /// permission table writes them (`/api/clients/:id`).
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> RouteLabels {
        let by_shape = paths
            .into_iter()
            .map(|path| {
                let label: Vec<String> = path
                    .split('/')
                    .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => format!(":{name}"),
                        None => s.to_owned(),
                    })
                    .collect();
                (shape(path), label.join("/"))
            })
            .collect();
        RouteLabels { by_shape }
    }

    /// The label of a matched pattern; [`UNMATCHED`] for none or one not in the table.
    pub fn label(&self, pattern: Option<&str>) -> &str {
        pattern.and_then(|p| self.by_shape.get(&shape(p))).map_or(UNMATCHED, String::as_str)
    }
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Records every request that passes through it; goes just inside the request context (so
/// errors render with the request id) and around everything else.
pub struct RecordRequests {
    pub metrics: Arc<Metrics>,
    pub routes: Arc<RouteLabels>,
}

impl<E: Endpoint> Middleware<E> for RecordRequests {
    type Output = RecordRequestsEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RecordRequestsEndpoint { inner, metrics: self.metrics.clone(), routes: self.routes.clone() }
    }
}

pub struct RecordRequestsEndpoint<E> {
    inner: E,
    metrics: Arc<Metrics>,
    routes: Arc<RouteLabels>,
}

impl<E: Endpoint> Endpoint for RecordRequestsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let method = method_label(req.method());
        let started = Instant::now();
        let (response, pattern) = match self.inner.call(req).await {
            Ok(output) => {
                let response = output.into_response();
                let pattern = response.data::<PathPattern>().cloned();
                (response, pattern)
            }
            Err(err) => {
                // Rendered here, not further out, so the error's matched pattern is still known.
                let pattern = err.data::<PathPattern>().cloned();
                (crate::http::error::render_any_error(err).await, pattern)
            }
        };
        let route = self.routes.label(pattern.as_ref().map(|p| p.0.as_ref()));
        self.metrics.observe_request(method, route, response.status().as_u16(), started.elapsed().as_secs_f64());
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_labelled_by_their_documented_template() {
        let labels = RouteLabels::new(["/api/clients", "/api/clients/{id}", "/api/clients/schools", "/metrics"]);
        assert_eq!(labels.label(Some("/api/clients/:param0")), "/api/clients/:id");
        assert_eq!(labels.label(Some("/api/clients/schools")), "/api/clients/schools");
        assert_eq!(labels.label(Some("/api/clients")), "/api/clients");
        assert_eq!(labels.label(Some("/metrics")), "/metrics");
        assert_eq!(labels.label(Some("/*--poem-rest")), UNMATCHED);
        assert_eq!(labels.label(Some("/")), UNMATCHED);
        assert_eq!(labels.label(None), UNMATCHED);
    }
}

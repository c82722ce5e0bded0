//! `GET /metrics`. On the API's own port it answers only with `Authorization: Bearer
//! <metrics.bearer_token>` (401 otherwise), and not at all (404) while no token is set; on
//! the separate listener of `metrics.bind` — an address a scraper reaches and the world does
//! not — it answers without a token.

use std::sync::Arc;

use poem::http::header::AUTHORIZATION;
use poem::{Endpoint, Request, Response};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::http::ApiError;

/// The Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Serves the metrics of `state`'s application.
pub struct Scrape {
    pub state: Arc<AppState>,
    /// Whether this listener requires the bearer token (the API's port) or not (`metrics.bind`).
    pub require_token: bool,
}

/// Whether the request carries the configured token. The hashes are compared, so the time
/// taken tells nothing about how much of the token was right.
fn authorised(req: &Request, expected: &str) -> bool {
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    given.is_some_and(|token| Sha256::digest(token.as_bytes()) == Sha256::digest(expected.as_bytes()))
}

impl Endpoint for Scrape {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        if self.require_token {
            let token = &self.state.settings.metrics.bearer_token;
            if token.is_empty() {
                return Err(ApiError::not_found("route").into());
            }
            if !authorised(&req, token) {
                return Err(
                    ApiError::Unauthorized("`/metrics` needs `Authorization: Bearer <token>`".to_owned()).into()
                );
            }
        }
        let body = self.state.metrics.render(&self.state).await?;
        Ok(Response::builder().content_type(CONTENT_TYPE).header("cache-control", "no-store").body(body))
    }
}

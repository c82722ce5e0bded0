//! The outermost middleware: gives every request an id (kept from a sane incoming
//! `X-Request-Id`, else a new UUIDv7), runs it inside a `request` span, returns the id in
//! `X-Request-Id`, and logs one line when it ends with status and latency.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served on this task, if any (problem documents quote it).
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.to_string()).ok()
}

/// The request id as request data, for handlers (audit records).
#[derive(Clone, Debug)]
pub struct RequestId(pub Arc<str>);

/// The client's IP as request data: the peer address, or the first `X-Forwarded-For` entry
/// when the server is configured to trust its proxy.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

/// Request id, span, client IP and the closing log line of every request.
pub struct RequestContext {
    /// Take the client IP from `X-Forwarded-For` (`server.trust_forwarded_for`).
    pub trust_forwarded_for: bool,
}

impl<E: Endpoint> Middleware<E> for RequestContext {
    type Output = RequestContextEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        RequestContextEndpoint { inner: ep, trust_forwarded_for: self.trust_forwarded_for }
    }
}

pub struct RequestContextEndpoint<E> {
    inner: E,
    trust_forwarded_for: bool,
}

fn client_ip(req: &Request, trust_forwarded_for: bool) -> Option<IpAddr> {
    let forwarded = trust_forwarded_for
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|ip| ip.trim().parse().ok());
    forwarded.or_else(|| req.remote_addr().as_socket_addr().map(|a| a.ip()))
}

fn incoming_id(req: &Request) -> Option<Arc<str>> {
    let value = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    sane.then(|| Arc::from(value))
}

impl<E: Endpoint> Endpoint for RequestContextEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let id = incoming_id(&req).unwrap_or_else(|| Arc::from(uuid::Uuid::now_v7().to_string()));
        let span = tracing::info_span!(
            "request",
            method = %req.method(),
            path = %req.uri().path(),
            request_id = %id,
            tenant = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        req.set_data(RequestId(id.clone()));
        req.set_data(ClientIp(client_ip(&req, self.trust_forwarded_for)));
        let started = Instant::now();
        let work = async {
            // Errors are rendered inside the request's span and id scope, so problem
            // documents quote the id and internal causes are logged with it.
            let mut response = match self.inner.call(req).await {
                Ok(output) => output.into_response(),
                Err(err) => crate::http::error::render_any_error(err).await,
            };
            if let Ok(value) = HeaderValue::from_str(&id) {
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            let status = response.status().as_u16();
            // Milliseconds to the microsecond: finer digits are noise.
            let latency_ms = started.elapsed().as_micros() as f64 / 1000.0;
            let span = tracing::Span::current();
            span.record("status", status);
            span.record("latency_ms", latency_ms);
            if status >= 500 {
                tracing::error!("request failed");
            } else {
                tracing::info!("request");
            }
            response
        };
        let response = REQUEST_ID.scope(id.clone(), work.instrument(span)).await;
        Ok(response)
    }
}

/// Where a request comes from — its id and client IP — as a handler parameter (for audit
/// rows and throttling on routes without a signed-in user).
#[derive(Clone, Debug)]
pub struct RequestOrigin {
    pub request_id: Option<Arc<str>>,
    pub ip: Option<IpAddr>,
}

impl<'a> poem::FromRequest<'a> for RequestOrigin {
    async fn from_request(req: &'a Request, _body: &mut poem::RequestBody) -> poem::Result<Self> {
        Ok(RequestOrigin {
            request_id: req.data::<RequestId>().map(|r| r.0.clone()),
            ip: req.data::<ClientIp>().and_then(|c| c.0),
        })
    }
}

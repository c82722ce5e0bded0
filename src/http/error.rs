//! One error type for every API: [`ApiError`], rendered as RFC 9457 problem details
//! (`application/problem+json`) with a stable machine `code`.
//!
//! Internal causes are logged once, with the request id, and never shown to the client;
//! database errors are classified in [`crate::http::db_error`].

use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response, error::ResponseError};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::{ApiResponse, Object};

use crate::http::request_context;

/// One offending input field.
#[derive(Debug, Clone, PartialEq, Eq, Object, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// The field's name as sent (`tax_id_number`, `admin.email`, ...).
    pub field: String,
    /// What is wrong with it, for a person.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// RFC 9457 problem details, as every 4xx/5xx body.
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(rename = "Problem")]
pub struct Problem {
    /// Always `about:blank`: the stable identifier is `code`.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP status phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// A stable machine code: `validation_failed`, `not_found`, `tenant_not_found`, ...
    pub code: String,
    /// The request id, also in the `X-Request-Id` header: quote it when reporting a problem.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For `validation_failed`: the offending fields (absent when there are none).
    #[oai(default, skip_serializing_if_is_empty)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For some conflicts, what a program needs to act on them: `{"from", "to"}` for
    /// `invalid_transition`, ...
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<serde_json::Value>,
}

/// Every failure an API handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 422: the input parsed but breaks a rule; names each offending field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 400 with a specific code (`tenant_mismatch`, `tenant_required`, `invalid_body`, ...).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 401: no, invalid or expired credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403 with a specific code (`forbidden`, `tenant_suspended`).
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// 404 with a specific code (`not_found`, `tenant_not_found`).
    #[error("{detail}")]
    NotFound { code: &'static str, detail: String },
    /// 409 with a specific code (`conflict`, `schedule_conflict`, ...), optionally naming fields.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String, errors: Vec<FieldError> },
    /// 409 with machine-readable context (`{"from", "to"}` of an `invalid_transition`, ...).
    #[error("{detail}")]
    ConflictWith { code: &'static str, detail: String, context: serde_json::Value },
    /// 413: the body is over the configured limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 429: try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    /// 503 with a specific code (`tenant_migrating`, `service_unavailable`) and Retry-After.
    #[error("{detail}")]
    Unavailable { code: &'static str, detail: String, retry_after_seconds: u64 },
    /// 500: the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// 422 for one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// 404 `not_found` naming the kind of thing.
    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound { code: "not_found", detail: format!("{what} not found") }
    }

    /// 403 `forbidden`.
    pub fn forbidden() -> Self {
        ApiError::Forbidden { code: "forbidden", detail: "your role does not allow this action".to_owned() }
    }

    /// 409 `conflict`.
    pub fn conflict(detail: impl Into<String>) -> Self {
        ApiError::Conflict { code: "conflict", detail: detail.into(), errors: Vec::new() }
    }

    /// 409 `invalid_transition`: `what` (a record, "a product") cannot go from `from` to
    /// `to`; both are in `context` for a program to act on.
    pub fn invalid_transition(what: &str, from: &str, to: &str) -> Self {
        ApiError::ConflictWith {
            code: "invalid_transition",
            detail: format!("{what} cannot go from {from} to {to}"),
            context: serde_json::json!({"from": from, "to": to}),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    fn parts(&self) -> (StatusCode, &str, String) {
        use ApiError::*;
        match self {
            Validation(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "the request has invalid fields".to_owned())
            }
            BadRequest { code, detail } => (StatusCode::BAD_REQUEST, code, detail.clone()),
            Unauthorized(detail) => (StatusCode::UNAUTHORIZED, "unauthorized", detail.clone()),
            Forbidden { code, detail } => (StatusCode::FORBIDDEN, code, detail.clone()),
            NotFound { code, detail } => (StatusCode::NOT_FOUND, code, detail.clone()),
            Conflict { code, detail, .. } | ConflictWith { code, detail, .. } => {
                (StatusCode::CONFLICT, code, detail.clone())
            }
            PayloadTooLarge(detail) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", detail.clone()),
            TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "too many attempts; try again later".to_owned())
            }
            Unavailable { code, detail, .. } => (StatusCode::SERVICE_UNAVAILABLE, code, detail.clone()),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "an internal error occurred; quote the request id when reporting it".to_owned(),
            ),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests { retry_after_seconds } | ApiError::Unavailable { retry_after_seconds, .. } => {
                Some(*retry_after_seconds)
            }
            _ => None,
        }
    }

    /// The error as one line for a person at a terminal: the internal cause, the offending
    /// fields, or the detail.
    pub fn plain_message(&self) -> String {
        if let ApiError::Internal(cause) = self {
            return cause.clone();
        }
        let problem = self.problem();
        let fields: Vec<String> = problem.errors.iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
        if fields.is_empty() { problem.detail } else { fields.join("; ") }
    }

    /// The problem document this error renders as.
    pub fn problem(&self) -> Problem {
        let (status, code, detail) = self.parts();
        let errors = match self {
            ApiError::Validation(errors) | ApiError::Conflict { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let mut problem = problem(status, code, detail, errors);
        if let ApiError::ConflictWith { context, .. } = self {
            problem.context = Some(context.clone());
        }
        problem
    }
}

/// Builds a problem document for the current request.
pub fn problem(status: StatusCode, code: &str, detail: String, errors: Vec<FieldError>) -> Problem {
    Problem {
        problem_type: "about:blank".to_owned(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code: code.to_owned(),
        request_id: request_context::current_request_id(),
        errors,
        context: None,
    }
}

/// Renders a problem document as an `application/problem+json` response.
pub fn problem_response(problem: &Problem, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(problem).unwrap_or_default();
    let mut response = Response::builder().status(status).content_type("application/problem+json").body(body);
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.parts().0
    }

    fn as_response(&self) -> Response {
        if let ApiError::Internal(cause) = self {
            // The one place an internal cause is logged: the client sees only the request id.
            tracing::error!(error = %cause, "internal error");
        }
        problem_response(&self.problem(), self.retry_after())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.as_response()
    }
}

/// The statuses every operation may answer with, documented in the OpenAPI spec.
const DOCUMENTED: &[(u16, &str)] = &[
    (400, "Malformed request, or tenant missing/mismatched (`tenant_required`, `tenant_mismatch`)"),
    (401, "Missing, invalid or expired token"),
    (403, "Role not allowed (`forbidden`) or studio suspended (`tenant_suspended`)"),
    (404, "Not found (`not_found`, `tenant_not_found`)"),
    (409, "Conflict with the current state (`conflict`, ...)"),
    (413, "Request body too large (`payload_too_large`)"),
    (422, "Invalid fields (`validation_failed`)"),
    (429, "Too many attempts (Retry-After)"),
    (503, "Studio migrating (`tenant_migrating`) or database unavailable (Retry-After)"),
];

impl ApiResponse for ApiError {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: DOCUMENTED
                .iter()
                .map(|(status, description)| MetaResponse {
                    description,
                    status: Some(*status),
                    status_range: None,
                    content: vec![MetaMediaType {
                        content_type: "application/problem+json",
                        schema: <Problem as poem_openapi::types::Type>::schema_ref(),
                    }],
                    headers: vec![],
                })
                .collect(),
        }
    }

    fn register(registry: &mut Registry) {
        <Problem as poem_openapi::types::Type>::register(registry);
    }
}

/// Renders any error that reaches the edge of the app as a problem document: our own
/// [`ApiError`]s as they are, and poem's / poem-openapi's parse errors with a stable code,
/// so malformed JSON, bad UUIDs, wrong types and oversized bodies are all clear 4xx answers.
pub async fn render_any_error(err: poem::Error) -> Response {
    // The route the error came from stays known to whoever sees the response (metrics).
    let route = err.data::<poem::PathPattern>().cloned();
    let mut response = render(err);
    if let Some(route) = route {
        response.set_data(route);
    }
    response
}

fn render(err: poem::Error) -> Response {
    if let Some(api) = err.downcast_ref::<ApiError>() {
        return api.as_response();
    }
    let status = err.status();
    let code = poem_error_code(&err, status);
    let detail = if status.is_server_error() {
        tracing::error!(error = %err, "unhandled error");
        "an internal error occurred; quote the request id when reporting it".to_owned()
    } else if let Some(path) = err.downcast_ref::<poem_openapi::error::ParsePathError>() {
        // poem-openapi names path parameters by position; the reason is what helps.
        format!("a path parameter is malformed: {}", path.reason)
    } else {
        err.to_string()
    };
    problem_response(&problem(status, code, detail, Vec::new()), None)
}

fn poem_error_code(err: &poem::Error, status: StatusCode) -> &'static str {
    use poem_openapi::error as oai;
    if err.is::<oai::ParseRequestPayloadError>() || err.is::<oai::ParseMultipartError>() {
        return "invalid_body";
    }
    if err.is::<oai::ParseParamError>() || err.is::<oai::ParsePathError>() {
        return "invalid_parameter";
    }
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal_error",
        _ => "bad_request",
    }
}

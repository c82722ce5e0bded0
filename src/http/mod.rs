//! HTTP plumbing shared by every API: problem details and database error classification,
//! pagination, JSON responses, field validation, body limits, rate limits, the request
//! context and the server loop. It knows nothing of studios, tenancy or identity; the route table that puts the
//! APIs together is [`crate::routes`].

pub mod body_limit;
pub mod db_error;
pub mod error;
pub mod fields;
pub mod json;
pub mod json_fields;
pub mod pagination;
pub mod rate_limit;
pub mod request_context;
pub mod responses;
pub mod security_headers;
pub mod server;

pub use error::{ApiError, ApiResult, FieldError, Problem};

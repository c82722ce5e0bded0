//! Database errors classified once, for every module: a unique violation is a 409 naming the
//! field, a check violation a 422, an exclusion violation a 409 `schedule_conflict`, a lost
//! connection a 503. SQL text never reaches the client.

use crate::http::error::{ApiError, FieldError};

/// Named constraints that map to an input field, with the message a client sees.
/// A constraint that is not listed still maps to a sensible status, without a field.
const CONSTRAINT_FIELDS: &[(&str, &str, &str)] = &[
    ("clients_tax_id_key", "tax_id_number", "a client with this tax id already exists"),
    ("users_email_key", "email", "a user with this email already exists"),
    ("tenants_slug_key", "slug", "a studio with this slug already exists"),
    ("tenant_domains_pkey", "domain", "this domain is already assigned to a studio"),
    ("operators_email_key", "email", "an operator with this email already exists"),
];

fn constraint_field(constraint: Option<&str>) -> Option<(&'static str, &'static str)> {
    let name = constraint?;
    CONSTRAINT_FIELDS.iter().find(|(c, _, _)| *c == name).map(|(_, field, message)| (*field, *message))
}

/// Whether an error means the connection itself is unusable (and should not be reused).
pub fn is_connection_error(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
    )
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = err {
            return ApiError::not_found("record");
        }
        if is_connection_error(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return ApiError::Unavailable {
                code: "service_unavailable",
                detail: "the database is unavailable; try again shortly".to_owned(),
                retry_after_seconds: 2,
            };
        }
        let Some(db) = err.as_database_error() else {
            return ApiError::internal(err);
        };
        let sqlstate = db.code().map(|c| c.into_owned()).unwrap_or_default();
        let field = constraint_field(db.constraint());
        match sqlstate.as_str() {
            // unique_violation
            "23505" => {
                let (detail, errors) = match field {
                    Some((field, message)) => (message.to_owned(), vec![FieldError::new(field, message)]),
                    None => ("a record with these values already exists".to_owned(), vec![]),
                };
                ApiError::Conflict { code: "conflict", detail, errors }
            }
            // foreign_key_violation: deleting something still referenced is a conflict;
            // pointing at something that does not exist is a bad field.
            "23503" => {
                let still_referenced =
                    db.message().contains("still referenced") || db.message().contains("update or delete");
                if still_referenced {
                    ApiError::conflict("the record is still referenced by other records")
                } else {
                    ApiError::invalid(
                        field.map(|f| f.0).unwrap_or("reference"),
                        "refers to a record that does not exist",
                    )
                }
            }
            // check_violation, not_null_violation
            "23514" | "23502" => ApiError::invalid(
                field.map(|f| f.0).unwrap_or("body"),
                field.map(|f| f.1).unwrap_or("a value breaks a rule of this record"),
            ),
            // exclusion_violation
            "23P01" => ApiError::Conflict {
                code: "schedule_conflict",
                detail: "the time slot overlaps another booking".to_owned(),
                errors: Vec::new(),
            },
            // serialization_failure, deadlock_detected: the caller may retry once
            "40001" | "40P01" => ApiError::Conflict {
                code: "concurrent_update",
                detail: "the record changed concurrently; try again".to_owned(),
                errors: Vec::new(),
            },
            // data exceptions (value out of range, invalid datetime, ...)
            s if s.starts_with("22") => ApiError::invalid("body", "a value is out of range"),
            // query_canceled (statement timeout), admin shutdown, cannot connect now
            "57014" | "57P01" | "57P03" | "53300" => ApiError::Unavailable {
                code: "service_unavailable",
                detail: "the database is busy; try again shortly".to_owned(),
                retry_after_seconds: 2,
            },
            _ => ApiError::internal(err),
        }
    }
}

impl From<deadpool::managed::PoolError<sqlx::Error>> for ApiError {
    fn from(err: deadpool::managed::PoolError<sqlx::Error>) -> Self {
        match err {
            deadpool::managed::PoolError::Backend(e) => e.into(),
            other => {
                tracing::warn!(error = %other, "no database connection available");
                ApiError::Unavailable {
                    code: "service_unavailable",
                    detail: "the database is unavailable; try again shortly".to_owned(),
                    retry_after_seconds: 2,
                }
            }
        }
    }
}

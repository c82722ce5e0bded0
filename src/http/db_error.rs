//! Database errors classified once, for every module: a unique violation is a 409 naming the
//! field, a check violation a 422, an exclusion violation a 409 `schedule_conflict`, a lost
//! connection a 503. SQL text never reaches the client.

use crate::http::error::{ApiError, FieldError};

/// Maps a violation of the constraint named `constraint` to an error on `field`, where the
/// write happens (`.map_err(on_constraint("clients_tax_id_key", "tax_id_number", "..."))`):
/// a unique violation is a 409 naming the field, any other violation of it a 422 on the field.
/// Every other error is classified as usual.
pub fn on_constraint(
    constraint: &'static str,
    field: &'static str,
    message: &'static str,
) -> impl FnOnce(sqlx::Error) -> ApiError {
    move |err| {
        let Some(db) = err.as_database_error().filter(|db| db.constraint() == Some(constraint)) else {
            return err.into();
        };
        if db.code().as_deref() == Some("23505") {
            ApiError::Conflict {
                code: "conflict",
                detail: message.to_owned(),
                errors: vec![FieldError::new(field, message)],
            }
        } else {
            ApiError::invalid(field, message)
        }
    }
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
        match sqlstate.as_str() {
            // unique_violation
            "23505" => ApiError::conflict("a record with these values already exists"),
            // foreign_key_violation: deleting something still referenced is a conflict;
            // pointing at something that does not exist is a bad field.
            "23503" => {
                let still_referenced =
                    db.message().contains("still referenced") || db.message().contains("update or delete");
                if still_referenced {
                    ApiError::conflict("the record is still referenced by other records")
                } else {
                    ApiError::invalid("reference", "refers to a record that does not exist")
                }
            }
            // check_violation, not_null_violation
            "23514" | "23502" => ApiError::invalid("body", "a value breaks a rule of this record"),
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

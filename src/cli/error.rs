//! Why a command failed, and its exit code: 2 when the command line or the configuration is
//! wrong (the person must change what they typed), 1 when the command was understood but
//! could not be carried out (a taken slug, an unknown studio, an unreachable database).

use crate::http::ApiError;

#[derive(Debug)]
pub enum CliError {
    /// Exit 2: fix the command line or the configuration.
    Usage(String),
    /// Exit 1: the command could not be carried out.
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 1,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => m,
        }
    }

    /// An API error from a command: invalid fields are a usage error naming the flag the
    /// person typed (`flags` maps API field names to flags); anything else a failure.
    pub fn from_api(err: ApiError, flags: &[(&str, &str)]) -> CliError {
        let problem = err.problem();
        let message = if problem.errors.is_empty() {
            err.plain_message()
        } else {
            let named: Vec<String> = problem
                .errors
                .iter()
                .map(|e| {
                    let flag = flags.iter().find(|(field, _)| *field == e.field).map(|(_, f)| *f);
                    format!("{}: {}", flag.unwrap_or(&e.field), e.message)
                })
                .collect();
            named.join("; ")
        };
        match err {
            ApiError::Validation(_) => CliError::Usage(message),
            _ => CliError::Failed(message),
        }
    }
}

/// Failures of the machinery (database, files, migrations) are exit 1, described for people.
macro_rules! failed_from {
    ($($ty:ty => $describe:expr),* $(,)?) => {
        $(impl From<$ty> for CliError {
            fn from(err: $ty) -> CliError {
                let describe: fn(&$ty) -> String = $describe;
                CliError::Failed(describe(&err))
            }
        })*
    };
}

failed_from!(
    sqlx::Error => crate::db::describe,
    std::io::Error => |e| e.to_string(),
    tokio::task::JoinError => |e| e.to_string(),
    crate::tenancy::migrations::MigrateError => |e| e.to_string(),
    crate::db::DbSetupError => |e| e.to_string(),
    crate::db::local_pg::LocalPgError => |e| e.to_string(),
    Box<dyn std::error::Error> => |e| e.to_string(),
);

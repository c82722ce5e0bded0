//! Platform operators (`public.operators`): created from the CLI, they sign in to the
//! platform API.

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::password::{self, PasswordHasherConfig};
use crate::http::ApiError;

/// An operator row, as sign-in needs it.
#[derive(Debug, sqlx::FromRow)]
pub struct Operator {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub active: bool,
}

pub async fn find_by_email(db: &PgPool, email: &str) -> sqlx::Result<Option<Operator>> {
    sqlx::query_as(
        "SELECT id, email::text AS email, password_hash, active FROM public.operators WHERE email = $1::extensions.citext",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn record_login(conn: &mut sqlx::PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE public.operators SET last_login_at = now() WHERE id = $1").bind(id).execute(conn).await?;
    Ok(())
}

/// What `create` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorWrite {
    Created,
    /// An operator with that email existed: their password was reset and the account
    /// re-activated.
    PasswordReset,
}

/// Creates an operator (or resets the password of an existing one with that email).
pub async fn create(
    db: &PgPool,
    passwords: &PasswordHasherConfig,
    email: &str,
    password: &str,
    full_name: &str,
) -> Result<OperatorWrite, ApiError> {
    let email = email.trim();
    if !crate::http::fields::looks_like_email(email) {
        return Err(ApiError::invalid("email", "is not a valid email address"));
    }
    password::check_policy(password, email).map_err(|m| ApiError::invalid("password", m))?;
    let hash = passwords.hash(password).await?;
    // `xmax = 0` only on a freshly inserted row: tells a creation from a reset.
    let inserted: bool = sqlx::query_scalar(
        "INSERT INTO public.operators (id, email, full_name, password_hash) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, active = true \
         RETURNING xmax = 0",
    )
    .bind(Uuid::now_v7())
    .bind(email)
    .bind(full_name)
    .bind(hash)
    .fetch_one(db)
    .await?;
    Ok(if inserted { OperatorWrite::Created } else { OperatorWrite::PasswordReset })
}

/// Whether an operator exists and is active.
pub async fn is_active(conn: &mut sqlx::PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let active: Option<bool> =
        sqlx::query_scalar("SELECT active FROM public.operators WHERE id = $1").bind(id).fetch_optional(conn).await?;
    Ok(active == Some(true))
}

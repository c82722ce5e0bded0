//! SQL on a studio's `users` table, always through the tenant-scoped handle.

use uuid::Uuid;

use crate::db::TenantDb;

use crate::auth::roles::Role;
use crate::studio::users::model::User;

macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT id, email::text AS email, full_name, password_hash, role, active, phone, \
             created_at, updated_at, last_login_at FROM users ",
            $rest
        )
    };
}

#[tracing::instrument(skip_all)]
pub async fn find_by_email(db: &mut TenantDb, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(select_users!("WHERE email = $1"))
        .bind(email)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn find_by_id(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as(select_users!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A new user's fields.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, user: &NewUser<'_>) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO users (id, email, full_name, password_hash, role) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(user.email)
    .bind(user.full_name)
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn record_login(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET last_login_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Creates the first admin inside the provisioning transaction, on the schema it has just
/// created (its search_path is that schema). The one tenant write that cannot use a
/// [`TenantDb`]: the studio does not exist for the pool until that transaction commits.
pub async fn insert_first_admin(
    provisioning_tx: &mut sqlx::PgConnection,
    user: &NewUser<'_>,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO users (id, email, full_name, password_hash, role) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'admin', active = true \
         RETURNING id",
    )
    .bind(Uuid::now_v7())
    .bind(user.email)
    .bind(user.full_name)
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .fetch_one(provisioning_tx)
    .await
}

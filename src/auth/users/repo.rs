//! SQL on a studio's `users` table, always through the tenant-scoped handle.

use uuid::Uuid;

use crate::auth::roles::Role;
use crate::auth::users::model::{User, UserFilter};
use crate::db::{ListQuery, TenantDb, Window};

/// The columns of a [`User`], then the rest of a statement.
macro_rules! columns {
    ($($rest:literal),*) => {
        concat!(
            "id, email::text AS email, full_name, password_hash, role, active, phone, avatar_file, \
             avatar_content_type, created_at, updated_at, last_login_at",
            $($rest),*
        )
    };
}

#[tracing::instrument(skip_all)]
pub async fn find_by_email(db: &mut TenantDb, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM users WHERE email = $1::citext")))
        .bind(email)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip_all)]
pub async fn find_by_id(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as(concat!("SELECT ", columns!(" FROM users WHERE id = $1"))).bind(id).fetch_optional(db).await
}

/// One page of users in name order, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &UserFilter, window: Window) -> sqlx::Result<(i64, Vec<User>)> {
    let mut list = ListQuery::new(concat!("SELECT ", columns!(" FROM users")), "lower(full_name), id");
    list.contains("lower(email::text || ' ' || full_name)", filter.search.as_deref())
        .filter("role = ", filter.role)
        .filter("active = ", filter.active);
    list.fetch(db, window).await
}

/// A new user's fields.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub phone: Option<&'a str>,
}

/// Inserts a user. Generic over the connection: the first admin is created inside the
/// provisioning transaction, on the schema it has just created — the one tenant write that
/// cannot use a [`TenantDb`], since the studio does not exist for the pool until it commits.
#[tracing::instrument(skip_all)]
pub async fn insert<C>(db: &mut C, user: &NewUser<'_>) -> sqlx::Result<User>
where
    for<'e> &'e mut C: sqlx::Executor<'e, Database = sqlx::Postgres>,
{
    sqlx::query_as(concat!(
        "INSERT INTO users (id, email, full_name, password_hash, role, phone) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
        columns!()
    ))
    .bind(Uuid::now_v7())
    .bind(user.email)
    .bind(user.full_name)
    .bind(user.password_hash)
    .bind(user.role)
    .bind(user.phone)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn record_login(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET last_login_at = now() WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// What an admin changes of a user; `None` leaves a field as it is.
pub struct UserChanges<'a> {
    pub full_name: Option<&'a str>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub phone: Option<&'a str>,
}

/// Sets a user's own name and phone (an absent phone clears it).
#[tracing::instrument(skip_all)]
pub async fn update_profile(db: &mut TenantDb, id: Uuid, full_name: &str, phone: Option<&str>) -> sqlx::Result<User> {
    sqlx::query_as(concat!(
        "UPDATE users SET full_name = $2, phone = $3, updated_at = now() WHERE id = $1 RETURNING ",
        columns!()
    ))
    .bind(id)
    .bind(full_name)
    .bind(phone)
    .fetch_one(db)
    .await
}

/// Applies an admin's changes to a user.
#[tracing::instrument(skip_all)]
pub async fn update(db: &mut TenantDb, id: Uuid, changes: &UserChanges<'_>) -> sqlx::Result<Option<User>> {
    sqlx::query_as(concat!(
        "UPDATE users SET full_name = coalesce($2, full_name), role = coalesce($3, role), \
         active = coalesce($4, active), phone = coalesce($5, phone), updated_at = now() WHERE id = $1 RETURNING ",
        columns!()
    ))
    .bind(id)
    .bind(changes.full_name)
    .bind(changes.role)
    .bind(changes.active)
    .bind(changes.phone)
    .fetch_optional(db)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn set_password(db: &mut TenantDb, id: Uuid, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Points the user at a new avatar file.
#[tracing::instrument(skip_all)]
pub async fn set_avatar(db: &mut TenantDb, id: Uuid, file: &str, content_type: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET avatar_file = $2, avatar_content_type = $3, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(file)
        .bind(content_type)
        .execute(db)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// The active admins, locked until the transaction ends: two admins demoting each other at
/// once cannot both succeed.
#[tracing::instrument(skip_all)]
pub async fn lock_active_admins(db: &mut TenantDb) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE")
        .fetch_all(db)
        .await
}

//! SQL on a studio's `users` table, always through the tenant-scoped handle.

use uuid::Uuid;

use crate::auth::roles::Role;
use crate::db::TenantDb;
use crate::studio::users::model::User;
use crate::tenancy::catalog::escape_like;

macro_rules! select_users {
    ($($rest:expr),+) => {
        concat!(
            "SELECT id, email::text AS email, full_name, password_hash, role, active, phone, avatar_file, \
             avatar_content_type, created_at, updated_at, last_login_at FROM users ",
            $($rest),+
        )
    };
}

#[tracing::instrument(skip_all)]
pub async fn find_by_email(db: &mut TenantDb, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(select_users!("WHERE email = $1::citext")).bind(email).fetch_optional(db).await
}

#[tracing::instrument(skip_all)]
pub async fn find_by_id(db: &mut TenantDb, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as(select_users!("WHERE id = $1")).bind(id).fetch_optional(db).await
}

/// Filters of the user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub search: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

macro_rules! user_filter {
    () => {
        "WHERE ($1::text IS NULL OR lower(email::text || ' ' || full_name) LIKE $1) \
         AND ($2::text IS NULL OR role = $2) AND ($3::boolean IS NULL OR active = $3)"
    };
}

/// One page of users in name order, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &mut TenantDb, filter: &UserFilter, limit: i64, offset: i64) -> sqlx::Result<(i64, Vec<User>)> {
    let search = filter.search.as_ref().map(|s| format!("%{}%", escape_like(&s.to_lowercase())));
    let role = filter.role.map(Role::as_str);
    let count: i64 = sqlx::query_scalar(concat!("SELECT count(*) FROM users ", user_filter!()))
        .bind(search.as_deref())
        .bind(role)
        .bind(filter.active)
        .fetch_one(&mut *db)
        .await?;
    let users = sqlx::query_as(select_users!(user_filter!(), " ORDER BY lower(full_name), id LIMIT $4 OFFSET $5"))
        .bind(search.as_deref())
        .bind(role)
        .bind(filter.active)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *db)
        .await?;
    Ok((count, users))
}

/// A new user's fields.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub phone: Option<&'a str>,
}

const INSERT: &str = "INSERT INTO users (id, email, full_name, password_hash, role, phone) \
                      VALUES ($1, $2, $3, $4, $5, $6)";

fn bind_new<'q>(user: &'q NewUser<'q>) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(INSERT)
        .bind(Uuid::now_v7())
        .bind(user.email)
        .bind(user.full_name)
        .bind(user.password_hash)
        .bind(user.role.as_str())
        .bind(user.phone)
}

#[tracing::instrument(skip_all)]
pub async fn insert(db: &mut TenantDb, user: &NewUser<'_>) -> sqlx::Result<User> {
    let query = sqlx::query_as(select_users!("WHERE email = $1::citext"));
    bind_new(user).execute(&mut *db).await?;
    query.bind(user.email).fetch_one(&mut *db).await
}

/// Creates the first admin inside the provisioning transaction, on the schema it has just
/// created (its search_path is that schema). The one tenant write that cannot use a
/// [`TenantDb`]: the studio does not exist for the pool until that transaction commits.
pub async fn insert_first_admin(provisioning_tx: &mut sqlx::PgConnection, user: &NewUser<'_>) -> sqlx::Result<()> {
    bind_new(user).execute(provisioning_tx).await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn record_login(db: &mut TenantDb, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET last_login_at = now() WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// Applies an admin's changes (absent fields unchanged).
#[tracing::instrument(skip_all)]
pub async fn update(
    db: &mut TenantDb,
    id: Uuid,
    full_name: Option<&str>,
    role: Option<Role>,
    active: Option<bool>,
    phone: Option<&str>,
) -> sqlx::Result<Option<User>> {
    sqlx::query_as(concat!(
        "WITH written AS (UPDATE users SET full_name = coalesce($2, full_name), role = coalesce($3, role), \
         active = coalesce($4, active), phone = coalesce($5, phone), updated_at = now() WHERE id = $1 RETURNING *) ",
        "SELECT id, email::text AS email, full_name, password_hash, role, active, phone, avatar_file, \
         avatar_content_type, created_at, updated_at, last_login_at FROM written"
    ))
    .bind(id)
    .bind(full_name)
    .bind(role.map(Role::as_str))
    .bind(active)
    .bind(phone)
    .fetch_optional(&mut *db)
    .await
}

/// Sets a user's own name and phone.
#[tracing::instrument(skip_all)]
pub async fn update_profile(db: &mut TenantDb, id: Uuid, full_name: &str, phone: Option<&str>) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET full_name = $2, phone = $3, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(full_name)
        .bind(phone)
        .execute(&mut *db)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_password(db: &mut TenantDb, id: Uuid, hash: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(&mut *db)
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
        .execute(&mut *db)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete(db: &mut TenantDb, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(&mut *db).await?;
    Ok(done.rows_affected() == 1)
}

/// The active admins, locked until the transaction ends: two admins demoting each other at
/// once cannot both succeed.
#[tracing::instrument(skip_all)]
pub async fn lock_active_admins(db: &mut TenantDb) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE")
        .fetch_all(&mut *db)
        .await
}

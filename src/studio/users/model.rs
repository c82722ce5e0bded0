//! A studio user: as stored, as shown, and the inputs that create or change one.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde::Serialize;
use uuid::Uuid;

use crate::auth::roles::Role;

/// A user as stored (with the password hash: never sent to a client).
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    pub role: Role,
    pub active: bool,
    pub phone: Option<String>,
    pub avatar_file: Option<String>,
    pub avatar_content_type: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for User {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        let role: String = row.try_get("role")?;
        Ok(User {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            full_name: row.try_get("full_name")?,
            password_hash: row.try_get("password_hash")?,
            role: Role::parse(&role).ok_or_else(|| sqlx::Error::Decode("users.role is invalid".into()))?,
            active: row.try_get("active")?,
            phone: row.try_get("phone")?,
            avatar_file: row.try_get("avatar_file")?,
            avatar_content_type: row.try_get("avatar_content_type")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            last_login_at: row.try_get("last_login_at")?,
        })
    }
}

/// A user as the API shows it (own profile and user management).
#[derive(Debug, Clone, Object, Serialize)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub phone: Option<String>,
    pub active: bool,
    /// Whether `GET /api/auth/profile/avatar` has a picture for this user.
    pub has_avatar: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<User> for UserView {
    fn from(u: User) -> UserView {
        UserView {
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            phone: u.phone,
            active: u.active,
            has_avatar: u.avatar_file.is_some(),
            created_at: u.created_at,
            updated_at: u.updated_at,
            last_login_at: u.last_login_at,
        }
    }
}

/// A new user, created by an admin.
#[derive(Debug, Clone, Object)]
pub struct NewUserInput {
    /// Unique in the studio, whatever the case.
    pub email: String,
    pub full_name: String,
    pub role: Role,
    /// At least 10 characters, not the email.
    pub password: String,
    pub phone: Option<String>,
}

/// What an admin may change of a user; absent fields stay as they are.
#[derive(Debug, Clone, Object)]
pub struct UserUpdate {
    pub full_name: Option<String>,
    pub role: Option<Role>,
    /// `false` deactivates: sign-in and refresh stop at once, access tokens within their
    /// lifetime (15 minutes).
    pub active: Option<bool>,
    pub phone: Option<String>,
}

/// What a user may change of their own profile.
#[derive(Debug, Clone, Object)]
pub struct ProfileUpdate {
    pub full_name: String,
    pub phone: Option<String>,
}

/// A password change.
#[derive(Debug, Clone, Object)]
pub struct PasswordChange {
    pub old_password: String,
    /// At least 10 characters, not the email.
    pub new_password: String,
}

//! A studio user: as stored, as shown, and the inputs that create or change one.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use serde::Serialize;
use uuid::Uuid;

use crate::audit::Audited;
use crate::auth::roles::Role;
use crate::http::responses::Located;

/// A user as stored (with the password hash: never sent to a client).
#[derive(Debug, Clone, sqlx::FromRow)]
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

impl Audited for UserView {
    const ENTITY: &'static str = "user";

    fn audit_id(&self) -> Uuid {
        self.id
    }
}

impl Located for UserView {
    fn location(&self) -> String {
        format!("/api/users/{}", self.id)
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

/// Filters of the user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Matches email and name.
    pub search: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

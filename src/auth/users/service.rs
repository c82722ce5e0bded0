//! The rules of users: valid input, the last active admin, one's own account, and the
//! security events each change records.

use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::extract::TenantUser;
use crate::auth::password::{self, PasswordHasherConfig};
use crate::auth::refresh::{self, Store};
use crate::auth::roles::Role;
use crate::auth::sessions::Sessions;
use crate::auth::users::model::{NewUserInput, PasswordChange, ProfileUpdate, User, UserFilter, UserUpdate, UserView};
use crate::auth::users::repo::{self, NewUser, UserChanges};
use crate::db::Window;
use crate::http::db_error::on_constraint;
use crate::http::fields::Checks;
use crate::http::responses::Image;
use crate::http::{ApiError, ApiResult};
use crate::images::{self, ImageFolder, ImageStore};

fn not_found() -> ApiError {
    ApiError::not_found("user")
}

fn last_admin() -> ApiError {
    ApiError::Conflict {
        code: "last_admin",
        detail: "the studio must keep at least one active admin".to_owned(),
        errors: Vec::new(),
    }
}

pub async fn list(user: &TenantUser, filter: &UserFilter, window: Window) -> ApiResult<(i64, Vec<UserView>)> {
    let (count, users) = repo::list(&mut user.db().await?, filter, window).await?;
    Ok((count, users.into_iter().map(UserView::from).collect()))
}

pub async fn get(user: &TenantUser, id: Uuid) -> ApiResult<UserView> {
    Ok(repo::find_by_id(&mut user.db().await?, id).await?.ok_or_else(not_found)?.into())
}

/// Creates a user (admins only; the route says so).
pub async fn create(user: &TenantUser, passwords: &PasswordHasherConfig, input: &NewUserInput) -> ApiResult<UserView> {
    let mut checks = Checks::new();
    let email = checks.email("email", Some(&input.email)).unwrap_or_default();
    if email.is_empty() {
        checks.fail("email", "is required");
    }
    let full_name = checks.required("full_name", &input.full_name, 120);
    let phone = checks.phone("phone", input.phone.as_deref());
    if let Err(message) = password::check_policy(&input.password, &email) {
        checks.fail("password", message);
    }
    checks.finish()?;
    let password_hash = passwords.hash(&input.password).await?;
    let new = NewUser {
        email: &email,
        full_name: &full_name,
        password_hash: &password_hash,
        role: input.role,
        phone: phone.as_deref(),
    };
    let mut tx = user.begin().await?;
    let created = UserView::from(repo::insert(&mut tx, &new).await.map_err(on_constraint(
        "users_email_key",
        "email",
        "a user with this email already exists",
    ))?);
    audit::created(&mut tx, user.audit(), &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Applies an admin's changes. Demoting or deactivating the last active admin is refused
/// (409 `last_admin`); a deactivation revokes every sign-in of the user at once.
pub async fn update(user: &TenantUser, id: Uuid, patch: &UserUpdate) -> ApiResult<UserView> {
    let mut checks = Checks::new();
    let full_name = patch.full_name.as_deref().map(|n| checks.required("full_name", n, 120));
    let phone = checks.phone("phone", patch.phone.as_deref());
    checks.finish()?;
    let mut tx = user.begin().await?;
    let stops_being_admin = patch.role.is_some_and(|r| r != Role::Admin) || patch.active == Some(false);
    // Only a change that may remove an admin needs the admins locked.
    if stops_being_admin && repo::lock_active_admins(&mut tx).await? == [id] {
        return Err(last_admin());
    }
    let before = UserView::from(repo::find_by_id(&mut tx, id).await?.ok_or_else(not_found)?);
    let changes = UserChanges {
        full_name: full_name.as_deref(),
        role: patch.role,
        active: patch.active,
        phone: phone.as_deref(),
    };
    let after = UserView::from(repo::update(&mut tx, id, &changes).await?.ok_or_else(not_found)?);
    audit::updated(&mut tx, user.audit(), &before, &after).await?;
    if before.role != after.role {
        let change = json!({"before": before.role, "after": after.role});
        audit::record(&mut tx, user.audit(), Entry::new("user.role_changed", "user", Some(id), change)).await?;
    }
    if before.active != after.active {
        let action = if after.active { "user.activated" } else { "user.deactivated" };
        audit::record(&mut tx, user.audit(), Entry::new(action, "user", Some(id), json!({}))).await?;
        if !after.active {
            refresh::revoke_subject(&mut tx, Store::Tenant, id, None).await?;
        }
    }
    tx.commit().await?;
    Ok(after)
}

/// Deletes a user and their avatar file; the last active admin cannot be deleted (409
/// `last_admin`).
pub async fn delete(user: &TenantUser, avatars: &ImageStore, id: Uuid) -> ApiResult<()> {
    let mut tx = user.begin().await?;
    if repo::lock_active_admins(&mut tx).await? == [id] {
        return Err(last_admin());
    }
    let gone = repo::find_by_id(&mut tx, id).await?.ok_or_else(not_found)?;
    let avatar = gone.avatar_file.clone();
    repo::delete(&mut tx, id).await?;
    audit::deleted(&mut tx, user.audit(), &UserView::from(gone)).await?;
    tx.commit().await?;
    if let Some(avatar) = avatar {
        avatars.remove(user.tenant.id, ImageFolder::Avatars, &avatar).await;
    }
    Ok(())
}

/// The signed-in user's own row; a deleted or deactivated account is signed out (401).
pub async fn me(user: &TenantUser) -> ApiResult<User> {
    match repo::find_by_id(&mut user.db().await?, user.user_id).await? {
        Some(found) if found.active => Ok(found),
        _ => Err(ApiError::Unauthorized("this account no longer exists or is inactive".to_owned())),
    }
}

/// Changes one's own name and phone.
pub async fn update_profile(user: &TenantUser, input: &ProfileUpdate) -> ApiResult<UserView> {
    let before = UserView::from(me(user).await?);
    let mut checks = Checks::new();
    let full_name = checks.required("full_name", &input.full_name, 120);
    let phone = checks.phone("phone", input.phone.as_deref());
    checks.finish()?;
    let mut tx = user.begin().await?;
    let after = UserView::from(repo::update_profile(&mut tx, user.user_id, &full_name, phone.as_deref()).await?);
    let changes = audit::changes(Some(&before), Some(&after));
    audit::record(&mut tx, user.audit(), Entry::new("user.profile_updated", "user", Some(user.user_id), changes))
        .await?;
    tx.commit().await?;
    Ok(after)
}

/// Changes one's own password: the old one is required (a wrong one counts against the
/// sign-in throttle), the new one must pass the policy, and every other sign-in (refresh
/// family) of the user is revoked.
pub async fn change_password(user: &TenantUser, sessions: &Sessions, input: &PasswordChange) -> ApiResult<()> {
    let me = me(user).await?;
    if let Err(message) = password::check_policy(&input.new_password, &me.email) {
        return Err(ApiError::invalid("new_password", message));
    }
    sessions.guard.attempt(Some(user.tenant.id), &me.email, user.ip())?;
    let verified = sessions
        .passwords
        .verify(&input.old_password, Some(&me.password_hash))
        .await
        .inspect_err(|_| sessions.guard.withdraw(Some(user.tenant.id), &me.email, user.ip()))?;
    if !verified {
        return Err(ApiError::invalid("old_password", "is not the current password"));
    }
    sessions.guard.succeeded(Some(user.tenant.id), &me.email, user.ip());
    let hash = sessions.passwords.hash(&input.new_password).await?;
    let mut tx = user.begin().await?;
    repo::set_password(&mut tx, me.id, &hash).await?;
    let revoked = refresh::revoke_subject(&mut tx, Store::Tenant, me.id, user.family).await?;
    let entry = Entry::new("user.password_changed", "user", Some(me.id), json!({"sessions_revoked": revoked}));
    audit::record(&mut tx, user.audit(), entry).await?;
    tx.commit().await?;
    Ok(())
}

/// One's own avatar image.
pub async fn avatar(user: &TenantUser, avatars: &ImageStore) -> ApiResult<Image> {
    let me = me(user).await?;
    let (Some(file), Some(content_type)) = (me.avatar_file, me.avatar_content_type) else {
        return Err(ApiError::not_found("avatar"));
    };
    let bytes = avatars.read(user.tenant.id, ImageFolder::Avatars, &file).await.map_err(|e| {
        tracing::warn!(error = %e, "avatar file missing");
        ApiError::not_found("avatar")
    })?;
    Ok(Image { bytes, content_type })
}

/// Stores a new avatar (its type read from the bytes) and removes the one it replaces.
pub async fn set_avatar(user: &TenantUser, avatars: &ImageStore, bytes: &[u8]) -> ApiResult<UserView> {
    let me = me(user).await?;
    let (content_type, extension) = images::check(bytes, "an avatar")?;
    let file =
        avatars.save(user.tenant.id, ImageFolder::Avatars, bytes, extension).await.map_err(ApiError::internal)?;
    let mut tx = user.begin().await?;
    repo::set_avatar(&mut tx, me.id, &file, content_type).await?;
    let changes = json!({"content_type": content_type, "bytes": bytes.len()});
    audit::record(&mut tx, user.audit(), Entry::new("user.avatar_changed", "user", Some(me.id), changes)).await?;
    tx.commit().await?;
    if let Some(old) = &me.avatar_file {
        avatars.remove(user.tenant.id, ImageFolder::Avatars, old).await;
    }
    let mut view = UserView::from(me);
    view.has_avatar = true;
    Ok(view)
}

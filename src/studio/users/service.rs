//! The rules of users: valid input, the last active admin, and the security events each
//! change records.

use serde_json::json;
use uuid::Uuid;

use crate::auth::password::{self, PasswordHasherConfig};
use crate::auth::refresh::{self, Store};
use crate::auth::roles::Role;
use crate::db::TenantDb;
use crate::http::{ApiError, ApiResult, FieldError};
use crate::studio::audit::{self, AuditContext, Entry};
use crate::studio::fields::Checks;
use crate::studio::users::model::{NewUserInput, ProfileUpdate, User, UserUpdate, UserView};
use crate::studio::users::repo::{self, NewUser};

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

pub async fn get(db: &mut TenantDb, id: Uuid) -> ApiResult<User> {
    repo::find_by_id(db, id).await?.ok_or_else(not_found)
}

/// Creates a user (admins only; the route says so).
pub async fn create(
    mut db: TenantDb,
    ctx: &AuditContext,
    passwords: &PasswordHasherConfig,
    input: &NewUserInput,
) -> ApiResult<UserView> {
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
    let hash = passwords.hash(&input.password).await?;
    db.begin().await?;
    let new = NewUser {
        email: &email,
        full_name: &full_name,
        password_hash: &hash,
        role: input.role,
        phone: phone.as_deref(),
    };
    let user = repo::insert(&mut db, &new).await?;
    let view = UserView::from(user);
    audit::record(
        &mut db,
        ctx,
        Entry::new("user.created", "user", Some(view.id.to_string()), audit::changes(None, Some(&view))),
    )
    .await?;
    db.commit().await?;
    Ok(view)
}

/// Applies an admin's changes. Demoting or deactivating the last active admin is refused
/// (409 `last_admin`); a deactivation revokes every sign-in of the user at once.
pub async fn update(mut db: TenantDb, ctx: &AuditContext, id: Uuid, patch: &UserUpdate) -> ApiResult<UserView> {
    let mut checks = Checks::new();
    let full_name = patch.full_name.as_deref().map(|n| checks.required("full_name", n, 120));
    let phone = checks.phone("phone", patch.phone.as_deref());
    checks.finish()?;
    db.begin().await?;
    let stops_being_admin = patch.role.is_some_and(|r| r != Role::Admin) || patch.active == Some(false);
    // Only a change that may remove an admin needs the admins locked.
    if stops_being_admin && repo::lock_active_admins(&mut db).await? == [id] {
        return Err(last_admin());
    }
    let before = repo::find_by_id(&mut db, id).await?.ok_or_else(not_found)?;
    let after = repo::update(&mut db, id, full_name.as_deref(), patch.role, patch.active, phone.as_deref())
        .await?
        .ok_or_else(not_found)?;
    let (before, after) = (UserView::from(before), UserView::from(after));
    let entity_id = Some(id.to_string());
    audit::record(
        &mut db,
        ctx,
        Entry::new("user.updated", "user", entity_id.clone(), audit::changes(Some(&before), Some(&after))),
    )
    .await?;
    if before.role != after.role {
        let change = json!({"before": before.role, "after": after.role});
        audit::record(&mut db, ctx, Entry::new("user.role_changed", "user", entity_id.clone(), change)).await?;
    }
    if before.active != after.active {
        let action = if after.active { "user.activated" } else { "user.deactivated" };
        audit::record(&mut db, ctx, Entry::new(action, "user", entity_id, json!({}))).await?;
        if !after.active {
            refresh::revoke_subject(&mut db, Store::Tenant, id, None).await?;
        }
    }
    db.commit().await?;
    Ok(after)
}

/// Deletes a user; the last active admin cannot be deleted (409 `last_admin`). Returns the
/// avatar file to remove once the deletion is committed.
pub async fn delete(mut db: TenantDb, ctx: &AuditContext, id: Uuid) -> ApiResult<Option<String>> {
    db.begin().await?;
    let admins = repo::lock_active_admins(&mut db).await?;
    if admins == [id] {
        return Err(last_admin());
    }
    let user = repo::find_by_id(&mut db, id).await?.ok_or_else(not_found)?;
    let avatar = user.avatar_file.clone();
    repo::delete(&mut db, id).await?;
    let view = UserView::from(user);
    audit::record(
        &mut db,
        ctx,
        Entry::new("user.deleted", "user", Some(id.to_string()), audit::changes(Some(&view), None)),
    )
    .await?;
    db.commit().await?;
    Ok(avatar)
}

/// Changes one's own name and phone.
pub async fn update_profile(
    mut db: TenantDb,
    ctx: &AuditContext,
    id: Uuid,
    input: &ProfileUpdate,
) -> ApiResult<UserView> {
    let mut checks = Checks::new();
    let full_name = checks.required("full_name", &input.full_name, 120);
    let phone = checks.phone("phone", input.phone.as_deref());
    checks.finish()?;
    db.begin().await?;
    let before = UserView::from(repo::find_by_id(&mut db, id).await?.ok_or_else(not_found)?);
    repo::update_profile(&mut db, id, &full_name, phone.as_deref()).await?;
    let after = UserView::from(repo::find_by_id(&mut db, id).await?.ok_or_else(not_found)?);
    audit::record(
        &mut db,
        ctx,
        Entry::new("user.profile_updated", "user", Some(id.to_string()), audit::changes(Some(&before), Some(&after))),
    )
    .await?;
    db.commit().await?;
    Ok(after)
}

/// Changes one's own password: the old one is required, the new one must pass the policy,
/// and every other sign-in (refresh family) of the user is revoked.
pub async fn change_password(
    mut db: TenantDb,
    ctx: &AuditContext,
    passwords: &PasswordHasherConfig,
    user: &User,
    keep_family: Option<Uuid>,
    old_password: &str,
    new_password: &str,
) -> ApiResult<()> {
    if let Err(message) = password::check_policy(new_password, &user.email) {
        return Err(ApiError::invalid("new_password", message));
    }
    if !passwords.verify(old_password, Some(&user.password_hash)).await {
        return Err(ApiError::Validation(vec![FieldError::new("old_password", "is not the current password")]));
    }
    let hash = passwords.hash(new_password).await?;
    db.begin().await?;
    repo::set_password(&mut db, user.id, &hash).await?;
    let revoked = refresh::revoke_subject(&mut db, Store::Tenant, user.id, keep_family).await?;
    audit::record(
        &mut db,
        ctx,
        Entry::new("user.password_changed", "user", Some(user.id.to_string()), json!({"sessions_revoked": revoked})),
    )
    .await?;
    db.commit().await?;
    Ok(())
}

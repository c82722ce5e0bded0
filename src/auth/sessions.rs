//! Sessions: signing in, refreshing and signing out, for a studio's users and for platform
//! operators. Each is one unit of work — the throttle, the password check, the refresh-token
//! family and the audit row — so the API handlers only parse and answer.

use std::sync::Arc;

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Entry};
use crate::auth::jwt::{JwtKeys, Subject};
use crate::auth::login_guard::LoginGuard;
use crate::auth::password::PasswordHasherConfig;
use crate::auth::refresh::{self, Issued, Rotation, Store};
use crate::auth::users::model::User;
use crate::auth::users::repo;
use crate::auth::{TokenResponse, bad_credentials, bad_refresh, operators};
use crate::config::AuthSettings;
use crate::db::TenantPool;
use crate::http::ApiResult;
use crate::http::request_context::RequestOrigin;
use crate::tenancy::model::Tenant;

/// Everything signing in needs, shared by every request.
pub struct Sessions {
    pub jwt: Arc<JwtKeys>,
    pub passwords: Arc<PasswordHasherConfig>,
    /// Sign-in throttling per account and per client IP.
    pub guard: LoginGuard,
    tenants: TenantPool,
    catalog: PgPool,
    refresh_ttl: i64,
}

fn anonymous(origin: &RequestOrigin) -> AuditContext {
    AuditContext { actor_id: None, request_id: origin.request_id.clone(), ip: origin.ip }
}

impl Sessions {
    pub fn new(
        settings: &AuthSettings,
        jwt: Arc<JwtKeys>,
        passwords: Arc<PasswordHasherConfig>,
        tenants: TenantPool,
        catalog: PgPool,
    ) -> Sessions {
        Sessions {
            jwt,
            passwords,
            guard: LoginGuard::new(settings),
            tenants,
            catalog,
            refresh_ttl: settings.refresh_token_ttl_seconds,
        }
    }

    /// An access token for `user` of `tenant`, paired with the sign-in's refresh token.
    fn user_tokens(&self, tenant: &Tenant, user: &User, session: Issued) -> TokenResponse {
        let subject =
            Subject { id: user.id, tenant: Some(tenant.id), role: user.role.as_str(), family: Some(session.family) };
        TokenResponse::new(self.jwt.issue(subject), session)
    }

    fn operator_tokens(&self, id: Uuid, session: Issued) -> TokenResponse {
        TokenResponse::new(
            self.jwt.issue(Subject { id, tenant: None, role: "operator", family: Some(session.family) }),
            session,
        )
    }

    /// Signs a studio user in: throttled per account and IP, the password verified even for
    /// an unknown email (same time, same answer), every attempt audited.
    pub async fn login(
        &self,
        tenant: &Tenant,
        origin: &RequestOrigin,
        email: &str,
        password: &str,
    ) -> ApiResult<TokenResponse> {
        let email = email.trim();
        self.guard.attempt(Some(tenant.id), email, origin.ip)?;
        let mut db = self.tenants.acquire(&tenant.schema).await?;
        let user = repo::find_by_email(&mut db, email).await?;
        // Verified even when the user does not exist, so both cases take the same time.
        let verified = self
            .passwords
            .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await
            .inspect_err(|_| self.guard.withdraw(Some(tenant.id), email, origin.ip))?;
        let user = match user {
            Some(user) if verified && user.active => user,
            other => {
                let reason = match &other {
                    None => "unknown_email",
                    Some(u) if !u.active => "inactive",
                    Some(_) => "wrong_password",
                };
                let details = json!({"email": email, "reason": reason});
                let entry = Entry::new("auth.login_failed", "user", other.map(|u| u.id), details);
                db.begin().await?;
                audit::record(&mut db, &anonymous(origin), entry).await?;
                db.commit().await?;
                return Err(bad_credentials());
            }
        };
        self.guard.succeeded(Some(tenant.id), email, origin.ip);
        let ctx = AuditContext { actor_id: Some(user.id), ..anonymous(origin) };
        db.begin().await?;
        repo::record_login(&mut db, user.id).await?;
        let session = refresh::start_family(&mut db, Store::Tenant, user.id, self.refresh_ttl).await?;
        audit::record(&mut db, &ctx, Entry::new("auth.login", "user", Some(user.id), json!({}))).await?;
        db.commit().await?;
        Ok(self.user_tokens(tenant, &user, session))
    }

    /// Exchanges a studio user's refresh token for a new pair; a reused token revokes its
    /// whole family (audited), a deactivated user's family ends.
    pub async fn refresh(&self, tenant: &Tenant, origin: &RequestOrigin, token: &str) -> ApiResult<TokenResponse> {
        let mut db = self.tenants.acquire(&tenant.schema).await?;
        db.begin().await?;
        match refresh::rotate(&mut db, Store::Tenant, token, self.refresh_ttl).await? {
            Rotation::Rotated { subject, issued } => {
                let Some(user) = repo::find_by_id(&mut db, subject).await?.filter(|u| u.active) else {
                    // Deactivated (or deleted) since: the family ends here.
                    refresh::revoke_family(&mut db, Store::Tenant, issued.family).await?;
                    db.commit().await?;
                    return Err(bad_refresh());
                };
                db.commit().await?;
                Ok(self.user_tokens(tenant, &user, issued))
            }
            Rotation::Reused { subject, family } => {
                let ctx = AuditContext { actor_id: Some(subject), ..anonymous(origin) };
                let entry = Entry::new("auth.refresh_reuse_detected", "user", Some(subject), json!({"family": family}));
                audit::record(&mut db, &ctx, entry).await?;
                db.commit().await?;
                Err(bad_refresh())
            }
            Rotation::Invalid => Err(bad_refresh()),
        }
    }

    /// Revokes the family of a studio user's refresh token (an unknown token does nothing).
    pub async fn logout(&self, tenant: &Tenant, origin: &RequestOrigin, token: &str) -> ApiResult<()> {
        let mut db = self.tenants.acquire(&tenant.schema).await?;
        db.begin().await?;
        if let Some((family, subject)) = refresh::revoke_by_token(&mut db, Store::Tenant, token).await? {
            let ctx = AuditContext { actor_id: Some(subject), ..anonymous(origin) };
            let entry = Entry::new("auth.logout", "user", Some(subject), json!({"family": family}));
            audit::record(&mut db, &ctx, entry).await?;
        }
        db.commit().await?;
        Ok(())
    }

    /// Signs an operator in, with the same throttle and timing rules as a studio user.
    pub async fn operator_login(
        &self,
        origin: &RequestOrigin,
        email: &str,
        password: &str,
    ) -> ApiResult<TokenResponse> {
        let email = email.trim();
        self.guard.attempt(None, email, origin.ip)?;
        let operator = operators::find_by_email(&self.catalog, email).await?;
        let verified = self
            .passwords
            .verify(password, operator.as_ref().map(|o| o.password_hash.as_str()))
            .await
            .inspect_err(|_| self.guard.withdraw(None, email, origin.ip))?;
        let operator = match operator {
            Some(op) if verified && op.active => op,
            _ => {
                tracing::warn!(operator.email = %email, "operator sign-in failed");
                return Err(bad_credentials());
            }
        };
        self.guard.succeeded(None, email, origin.ip);
        let mut tx = self.catalog.begin().await?;
        operators::record_login(&mut tx, operator.id).await?;
        let session = refresh::start_family(&mut *tx, Store::Platform, operator.id, self.refresh_ttl).await?;
        tx.commit().await?;
        Ok(self.operator_tokens(operator.id, session))
    }

    /// Exchanges an operator's refresh token (used once; reuse revokes the whole sign-in).
    pub async fn operator_refresh(&self, token: &str) -> ApiResult<TokenResponse> {
        let mut tx = self.catalog.begin().await?;
        match refresh::rotate(&mut *tx, Store::Platform, token, self.refresh_ttl).await? {
            Rotation::Rotated { subject, issued } => {
                if !operators::is_active(&mut tx, subject).await? {
                    refresh::revoke_family(&mut *tx, Store::Platform, issued.family).await?;
                    tx.commit().await?;
                    return Err(bad_refresh());
                }
                tx.commit().await?;
                Ok(self.operator_tokens(subject, issued))
            }
            Rotation::Reused { subject, family } => {
                tracing::warn!(operator.id = %subject, %family, "operator refresh token reused: sign-in revoked");
                tx.commit().await?;
                Err(bad_refresh())
            }
            Rotation::Invalid => Err(bad_refresh()),
        }
    }

    /// Revokes an operator's refresh token and its sign-in.
    pub async fn operator_logout(&self, token: &str) -> ApiResult<()> {
        let mut conn = self.catalog.acquire().await?;
        refresh::revoke_by_token(&mut *conn, Store::Platform, token).await?;
        Ok(())
    }
}

//! Access tokens: HS256 JWTs carrying `sub`, `tid` (tenant tokens), `role`, `scope`, `iat`,
//! `exp`, `jti`. The audience separates tenant tokens from platform tokens, so neither is
//! accepted where the other belongs; the algorithm is pinned, so `none` or an RS/HS swap
//! is refused.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::AuthSettings;

pub const TENANT_AUDIENCE: &str = "fotostudio:tenant";
pub const PLATFORM_AUDIENCE: &str = "fotostudio:platform";

/// What a token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user (or operator) id.
    pub sub: Uuid,
    /// The tenant id; absent on platform tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<Uuid>,
    /// The user's role in the tenant (`admin`, ...), or `operator`.
    pub role: String,
    /// `tenant` or `platform`.
    pub scope: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
}

/// Signing and verification keys.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_seconds: i64,
    leeway_seconds: u64,
}

/// A freshly issued access token.
pub struct IssuedToken {
    pub token: String,
    pub expires_in: i64,
}

impl JwtKeys {
    pub fn new(settings: &AuthSettings) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(settings.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(settings.jwt_secret.as_bytes()),
            ttl_seconds: settings.access_token_ttl_seconds,
            leeway_seconds: settings.leeway_seconds,
        }
    }

    fn issue(&self, sub: Uuid, tid: Option<Uuid>, role: &str, audience: &str) -> IssuedToken {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub,
            tid,
            role: role.to_owned(),
            scope: if tid.is_some() { "tenant" } else { "platform" }.to_owned(),
            aud: audience.to_owned(),
            iat: now,
            exp: now + self.ttl_seconds,
            jti: Uuid::new_v4(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail");
        IssuedToken {
            token,
            expires_in: self.ttl_seconds,
        }
    }

    /// A token for a user of one tenant.
    pub fn issue_tenant(&self, user_id: Uuid, tenant_id: Uuid, role: &str) -> IssuedToken {
        self.issue(user_id, Some(tenant_id), role, TENANT_AUDIENCE)
    }

    /// A token for a platform operator (no tenant).
    pub fn issue_platform(&self, operator_id: Uuid) -> IssuedToken {
        self.issue(operator_id, None, "operator", PLATFORM_AUDIENCE)
    }

    /// Verifies signature, algorithm, audience, `exp` and `iat`; `None` if anything is off.
    pub fn verify(&self, token: &str, audience: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = self.leeway_seconds;
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "aud"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        // A token "issued" in the future was not issued by us.
        let now = chrono::Utc::now().timestamp();
        if claims.iat > now + self.leeway_seconds as i64 {
            return None;
        }
        Some(claims)
    }
}

//! Access tokens: HS256 JWTs carrying `sub`, `tid` (tenant tokens), `role`, `scope`, `fam`
//! (the refresh family they came from), `iat`, `exp`, `jti`, signed with one key and
//! verified against it or any retired key still configured, chosen by the header's `kid`.
//! The audience separates tenant tokens from platform tokens, so neither is accepted where
//! the other belongs; the algorithm is pinned, so `none` or an RS/HS swap is refused.

use std::collections::HashMap;

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
    /// The refresh-token family of the sign-in this token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<Uuid>,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
}

/// Who a token is for.
pub struct Subject<'a> {
    pub id: Uuid,
    pub tenant: Option<Uuid>,
    pub role: &'a str,
    pub family: Option<Uuid>,
}

/// Signing and verification keys.
#[derive(Clone)]
pub struct JwtKeys {
    kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
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
        let mut decoding: HashMap<String, DecodingKey> = settings
            .jwt_previous_secrets
            .iter()
            .map(|(kid, secret)| (kid.clone(), DecodingKey::from_secret(secret.as_bytes())))
            .collect();
        decoding.insert(settings.jwt_kid.clone(), DecodingKey::from_secret(settings.jwt_secret.as_bytes()));
        JwtKeys {
            kid: settings.jwt_kid.clone(),
            encoding: EncodingKey::from_secret(settings.jwt_secret.as_bytes()),
            decoding,
            ttl_seconds: settings.access_token_ttl_seconds,
            leeway_seconds: settings.leeway_seconds,
        }
    }

    /// Signs an access token for `subject`: a tenant token when it names a tenant, a
    /// platform token otherwise.
    pub fn issue(&self, subject: Subject<'_>) -> IssuedToken {
        let now = chrono::Utc::now().timestamp();
        let audience = if subject.tenant.is_some() { TENANT_AUDIENCE } else { PLATFORM_AUDIENCE };
        let claims = Claims {
            sub: subject.id,
            tid: subject.tenant,
            role: subject.role.to_owned(),
            scope: if subject.tenant.is_some() { "tenant" } else { "platform" }.to_owned(),
            fam: subject.family,
            aud: audience.to_owned(),
            iat: now,
            exp: now + self.ttl_seconds,
            jti: Uuid::new_v4(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        let token =
            jsonwebtoken::encode(&header, &claims, &self.encoding).expect("HS256 signing of plain claims cannot fail");
        IssuedToken { token, expires_in: self.ttl_seconds }
    }

    /// A token for a user of one tenant (tests and tools; sign-in goes through `issue`).
    pub fn issue_tenant(&self, user_id: Uuid, tenant_id: Uuid, role: &str) -> IssuedToken {
        self.issue(Subject { id: user_id, tenant: Some(tenant_id), role, family: None })
    }

    /// Verifies the key (by `kid`), signature, algorithm, audience, `exp` and `iat`;
    /// `None` if anything is off.
    pub fn verify(&self, token: &str, audience: &str) -> Option<Claims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::HS256 {
            return None;
        }
        let key = self.decoding.get(header.kid.as_deref()?)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = self.leeway_seconds;
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "aud"]);
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation).ok()?.claims;
        // A token "issued" in the future was not issued by us.
        let now = chrono::Utc::now().timestamp();
        if claims.iat > now + self.leeway_seconds as i64 {
            return None;
        }
        Some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kid: &str, secret: &str, previous: &[(&str, &str)]) -> AuthSettings {
        let mut s =
            crate::config::Settings::load_env(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), "test").unwrap().auth;
        s.jwt_kid = kid.into();
        s.jwt_secret = secret.into();
        s.jwt_previous_secrets = previous.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        s
    }

    const OLD: &str = "an-old-secret-that-is-long-enough-0000";
    const NEW: &str = "a-new-secret-that-is-long-enough-11111";

    #[test]
    fn tokens_of_a_retired_key_verify_until_the_key_is_dropped() {
        let old = JwtKeys::new(&settings("k0", OLD, &[]));
        let token = old.issue_tenant(Uuid::nil(), Uuid::nil(), "admin").token;
        let rotated = JwtKeys::new(&settings("k1", NEW, &[("k0", OLD)]));
        assert!(rotated.verify(&token, TENANT_AUDIENCE).is_some());
        let dropped = JwtKeys::new(&settings("k1", NEW, &[]));
        assert!(dropped.verify(&token, TENANT_AUDIENCE).is_none(), "unknown kid is refused");
    }

    #[test]
    fn a_token_signed_with_a_known_kid_but_another_secret_is_refused() {
        let forger = JwtKeys::new(&settings("k1", "someone-elses-secret-of-enough-length", &[]));
        let token = forger.issue_tenant(Uuid::nil(), Uuid::nil(), "admin").token;
        assert!(JwtKeys::new(&settings("k1", NEW, &[])).verify(&token, TENANT_AUDIENCE).is_none());
    }
}

//! Identity: password hashing, access tokens, roles and the permission table, the request
//! extractors that say who is calling, and the sign-in APIs of studios and operators.

pub mod api;
pub mod extract;
pub mod jwt;
pub mod login_guard;
pub mod operators;
pub mod password;
pub mod permissions;
pub mod platform_api;
pub mod refresh;
pub mod roles;
pub mod sessions;
pub mod users;

use poem_openapi::Object;

/// Email and password.
#[derive(Debug, Object)]
pub struct LoginRequest {
    #[oai(validator(max_length = 254))]
    pub email: String,
    #[oai(validator(max_length = 256))]
    pub password: String,
}

/// An access token and the refresh token that renews it.
#[derive(Debug, Object, serde::Serialize)]
pub struct TokenResponse {
    /// A JWT for `Authorization: Bearer`, valid `expires_in` seconds.
    pub access_token: String,
    /// Opaque; exchange it at the `refresh` route before `refresh_expires_in` seconds pass.
    /// Each refresh token works once: the answer carries its successor.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: i64,
}

impl TokenResponse {
    pub fn new(access: jwt::IssuedToken, refresh: refresh::Issued) -> TokenResponse {
        TokenResponse {
            access_token: access.token,
            refresh_token: refresh.token,
            token_type: "Bearer".to_owned(),
            expires_in: access.expires_in,
            refresh_expires_in: refresh.expires_in,
        }
    }
}

/// A refresh token presented to be exchanged or revoked.
#[derive(Debug, Object)]
pub struct RefreshRequest {
    #[oai(validator(max_length = 128))]
    pub refresh_token: String,
}

/// The answer to a refresh token that is unknown, expired, revoked or already used.
pub fn bad_refresh() -> crate::http::ApiError {
    crate::http::ApiError::Unauthorized("invalid or expired refresh token".to_owned())
}

/// The answer to every failed sign-in, whatever the reason: it must not reveal whether the
/// account exists.
pub fn bad_credentials() -> crate::http::ApiError {
    crate::http::ApiError::Unauthorized("invalid email or password".to_owned())
}

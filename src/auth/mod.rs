//! Identity: password hashing, access tokens, roles and the permission table, the request
//! extractors that say who is calling, and the sign-in APIs of studios and operators.

pub mod api;
pub mod extract;
pub mod jwt;
pub mod operators;
pub mod password;
pub mod permissions;
pub mod platform_api;
pub mod roles;

use poem_openapi::Object;

/// Email and password.
#[derive(Debug, Object)]
pub struct LoginRequest {
    #[oai(validator(max_length = 254))]
    pub email: String,
    #[oai(validator(max_length = 256))]
    pub password: String,
}

/// An access token.
#[derive(Debug, Object, serde::Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

impl TokenResponse {
    pub fn bearer(issued: jwt::IssuedToken) -> TokenResponse {
        TokenResponse {
            access_token: issued.token,
            token_type: "Bearer".to_owned(),
            expires_in: issued.expires_in,
        }
    }
}

/// The answer to every failed sign-in, whatever the reason: it must not reveal whether the
/// account exists.
pub fn bad_credentials() -> crate::http::ApiError {
    crate::http::ApiError::Unauthorized("invalid email or password".to_owned())
}

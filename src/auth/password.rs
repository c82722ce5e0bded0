//! Password hashing (argon2id, parameters from config) and the password policy.
//! Hashing runs on the blocking pool: it is deliberately slow and must not stall the runtime.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::AuthSettings;
use crate::http::ApiError;

pub const MIN_PASSWORD_LENGTH: usize = 10;
pub const MAX_PASSWORD_LENGTH: usize = 256;

/// Hashes and verifies passwords with the configured argon2id parameters.
///
/// Each computation holds `argon2_memory_kib` of memory for its duration, so at most
/// `permits` run at once (by default one per core: more would only queue on the CPU while
/// holding memory); the rest wait up to `queue` for a turn and are then answered 503 with
/// Retry-After. Memory stays flat however many sign-ins arrive.
#[derive(Clone)]
pub struct PasswordHasherConfig {
    params: Params,
    permits: Arc<Semaphore>,
    queue: Duration,
    /// A hash of a random password, verified against when the account does not exist so an
    /// unknown email costs the same time as a wrong password.
    dummy_hash: String,
}

impl PasswordHasherConfig {
    pub fn new(settings: &AuthSettings) -> PasswordHasherConfig {
        let params =
            Params::new(settings.argon2_memory_kib, settings.argon2_iterations, settings.argon2_parallelism, None)
                .expect("argon2 parameters were validated with the settings");
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let permits = if settings.argon2_max_concurrent == 0 { cores } else { settings.argon2_max_concurrent };
        let mut config = PasswordHasherConfig {
            params,
            permits: Arc::new(Semaphore::new(permits)),
            queue: Duration::from_millis(settings.argon2_queue_ms),
            dummy_hash: String::new(),
        };
        config.dummy_hash = config.hash_now(&uuid::Uuid::new_v4().to_string());
        config
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn hash_now(&self, password: &str) -> String {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .expect("hashing with valid parameters cannot fail")
            .to_string()
    }

    /// A turn to compute, or 503 when every turn stays taken for longer than the queue wait.
    async fn turn(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        match tokio::time::timeout(self.queue, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::Unavailable {
                code: "service_unavailable",
                detail: "too many sign-ins at once; try again in a moment".to_owned(),
                retry_after_seconds: 1,
            }),
        }
    }

    /// Hashes a password (PHC string).
    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        let permit = self.turn().await?;
        let this = self.clone();
        let password = password.to_owned();
        let hashed = tokio::task::spawn_blocking(move || this.hash_now(&password)).await.map_err(ApiError::internal);
        drop(permit);
        hashed
    }

    /// Checks a password against a stored hash; with `None` (no such account) it checks
    /// against a dummy hash and answers false, taking the same time.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, ApiError> {
        let permit = self.turn().await?;
        let exists = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let this = self.clone();
        let password = password.to_owned();
        let verified = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| this.argon2().verify_password(password.as_bytes(), &parsed).is_ok())
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        drop(permit);
        Ok(exists && verified)
    }
}

/// The policy: at least 10 characters (at most 256), not the email itself.
pub fn check_policy(password: &str, email: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LENGTH {
        return Err("must be at least 10 characters long");
    }
    if length > MAX_PASSWORD_LENGTH {
        return Err("must be at most 256 characters long");
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err("must not be the email address");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_account_costs_a_real_verification_with_the_same_parameters() {
        let settings =
            crate::config::Settings::load_env(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), "test").unwrap().auth;
        let config = PasswordHasherConfig::new(&settings);
        let real = config.hash_now("a real password here");
        let (dummy, real) = (PasswordHash::new(&config.dummy_hash).unwrap(), PasswordHash::new(&real).unwrap());
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.params, real.params, "same memory, iterations and parallelism: same time");
    }

    #[test]
    fn policy_refuses_short_passwords_and_the_email() {
        assert!(check_policy("short", "a@b.pe").is_err());
        assert!(check_policy("Ana@Estudio.pe", "ana@estudio.pe").is_err());
        assert!(check_policy("a long enough secret", "ana@estudio.pe").is_ok());
    }
}

//! Sign-in throttling: failures are counted per account (studio + email, whether or not the
//! account exists) and per client IP; past the limit every attempt — right password or not —
//! answers 429 with Retry-After until the window passes. Unknown and known accounts are
//! counted and answered alike, so the throttle reveals nothing about who has an account.

use std::net::IpAddr;
use std::time::Duration;

use uuid::Uuid;

use crate::config::AuthSettings;
use crate::http::ApiError;
use crate::http::rate_limit::RateLimiter;

/// An account's key: the studio (`None` for platform operators) and the email as typed,
/// trimmed and lower-cased.
type AccountKey = (Option<Uuid>, String);

pub struct LoginGuard {
    accounts: RateLimiter<AccountKey>,
    ips: RateLimiter<IpAddr>,
}

fn account(scope: Option<Uuid>, email: &str) -> AccountKey {
    (scope, email.trim().to_lowercase())
}

impl LoginGuard {
    pub fn new(settings: &AuthSettings) -> LoginGuard {
        let window = Duration::from_secs(settings.login_throttle_seconds);
        LoginGuard {
            accounts: RateLimiter::new(settings.login_max_failures_per_account, window, 1_000_000),
            ips: RateLimiter::new(settings.login_max_failures_per_ip, window, 1_000_000),
        }
    }

    /// 429 if the account or the IP is throttled.
    pub fn check(&self, scope: Option<Uuid>, email: &str, ip: Option<IpAddr>) -> Result<(), ApiError> {
        self.accounts.check(&account(scope, email))?;
        if let Some(ip) = ip {
            self.ips.check(&ip)?;
        }
        Ok(())
    }

    /// Counts a failed attempt against the account and the IP.
    pub fn failed(&self, scope: Option<Uuid>, email: &str, ip: Option<IpAddr>) {
        self.accounts.record(account(scope, email));
        if let Some(ip) = ip {
            self.ips.record(ip);
        }
    }

    /// A successful sign-in clears the account's failures (not the IP's).
    pub fn succeeded(&self, scope: Option<Uuid>, email: &str) {
        self.accounts.reset(&account(scope, email));
    }
}

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
            accounts: RateLimiter::new(settings.login_max_failures_per_account, window, 200_000),
            ips: RateLimiter::new(settings.login_max_failures_per_ip, window, 200_000),
        }
    }

    /// Reserves one attempt for the account and the IP, or 429 (Retry-After) if either has
    /// none left. The reservation counts as a failure unless `succeeded` gives it back, so
    /// however many attempts arrive at once, at most the limit is ever evaluated.
    pub fn attempt(&self, scope: Option<Uuid>, email: &str, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let key = account(scope, email);
        self.accounts.acquire(key.clone())?;
        if let Some(ip) = ip
            && let Err(e) = self.ips.acquire(ip)
        {
            self.accounts.release(&key);
            return Err(e);
        }
        Ok(())
    }

    /// Gives back a reservation whose password was never evaluated (the server was busy).
    pub fn withdraw(&self, scope: Option<Uuid>, email: &str, ip: Option<IpAddr>) {
        self.accounts.release(&account(scope, email));
        if let Some(ip) = ip {
            self.ips.release(&ip);
        }
    }

    /// A correct password: the account's failures are forgotten and the IP's reservation
    /// given back (an office signing in all day is not an attacker).
    pub fn succeeded(&self, scope: Option<Uuid>, email: &str, ip: Option<IpAddr>) {
        self.accounts.reset(&account(scope, email));
        if let Some(ip) = ip {
            self.ips.release(&ip);
        }
    }
}

//! A fixed-window counter keyed by anything (client IP, account, ...), in memory per
//! instance: sign-up limits and sign-in throttling. It blunts floods and guessing; it is
//! not a global quota (each instance counts on its own).

use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;

use crate::http::ApiError;

/// At most `limit` events per key per `window`.
pub struct RateLimiter<K: Hash + Eq + Send + Sync + 'static> {
    windows: Cache<K, Arc<Mutex<Window>>>,
    limit: u32,
    window: Duration,
}

struct Window {
    started: Instant,
    events: u32,
}

impl<K: Hash + Eq + Clone + Send + Sync + 'static> RateLimiter<K> {
    pub fn new(limit: u32, window: Duration, max_keys: u64) -> RateLimiter<K> {
        RateLimiter { windows: Cache::builder().max_capacity(max_keys).time_to_live(window).build(), limit, window }
    }

    /// 429 with Retry-After when `key` has used up its events in the current window.
    pub fn check(&self, key: &K) -> Result<(), ApiError> {
        let Some(window) = self.windows.get(key) else {
            return Ok(());
        };
        let window = window.lock().expect("rate window poisoned");
        let elapsed = window.started.elapsed();
        if window.events >= self.limit && elapsed < self.window {
            let left = self.window - elapsed;
            return Err(ApiError::TooManyRequests { retry_after_seconds: left.as_secs().max(1) });
        }
        Ok(())
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: K) {
        let window = self.windows.get_with(key, || Arc::new(Mutex::new(Window { started: Instant::now(), events: 0 })));
        let mut window = window.lock().expect("rate window poisoned");
        if window.started.elapsed() >= self.window {
            *window = Window { started: Instant::now(), events: 0 };
        }
        window.events += 1;
    }

    /// Checks, then counts: the first `limit` calls per window pass.
    pub fn hit(&self, key: K) -> Result<(), ApiError> {
        self.check(&key)?;
        self.record(key);
        Ok(())
    }

    /// Forgets `key` (a successful sign-in clears its account's failures).
    pub fn reset(&self, key: &K) {
        self.windows.invalidate(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_per_key_and_lifts_after_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_millis(200), 100);
        assert!(limiter.hit("a").is_ok());
        assert!(limiter.hit("a").is_ok());
        assert!(matches!(limiter.hit("a"), Err(ApiError::TooManyRequests { .. })));
        assert!(limiter.hit("b").is_ok(), "keys are independent");
        std::thread::sleep(Duration::from_millis(250));
        assert!(limiter.hit("a").is_ok(), "the limit lifts with the window");
        limiter.reset(&"a");
        assert!(limiter.check(&"a").is_ok());
    }
}

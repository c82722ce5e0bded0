//! A fixed-window rate limiter keyed by anything (client IP, account, ...), in memory per
//! instance. Good enough to blunt floods and guessing; not a global quota.

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use moka::sync::Cache;

use crate::http::ApiError;

/// Allows `limit` hits per key per `window`.
pub struct RateLimiter<K: Hash + Eq + Send + Sync + 'static> {
    windows: Cache<K, Arc<Window>>,
    limit: u32,
    window: Duration,
}

struct Window {
    started: Instant,
    hits: AtomicU32,
}

impl<K: Hash + Eq + Clone + Send + Sync + 'static> RateLimiter<K> {
    pub fn new(limit: u32, window: Duration, max_keys: u64) -> RateLimiter<K> {
        RateLimiter {
            windows: Cache::builder()
                .max_capacity(max_keys)
                .time_to_live(window)
                .build(),
            limit,
            window,
        }
    }

    /// Counts a hit; 429 with Retry-After once the key is over its limit in this window.
    pub fn hit(&self, key: K) -> Result<(), ApiError> {
        let window = self.windows.get_with(key, || {
            Arc::new(Window {
                started: Instant::now(),
                hits: AtomicU32::new(0),
            })
        });
        let hits = window.hits.fetch_add(1, Ordering::Relaxed) + 1;
        if hits > self.limit {
            let left = self.window.saturating_sub(window.started.elapsed());
            return Err(ApiError::TooManyRequests {
                retry_after_seconds: left.as_secs().max(1),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_per_key() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60), 100);
        assert!(limiter.hit("a").is_ok());
        assert!(limiter.hit("a").is_ok());
        assert!(matches!(
            limiter.hit("a"),
            Err(ApiError::TooManyRequests { .. })
        ));
        assert!(limiter.hit("b").is_ok());
    }
}

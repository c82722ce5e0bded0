//! A fixed-window counter keyed by anything (client IP, account, ...), in memory per
//! instance: sign-up limits, sign-in throttling, access-code guessing. Keys are bounded by
//! their callers (validated emails, IPs) and their number by the cache's capacity. It blunts floods and guessing; it is
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

    /// Takes one event for `key` if it has any left in its window, else 429 with Retry-After.
    /// Deciding and counting are one step under the key's lock: however many requests
    /// arrive at once, at most `limit` get through per window.
    pub fn acquire(&self, key: K) -> Result<(), ApiError> {
        let window = self.windows.get_with(key, || Arc::new(Mutex::new(Window { started: Instant::now(), events: 0 })));
        let mut window = window.lock().expect("rate window poisoned");
        let elapsed = window.started.elapsed();
        if elapsed >= self.window {
            *window = Window { started: Instant::now(), events: 0 };
        } else if window.events >= self.limit {
            let left = self.window - elapsed;
            return Err(ApiError::TooManyRequests { retry_after_seconds: left.as_secs().max(1) });
        }
        window.events += 1;
        Ok(())
    }

    /// Gives back one event taken by `acquire` (an attempt that turned out legitimate).
    pub fn release(&self, key: &K) {
        if let Some(window) = self.windows.get(key) {
            let mut window = window.lock().expect("rate window poisoned");
            window.events = window.events.saturating_sub(1);
        }
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
        assert!(limiter.acquire("a").is_ok());
        assert!(limiter.acquire("a").is_ok());
        assert!(matches!(limiter.acquire("a"), Err(ApiError::TooManyRequests { .. })));
        assert!(limiter.acquire("b").is_ok(), "keys are independent");
        limiter.release(&"a");
        assert!(limiter.acquire("a").is_ok(), "a released event can be taken again");
        std::thread::sleep(Duration::from_millis(250));
        assert!(limiter.acquire("a").is_ok(), "the limit lifts with the window");
        limiter.reset(&"a");
        assert!(limiter.acquire("a").is_ok());
    }

    #[test]
    fn concurrent_takers_never_exceed_the_limit() {
        let limiter = Arc::new(RateLimiter::new(5, Duration::from_secs(60), 100));
        let granted = std::sync::atomic::AtomicU32::new(0);
        std::thread::scope(|scope| {
            for _ in 0..40 {
                scope.spawn(|| {
                    if limiter.acquire("account").is_ok() {
                        granted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(granted.into_inner(), 5);
    }
}

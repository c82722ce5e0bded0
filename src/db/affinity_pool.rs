//! A connection pool that keeps connections on their studio.
//!
//! PostgreSQL re-plans every cached statement whenever a connection's search_path differs
//! from the one the statement was planned under, so switching a connection between studios
//! costs far more than the `SET` itself. Real traffic is skewed and bursty — a few studios
//! busy at any moment — so a pool that hands a caller a connection *already on its studio*
//! switches rarely. This pool does that:
//!
//! - `acquire(key)` takes the most recently used idle connection already on `key`; else, if
//!   the pool may grow, opens a new one; else the least recently used idle connection (to
//!   be switched); else waits.
//! - a released connection goes first to a waiter for its own key; waiters for other keys
//!   are passed over at most `MAX_SKIPS` times or `MAX_DETOUR`, whichever comes first, then
//!   served in arrival order — nobody waits unboundedly for "their" connection, and nobody
//!   waits while a connection is idle, except:
//! - anticipation: when callers wait but none for the released connection's key, the
//!   connection may be *held* for its key a short while (`set_hold`, a few hundred µs) — a
//!   studio's requests come in runs (a person clicking through, a client's burst), and the
//!   caller that just finished usually asks again within a round trip. A held connection
//!   goes to its key's next caller (a hit), or, once the hold expires, to the waiters as any
//!   released one. Holding pays only where callers come back, so the pool keeps a running
//!   score of holds that were taken and stops holding (probing now and then) while few are.
//!
//! It is generic over what it pools (`Manage`), so its rules are unit-tested without a
//! database.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// How many times a waiter may be passed over for waiters of the released connection's key.
const MAX_SKIPS: u32 = 4;
/// How long a waiter may be passed over at most.
const MAX_DETOUR: Duration = Duration::from_millis(20);
/// Below this share of holds taken (a running average), the pool stops holding...
const HOLD_WORTH_IT: f32 = 0.2;
/// ...except for one release in this many, to notice when holding pays again.
const HOLD_PROBE_EVERY: u64 = 16;

/// What a pool pools: how to open one, which key it is on, whether an idle one is reusable.
pub trait Manage: Send + Sync + 'static {
    type Conn: Send + 'static;
    type Key: Clone + Eq + Send + Sync + 'static;

    fn create(&self) -> impl Future<Output = Result<Self::Conn, sqlx::Error>> + Send;
    /// The key a connection is on now; `None`: none known.
    fn key_of(&self, conn: &Self::Conn) -> Option<Self::Key>;
    /// Whether an idle connection opened at `created` may be handed out again.
    fn reusable(&self, conn: &Self::Conn, created: Instant) -> bool;
}

struct Slot<C> {
    conn: C,
    created: Instant,
    idle_since: Instant,
    /// Kept for its key's next caller until then (see the module docs).
    held_until: Option<Instant>,
}

impl<C> Slot<C> {
    /// Whether anyone may take it at `now` (it is not held for its key, or no longer).
    fn free_at(&self, now: Instant) -> bool {
        self.held_until.is_none_or(|until| until <= now)
    }
}

enum Grant<C> {
    /// A released connection.
    Conn(Slot<C>),
    /// Room to open a new one (a connection was discarded).
    Open,
}

struct Waiter<M: Manage> {
    id: u64,
    key: M::Key,
    since: Instant,
    skipped: u32,
    tx: oneshot::Sender<Grant<M::Conn>>,
}

struct State<M: Manage> {
    /// Idle connections, least recently used first.
    idle: VecDeque<Slot<M::Conn>>,
    /// Connections open or being opened (idle, handed out, opening).
    open: usize,
    waiters: VecDeque<Waiter<M>>,
    next_waiter: u64,
    closed: bool,
    /// How long a released connection may be held for its key; zero: never.
    hold: Duration,
    /// Running average of holds that ended with their key's caller taking the connection.
    hold_score: f32,
    /// Releases that could have held, for probing while holding does not pay.
    hold_chances: u64,
}

/// What happened to acquires, for the benchmark and `/metrics`.
#[derive(Debug, Default)]
pub struct Counters {
    /// Handed a connection already on the caller's key.
    pub hits: AtomicU64,
    /// Handed a connection on another key (or none), to be switched.
    pub switches: AtomicU64,
    /// Connections opened.
    pub opened: AtomicU64,
    /// Acquires that had to wait.
    pub waits: AtomicU64,
    /// Released connections held for their key (anticipation).
    pub holds: AtomicU64,
    /// Holds that ended with their key's caller taking the connection (counted in `hits`).
    pub holds_taken: AtomicU64,
}

struct Inner<M: Manage> {
    manager: M,
    max_size: usize,
    wait_timeout: Duration,
    state: Mutex<State<M>>,
    counters: Counters,
}

/// Size, idle connections and waiting callers now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub max_size: usize,
    pub size: usize,
    pub available: usize,
    pub waiting: usize,
}

/// See the module docs.
pub struct AffinityPool<M: Manage> {
    inner: Arc<Inner<M>>,
}

impl<M: Manage> Clone for AffinityPool<M> {
    fn clone(&self) -> Self {
        AffinityPool { inner: self.inner.clone() }
    }
}

/// A connection handed out; back to the pool when dropped.
pub struct Pooled<M: Manage> {
    slot: Option<Slot<M::Conn>>,
    pool: Arc<Inner<M>>,
    idle_for: Duration,
}

enum Next<M: Manage> {
    Take(Slot<M::Conn>),
    Open,
    Wait(u64, oneshot::Receiver<Grant<M::Conn>>),
}

impl<M: Manage> AffinityPool<M> {
    pub fn new(manager: M, max_size: usize, wait_timeout: Duration) -> AffinityPool<M> {
        let state = State {
            idle: VecDeque::new(),
            open: 0,
            waiters: VecDeque::new(),
            next_waiter: 0,
            closed: false,
            hold: Duration::ZERO,
            hold_score: 1.0,
            hold_chances: 0,
        };
        let inner = Inner {
            manager,
            max_size: max_size.max(1),
            wait_timeout,
            state: Mutex::new(state),
            counters: Counters::default(),
        };
        AffinityPool { inner: Arc::new(inner) }
    }

    pub fn manager(&self) -> &M {
        &self.inner.manager
    }

    pub fn counters(&self) -> &Counters {
        &self.inner.counters
    }

    /// How long a released connection may be held for its key's next caller (zero: never).
    pub fn set_hold(&self, hold: Duration) {
        self.inner.lock().hold = hold;
    }

    /// A connection, preferably one already on `key` (see the module docs).
    pub async fn acquire(&self, key: &M::Key) -> Result<Pooled<M>, sqlx::Error> {
        let deadline = tokio::time::Instant::now() + self.inner.wait_timeout;
        loop {
            let next = self.inner.next(key)?;
            let slot = match next {
                Next::Take(slot) => slot,
                Next::Open => return self.open(deadline).await,
                Next::Wait(id, rx) => {
                    self.inner.counters.waits.fetch_add(1, Ordering::Relaxed);
                    match tokio::time::timeout_at(deadline, rx).await {
                        Ok(Ok(Grant::Conn(slot))) => slot,
                        Ok(Ok(Grant::Open)) => return self.open(deadline).await,
                        Ok(Err(_)) => return Err(sqlx::Error::PoolClosed),
                        Err(_) => {
                            self.inner.give_up(id);
                            return Err(sqlx::Error::PoolTimedOut);
                        }
                    }
                }
            };
            if self.inner.manager.reusable(&slot.conn, slot.created) {
                let same = self.inner.manager.key_of(&slot.conn).as_ref() == Some(key);
                let counter = if same { &self.inner.counters.hits } else { &self.inner.counters.switches };
                counter.fetch_add(1, Ordering::Relaxed);
                let idle_for = slot.idle_since.elapsed();
                return Ok(Pooled { slot: Some(slot), pool: self.inner.clone(), idle_for });
            }
            self.inner.discard(slot);
        }
    }

    /// Opens a connection in a place already counted in `open`.
    async fn open(&self, deadline: tokio::time::Instant) -> Result<Pooled<M>, sqlx::Error> {
        let created = tokio::time::timeout_at(deadline, self.inner.manager.create()).await;
        match created {
            Ok(Ok(conn)) => {
                self.inner.counters.opened.fetch_add(1, Ordering::Relaxed);
                self.inner.counters.switches.fetch_add(1, Ordering::Relaxed);
                let now = Instant::now();
                let slot = Slot { conn, created: now, idle_since: now, held_until: None };
                Ok(Pooled { slot: Some(slot), pool: self.inner.clone(), idle_for: Duration::ZERO })
            }
            failed => {
                self.inner.room_freed();
                Err(match failed {
                    Ok(Err(e)) => e,
                    _ => sqlx::Error::PoolTimedOut,
                })
            }
        }
    }

    /// Closes every idle connection now (after a connection failure: they are presumed dead).
    pub fn drop_idle(&self) {
        let dropped: Vec<_> = {
            let mut state = self.inner.lock();
            let dropped: Vec<_> = state.idle.drain(..).collect();
            state.open -= dropped.len();
            dropped
        };
        for _ in &dropped {
            self.inner.hand_room_to_a_waiter();
        }
    }

    pub fn status(&self) -> PoolStatus {
        let state = self.inner.lock();
        PoolStatus {
            max_size: self.inner.max_size,
            size: state.open,
            available: state.idle.len(),
            waiting: state.waiters.len(),
        }
    }

    /// Refuses new acquires and closes idle connections; handed-out ones close on return.
    pub fn close(&self) {
        let mut state = self.inner.lock();
        state.closed = true;
        let idle = state.idle.len();
        state.idle.clear();
        state.open -= idle;
        state.waiters.clear();
    }
}

impl<M: Manage> Inner<M> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State<M>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next(&self, key: &M::Key) -> Result<Next<M>, sqlx::Error> {
        let mut state = self.lock();
        if state.closed {
            return Err(sqlx::Error::PoolClosed);
        }
        let now = Instant::now();
        self.end_expired_holds(&mut state, now);
        // The most recently used connection on this key (held for it or not): its caches are
        // the warmest.
        if let Some(at) = state.idle.iter().rposition(|s| self.manager.key_of(&s.conn).as_ref() == Some(key)) {
            let mut slot = state.idle.remove(at).expect("the index was just found");
            if slot.held_until.take().is_some() {
                self.counters.holds_taken.fetch_add(1, Ordering::Relaxed);
                state.score_hold(true);
            }
            return Ok(Next::Take(slot));
        }
        if state.open < self.max_size {
            state.open += 1;
            return Ok(Next::Open);
        }
        if let Some(at) = state.idle.iter().position(|s| s.free_at(now)) {
            let mut slot = state.idle.remove(at).expect("the index was just found");
            if slot.held_until.take().is_some() {
                state.score_hold(false);
            }
            return Ok(Next::Take(slot));
        }
        let (tx, rx) = oneshot::channel();
        let id = state.next_waiter;
        state.next_waiter += 1;
        state.waiters.push_back(Waiter { id, key: key.clone(), since: Instant::now(), skipped: 0, tx });
        Ok(Next::Wait(id, rx))
    }

    /// A waiter that timed out leaves the queue (a grant already on its way is lost with the
    /// receiver; `release` and `room_freed` see the closed channel and try the next waiter).
    fn give_up(&self, id: u64) {
        self.lock().waiters.retain(|w| w.id != id);
    }

    /// Takes a connection back: to a waiter for its key if any, else held for its key if
    /// that pays, else to the waiter whose turn it is, else idle.
    fn release(self: &Arc<Self>, mut slot: Slot<M::Conn>) {
        let key = self.manager.key_of(&slot.conn);
        let mut state = self.lock();
        if state.closed {
            state.open -= 1;
            return;
        }
        let now = Instant::now();
        self.end_expired_holds(&mut state, now);
        state.waiters.retain(|w| !w.tx.is_closed());
        if let (Some(key), Some(chosen)) = (&key, choose(&state.waiters, key.as_ref())) {
            let for_its_key = &state.waiters[chosen].key == key;
            if !for_its_key && !overdue(&state.waiters[0]) && state.worth_holding() {
                // The oldest waiter would have had it: holding passes it over, and counts
                // towards the bound of MAX_SKIPS like any other pass.
                state.waiters[0].skipped += 1;
                self.counters.holds.fetch_add(1, Ordering::Relaxed);
                let until = now + state.hold;
                slot.held_until = Some(until);
                slot.idle_since = now;
                state.idle.push_back(slot);
                drop(state);
                self.end_hold_at(until);
                return;
            }
        }
        if let Some(slot) = self.hand_to_a_waiter(&mut state, slot) {
            state.idle.push_back(slot);
        }
    }

    /// Gives `slot` to the waiter `choose` picks (skipping those gone); back if none is left.
    fn hand_to_a_waiter(&self, state: &mut State<M>, mut slot: Slot<M::Conn>) -> Option<Slot<M::Conn>> {
        let key = self.manager.key_of(&slot.conn);
        loop {
            state.waiters.retain(|w| !w.tx.is_closed());
            let Some(chosen) = choose(&state.waiters, key.as_ref()) else {
                slot.idle_since = Instant::now();
                return Some(slot);
            };
            for passed in state.waiters.iter_mut().take(chosen) {
                passed.skipped += 1;
            }
            let waiter = state.waiters.remove(chosen).expect("chosen among the waiters");
            match waiter.tx.send(Grant::Conn(slot)) {
                Ok(()) => return None,
                Err(Grant::Conn(back)) => slot = back,
                Err(Grant::Open) => unreachable!("a connection was sent"),
            }
        }
    }

    /// Held connections whose hold is over go to the waiters, as if released now. Called on
    /// every acquire and release, so under load a hold ends close to its time; the timer of
    /// `end_hold_at` covers a quiet pool.
    fn end_expired_holds(&self, state: &mut State<M>, now: Instant) {
        while let Some(at) = state.idle.iter().position(|s| s.held_until.is_some_and(|until| until <= now)) {
            let mut slot = state.idle.remove(at).expect("the index was just found");
            slot.held_until = None;
            state.score_hold(false);
            if let Some(slot) = self.hand_to_a_waiter(state, slot) {
                state.idle.insert(at, slot);
            }
        }
    }

    /// Makes sure a hold ends by `until` even if nothing else happens in the pool.
    fn end_hold_at(self: &Arc<Self>, until: Instant) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let inner = Arc::downgrade(self);
        runtime.spawn(async move {
            tokio::time::sleep_until(until.into()).await;
            if let Some(inner) = inner.upgrade() {
                let mut state = inner.lock();
                inner.end_expired_holds(&mut state, Instant::now());
            }
        });
    }

    /// Forgets a connection that may not be reused, and gives its room to a waiter.
    fn discard(&self, slot: Slot<M::Conn>) {
        drop(slot);
        self.room_freed();
    }

    /// One fewer connection open: a waiter, if any, may open one in its place.
    fn room_freed(&self) {
        self.lock().open -= 1;
        self.hand_room_to_a_waiter();
    }

    fn hand_room_to_a_waiter(&self) {
        let mut state = self.lock();
        while state.open < self.max_size {
            let Some(waiter) = state.waiters.pop_front() else { return };
            state.open += 1;
            if waiter.tx.send(Grant::Open).is_ok() {
                return;
            }
            state.open -= 1;
        }
    }
}

impl<M: Manage> State<M> {
    /// Whether to hold a released connection for its key now (see the module docs).
    fn worth_holding(&mut self) -> bool {
        if self.hold.is_zero() {
            return false;
        }
        self.hold_chances += 1;
        self.hold_score >= HOLD_WORTH_IT || self.hold_chances.is_multiple_of(HOLD_PROBE_EVERY)
    }

    fn score_hold(&mut self, taken: bool) {
        self.hold_score = self.hold_score * 0.875 + if taken { 0.125 } else { 0.0 };
    }
}

/// Which waiter gets a connection on `key`: the first waiting for that key, unless the
/// oldest waiter has been passed over enough — then the oldest.
fn choose<M: Manage>(waiters: &VecDeque<Waiter<M>>, key: Option<&M::Key>) -> Option<usize> {
    if overdue(waiters.front()?) {
        return Some(0);
    }
    Some(waiters.iter().position(|w| Some(&w.key) == key).unwrap_or(0))
}

/// Whether a waiter has been passed over enough: it goes next, nothing is held before it.
fn overdue<M: Manage>(waiter: &Waiter<M>) -> bool {
    waiter.skipped >= MAX_SKIPS || waiter.since.elapsed() >= MAX_DETOUR
}

impl<M: Manage> Pooled<M> {
    /// How long the connection sat idle before this acquire.
    pub fn idle_for(&self) -> Duration {
        self.idle_for
    }

    /// The pool it came from.
    pub fn pool(&self) -> AffinityPool<M> {
        AffinityPool { inner: self.pool.clone() }
    }

    /// Closes the connection instead of returning it (it is broken or in an unknown state).
    pub fn detach(mut self) {
        if let Some(slot) = self.slot.take() {
            self.pool.discard(slot);
        }
    }
}

impl<M: Manage> Deref for Pooled<M> {
    type Target = M::Conn;

    fn deref(&self) -> &M::Conn {
        &self.slot.as_ref().expect("a live handle holds its connection").conn
    }
}

impl<M: Manage> DerefMut for Pooled<M> {
    fn deref_mut(&mut self) -> &mut M::Conn {
        &mut self.slot.as_mut().expect("a live handle holds its connection").conn
    }
}

impl<M: Manage> Drop for Pooled<M> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.pool.release(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    use super::*;

    /// A connection that only knows its number, its key, and whether someone holds it.
    struct Fake {
        id: usize,
        key: Option<&'static str>,
        held: Arc<AtomicBool>,
        broken: bool,
    }

    #[derive(Default)]
    struct Fakes {
        opened: AtomicUsize,
    }

    impl Manage for Fakes {
        type Conn = Fake;
        type Key = &'static str;

        async fn create(&self) -> Result<Fake, sqlx::Error> {
            let id = self.opened.fetch_add(1, Ordering::SeqCst);
            Ok(Fake { id, key: None, held: Arc::new(AtomicBool::new(false)), broken: false })
        }

        fn key_of(&self, conn: &Fake) -> Option<&'static str> {
            conn.key
        }

        fn reusable(&self, conn: &Fake, _created: Instant) -> bool {
            !conn.broken
        }
    }

    fn pool(max: usize) -> AffinityPool<Fakes> {
        AffinityPool::new(Fakes::default(), max, Duration::from_millis(300))
    }

    /// Acquires for `key` and points the connection at it (as `SET search_path` would).
    async fn on(pool: &AffinityPool<Fakes>, key: &'static str) -> Pooled<Fakes> {
        let mut conn = pool.acquire(&key).await.unwrap();
        conn.key = Some(key);
        conn
    }

    #[tokio::test]
    async fn a_caller_gets_the_connection_already_on_its_key() {
        let pool = pool(4);
        let (a, b) = (on(&pool, "a").await.id, on(&pool, "b").await.id);
        assert_ne!(a, b);
        for _ in 0..5 {
            assert_eq!(on(&pool, "a").await.id, a);
            assert_eq!(on(&pool, "b").await.id, b);
        }
        assert_eq!(pool.counters().hits.load(Ordering::SeqCst), 10);
    }

    #[tokio::test]
    async fn the_pool_grows_before_it_switches_then_switches_the_least_recently_used() {
        let pool = pool(2);
        let a = on(&pool, "a").await;
        let b = on(&pool, "b").await;
        let (a_id, b_id) = (a.id, b.id);
        drop(a);
        drop(b);
        // Full: "c" takes the connection idle the longest (a's), not b's.
        assert_eq!(on(&pool, "c").await.id, a_id);
        assert_eq!(on(&pool, "b").await.id, b_id, "b kept its connection");
        assert_eq!(pool.status().size, 2);
    }

    #[tokio::test]
    async fn a_released_connection_goes_to_a_waiter_for_its_key_but_no_waiter_is_passed_over_for_ever() {
        let pool = pool(1);
        let held = on(&pool, "a").await;
        let id = held.id;
        // Two waiters: one for "b" (first), one for "a".
        let for_b = tokio::spawn({
            let pool = pool.clone();
            async move { pool.acquire(&"b").await.map(|c| c.id) }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        let for_a = tokio::spawn({
            let pool = pool.clone();
            async move {
                let conn = pool.acquire(&"a").await.unwrap();
                let got = conn.key;
                tokio::time::sleep(Duration::from_millis(5)).await;
                got
            }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        drop(held);
        assert_eq!(for_a.await.unwrap(), Some("a"), "the waiter for its key went first");
        assert_eq!(for_b.await.unwrap().unwrap(), id, "and the other got it next");

        // A waiter for another key is passed over at most MAX_SKIPS times.
        let mut held = on(&pool, "a").await;
        let starved = tokio::spawn({
            let pool = pool.clone();
            async move { pool.acquire(&"z").await.is_ok() }
        });
        tokio::time::sleep(Duration::from_millis(2)).await;
        for _ in 0..MAX_SKIPS + 2 {
            let next = tokio::spawn({
                let pool = pool.clone();
                async move { on(&pool, "a").await }
            });
            tokio::time::sleep(Duration::from_millis(1)).await;
            drop(held);
            if starved.is_finished() {
                break;
            }
            held = next.await.unwrap();
        }
        assert!(starved.await.unwrap(), "the other waiter was served");
    }

    #[tokio::test]
    async fn a_waiter_times_out_and_the_pool_still_serves_afterwards() {
        let pool = pool(1);
        let held = on(&pool, "a").await;
        let started = Instant::now();
        assert!(matches!(pool.acquire(&"b").await, Err(sqlx::Error::PoolTimedOut)));
        assert!(started.elapsed() >= Duration::from_millis(300));
        drop(held);
        assert_eq!(pool.status().waiting, 0, "the timed-out waiter left the queue");
        on(&pool, "b").await;
    }

    #[tokio::test]
    async fn a_discarded_connection_gives_its_room_to_a_waiter() {
        let pool = pool(1);
        let mut broken = on(&pool, "a").await;
        broken.broken = true;
        let waiter = tokio::spawn({
            let pool = pool.clone();
            async move { pool.acquire(&"a").await.map(|c| c.id) }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        // Released broken: handed to the waiter, found unusable, replaced by a new one.
        drop(broken);
        assert_eq!(waiter.await.unwrap().unwrap(), 1, "a new connection, opened in its place");
        assert_eq!(pool.status().size, 1);
    }

    #[tokio::test]
    async fn a_released_connection_is_held_for_its_keys_next_caller_then_goes_to_the_waiters() {
        let pool = pool(1);
        pool.set_hold(Duration::from_millis(50));
        let held = on(&pool, "a").await;
        let id = held.id;
        let for_b = tokio::spawn({
            let pool = pool.clone();
            async move { pool.acquire(&"b").await.map(|c| (c.id, c.key, Instant::now())) }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        // No waiter for "a": the connection is held for "a" instead of switched to "b".
        drop(held);
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(!for_b.is_finished(), "b waits while the connection is held for a");
        let again = on(&pool, "a").await;
        assert_eq!((again.id, again.key), (id, Some("a")), "a's next caller took it, still on a");
        assert_eq!(pool.counters().holds.load(Ordering::SeqCst), 1);
        assert_eq!(pool.counters().holds_taken.load(Ordering::SeqCst), 1);

        // Nobody comes back for "a" this time: the hold ends and b gets the connection.
        let released = Instant::now();
        drop(again);
        let (got, key, at) = for_b.await.unwrap().unwrap();
        assert_eq!((got, key), (id, Some("a")), "the held connection, to be switched");
        let waited = at - released;
        assert!(waited >= Duration::from_millis(50) && waited < Duration::from_millis(500), "{waited:?}");
        assert_eq!(pool.counters().holds.load(Ordering::SeqCst), 2);
        assert_eq!(pool.counters().holds_taken.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn nothing_is_held_without_waiters_for_an_overdue_waiter_or_while_holds_are_not_taken() {
        let pool = pool(1);
        pool.set_hold(Duration::from_millis(2));
        // No one waiting: released connections just go idle, free for anyone.
        drop(on(&pool, "a").await);
        assert_eq!(on(&pool, "b").await.key, Some("b"));
        assert_eq!(pool.counters().holds.load(Ordering::SeqCst), 0);

        // Callers of fresh keys one after another, a waiter always queued: holds expire
        // untaken, and the pool soon holds only one release in HOLD_PROBE_EVERY.
        let mut held = on(&pool, "k0").await;
        let keys: Vec<&'static str> = (1..=80).map(|i| &*format!("k{i}").leak()).collect();
        for key in keys {
            let next = tokio::spawn({
                let pool = pool.clone();
                async move { on(&pool, key).await }
            });
            tokio::time::sleep(Duration::from_millis(1)).await;
            drop(held);
            held = next.await.unwrap();
        }
        let holds = pool.counters().holds.load(Ordering::SeqCst);
        assert_eq!(pool.counters().holds_taken.load(Ordering::SeqCst), 0);
        assert!((5..=20).contains(&holds), "{holds} holds over 80 releases");

        // A waiter passed over MAX_DETOUR already is served at once, not held back.
        let pool = self::pool(1);
        pool.set_hold(Duration::from_secs(5));
        let held = on(&pool, "a").await;
        let for_b = tokio::spawn({
            let pool = pool.clone();
            async move { pool.acquire(&"b").await.is_ok() }
        });
        tokio::time::sleep(MAX_DETOUR + Duration::from_millis(5)).await;
        drop(held);
        assert!(tokio::time::timeout(Duration::from_secs(1), for_b).await.unwrap().unwrap());
        assert_eq!(pool.counters().holds.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn many_callers_on_many_keys_never_share_a_connection_nor_exceed_the_size() {
        let pool = AffinityPool::new(Fakes::default(), 4, Duration::from_secs(10));
        pool.set_hold(Duration::from_micros(300));
        let keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let tasks: Vec<_> = (0..32)
            .map(|t| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    for i in 0..100 {
                        let key = keys[(t + i) % keys.len()];
                        let mut conn = pool.acquire(&key).await.unwrap();
                        assert!(!conn.held.swap(true, Ordering::SeqCst), "one holder at a time");
                        assert!(pool.status().size <= 4);
                        conn.key = Some(key);
                        tokio::task::yield_now().await;
                        conn.held.store(false, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let counters = pool.counters();
        let acquires = counters.hits.load(Ordering::SeqCst) + counters.switches.load(Ordering::SeqCst);
        assert_eq!(acquires, 3200);
        assert_eq!(pool.manager().opened.load(Ordering::SeqCst), 4, "never more than the size opened");
    }
}

//! Sign-in limits, counted in the database (so they hold across several app servers) and
//! *before* the password is checked: an attempt is reserved atomically under the row's lock,
//! so a burst of parallel guesses gets exactly the allowed number of checks, never more.
//!
//! Two keys are counted for every attempt: the account *from that address*
//! (`user:<name>@<address>`, strict), so an attacker hammering the owner's account locks only
//! themselves out, and the address across accounts (`ip:<address>`, looser). Reaching a
//! key's allowance locks it for the configured time; each further lock within a day of the
//! last doubles (15, 30, 60 minutes … up to a day).

use crate::error::ShopError;
use crate::ssr::db::{Backend, Database, Tx};

/// Attempts are counted within this window (before the first lock).
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// No lock lasts longer than this…
pub const MAX_LOCK_MS: i64 = 24 * 60 * 60 * 1000;
/// …and a key's history is forgotten this long after its last lock ended.
pub const FORGIVE_MS: i64 = 24 * 60 * 60 * 1000;

/// How many attempts a key allows and how it locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Attempts allowed in the window; the last of them locks the key.
    pub attempts: i64,
    /// The first lock; each further one doubles.
    pub lock_ms: i64,
}

/// One key's state, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Counter {
    pub window_start: i64,
    pub attempts: i64,
    /// Locks imposed and not yet forgiven; the next lock lasts `lock_ms × 2^strikes`.
    pub strikes: i64,
    pub locked_until: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The attempt is counted; `locked` when it was the one that locked the key.
    Allowed {
        counter: Counter,
        locked: bool,
    },
    Locked {
        until: i64,
    },
}

fn lock_length(rule: &Rule, strikes: i64) -> i64 {
    let factor = 1i64 << strikes.clamp(0, 30);
    rule.lock_ms
        .saturating_mul(factor)
        .min(MAX_LOCK_MS.max(rule.lock_ms))
}

impl Counter {
    /// Counts one attempt at `now`, or refuses it while the key is locked. After a lock
    /// the count is kept: every attempt until the history is forgiven locks again, for
    /// twice as long.
    pub fn reserve(mut self, rule: &Rule, now: i64) -> Verdict {
        if now < self.locked_until {
            return Verdict::Locked {
                until: self.locked_until,
            };
        }
        if self.strikes > 0 && now >= self.locked_until.saturating_add(FORGIVE_MS) {
            self.strikes = 0;
            self.attempts = 0;
            self.window_start = now;
        }
        if self.strikes == 0 && now.saturating_sub(self.window_start) >= WINDOW_MS {
            self.attempts = 0;
            self.window_start = now;
        }
        self.attempts += 1;
        let locked = self.attempts >= rule.attempts;
        if locked {
            self.locked_until = now.saturating_add(lock_length(rule, self.strikes));
            self.strikes += 1;
        }
        Verdict::Allowed {
            counter: self,
            locked,
        }
    }

    /// Gives back an attempt that turned out to be a successful sign-in, lifting the lock
    /// it imposed (`locked`, from [`Verdict::Allowed`]).
    pub fn refund(mut self, locked: bool, now: i64) -> Counter {
        self.attempts = (self.attempts - 1).max(0);
        if locked && self.locked_until > now {
            self.locked_until = now;
            self.strikes = (self.strikes - 1).max(0);
        }
        self
    }
}

fn lock_suffix(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE",
        // BEGIN IMMEDIATE already holds the database's write lock.
        Backend::Sqlite => "",
    }
}

/// The key's counter, locked for the rest of the transaction (created if new).
async fn lock_counter(tx: &mut Tx, backend: Backend, key: &str) -> Result<Counter, ShopError> {
    sqlx::query(
        "INSERT INTO login_limits (key, window_start, attempts, strikes, locked_until)
         VALUES ($1, 0, 0, 0, 0) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .execute(&mut **tx)
    .await?;
    let sql = format!(
        "SELECT window_start, attempts, strikes, locked_until FROM login_limits WHERE key = $1{}",
        lock_suffix(backend)
    );
    Ok(sqlx::query_as(&sql).bind(key).fetch_one(&mut **tx).await?)
}

async fn store_counter(tx: &mut Tx, key: &str, c: &Counter) -> Result<(), ShopError> {
    sqlx::query(
        "UPDATE login_limits SET window_start = $2, attempts = $3, strikes = $4, locked_until = $5
         WHERE key = $1",
    )
    .bind(key)
    .bind(c.window_start)
    .bind(c.attempts)
    .bind(c.strikes)
    .bind(c.locked_until)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What [`reserve`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Counted against every key; for each, whether this attempt locked it.
    Allowed(Vec<bool>),
    /// A key is locked until then (unix ms); nothing was counted.
    Locked { until: i64 },
}

/// Counts one attempt against every key, all or nothing, in one transaction that holds the
/// keys' rows: concurrent attempts queue here, each sees the count the previous one left.
/// Keys are always taken in the same order (the caller's), so two attempts cannot deadlock.
pub async fn reserve(
    db: &Database,
    keys: &[(&str, Rule)],
    now: i64,
) -> Result<Reservation, ShopError> {
    let mut tx = db.begin_write().await?;
    let mut locked = Vec::with_capacity(keys.len());
    for (key, rule) in keys {
        let counter = lock_counter(&mut tx, db.backend(), key).await?;
        match counter.reserve(rule, now) {
            Verdict::Locked { until } => {
                tx.rollback().await?;
                return Ok(Reservation::Locked { until });
            }
            Verdict::Allowed {
                counter,
                locked: this_locked,
            } => {
                store_counter(&mut tx, key, &counter).await?;
                locked.push(this_locked);
            }
        }
    }
    tx.commit().await?;
    Ok(Reservation::Allowed(locked))
}

/// A successful sign-in: the account's failures from this address are forgotten, and the
/// address gets its attempt back (so a busy office is never locked by its own sign-ins).
pub async fn succeeded(
    db: &Database,
    forget: &str,
    refund: (&str, bool),
    now: i64,
) -> Result<(), ShopError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM login_limits WHERE key = $1")
        .bind(forget)
        .execute(&mut *tx)
        .await?;
    let (key, locked) = refund;
    let counter = lock_counter(&mut tx, db.backend(), key).await?;
    store_counter(&mut tx, key, &counter.refund(locked, now)).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        attempts: 5,
        lock_ms: 60_000,
    };

    fn allowed(v: Verdict) -> (Counter, bool) {
        match v {
            Verdict::Allowed { counter, locked } => (counter, locked),
            Verdict::Locked { until } => panic!("locked until {until}"),
        }
    }

    #[test]
    fn the_last_allowed_attempt_locks_and_the_next_is_refused() {
        let mut c = Counter::default();
        let now = 1_000_000_000;
        for i in 1..=5 {
            let (next, locked) = allowed(c.reserve(&RULE, now + i));
            assert_eq!(locked, i == 5, "attempt {i}");
            c = next;
        }
        assert_eq!(c.locked_until, now + 5 + 60_000);
        assert_eq!(
            c.reserve(&RULE, now + 6),
            Verdict::Locked {
                until: now + 5 + 60_000
            }
        );
    }

    #[test]
    fn each_further_lock_doubles_up_to_a_day() {
        let mut c = Counter::default();
        let mut now = 1_000_000_000;
        for _ in 0..5 {
            c = allowed(c.reserve(&RULE, now)).0;
        }
        let mut expected = 60_000;
        for _ in 0..16 {
            assert_eq!(c.locked_until - now, expected.min(MAX_LOCK_MS));
            now = c.locked_until;
            // One attempt after the lock ends locks again, twice as long.
            let (next, locked) = allowed(c.reserve(&RULE, now));
            assert!(locked);
            c = next;
            expected *= 2;
        }
        assert_eq!(c.locked_until - now, MAX_LOCK_MS);
    }

    #[test]
    fn failures_outside_the_window_and_old_locks_are_forgotten() {
        let now = 1_000_000_000;
        let mut c = Counter::default();
        for _ in 0..4 {
            c = allowed(c.reserve(&RULE, now)).0;
        }
        let (c2, locked) = allowed(c.reserve(&RULE, now + WINDOW_MS));
        assert!(!locked, "a new window");
        assert_eq!(c2.attempts, 1);

        let mut c = Counter::default();
        for _ in 0..5 {
            c = allowed(c.reserve(&RULE, now)).0;
        }
        let later = c.locked_until + FORGIVE_MS;
        let (c3, locked) = allowed(c.reserve(&RULE, later));
        assert!(!locked);
        assert_eq!((c3.attempts, c3.strikes), (1, 0));
    }

    #[test]
    fn a_successful_attempt_gives_back_its_count_and_its_lock() {
        let now = 1_000_000_000;
        let mut c = Counter::default();
        for _ in 0..4 {
            c = allowed(c.reserve(&RULE, now)).0;
        }
        let (locked_counter, locked) = allowed(c.reserve(&RULE, now));
        assert!(locked);
        let back = locked_counter.refund(true, now + 1);
        assert_eq!(back.attempts, 4);
        assert_eq!(back.strikes, 0);
        assert!(matches!(
            back.reserve(&RULE, now + 2),
            Verdict::Allowed { .. }
        ));
        // A success that did not lock leaves someone else's lock alone.
        let kept = locked_counter.refund(false, now + 1);
        assert_eq!(kept.locked_until, locked_counter.locked_until);
        assert_eq!(Counter::default().refund(false, now).attempts, 0);
    }
}

//! The read cache: short-lived in-process copies of hot reads (the
//! signed-in account and the sidebar's counts, read by every page, and
//! calendar views, the heaviest page). Every mutation is audited, and
//! `audit::record` and `audit::commit` move the write count the copies are
//! checked against, so this process sees its own writes at once; other
//! `rookery` processes see them within the copy's lifetime (seconds).

use super::user_record::UserRecord;
use crate::error::AppError;
use sqlx::PgPool;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// A small map whose entries expire.
pub struct Recent<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
    ttl: Duration,
    max: usize,
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    pub fn new(ttl: Duration, max: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            ttl,
            max,
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (value, at) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    pub fn put(&self, key: K, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.max {
                let ttl = self.ttl;
                entries.retain(|_, (_, at)| at.elapsed() < ttl);
                if entries.len() >= self.max {
                    entries.clear();
                }
            }
            entries.insert(key, (value, Instant::now()));
        }
    }

    pub fn forget(&self, key: &K) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }

    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// Accounts as sessions read them (roles, disabled, session version; none
/// for an id no account has).
pub static ACCOUNTS: LazyLock<UntilWrite<Uuid, Option<UserRecord>>> =
    LazyLock::new(|| UntilWrite::new(10_000));

/// Bumped when an audited mutation is recorded and again when its
/// transaction commits; kept copies remember the value they were read under
/// and are discarded once it moves.
static WRITES: AtomicU64 = AtomicU64::new(0);

pub fn writes() -> u64 {
    WRITES.load(Ordering::Acquire)
}

/// Called by `audit::record` for every mutation (inside its transaction)
/// and by `audit::commit` once the transaction has committed: a copy read
/// between the two saw the data before the write, and the second call makes
/// it stale.
pub fn wrote() {
    WRITES.fetch_add(1, Ordering::AcqRel);
}

/// The database a pool reads: several can share a process (the test suite's
/// do), and their copies must not mix.
fn database(pool: &PgPool) -> Option<String> {
    pool.connect_options().get_database().map(str::to_string)
}

/// How long a kept copy lasts at most: writes other `rookery` processes
/// make reach this one within it. One figure for every [`UntilWrite`], so
/// that every page is as fresh as the others.
pub const KEPT_FOR: Duration = Duration::from_secs(5);

/// Copies of a read kept per database and key until this process's next
/// write, or for [`KEPT_FOR`].
pub struct UntilWrite<K, V> {
    copies: Recent<(Option<String>, K), (u64, V)>,
}

impl<K: Eq + Hash, V: Clone> UntilWrite<K, V> {
    /// Keeps at most `max` copies.
    pub fn new(max: usize) -> Self {
        Self {
            copies: Recent::new(KEPT_FOR, max),
        }
    }

    /// `load()`'s answer, or the copy kept from an earlier call while
    /// nothing was written since. A copy is kept only if no write began or
    /// committed while it loaded.
    pub async fn get_or_load<F, Fut>(&self, pool: &PgPool, key: K, load: F) -> Result<V, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, AppError>>,
    {
        let key = (database(pool), key);
        let version = writes();
        if let Some((seen, value)) = self.copies.get(&key) {
            if seen == version {
                return Ok(value);
            }
        }
        let value = load().await?;
        if writes() == version {
            self.copies.put(key, (version, value.clone()));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let recent = Recent::new(Duration::from_millis(50), 2);
        recent.put(1, "a");
        assert_eq!(recent.get(&1), Some("a"));
        recent.forget(&1);
        assert_eq!(recent.get(&1), None);
        recent.put(2, "b");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(recent.get(&2), None, "expired");
        // Full of expired entries: they make room.
        recent.put(3, "c");
        recent.put(4, "d");
        assert_eq!(recent.get(&4), Some("d"));
    }

    #[test]
    fn writes_and_commits_move_the_count() {
        let before = writes();
        wrote();
        let recorded = writes();
        assert!(recorded > before);
        wrote();
        assert!(writes() > recorded);
    }
}

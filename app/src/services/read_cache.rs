//! The read cache: short-lived in-process copies of hot reads, the
//! signed-in account (read by every page) and calendar views (the heaviest
//! page). Every mutation is audited, and `audit::record` forgets what it
//! touches, so this process sees its own writes at once; other `rookery`
//! processes see them within the copy's lifetime (seconds).

use super::user_record::UserRecord;
use crate::error::AppError;
use sqlx::PgPool;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
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

/// Accounts as sessions read them (roles, disabled, session version).
pub static ACCOUNTS: LazyLock<Recent<Uuid, UserRecord>> =
    LazyLock::new(|| Recent::new(Duration::from_secs(5), 10_000));

/// Bumped by every audited mutation; cached views remember the value they
/// were computed under and are discarded once it moves.
static WRITES: AtomicU64 = AtomicU64::new(0);

pub fn writes() -> u64 {
    WRITES.load(Ordering::Acquire)
}

/// Called by `audit::record` for every mutation.
pub fn wrote(entity_type: &str, entity_id: Option<&str>) {
    WRITES.fetch_add(1, Ordering::AcqRel);
    if entity_type == "user" {
        match entity_id.and_then(|id| Uuid::parse_str(id).ok()) {
            Some(id) => ACCOUNTS.forget(&id),
            None => ACCOUNTS.clear(),
        }
    }
}

/// The database's name and the read's.
type SharedKey = (Option<String>, &'static str);
/// The write count a copy was read under, and the copy.
type SharedCopy = (u64, Arc<dyn Any + Send + Sync>);

/// Small reads every page shares (the draft-incident count), kept under the name of the read and the
/// database, until this process's next write or for a few seconds.
static SHARED: LazyLock<Recent<SharedKey, SharedCopy>> =
    LazyLock::new(|| Recent::new(Duration::from_secs(5), 1_000));

/// `load()`'s answer, or the copy kept from an earlier call while nothing
/// was written since (see [`SHARED`]).
pub async fn shared<V, F, Fut>(pool: &PgPool, name: &'static str, load: F) -> Result<V, AppError>
where
    V: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<V, AppError>>,
{
    // Several databases can share a process (the test suite does).
    let key = (
        pool.connect_options().get_database().map(str::to_string),
        name,
    );
    let version = writes();
    if let Some((seen, value)) = SHARED.get(&key) {
        if let Some(value) = value.downcast_ref::<V>().filter(|_| seen == version) {
            return Ok(value.clone());
        }
    }
    let value = load().await?;
    SHARED.put(key, (version, Arc::new(value.clone())));
    Ok(value)
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
    fn a_write_to_a_user_forgets_that_account() {
        let before = writes();
        wrote("change_request", None);
        assert!(writes() > before);
    }
}

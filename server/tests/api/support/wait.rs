//! Waiting for something to happen: poll a condition until it holds, and
//! fail with what was awaited when it does not in time. Never a bare sleep.

use std::future::Future;
use std::time::Duration;

/// How long anything the engine or the job runner does may take on a
/// loaded CI machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// How often a condition is looked at again.
const POLL: Duration = Duration::from_millis(50);

/// Polls `condition` until it holds; panics after [`PATIENCE`].
pub async fn eventually<F, Fut>(what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    eventually_within(what, PATIENCE, condition).await
}

/// Polls `condition` until it holds; panics after `patience`.
pub async fn eventually_within<F, Fut>(what: &str, patience: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + patience;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {patience:?} waiting until {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

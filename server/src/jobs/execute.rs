//! One claimed job: run its handler in its own task with a heartbeat and a
//! timeout, then record what happened (guarded by the claim's attempt).

use super::context::{JobContext, Lease};
use super::shared::Shared;
use super::store::{self, Claimed};
use super::{Handler, Job, JobError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::{JoinError, JoinHandle};
use tokio::time::Instant;
use tracing::Instrument;

/// How the attempt ended.
enum Outcome {
    Returned(Result<(), JobError>),
    Panicked(String),
    TimedOut(i32),
    LeaseLost,
    Shutdown,
}

/// Aborts the handler's task when the job's supervisor is dropped (a runner
/// dropped mid-job leaves nothing running behind it).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `claimed` to an outcome and records it. `abort` turns true when the
/// shutdown grace period is over.
pub(crate) async fn execute(
    shared: Arc<Shared>,
    handler: Arc<dyn Handler>,
    claimed: Claimed,
    claimed_at: Instant,
    mut abort: watch::Receiver<bool>,
) {
    let span = tracing::info_span!("job", job.id = claimed.id, job.kind = %claimed.kind, job.attempt = claimed.attempt);
    async move {
        let timeout = Duration::from_secs(claimed.timeout_seconds.max(1) as u64);
        let cx = JobContext::new(
            Job {
                id: claimed.id,
                kind: claimed.kind,
                payload: claimed.payload,
                attempt: claimed.attempt,
                max_attempts: claimed.max_attempts,
            },
            shared.pool.clone(),
        );
        tracing::debug!("job started");
        let task_cx = cx.clone();
        let mut task = AbortOnDrop(tokio::spawn(
            async move { handler.run(&task_cx).await }.in_current_span(),
        ));
        let outcome = tokio::select! {
            biased;
            joined = &mut task.0 => match joined {
                Ok(result) => Outcome::Returned(result),
                Err(error) => Outcome::Panicked(panic_message(error)),
            },
            () = heartbeat(&shared, &cx, claimed_at) => {
                cx.lease().mark_lost();
                Outcome::LeaseLost
            }
            () = tokio::time::sleep_until(claimed_at + timeout) => Outcome::TimedOut(claimed.timeout_seconds),
            _ = abort.wait_for(|abort| *abort) => Outcome::Shutdown,
        };
        if !matches!(outcome, Outcome::Returned(_) | Outcome::Panicked(_)) {
            // Stop the handler before anything is written about the job.
            task.0.abort();
            let _ = tokio::time::timeout(Duration::from_secs(5), &mut task.0).await;
        }
        record(&shared, &cx, outcome).await;
    }
    .instrument(span)
    .await
}

/// Renews the lease every third of its length; returns when it is lost:
/// the row is no longer this attempt's, or renewal failed for a whole lease.
async fn heartbeat(shared: &Shared, cx: &JobContext, claimed_at: Instant) {
    let lease = shared.config.lease;
    let period = lease / 3;
    let mut expires = claimed_at + lease;
    loop {
        tokio::time::sleep(period).await;
        if cx.lease().completing() {
            return std::future::pending().await;
        }
        let sent = Instant::now();
        let renewal = store::extend(&shared.db, cx.job.id, cx.job.attempt, lease);
        match tokio::time::timeout(period, renewal).await {
            Ok(Ok(true)) => expires = sent + lease,
            Ok(Ok(false)) if cx.lease().completing() => return std::future::pending().await,
            Ok(Ok(false)) => {
                tracing::warn!("job lease lost: another worker has the job");
                return;
            }
            Ok(Err(error)) => tracing::warn!(error = %error, "renewing the job lease failed"),
            Err(_) => tracing::warn!("renewing the job lease timed out"),
        }
        if Instant::now() >= expires {
            tracing::warn!("job lease lost: it could not be renewed before it expired");
            return;
        }
    }
}

async fn record(shared: &Shared, cx: &JobContext, outcome: Outcome) {
    let (id, attempt) = (cx.job.id, cx.job.attempt);
    let lease: &Lease = cx.lease();
    let error = match outcome {
        Outcome::Returned(Ok(())) if lease.is_lost() => {
            tracing::warn!("job handler finished after its lease was lost; not recorded");
            return;
        }
        Outcome::Returned(Ok(())) => {
            match store::complete(&shared.db, id, attempt).await {
                Ok(true) => tracing::debug!("job succeeded"),
                // complete_in already recorded it.
                Ok(false) if lease.completing() => tracing::debug!("job succeeded"),
                Ok(false) => tracing::warn!("job finished, but its lease was lost; not recorded"),
                Err(e) => tracing::error!(error = %e, "recording the job's success failed"),
            }
            return;
        }
        Outcome::Returned(Err(JobError::LeaseLost)) | Outcome::LeaseLost => {
            lease.mark_lost();
            tracing::warn!("job stopped: its lease was lost");
            return;
        }
        Outcome::Shutdown => {
            match store::release(&shared.db, id, attempt).await {
                Ok(true) => tracing::info!("job released at shutdown"),
                Ok(false) => tracing::warn!("job not released: its lease was lost"),
                Err(e) => tracing::error!(error = %e, "releasing the job failed"),
            }
            return;
        }
        Outcome::Returned(Err(error @ (JobError::Retry(_) | JobError::Fatal(_)))) => error,
        Outcome::Panicked(message) => JobError::Retry(format!("handler panicked: {message}")),
        Outcome::TimedOut(seconds) => JobError::Retry(format!("timed out after {seconds} s")),
    };
    if lease.is_lost() {
        tracing::warn!(error = %error, "job failed after its lease was lost; not recorded");
        return;
    }
    let fatal = matches!(error, JobError::Fatal(_));
    let config = &shared.config;
    let backoff = store::backoff(config.retry_base, config.retry_max, attempt);
    let message = error.to_string();
    match store::fail(
        &shared.db,
        id,
        attempt,
        &message,
        fatal,
        backoff,
        config.retry_max,
    )
    .await
    {
        Ok(Some(status)) if status == "dead" => {
            tracing::error!(error = %message, "job failed for good (dead)")
        }
        Ok(Some(_)) => tracing::warn!(
            error = %message,
            retry_in_ms = backoff.as_millis() as u64,
            "job failed; will retry"
        ),
        Ok(None) => {
            tracing::warn!(error = %message, "job failed, but its lease was lost; not recorded")
        }
        Err(e) => tracing::error!(error = %e, "recording the job's failure failed"),
    }
}

fn panic_message(error: JoinError) -> String {
    match error.try_into_panic() {
        Ok(panic) => panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into()),
        Err(error) => error.to_string(),
    }
}

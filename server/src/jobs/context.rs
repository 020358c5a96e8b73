//! What a handler gets: the job, the pool, and its lease.

use super::{store, Job, JobError};
use sqlx::{PgConnection, PgPool};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// A running job's context. Cloning shares the lease.
#[derive(Clone)]
pub struct JobContext {
    pub job: Job,
    pub pool: PgPool,
    lease: Arc<Lease>,
}

/// The lease's state, shared by the handler, its heartbeat and the runner.
pub(crate) struct Lease {
    lost: watch::Sender<bool>,
    /// Set once `complete_in` writes the completion, so the heartbeat stops
    /// (it would otherwise find the row no longer running and cry "lost").
    completing: AtomicBool,
}

impl Lease {
    pub(crate) fn mark_lost(&self) {
        self.lost.send_replace(true);
    }

    pub(crate) fn is_lost(&self) -> bool {
        *self.lost.borrow()
    }

    pub(crate) fn completing(&self) -> bool {
        self.completing.load(Ordering::SeqCst)
    }
}

impl JobContext {
    pub(crate) fn new(job: Job, pool: PgPool) -> Self {
        let (lost, _) = watch::channel(false);
        let lease = Arc::new(Lease {
            lost,
            completing: AtomicBool::new(false),
        });
        Self { job, pool, lease }
    }

    pub(crate) fn lease(&self) -> &Lease {
        &self.lease
    }

    /// Marks the job succeeded inside the caller's transaction, so the
    /// handler's effects and "job done" commit together. Call it last, just
    /// before committing. `Err(LeaseLost)` means another worker owns the job
    /// now: return that error, dropping (rolling back) the transaction.
    pub async fn complete_in(&self, conn: &mut PgConnection) -> Result<(), JobError> {
        self.lease.completing.store(true, Ordering::SeqCst);
        match store::complete(conn, self.job.id, self.job.attempt).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                self.lease.mark_lost();
                Err(JobError::LeaseLost)
            }
            Err(error) => {
                self.lease.completing.store(false, Ordering::SeqCst);
                Err(error.into())
            }
        }
    }

    /// True once the lease is lost (the heartbeat found the job rescued or
    /// could not renew it in time). The runner also aborts the handler then.
    pub fn lease_lost(&self) -> bool {
        self.lease.is_lost()
    }

    /// Resolves when the lease is lost; for `tokio::select!` around long waits.
    pub async fn lost(&self) {
        let mut receiver = self.lease.lost.subscribe();
        let _ = receiver.wait_for(|lost| *lost).await;
    }
}

//! The job runner: claims jobs from the `job` table (`app::services::jobs`
//! enqueues them), runs their handlers with a lease kept alive by a
//! heartbeat, and records the outcome. Any number of runners, in any number
//! of processes, may share one database; each job runs at most once at a
//! time.
//!
//! - [`store`]: every SQL statement the runner issues.
//! - [`config`]: [`RunnerConfig`], how a runner behaves.
//! - [`runner`]: the claim loop, the reaper and graceful shutdown.
//! - [`shared`]: what the claim loop and every job task share.
//! - [`execute`]: one claimed job: heartbeat, timeout, outcome.
//! - [`listener`]: LISTEN on [`app::services::jobs::CHANNEL`] to wake the claim loop.

mod config;
mod context;
mod execute;
mod listener;
mod runner;
mod shared;
mod store;

pub use config::RunnerConfig;
pub use context::JobContext;
pub use listener::LISTENER_APPLICATION_NAME;
pub use runner::Runner;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

/// Why a handler did not finish its job.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (exponential backoff), unless attempts are used up.
    #[error("{0}")]
    Retry(String),
    /// Do not try again: the job is dead at once.
    #[error("fatal: {0}")]
    Fatal(String),
    /// Another worker owns the job now; nothing about it may be written.
    #[error("the job's lease was lost")]
    LeaseLost,
}

impl From<sqlx::Error> for JobError {
    fn from(error: sqlx::Error) -> Self {
        Self::Retry(format!("database: {error}"))
    }
}

/// The claimed job, as its handler sees it.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    /// 1 on the first run, 2 on the first retry, …
    pub attempt: i32,
    pub max_attempts: i32,
}

/// Runs jobs of one kind.
#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    /// Does the job's work. `Ok` marks the job succeeded (unless
    /// [`JobContext::complete_in`] already did).
    async fn run(&self, cx: &JobContext) -> Result<(), JobError>;
}

/// A handler from a closure that takes its own copy of the context.
struct FnHandler<F>(F);

#[async_trait::async_trait]
impl<F, Fut> Handler for FnHandler<F>
where
    F: Fn(JobContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), JobError>> + Send + 'static,
{
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        (self.0)(cx.clone()).await
    }
}

/// The handlers a runner has, by job kind. A runner claims only these kinds
/// and leaves other kinds to runners that know them.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Arc<dyn Handler>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for `kind`, replacing any earlier one.
    pub fn add(&mut self, kind: &str, handler: impl Handler) {
        self.handlers.insert(kind.to_owned(), Arc::new(handler));
    }

    /// Registers a closure: `registry.add_fn("kind", |cx| async move { … })`.
    pub fn add_fn<F, Fut>(&mut self, kind: &str, handler: F)
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.add(kind, FnHandler(handler));
    }

    /// The registered kinds, sorted.
    pub fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self.handlers.keys().cloned().collect();
        kinds.sort();
        kinds
    }

    fn get(&self, kind: &str) -> Option<Arc<dyn Handler>> {
        self.handlers.get(kind).cloned()
    }
}

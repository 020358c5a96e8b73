//! [`Shared`]: what the claim loop (`runner`) and every job task
//! (`execute`) share. Its own module so that neither imports the other.

use super::{Registry, RunnerConfig};
use sqlx::PgPool;

/// What every job task shares with the runner.
pub(crate) struct Shared {
    /// The handlers' pool (`JobContext::pool`).
    pub pool: PgPool,
    /// The runner's own connections for claims, heartbeats and outcomes.
    pub db: PgPool,
    pub config: RunnerConfig,
    /// The handlers, by kind.
    pub registry: Registry,
    /// The kinds this runner claims (the registry's, sorted).
    pub kinds: Vec<String>,
}

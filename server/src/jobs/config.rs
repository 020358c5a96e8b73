//! [`RunnerConfig`]: how a runner behaves (concurrency, lease, polling,
//! retries, shutdown grace).

use std::time::Duration;

/// How a runner behaves. `Default` suits production.
#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// Written to `job.locked_by`: which process runs a job.
    pub worker_id: String,
    /// Jobs run at once.
    pub concurrency: usize,
    /// How long a claim holds without a heartbeat (renewed every third).
    pub lease: Duration,
    /// Fallback poll for runnable jobs when no notification arrives.
    pub poll_interval: Duration,
    /// How often expired leases are looked for.
    pub reap_interval: Duration,
    /// First retry delay; doubled per attempt, ±25 % jitter.
    pub retry_base: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// How long shutdown waits for running jobs before releasing them.
    pub shutdown_grace: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "rookery".into());
        Self {
            worker_id: format!("{host}:{}", std::process::id()),
            concurrency: 8,
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(1),
            reap_interval: Duration::from_secs(5),
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(600),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

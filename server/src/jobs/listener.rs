//! LISTEN on the jobs channel: each notification wakes the claim loop at
//! once. The connection is the listener's own (named, so an operator can
//! find it in `pg_stat_activity`); when it drops, the listener reconnects,
//! and polling covers the gap.

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// The `application_name` of the listener's connection.
pub const LISTENER_APPLICATION_NAME: &str = "rookery-job-listener";

const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(5);

/// Listens until dropped, reconnecting with backoff after errors.
pub(crate) async fn run(pool: PgPool, wake: Arc<Notify>) {
    let options = pool
        .connect_options()
        .as_ref()
        .clone()
        .application_name(LISTENER_APPLICATION_NAME);
    let own = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with(options);
    let mut delay = Duration::from_millis(100);
    loop {
        let error = listen(&own, &wake, &mut delay).await;
        tracing::warn!(error = %error, retry_in_ms = delay.as_millis() as u64, "job listener disconnected; polling until it reconnects");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(MAX_RECONNECT_DELAY);
    }
}

async fn listen(pool: &PgPool, wake: &Notify, delay: &mut Duration) -> sqlx::Error {
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(error) => return error,
    };
    if let Err(error) = listener.listen(app::services::jobs::CHANNEL).await {
        return error;
    }
    tracing::debug!("job listener connected");
    *delay = Duration::from_millis(100);
    // Anything enqueued while the listener was away went unannounced.
    wake.notify_one();
    loop {
        match listener.try_recv().await {
            Ok(Some(_)) => wake.notify_one(),
            // The connection dropped and was re-established: announcements
            // in between were missed.
            Ok(None) => wake.notify_one(),
            Err(error) => return error,
        }
    }
}

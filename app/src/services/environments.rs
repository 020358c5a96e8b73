//! Environments: the repository the planning features read.

use crate::error::AppError;
use crate::model::EnvironmentView;
use crate::services::read_cache::UntilWrite;
use sqlx::PgExecutor;

/// Every environment as [`list`] reads it, kept until this process's next
/// write or for five seconds: every filter bar and form lists them.
pub async fn listed(pool: &sqlx::PgPool) -> Result<Vec<EnvironmentView>, AppError> {
    static LISTED: std::sync::LazyLock<UntilWrite<(), Vec<EnvironmentView>>> =
        std::sync::LazyLock::new(|| UntilWrite::new(4));
    LISTED.get_or_load(pool, (), || list(pool)).await
}

/// Every environment, promotion path first.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<EnvironmentView>, AppError> {
    Ok(sqlx::query_as!(
        EnvironmentView,
        "select key, name, protected, required_approvals, promotion_order
         from environment
         order by promotion_order nulls last, key"
    )
    .fetch_all(db)
    .await?)
}

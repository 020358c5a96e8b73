//! Environments: the repository the planning features read.

use crate::error::AppError;
use crate::model::EnvironmentView;
use sqlx::PgExecutor;

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

use crate::error::AppError;
use crate::model::Overview;
use leptos::prelude::*;

/// Figures and recent activity for the overview page.
#[server]
pub async fn get_overview() -> Result<Overview, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    cx.memo("get_overview".into(), || {
        crate::services::overview::load(&cx.state.pool, &user)
    })
    .await
}

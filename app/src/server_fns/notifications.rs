use crate::error::AppError;
use crate::model::NotificationPage;
use leptos::prelude::*;
use uuid::Uuid;

/// The caller's unread notification count, for the badge.
#[server]
pub async fn unread_notifications() -> Result<i64, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    cx.memo("unread_notifications".into(), || {
        crate::services::notifications::unread_count(&cx.state.pool, user.id)
    })
    .await
}

/// The caller's notifications, newest first.
#[server]
pub async fn list_notifications(page: i64) -> Result<NotificationPage, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::notifications::list(&cx.state.pool, user.id, page).await
}

/// Marks one notification read, or all of them when `id` is none.
#[server]
pub async fn mark_notifications_read(id: Option<Uuid>) -> Result<u64, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::notifications::mark_read(&cx.state.pool, user.id, id).await
}

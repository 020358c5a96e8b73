use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// The signed-in user, or `None` when the session is anonymous or expired.
#[server]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    Ok(cx.user().await?.map(|user| user.view()))
}

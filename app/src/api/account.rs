use crate::error::AppError;
use leptos::prelude::*;

/// Changes the caller's own password after checking the current one. Other
/// sessions are signed out; this one stays signed in.
#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::server::{password, session, users};
    let cx = crate::server::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    if new_password != confirm_password {
        return Err(AppError::field(
            "confirm_password",
            "The two new passwords differ.",
        ));
    }
    let stored = users::find_by_email_with_hash(&cx.state.pool, &user.email)
        .await?
        .map(|(_, hash)| hash);
    if !password::verify_password(stored, password::Password::new(current_password)).await? {
        return Err(AppError::field(
            "current_password",
            "Your current password is not right.",
        ));
    }
    let version = users::set_password(
        &cx.state.pool,
        &user.actor(),
        user.id,
        password::Password::new(new_password),
        false,
        cx.request_id.as_deref(),
    )
    .await?;
    session::refresh_version(&cx.session, version).await
}

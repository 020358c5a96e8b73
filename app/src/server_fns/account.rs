use crate::error::AppError;
use leptos::prelude::*;

/// Changes the caller's own password after checking the current one. Other
/// sessions are signed out; this one stays signed in. Wrong current
/// passwords count towards the account's sign-in throttle.
#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::services::login::{self, LoginError};
    use crate::services::{password, session, users};
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user_pending_password().await?;
    if new_password != confirm_password {
        return Err(AppError::field(
            "confirm_password",
            "The two new passwords differ.",
        ));
    }
    let problems = crate::domain::check_password(&new_password, Some(&user.email));
    if let Some(problem) = problems.first() {
        return Err(AppError::field("new_password", problem.to_string()));
    }
    match login::reserve_attempt(&cx.state, &user.email, &cx.client_ip).await {
        Ok(delay) => {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
        Err(LoginError::Throttled { minutes }) => {
            return Err(AppError::TooManyRequests(format!(
                "Too many wrong passwords. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            )))
        }
        Err(LoginError::Failed(e)) => return Err(e),
        Err(_) => return Err(AppError::Internal),
    }
    let stored = users::find_by_email_with_hash(&cx.state.pool, &user.email)
        .await?
        .map(|(_, hash)| hash);
    if !password::verify_password(stored, password::Password::new(current_password)).await? {
        login::record_password_check_failed(&cx.state, &user.actor(), cx.request_id.as_deref())
            .await?;
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
    let mut conn = cx.state.pool.acquire().await?;
    login::clear_attempts(&mut conn, &user.email, &cx.client_ip).await?;
    session::refresh_version(&cx.session, version).await
}

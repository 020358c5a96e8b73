use crate::error::AppError;
use crate::model::{CreatedUser, UserView};
use leptos::prelude::*;
use uuid::Uuid;

/// Every account (administrators only).
#[server]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require(crate::domain::Permission::Administer).await?;
    let users = crate::services::users::list(&cx.state.pool).await?;
    Ok(users.iter().map(|u| u.view()).collect())
}

/// Creates an account with a generated one-time password that must be
/// changed at first sign-in (administrators only).
#[server]
pub async fn create_user(
    email: String,
    display_name: String,
    #[server(default)] roles: Vec<String>,
) -> Result<CreatedUser, AppError> {
    use crate::domain::{DisplayName, EmailAddress, Roles};
    use crate::services::{password, users};
    let cx = crate::services::context::RequestContext::load().await?;
    let admin = cx.require(crate::domain::Permission::Administer).await?;
    let mut fields = std::collections::BTreeMap::new();
    let email =
        EmailAddress::parse(&email).map_err(|e| fields.insert("email".into(), e.to_string()));
    let name =
        DisplayName::parse(&display_name).map_err(|e| fields.insert("display_name".into(), e));
    let roles = Roles::parse(roles.iter().map(String::as_str))
        .map_err(|e| fields.insert("roles".into(), e.to_string()));
    let (Ok(email), Ok(display_name), Ok(roles)) = (email, name, roles) else {
        return Err(AppError::Validation {
            message: "Check the highlighted fields.".into(),
            fields,
        });
    };
    let one_time_password = password::generate_password();
    let new = users::NewUser {
        email,
        display_name,
        roles,
        password: password::Password::new(one_time_password.clone()),
        must_change_password: true,
    };
    let user = users::create(
        &cx.state.pool,
        &admin.actor(),
        new,
        cx.request_id.as_deref(),
    )
    .await?;
    Ok(CreatedUser {
        user: user.view(),
        one_time_password,
    })
}

/// Replaces an account's roles (administrators only).
#[server]
pub async fn set_user_roles(
    user_id: Uuid,
    #[server(default)] roles: Vec<String>,
) -> Result<UserView, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let admin = cx.require(crate::domain::Permission::Administer).await?;
    let roles = crate::domain::Roles::parse(roles.iter().map(String::as_str))
        .map_err(|e| AppError::field("roles", e.to_string()))?;
    let user = crate::services::users::set_roles(
        &cx.state.pool,
        &admin.actor(),
        Some(admin.id),
        user_id,
        roles,
        cx.request_id.as_deref(),
    )
    .await?;
    Ok(user.view())
}

/// Disables or re-enables an account (administrators only).
#[server]
pub async fn set_user_disabled(user_id: Uuid, disabled: bool) -> Result<UserView, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let admin = cx.require(crate::domain::Permission::Administer).await?;
    let user = crate::services::users::set_disabled(
        &cx.state.pool,
        &admin.actor(),
        Some(admin.id),
        user_id,
        disabled,
        cx.request_id.as_deref(),
    )
    .await?;
    Ok(user.view())
}

use crate::error::AppError;
use crate::model::{CreatedToken, TokenView};
use leptos::prelude::*;
use uuid::Uuid;

/// The caller's API tokens.
#[server]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::tokens::list(&cx.state.pool, user.id).await
}

/// Creates a token for the caller; the secret is in the answer and nowhere else.
#[server]
pub async fn create_token(name: String) -> Result<CreatedToken, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    let name = crate::domain::TokenName::parse(&name).map_err(|m| AppError::field("name", m))?;
    crate::services::tokens::create(
        &cx.state.pool,
        &user.actor(),
        user.id,
        name,
        cx.request_id.as_deref(),
    )
    .await
}

/// Revokes one of the caller's tokens.
#[server]
pub async fn revoke_token(id: Uuid) -> Result<TokenView, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::tokens::revoke(&cx.state.pool, &user, id, cx.request_id.as_deref()).await
}

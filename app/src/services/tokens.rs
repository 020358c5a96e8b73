//! Personal API tokens: `rk_` and 64 hex characters, shown once, stored as a
//! SHA-256 hash (the token has 256 bits of entropy, so a fast hash is enough).

use super::audit::{self, Actor, AuditEntry};
use super::session::SessionUser;
use super::users::{self, UserRecord};
use crate::domain::TokenName;
use crate::error::AppError;
use crate::model::{CreatedToken, TokenView};
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

const TOKEN_PREFIX: &str = "rk_";

fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Creates a named token for `user_id`; the returned secret is never stored.
#[tracing::instrument(skip_all, fields(user = %user_id), err(Debug))]
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    user_id: Uuid,
    name: TokenName,
    request_id: Option<&str>,
) -> Result<CreatedToken, AppError> {
    let token = generate_token();
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let mut tx = pool.begin().await?;
    let view = sqlx::query_as!(
        TokenView,
        "insert into api_token (id, user_id, name, token_hash, prefix)
         values ($1, $2, $3, $4, $5)
         returning id, name, prefix, created_at, last_used_at, revoked_at",
        Uuid::new_v4(),
        user_id,
        name.as_str(),
        hash_token(&token),
        prefix,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.constraint() == Some("api_token_active_name_key") => {
            AppError::field("name", "You already have an active token with this name.")
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => AppError::NotFound,
        _ => AppError::from(e),
    })?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action: "api_token.create",
            entity_type: "api_token",
            entity_id: Some(view.id.to_string()),
            before: None,
            after: Some(json!({ "user_id": user_id, "name": view.name, "prefix": view.prefix })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(CreatedToken { token, view })
}

/// The user's tokens, newest first, revoked ones included.
pub async fn list(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Vec<TokenView>, AppError> {
    Ok(sqlx::query_as!(
        TokenView,
        "select id, name, prefix, created_at, last_used_at, revoked_at
         from api_token where user_id = $1
         order by revoked_at is not null, created_at desc",
        user_id
    )
    .fetch_all(db)
    .await?)
}

/// Revokes one of the caller's own active tokens.
#[tracing::instrument(skip_all, fields(token = %token_id), err(Debug))]
pub async fn revoke(
    pool: &PgPool,
    user: &SessionUser,
    token_id: Uuid,
    request_id: Option<&str>,
) -> Result<TokenView, AppError> {
    let mut tx = pool.begin().await?;
    let view = sqlx::query_as!(
        TokenView,
        "update api_token set revoked_at = now()
         where id = $1 and user_id = $2 and revoked_at is null
         returning id, name, prefix, created_at, last_used_at, revoked_at",
        token_id,
        user.id,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "api_token.revoke",
            entity_type: "api_token",
            entity_id: Some(view.id.to_string()),
            before: Some(json!({ "name": view.name, "revoked": false })),
            after: Some(json!({ "name": view.name, "revoked": true })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(view)
}

/// The enabled account a bearer token belongs to, if the token is live.
pub async fn authenticate(pool: &PgPool, token: &str) -> Result<Option<UserRecord>, AppError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + 64 {
        return Ok(None);
    }
    let hash = hash_token(token);
    let found = sqlx::query!(
        "select t.id, t.user_id from api_token t join app_user u on u.id = t.user_id
         where t.token_hash = $1 and t.revoked_at is null and not u.disabled",
        hash
    )
    .fetch_optional(pool)
    .await?;
    let Some(found) = found else { return Ok(None) };
    // Record use at most once a minute so reads do not turn into writes.
    sqlx::query!(
        "update api_token set last_used_at = now()
         where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')",
        found.id
    )
    .execute(pool)
    .await?;
    users::find_by_id(pool, found.user_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_a_prefix_and_256_bits() {
        let token = generate_token();
        assert!(token.starts_with("rk_"));
        assert_eq!(token.len(), 67);
        assert_ne!(token, generate_token());
        assert_eq!(hash_token(&token).len(), 32);
    }
}

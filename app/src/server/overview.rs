//! The figures on the overview page.

use super::session::SessionUser;
use crate::error::AppError;
use crate::model::{ActivityView, Overview};
use sqlx::PgPool;

/// The caller's token count, recent activity and, for admins, the number of
/// active accounts.
pub async fn load(pool: &PgPool, user: &SessionUser) -> Result<Overview, AppError> {
    let active_tokens = sqlx::query_scalar!(
        r#"select count(*) as "n!" from api_token where user_id = $1 and revoked_at is null"#,
        user.id
    )
    .fetch_one(pool)
    .await?;
    let active_users = if user.roles.can_manage_users() {
        Some(super::users::count_active(pool).await?)
    } else {
        None
    };
    let recent_activity = sqlx::query_as!(
        ActivityView,
        "select occurred_at, actor_label, action, entity_type, entity_id, request_id
         from audit_event
         where actor_id = $1 or (entity_type = 'user' and entity_id = $2)
         order by occurred_at desc, id desc
         limit 12",
        user.id,
        user.id.to_string(),
    )
    .fetch_all(pool)
    .await?;
    let board = super::change_requests::dashboard(pool, user).await?;
    let now = chrono::Utc::now();
    let active_freezes =
        super::freezes::between(pool, now, now + chrono::Duration::seconds(1)).await?;
    let overdue_reviews = super::change_requests::overdue_reviews(pool).await?;
    Ok(Overview {
        my_changes: board.mine,
        waiting_for_me: board.waiting,
        upcoming: board.upcoming,
        upcoming_releases: super::releases::upcoming(pool).await?,
        active_freezes,
        overdue_reviews,
        active_tokens,
        active_users,
        recent_activity,
    })
}

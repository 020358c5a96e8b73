//! The release plan page: the release, its approvers, timeline, plan, the
//! change requests it ships and the actions the viewer may take.

use super::plan::load_plan;
use crate::domain::release::ReleaseStatus;
use crate::domain::release_plan::{decide_release, ReleaseAction};
use crate::error::AppError;
use crate::model::{ReleaseDetail, ReleaseEventView};
use crate::services::session::SessionUser;
use sqlx::PgPool;
use uuid::Uuid;

/// The release plan page.
pub async fn detail(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
) -> Result<ReleaseDetail, AppError> {
    let r = sqlx::query!(
        r#"select r.id, s.key as service, s.name as service_name, r.version, r.release_type, r.title, r.status,
                  r.environments, r.planned_at, r.updated_at, r.description, r.created_at, r.created_by,
                  u.display_name as created_by_name,
                  (select count(*) from release_change rc where rc.release_id = r.id) as "change_count!"
           from release r join service s on s.id = r.service_id join app_user u on u.id = r.created_by
           where r.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let (description, created_at, creator, created_by) = (
        r.description.clone(),
        r.created_at,
        r.created_by,
        r.created_by_name.clone(),
    );
    let summary = summary!(r)?;
    let approvers = sqlx::query_scalar!(
        "select u.display_name from release_approval a join app_user u on u.id = a.approver_id
         where a.release_id = $1 order by a.created_at",
        id
    )
    .fetch_all(pool)
    .await?;
    // People by their display name, whatever label the event was written
    // with (deployments record the actor's email).
    let events = sqlx::query!(
        r#"select coalesce(u.display_name, e.actor_label) as "actor_label!", e.action, e.from_status,
                  e.to_status, e.note, e.occurred_at
           from release_event e left join app_user u on u.id = e.actor_id
           where e.release_id = $1 order by e.occurred_at, e.id"#,
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|e| ReleaseEventView {
        actor_label: e.actor_label,
        action: e.action,
        from_status: e.from_status.and_then(|s| ReleaseStatus::parse(&s).ok()),
        to_status: e.to_status.and_then(|s| ReleaseStatus::parse(&s).ok()),
        note: e.note,
        occurred_at: e.occurred_at,
    })
    .collect();
    // While a deployment runs, it moves the release; nobody records by hand.
    let deploying = sqlx::query_scalar!(
        r#"select exists(select 1 from deployment where release_id = $1
             and state in ('pending', 'waiting_for_gates', 'running', 'paused', 'rolling_back')) as "deploying!""#,
        id
    )
    .fetch_one(pool)
    .await?;
    let allowed_actions = ReleaseAction::ALL
        .iter()
        .filter(|a| !deploying || **a == ReleaseAction::Approve)
        .filter(|a| decide_release(summary.status, creator, user.id, &user.roles, **a).is_ok())
        .map(|a| a.as_str().to_string())
        .collect();
    let can_edit_plan = user.may(crate::domain::Permission::PlanRelease)
        && matches!(
            summary.status,
            ReleaseStatus::Planned | ReleaseStatus::Approved
        );
    let editable = user.may(crate::domain::Permission::PlanRelease)
        && crate::domain::release::may_edit(summary.status).is_ok();
    Ok(ReleaseDetail {
        changes: crate::services::change_requests::shipped_by_release(pool, id).await?,
        plan: load_plan(pool, id).await?,
        summary,
        description,
        created_by,
        created_at,
        approvers,
        events,
        allowed_actions,
        can_edit_plan,
        editable,
    })
}

//! The change-request page: its fields, approvals, timeline, comments, the
//! actions the viewer may take, the schedule warning and rolled-back
//! deployments.

use crate::domain::change_request::{
    decide, ChangeClass, CrAction, CrActor, CrError, CrFacts, CrStatus,
};
use crate::error::AppError;
use crate::model::{CommentView, CrDetail, CrEventView};
use crate::services::session::SessionUser;
use crate::services::stored::parse;
use sqlx::PgPool;

/// The actions `user` could take on `facts` right now, for the buttons.
fn allowed_actions(facts: &CrFacts, user: &SessionUser) -> Vec<String> {
    let actor = CrActor {
        id: user.id,
        roles: &user.roles,
    };
    let candidates = [
        CrAction::Submit,
        CrAction::Review {
            passed: true,
            reason: None,
        },
        CrAction::Approve,
        CrAction::Reject { reason: "-".into() },
        CrAction::Rework,
        CrAction::FastTrack,
        CrAction::Schedule,
        CrAction::StartImplementation,
        CrAction::StartValidation,
        CrAction::Close { notes: "-".into() },
        CrAction::Cancel { reason: "-".into() },
    ];
    candidates
        .iter()
        // A missing post-implementation review still shows "Close", whose
        // refusal then says what is missing.
        .filter(|a| {
            matches!(
                decide(facts, &actor, a),
                Ok(_) | Err(CrError::ReviewMissing)
            )
        })
        .map(|a| a.name().to_string())
        .collect()
}

/// The page: fields, approvals, timeline, comments and the viewer's actions.
pub async fn detail(pool: &PgPool, user: &SessionUser, number: i64) -> Result<CrDetail, AppError> {
    let r = sqlx::query!(
        r#"select c.id, c.number, c.title, c.description, c.change_type, c.priority, c.impact, c.risk, c.class,
                  c.status::text as "status!", c.requester_id, u.display_name as requester, c.environments, c.services,
                  c.planned_start, c.duration_minutes, c.maintenance, c.implementation_plan, c.rollback_plan,
                  c.testing_plan, c.required_approvals, c.reviewer_id, r.display_name as "reviewer?",
                  c.closure_notes, c.review_root_cause, c.review_prevention, c.created_at, c.template_id
           from change_request c
           join app_user u on u.id = c.requester_id
           left join app_user r on r.id = c.reviewer_id
           where c.number = $1"#,
        number
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let approvals = sqlx::query!(
        "select a.approver_id, u.display_name from cr_approval a join app_user u on u.id = a.approver_id
         where a.cr_id = $1 order by a.created_at",
        r.id
    )
    .fetch_all(pool)
    .await?;
    // People by their display name, whatever label the event was written
    // with (deployments record the actor's email).
    let events = sqlx::query!(
        r#"select coalesce(u.display_name, e.actor_label) as "actor_label!", e.action,
                  e.from_status::text as from_status, e.to_status::text as to_status, e.note, e.occurred_at
           from cr_event e left join app_user u on u.id = e.actor_id
           where e.cr_id = $1 order by e.occurred_at, e.id"#,
        r.id
    )
    .fetch_all(pool)
    .await?;
    let comments = sqlx::query_as!(
        CommentView,
        "select u.display_name as author, c.body, c.created_at
         from cr_comment c join app_user u on u.id = c.author_id
         where c.cr_id = $1 order by c.created_at",
        r.id
    )
    .fetch_all(pool)
    .await?;
    let status = parse(&r.status, CrStatus::parse)?;
    let class = parse(&r.class, ChangeClass::parse)?;
    let review_written = r
        .review_root_cause
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
        && r.review_prevention
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
    let facts = CrFacts {
        status,
        class,
        requester: r.requester_id,
        approvals: approvals.iter().map(|a| a.approver_id).collect(),
        reviewer: r.reviewer_id,
        required_approvals: r.required_approvals.max(1) as usize,
        review_written,
    };
    use crate::domain::change_request as cr;
    let allowed_actions = allowed_actions(&facts, user);
    let editable = user.may(crate::domain::Permission::FileChange)
        && crate::domain::change_request::may_edit(status, r.requester_id == user.id).is_ok();
    // Part of the page's data, not a second request: the page renders the
    // same warning on the server and in the browser.
    let schedule_check = match r.planned_start {
        Some(start) if allowed_actions.iter().any(|a| a == "schedule") => {
            super::check_schedule(pool, r.number, start).await.ok()
        }
        _ => None,
    };
    let rolled_back =
        crate::services::deployments::rolled_back_for_change(pool, r.id, &r.environments).await?;
    Ok(CrDetail {
        id: r.id,
        number: r.number,
        title: r.title,
        description: r.description,
        change_type: parse(&r.change_type, cr::ChangeType::parse)?,
        priority: parse(&r.priority, cr::Priority::parse)?,
        impact: parse(&r.impact, cr::Impact::parse)?,
        risk: parse(&r.risk, cr::RiskLevel::parse)?,
        class,
        status,
        requester: r.requester,
        environments: r.environments,
        services: r.services,
        planned_start: r.planned_start,
        duration_minutes: r.duration_minutes,
        maintenance: r.maintenance,
        implementation_plan: r.implementation_plan,
        rollback_plan: r.rollback_plan,
        testing_plan: r.testing_plan,
        required_approvals: r.required_approvals,
        approvers: approvals.into_iter().map(|a| a.display_name).collect(),
        reviewer: r.reviewer,
        closure_notes: r.closure_notes,
        review_root_cause: r.review_root_cause,
        review_prevention: r.review_prevention,
        created_at: r.created_at,
        events: events
            .into_iter()
            .map(|e| CrEventView {
                actor_label: e.actor_label,
                action: e.action,
                from_status: e.from_status.and_then(|s| CrStatus::parse(&s).ok()),
                to_status: e.to_status.and_then(|s| CrStatus::parse(&s).ok()),
                note: e.note,
                occurred_at: e.occurred_at,
            })
            .collect(),
        comments,
        allowed_actions,
        editable,
        template: r.template_id,
        schedule_check,
        rolled_back,
    })
}

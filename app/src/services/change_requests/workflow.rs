//! Moving a change request through its workflow: lock the row, let the pure
//! `decide` rule the transition, then write approvals, the status, the
//! timeline, the audit event and the notifications, and commit.

use super::{event, refusal};
use crate::domain::change_request::{decide, ChangeClass, CrAction, CrActor, CrFacts, CrStatus};
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use crate::services::stored::parse;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A change request as locked for a write: the workflow's facts and what
/// the writes need.
pub(super) struct Row {
    pub(super) facts: CrFacts,
    pub(super) id: Uuid,
    pub(super) title: String,
    pub(super) planned_start: Option<DateTime<Utc>>,
}

/// Locks change request `number` for the rest of the transaction and reads
/// its workflow facts.
pub(super) async fn load_for_update(conn: &mut PgConnection, number: i64) -> Result<Row, AppError> {
    let r = sqlx::query!(
        r#"select id, title, status::text as "status!", class, requester_id, reviewer_id, required_approvals, planned_start,
                  review_root_cause, review_prevention
           from change_request where number = $1 for update"#,
        number
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let approvals =
        sqlx::query_scalar!("select approver_id from cr_approval where cr_id = $1", r.id)
            .fetch_all(&mut *conn)
            .await?;
    let review_written = r
        .review_root_cause
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
        && r.review_prevention
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
    Ok(Row {
        id: r.id,
        title: r.title,
        planned_start: r.planned_start,
        facts: CrFacts {
            status: parse(&r.status, CrStatus::parse)?,
            class: parse(&r.class, ChangeClass::parse)?,
            requester: r.requester_id,
            approvals,
            reviewer: r.reviewer_id,
            required_approvals: r.required_approvals.max(1) as usize,
            review_written,
        },
    })
}

/// The note an action carries itself (a reason, closure notes).
fn note_of(action: &CrAction) -> Option<String> {
    match action {
        CrAction::Review { reason, .. } => reason.clone(),
        CrAction::Reject { reason } | CrAction::Cancel { reason } => Some(reason.clone()),
        CrAction::Close { notes } => Some(notes.clone()),
        _ => None,
    }
}

/// Applies a workflow action for `user`. Scheduling may set the planned
/// start; a change without one cannot be scheduled.
#[tracing::instrument(skip_all, fields(cr = number, action = action.name()), err(Debug))]
pub async fn act(
    pool: &PgPool,
    user: &SessionUser,
    number: i64,
    action: CrAction,
    note: &str,
    planned_start: Option<DateTime<Utc>>,
    request_id: Option<&str>,
) -> Result<CrStatus, AppError> {
    let needed = action.permissions();
    if !needed.iter().any(|p| user.may(*p)) {
        return Err(AppError::NotPermitted(needed[0].refusal().into()));
    }
    let typed_note = note.trim();
    if typed_note.chars().count() > 10_000 {
        return Err(AppError::field(
            "note",
            "A note is at most 10,000 characters.",
        ));
    }
    let mut tx = pool.begin().await?;
    let row = load_for_update(&mut tx, number).await?;
    let actor = CrActor {
        id: user.id,
        roles: &user.roles,
    };
    let transition = decide(&row.facts, &actor, &action).map_err(refusal)?;
    let planned = planned_start.or(row.planned_start);
    if matches!(action, CrAction::Schedule) && planned.is_none() {
        return Err(AppError::field(
            "planned_start",
            "Choose when the change happens.",
        ));
    }
    // Clashes warn rather than refuse; the warning stays on the timeline.
    // (Plain reads on the pool: they do not wait for this row's lock.)
    let schedule_clashes = match (&action, planned) {
        (CrAction::Schedule, Some(start)) => {
            Some(super::check_schedule(pool, number, start).await?.clashes)
                .filter(|c| !c.is_empty())
        }
        _ => None,
    };
    if transition.records_approval {
        sqlx::query!(
            "insert into cr_approval (cr_id, approver_id) values ($1, $2)",
            row.id,
            user.id
        )
        .execute(&mut *tx)
        .await?;
    }
    if transition.resets_approvals {
        sqlx::query!("delete from cr_approval where cr_id = $1", row.id)
            .execute(&mut *tx)
            .await?;
    }
    let closure = match &action {
        CrAction::Close { notes } => Some(notes.trim().to_string()),
        _ => None,
    };
    sqlx::query!(
        "update change_request set
            status = $2::text::cr_status,
            reviewer_id = case when $3 then $4 when $5 then null else reviewer_id end,
            planned_start = case when $6 then $7 else planned_start end,
            implementation_started_at = case when $2 = 'implementing' then now() else implementation_started_at end,
            closure_notes = coalesce($8, closure_notes),
            updated_at = now()
         where id = $1",
        row.id,
        transition.to.as_str(),
        transition.records_review,
        user.id,
        transition.resets_approvals,
        matches!(action, CrAction::Schedule),
        planned,
        closure,
    )
    .execute(&mut *tx)
    .await?;
    // Every note a person types is kept: the action's own reason, or the
    // note given with an action that needs none (submit, approve, ...).
    let mut note =
        note_of(&action).or_else(|| (!typed_note.is_empty()).then(|| typed_note.to_string()));
    if let Some(clashes) = schedule_clashes {
        let despite = format!("Scheduled despite: {}", clashes.join(" "));
        note = Some(match note {
            Some(typed) => format!("{typed}\n{despite}"),
            None => despite,
        });
    }
    event(
        &mut tx,
        row.id,
        user,
        action.name(),
        Some(transition.from),
        Some(transition.to),
        note.as_deref(),
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: &format!("change_request.{}", action.name()),
            entity_type: "change_request",
            entity_id: Some(row.id.to_string()),
            before: Some(
                json!({ "status": transition.from, "approvals": row.facts.approvals.len() }),
            ),
            after: Some(json!({ "status": transition.to, "note": note, "planned_start": planned })),
            request_id,
        },
    )
    .await?;
    crate::services::notifications::change_request_moved(
        &mut tx,
        number,
        &row.title,
        row.facts.requester,
        if transition.records_review {
            Some(user.id)
        } else {
            row.facts.reviewer
        },
        user.id,
        &action,
        transition.to,
        row.facts.class == ChangeClass::Emergency,
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(transition.to)
}

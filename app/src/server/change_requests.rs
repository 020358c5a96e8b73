//! Change requests: filing, the list, the page, and moving them through the
//! workflow. Each change, its timeline event and its audit event commit
//! together.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use super::audit::{self, AuditEntry};
use super::session::SessionUser;
use super::stored::parse;
use crate::domain::change_request::{
    decide, ChangeClass, CrAction, CrActor, CrError, CrFacts, CrStatus,
};
use crate::domain::cr_form::{CrInput, ValidCr};
use crate::error::AppError;
use crate::model::{CommentView, CrDetail, CrEventView, CrPage, CrSummary};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Builds a `CrSummary` from a row carrying the summary columns. `query!`
/// rows are anonymous types, so this is a macro rather than a function.
macro_rules! summary {
    ($row:expr) => {{
        let r = $row;
        Ok::<_, AppError>(CrSummary {
            id: r.id,
            number: r.number,
            title: r.title,
            status: parse(&r.status, CrStatus::parse)?,
            class: parse(&r.class, ChangeClass::parse)?,
            priority: parse(&r.priority, crate::domain::change_request::Priority::parse)?,
            environments: r.environments,
            requester: r.requester,
            planned_start: r.planned_start,
            updated_at: r.updated_at,
        })
    }};
}

async fn event(
    conn: &mut PgConnection,
    cr_id: Uuid,
    user: &SessionUser,
    action: &str,
    from: Option<CrStatus>,
    to: Option<CrStatus>,
    note: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into cr_event (cr_id, actor_id, actor_label, action, from_status, to_status, note)
         values ($1, $2, $3, $4, $5::text::cr_status, $6::text::cr_status, $7)",
        cr_id,
        user.id,
        user.display_name,
        action,
        from.map(|s| s.as_str()),
        to.map(|s| s.as_str()),
        note,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What a filed or edited change request is stored as: a standard change
/// takes what its pre-approved template says; unknown environments are field
/// errors. Returns it with the approvals its environments require.
async fn settle(conn: &mut PgConnection, cr: ValidCr) -> Result<(ValidCr, usize), AppError> {
    let mut cr = cr;
    if let Some(template) = cr.template {
        let t = super::templates::active(conn, template).await?;
        cr.change_type = t.change_type;
        cr.impact = t.impact;
        cr.risk = t.risk;
        cr.environments = t.environments;
        cr.duration_minutes = t.duration_minutes;
        cr.implementation_plan = t.implementation_plan;
        cr.rollback_plan = t.rollback_plan;
        cr.testing_plan = t.testing_plan;
    }
    let known = sqlx::query!(
        "select key, required_approvals from environment where key = any($1)",
        &cr.environments
    )
    .fetch_all(&mut *conn)
    .await?;
    let unknown: Vec<&str> = cr
        .environments
        .iter()
        .filter(|e| !known.iter().any(|k| &k.key == *e))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::field(
            "environments",
            format!("Unknown environment: {}.", unknown.join(", ")),
        ));
    }
    let required = crate::domain::change_request::required_approvals(
        known.iter().map(|k| k.required_approvals.max(0) as u32),
    );
    Ok((cr, required))
}

/// Files a change request as a draft. Unknown environments are field errors.
#[tracing::instrument(skip_all, fields(user = %user.id), err(Debug))]
pub async fn create(
    pool: &PgPool,
    user: &SessionUser,
    cr: ValidCr,
    request_id: Option<&str>,
) -> Result<(Uuid, i64), AppError> {
    if !user.may(crate::domain::Permission::FileChange) {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let (cr, required) = settle(&mut tx, cr).await?;
    let id = Uuid::new_v4();
    let number = sqlx::query_scalar!(
        "insert into change_request
            (id, title, description, change_type, priority, impact, risk, class, requester_id, environments, services,
             planned_start, duration_minutes, maintenance, implementation_plan, rollback_plan, testing_plan, required_approvals,
             template_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         returning number",
        id,
        cr.title,
        cr.description,
        cr.change_type.as_str(),
        cr.priority.as_str(),
        cr.impact.as_str(),
        cr.risk.as_str(),
        cr.class.as_str(),
        user.id,
        &cr.environments,
        &cr.services,
        cr.planned_start,
        cr.duration_minutes,
        cr.maintenance,
        cr.implementation_plan,
        cr.rollback_plan,
        cr.testing_plan,
        required as i32,
        cr.template,
    )
    .fetch_one(&mut *tx)
    .await?;
    event(
        &mut tx,
        id,
        user,
        "create",
        None,
        Some(CrStatus::Draft),
        None,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "change_request.create",
            entity_type: "change_request",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(serde_json::to_value(&cr).unwrap_or_default()),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, number))
}

/// What a person reads when the workflow refuses: a missing reason beside
/// the note, who they are as 403, the state the change is in as 409.
fn refusal(e: CrError) -> AppError {
    if e == CrError::ReasonRequired {
        AppError::field("note", e.to_string())
    } else if e.is_permission() {
        AppError::NotPermitted(e.to_string())
    } else {
        AppError::Conflict(e.to_string())
    }
}

/// Edits a draft change request (its requester's, see
/// `change_request::may_edit`): every field, one timeline entry naming what
/// changed, and the audit event with before and after, in one transaction.
#[tracing::instrument(skip_all, fields(user = %user.id, number), err(Debug))]
pub async fn update(
    pool: &PgPool,
    user: &SessionUser,
    number: i64,
    cr: ValidCr,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    if !user.may(crate::domain::Permission::FileChange) {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let before = sqlx::query!(
        r#"select id, status::text as "status!", requester_id, title, description, change_type, priority,
                  impact, risk, class, environments, services, planned_start, duration_minutes, maintenance,
                  implementation_plan, rollback_plan, testing_plan, template_id
           from change_request where number = $1 for update"#,
        number
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let status = parse(&before.status, CrStatus::parse)?;
    crate::domain::change_request::may_edit(status, before.requester_id == user.id)
        .map_err(refusal)?;
    let (cr, required) = settle(&mut tx, cr).await?;
    let old = serde_json::json!({
        "title": before.title, "description": before.description, "change_type": before.change_type,
        "priority": before.priority, "impact": before.impact, "risk": before.risk, "class": before.class,
        "environments": before.environments, "services": before.services,
        "planned_start": before.planned_start, "duration_minutes": before.duration_minutes,
        "maintenance": before.maintenance, "implementation_plan": before.implementation_plan,
        "rollback_plan": before.rollback_plan, "testing_plan": before.testing_plan,
        "template": before.template_id,
    });
    let new = serde_json::to_value(&cr).unwrap_or_default();
    let changed: Vec<String> = audit::changed_fields(&old, &new, CrInput::FIELDS)
        .into_iter()
        .map(|key| key.replace('_', " "))
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "update change_request set title = $2, description = $3, change_type = $4, priority = $5, impact = $6,
            risk = $7, class = $8, environments = $9, services = $10, planned_start = $11, duration_minutes = $12,
            maintenance = $13, implementation_plan = $14, rollback_plan = $15, testing_plan = $16,
            required_approvals = $17, template_id = $18, updated_at = now()
         where id = $1",
        before.id,
        cr.title,
        cr.description,
        cr.change_type.as_str(),
        cr.priority.as_str(),
        cr.impact.as_str(),
        cr.risk.as_str(),
        cr.class.as_str(),
        &cr.environments,
        &cr.services,
        cr.planned_start,
        cr.duration_minutes,
        cr.maintenance,
        cr.implementation_plan,
        cr.rollback_plan,
        cr.testing_plan,
        required as i32,
        cr.template,
    )
    .execute(&mut *tx)
    .await?;
    let note = format!("Changed: {}", changed.join(", "));
    event(&mut tx, before.id, user, "edit", None, None, Some(&note)).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "change_request.update",
            entity_type: "change_request",
            entity_id: Some(before.id.to_string()),
            before: Some(old),
            after: Some(new),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How the change-request list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CrSort {
    /// Most recently changed first.
    #[default]
    Updated,
    /// Soonest planned first; unplanned last.
    Planned,
    /// Most urgent first.
    Priority,
    /// Newest filed first.
    Number,
}

impl CrSort {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "updated" => Ok(Self::Updated),
            "planned" => Ok(Self::Planned),
            "priority" => Ok(Self::Priority),
            "number" => Ok(Self::Number),
            other => Err(format!(
                "\"{other}\" is not one of: updated, planned, priority, number."
            )),
        }
    }

    /// The `ORDER BY` clause, a fixed string per variant.
    fn order_by(self) -> &'static str {
        match self {
            Self::Updated => "c.updated_at desc, c.number desc",
            Self::Planned => "c.planned_start asc nulls last, c.number desc",
            Self::Priority => {
                "array_position(array['critical', 'high', 'medium', 'low'], c.priority), c.updated_at desc, c.number desc"
            }
            Self::Number => "c.number desc",
        }
    }
}

/// A list row as the runtime-built list query returns it.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    number: i64,
    title: String,
    status: String,
    class: String,
    priority: String,
    environments: Vec<String>,
    requester: String,
    planned_start: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

/// Filters for the list.
#[derive(Clone, Debug, Default)]
pub struct CrFilter {
    pub status: Option<CrStatus>,
    pub requester: Option<Uuid>,
    pub search: Option<String>,
    pub sort: CrSort,
    /// Stop counting matches here (people read "1,000+"); `None` counts all.
    pub count_cap: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of change requests, newest activity first, in two queries.
pub async fn list(pool: &PgPool, filter: &CrFilter) -> Result<CrPage, AppError> {
    let per_page = filter.per_page.clamp(1, 100);
    let page = filter.page.clamp(1, crate::domain::MAX_PAGE);
    let status = filter.status.map(|s| s.as_str());
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", s.replace(['%', '_'], "")));
    // Only the filters in use go into the SQL, so the planner sees exact
    // predicates: an unfiltered count is an index-only scan, and the page
    // walks the index matching its fixed ORDER BY clause.
    let filtered = |sql: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>| {
        sql.push(" where true");
        if let Some(status) = status {
            sql.push(" and c.status = ")
                .push_bind(status)
                .push("::cr_status");
        }
        if let Some(requester) = filter.requester {
            sql.push(" and c.requester_id = ").push_bind(requester);
        }
        if let Some(search) = &search {
            sql.push(" and c.title ilike ").push_bind(search.clone());
        }
    };
    let cap = filter.count_cap.map(|cap| cap.max(page * per_page + 1));
    let mut count = sqlx::QueryBuilder::new("select count(*) from (select 1 from change_request c");
    filtered(&mut count);
    if let Some(cap) = cap {
        count.push(" limit ").push_bind(cap);
    }
    count.push(") counted");
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = sqlx::QueryBuilder::new(
        "select c.id, c.number, c.title, c.status::text as status, c.class, c.priority, c.environments,
                u.display_name as requester, c.planned_start, c.updated_at
         from change_request c join app_user u on u.id = c.requester_id",
    );
    filtered(&mut select);
    select
        .push(" order by ")
        .push(filter.sort.order_by())
        .push(" limit ")
        .push_bind(per_page)
        .push(" offset ")
        .push_bind((page - 1) * per_page);
    let rows: Vec<SummaryRow> = select.build_query_as().fetch_all(pool).await?;
    let items = rows
        .into_iter()
        .map(|r| summary!(r))
        .collect::<Result<_, AppError>>()?;
    Ok(CrPage {
        total_capped: cap.is_some_and(|cap| total >= cap),
        items,
        total,
        page,
        per_page,
    })
}

struct Row {
    facts: CrFacts,
    id: Uuid,
    title: String,
    planned_start: Option<DateTime<Utc>>,
}

async fn load_for_update(conn: &mut PgConnection, number: i64) -> Result<Row, AppError> {
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

fn note_of(action: &CrAction) -> Option<String> {
    match action {
        CrAction::Review { reason, .. } => reason.clone(),
        CrAction::Reject { reason } | CrAction::Cancel { reason } => Some(reason.clone()),
        CrAction::Close { notes } => Some(notes.clone()),
        _ => None,
    }
}

/// What scheduling change `number` at `start` would clash with, and the next
/// free start when it clashes.
pub async fn check_schedule(
    pool: &PgPool,
    number: i64,
    start: DateTime<Utc>,
) -> Result<crate::model::ScheduleCheck, AppError> {
    use crate::domain::schedule::{clashes, next_free_slot, Booking, Window, SEARCH_HORIZON_DAYS};
    let cr = sqlx::query!(
        "select environments, services, duration_minutes, class from change_request where number = $1",
        number
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let window = Window::new(start, i64::from(cr.duration_minutes))
        .map_err(|m| AppError::field("planned_start", m))?;
    let candidate = Booking {
        label: format!("CR-{number}"),
        environments: cr.environments,
        services: cr.services,
        window,
    };
    let from = start - chrono::Duration::days(15);
    let to = start + chrono::Duration::days(SEARCH_HORIZON_DAYS + 15);
    let bookings = super::calendar::bookings_except(pool, number, from, to).await?;
    let freezes: Vec<_> = super::freezes::between(pool, from, to)
        .await?
        .iter()
        .map(super::freezes::as_rule)
        .collect();
    let emergency = cr.class == ChangeClass::Emergency.as_str();
    let found: Vec<String> = clashes(&candidate, &bookings, &freezes, emergency)
        .iter()
        .map(|c| c.message())
        .collect();
    let next_free = if found.is_empty() {
        None
    } else {
        next_free_slot(&candidate, start, &bookings, &freezes, emergency)
    };
    Ok(crate::model::ScheduleCheck {
        clashes: found,
        next_free,
    })
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
            Some(check_schedule(pool, number, start).await?.clashes).filter(|c| !c.is_empty())
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
    super::notifications::change_request_moved(
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
    tx.commit().await?;
    Ok(transition.to)
}

/// Adds a comment.
pub async fn comment(
    pool: &PgPool,
    user: &SessionUser,
    number: i64,
    body: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Comment)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(AppError::field(
            "body",
            "A comment is 1 to 10,000 characters.",
        ));
    }
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!("select id from change_request where number = $1", number)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "insert into cr_comment (id, cr_id, author_id, body) values ($1, $2, $3, $4)",
        Uuid::new_v4(),
        id,
        user.id,
        body
    )
    .execute(&mut *tx)
    .await?;
    event(&mut tx, id, user, "comment", None, None, None).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "change_request.comment",
            entity_type: "change_request",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "body": body })),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes an emergency change's post-implementation review (root cause and
/// prevention), which it needs before it can close. The requester, release
/// managers and administrators may write it once implementation started.
pub async fn write_review(
    pool: &PgPool,
    user: &SessionUser,
    number: i64,
    root_cause: &str,
    prevention: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    // Writing the review is editing the change: the requester or a manager,
    // all of whom may file changes. Checked before anything is looked up.
    user.require(crate::domain::Permission::FileChange)?;
    let (root_cause, prevention) = (root_cause.trim(), prevention.trim());
    let mut fields = std::collections::BTreeMap::new();
    if root_cause.is_empty() {
        fields.insert(
            "root_cause".to_string(),
            "Describe the root cause.".to_string(),
        );
    }
    if prevention.is_empty() {
        fields.insert(
            "prevention".to_string(),
            "Describe how it is prevented from recurring.".to_string(),
        );
    }
    if !fields.is_empty() {
        return Err(AppError::Validation {
            message: "The review needs both parts.".into(),
            fields,
        });
    }
    let mut tx = pool.begin().await?;
    let row = load_for_update(&mut tx, number).await?;
    if row.facts.class != ChangeClass::Emergency {
        return Err(AppError::Conflict(
            "Only emergency changes have a post-implementation review.".into(),
        ));
    }
    if !matches!(
        row.facts.status,
        CrStatus::Implementing | CrStatus::Validating | CrStatus::Closed
    ) {
        return Err(AppError::Conflict(
            "The review is written once implementation has started.".into(),
        ));
    }
    let manager = user.roles.contains(crate::domain::Role::ReleaseManager)
        || user.roles.contains(crate::domain::Role::Admin);
    if user.id != row.facts.requester && !manager {
        return Err(AppError::Forbidden);
    }
    sqlx::query!(
        "update change_request set review_root_cause = $2, review_prevention = $3, updated_at = now() where id = $1",
        row.id,
        root_cause,
        prevention,
    )
    .execute(&mut *tx)
    .await?;
    event(
        &mut tx,
        row.id,
        user,
        "post_implementation_review",
        None,
        None,
        None,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "change_request.post_implementation_review",
            entity_type: "change_request",
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(json!({ "root_cause": root_cause, "prevention": prevention })),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

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

/// A timeline line as read: actor, action, from, to, note, when.
type EventRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
);

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
    let events: Vec<EventRow> = sqlx::query_as(
        "select coalesce(u.display_name, e.actor_label), e.action, e.from_status::text,
                e.to_status::text, e.note, e.occurred_at
         from cr_event e left join app_user u on u.id = e.actor_id
         where e.cr_id = $1 order by e.occurred_at, e.id",
    )
    .bind(r.id)
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
            check_schedule(pool, r.number, start).await.ok()
        }
        _ => None,
    };
    let rolled_back =
        super::deployments::rolled_back_for_change(pool, r.id, &r.environments).await?;
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
            .map(
                |(actor_label, action, from_status, to_status, note, occurred_at)| CrEventView {
                    actor_label,
                    action,
                    from_status: from_status.and_then(|s| CrStatus::parse(&s).ok()),
                    to_status: to_status.and_then(|s| CrStatus::parse(&s).ok()),
                    note,
                    occurred_at,
                },
            )
            .collect(),
        comments,
        allowed_actions,
        editable,
        template: r.template_id,
        schedule_check,
        rolled_back,
    })
}

/// Change requests still open (not closed, cancelled or rejected), newest
/// first, at most 500: what a release can ship.
pub async fn linkable(pool: &PgPool) -> Result<Vec<CrSummary>, AppError> {
    let rows = sqlx::query!(
        r#"select c.id, c.number, c.title, c.status::text as "status!", c.class, c.priority, c.environments,
                  u.display_name as requester, c.planned_start, c.updated_at
           from change_request c
           join app_user u on u.id = c.requester_id
           where c.status not in ('closed', 'cancelled', 'rejected')
           order by c.number desc
           limit 500"#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| summary!(r)).collect()
}

/// The change requests a release ships, by number.
pub async fn shipped_by_release(
    pool: &PgPool,
    release_id: Uuid,
) -> Result<Vec<CrSummary>, AppError> {
    let rows = sqlx::query!(
        r#"select c.id, c.number, c.title, c.status::text as "status!", c.class, c.priority, c.environments,
                  u.display_name as requester, c.planned_start, c.updated_at
           from release_change rc
           join change_request c on c.id = rc.cr_id
           join app_user u on u.id = c.requester_id
           where rc.release_id = $1
           order by c.number"#,
        release_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| summary!(r)).collect()
}

//! Filing a change request and editing a draft: what it is stored as (a
//! standard change takes its template's plan), the row, its timeline line
//! and its audit event, in one transaction.

use super::{event, refusal};
use crate::domain::change_request::CrStatus;
use crate::domain::cr_form::{CrInput, ValidCr};
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use crate::services::stored::parse;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// What a filed or edited change request is stored as: a standard change
/// takes what its pre-approved template says; unknown environments are field
/// errors. Returns it with the approvals its environments require.
async fn settle(conn: &mut PgConnection, cr: ValidCr) -> Result<(ValidCr, usize), AppError> {
    let mut cr = cr;
    if let Some(template) = cr.template {
        let t = crate::services::templates::active(conn, template).await?;
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
    crate::services::audit::commit(tx).await?;
    Ok((id, number))
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
    crate::services::audit::commit(tx).await?;
    Ok(())
}

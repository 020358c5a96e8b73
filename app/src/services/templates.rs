//! Standard-change templates: pre-approved changes an admin maintains. A
//! standard change request takes its type, impact, risk, environments,
//! duration and plans from its template.

use super::audit::{self, AuditEntry};
use super::session::SessionUser;
use super::stored::parse;
use crate::domain::catalog::ValidTemplate;
use crate::domain::change_request::{ChangeType, Impact, RiskLevel};
use crate::error::AppError;
use crate::model::TemplateView;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

macro_rules! view {
    ($r:expr) => {{
        let r = $r;
        Ok::<_, AppError>(TemplateView {
            id: r.id,
            name: r.name,
            title: r.title,
            description: r.description,
            change_type: parse(&r.change_type, ChangeType::parse)?,
            impact: parse(&r.impact, Impact::parse)?,
            risk: parse(&r.risk, RiskLevel::parse)?,
            environments: r.environments,
            duration_minutes: r.duration_minutes,
            implementation_plan: r.implementation_plan,
            rollback_plan: r.rollback_plan,
            testing_plan: r.testing_plan,
            archived: r.archived,
            use_count: r.use_count,
        })
    }};
}

/// Templates by name; archived ones only when asked.
pub async fn list(pool: &PgPool, include_archived: bool) -> Result<Vec<TemplateView>, AppError> {
    sqlx::query!(
        r#"select t.id, t.name, t.title, t.description, t.change_type, t.impact, t.risk, t.environments,
                  t.duration_minutes, t.implementation_plan, t.rollback_plan, t.testing_plan, t.archived,
                  (select count(*) from change_request c where c.template_id = t.id) as "use_count!"
           from cr_template t
           where $1 or not t.archived
           order by lower(t.name)"#,
        include_archived
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| view!(r))
    .collect()
}

/// The live template `id`, for filing a standard change.
pub async fn active(conn: &mut PgConnection, id: Uuid) -> Result<TemplateView, AppError> {
    let r = sqlx::query!(
        r#"select t.id, t.name, t.title, t.description, t.change_type, t.impact, t.risk, t.environments,
                  t.duration_minutes, t.implementation_plan, t.rollback_plan, t.testing_plan, t.archived,
                  0::bigint as "use_count!"
           from cr_template t where t.id = $1 and not t.archived"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| {
        AppError::field(
            "template",
            "That template does not exist or was archived; choose another.",
        )
    })?;
    view!(r)
}

/// Creates (`id` none) or updates a template. Change requests already filed
/// from it keep what they were filed with.
#[tracing::instrument(skip_all, err(Debug))]
pub async fn save(
    pool: &PgPool,
    user: &SessionUser,
    id: Option<Uuid>,
    template: &ValidTemplate,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Administer)?;
    let cr = &template.cr;
    let mut tx = pool.begin().await?;
    let unknown: Vec<String> = sqlx::query_scalar!(
        r#"select e as "e!" from unnest($1::text[]) e where not exists (select 1 from environment where key = e)"#,
        &cr.environments
    )
    .fetch_all(&mut *tx)
    .await?;
    if !unknown.is_empty() {
        return Err(AppError::field(
            "environments",
            format!("Unknown environment: {}.", unknown.join(", ")),
        ));
    }
    let (id, before) = match id {
        Some(id) => {
            let before = sqlx::query!(
                "select name, title, implementation_plan, rollback_plan from cr_template where id = $1 for update",
                id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
            (
                id,
                Some(json!({ "name": before.name, "title": before.title,
                    "implementation_plan": before.implementation_plan, "rollback_plan": before.rollback_plan })),
            )
        }
        None => (Uuid::new_v4(), None),
    };
    let saved = sqlx::query!(
        "insert into cr_template (id, name, title, description, change_type, impact, risk, environments,
                                  duration_minutes, implementation_plan, rollback_plan, testing_plan, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         on conflict (id) do update set name = excluded.name, title = excluded.title,
             description = excluded.description, change_type = excluded.change_type, impact = excluded.impact,
             risk = excluded.risk, environments = excluded.environments, duration_minutes = excluded.duration_minutes,
             implementation_plan = excluded.implementation_plan, rollback_plan = excluded.rollback_plan,
             testing_plan = excluded.testing_plan, updated_at = now()",
        id,
        template.name,
        cr.title,
        cr.description,
        cr.change_type.as_str(),
        cr.impact.as_str(),
        cr.risk.as_str(),
        &cr.environments,
        cr.duration_minutes,
        cr.implementation_plan,
        cr.rollback_plan,
        cr.testing_plan,
        user.id,
    )
    .execute(&mut *tx)
    .await;
    match saved {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("cr_template_name_key") => {
            return Err(AppError::field(
                "name",
                format!("There is already a template named \"{}\".", template.name),
            ));
        }
        other => {
            other?;
        }
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: if before.is_some() {
                "cr_template.update"
            } else {
                "cr_template.create"
            },
            entity_type: "cr_template",
            entity_id: Some(id.to_string()),
            before,
            after: Some(serde_json::to_value(template).unwrap_or_default()),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

/// Archives a template (no new changes from it) or brings it back.
pub async fn set_archived(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    archived: bool,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Administer)?;
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update cr_template set archived = $2, updated_at = now() where id = $1",
        id,
        archived
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: if archived {
                "cr_template.archive"
            } else {
                "cr_template.restore"
            },
            entity_type: "cr_template",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "archived": !archived })),
            after: Some(json!({ "archived": archived })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

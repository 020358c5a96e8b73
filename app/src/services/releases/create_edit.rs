//! Filing a release and editing a planned one: its service, environments
//! and change requests checked, its gates following its environments, the
//! row, its timeline line and its audit event, in one transaction.

use super::plan::{load_plan, write_plan};
use super::{event, lock};
use crate::domain::release::ReleaseStatus;
use crate::domain::release_plan::{Plan, ValidRelease};
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A release's environments and change requests exist; returns the change
/// requests' ids and numbers. Unknown ones are field errors.
async fn check_targets(
    conn: &mut PgConnection,
    release: &ValidRelease,
) -> Result<Vec<(Uuid, i64)>, AppError> {
    let known = sqlx::query_scalar!(
        "select key from environment where key = any($1)",
        &release.environments
    )
    .fetch_all(&mut *conn)
    .await?;
    let unknown: Vec<&str> = release
        .environments
        .iter()
        .filter(|e| !known.contains(e))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::field(
            "environments",
            format!("Unknown environment: {}.", unknown.join(", ")),
        ));
    }
    let crs = sqlx::query!(
        "select id, number from change_request where number = any($1)",
        &release.changes
    )
    .fetch_all(&mut *conn)
    .await?;
    let missing: Vec<String> = release
        .changes
        .iter()
        .filter(|n| !crs.iter().any(|c| c.number == **n))
        .map(|n| format!("CR-{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::field(
            "changes",
            format!("No such change request: {}.", missing.join(", ")),
        ));
    }
    Ok(crs.into_iter().map(|c| (c.id, c.number)).collect())
}

/// Files a release in `planned` with the seed's default gates for its
/// environments. Unknown services, environments or change requests and a
/// version the service already has are field errors.
#[tracing::instrument(skip_all, fields(user = %user.id), err(Debug))]
pub async fn create(
    pool: &PgPool,
    user: &SessionUser,
    release: ValidRelease,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    if !user.may(crate::domain::Permission::PlanRelease) {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let service_id = sqlx::query_scalar!("select id from service where key = $1", release.service)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "service",
                format!("There is no service \"{}\".", release.service),
            )
        })?;
    let crs = check_targets(&mut tx, &release).await?;
    let version = release.version.to_string();
    let id = Uuid::new_v4();
    let inserted = sqlx::query!(
        "insert into release (id, service_id, version, version_major, version_minor, version_patch, version_sort,
                              release_type, title, description, environments, planned_at, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         on conflict (service_id, version) do nothing",
        id,
        service_id,
        version,
        release.version.major.min(i64::MAX as u64) as i64,
        release.version.minor.min(i64::MAX as u64) as i64,
        release.version.patch.min(i64::MAX as u64) as i64,
        release.version.precedence_key(),
        release.release_type.as_str(),
        release.title,
        release.description,
        &release.environments,
        release.planned_at,
        user.id,
    )
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AppError::field(
            "version",
            format!("{} already has a release {version}.", release.service),
        ));
    }
    let cr_ids: Vec<Uuid> = crs.iter().map(|c| c.0).collect();
    sqlx::query!(
        "insert into release_change (release_id, cr_id) select $1, unnest($2::uuid[])",
        id,
        &cr_ids
    )
    .execute(&mut *tx)
    .await?;
    let plan = Plan {
        gates: Plan::default_gates(&release.environments),
        ..Plan::default()
    };
    write_plan(&mut tx, id, &plan).await?;
    event(
        &mut tx,
        id,
        user,
        "create",
        None,
        Some(ReleaseStatus::Planned),
        None,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "release.create",
            entity_type: "release",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "service": release.service,
                "version": version,
                "type": release.release_type,
                "title": release.title,
                "environments": release.environments,
                "planned_at": release.planned_at,
                "changes": release.changes,
            })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

/// Edits a planned release: title, description, environments, planned date
/// and the change requests it ships (its service and version name it and do
/// not change). Gates follow the environments: an environment's gates go
/// with it, a new environment gets the default gates. One timeline entry
/// naming what changed, and the audit event, in one transaction.
#[tracing::instrument(skip_all, fields(release = %id), err(Debug))]
pub async fn update(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    release: ValidRelease,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    if !user.may(crate::domain::Permission::PlanRelease) {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    crate::domain::release::may_edit(locked.status).map_err(AppError::Conflict)?;
    let before = sqlx::query!(
        r#"select s.key as service, r.version, r.release_type, r.title, r.description, r.environments, r.planned_at,
                  coalesce(array(select c.number from release_change rc join change_request c on c.id = rc.cr_id
                                 where rc.release_id = r.id order by c.number), '{}') as "changes!"
           from release r join service s on s.id = r.service_id where r.id = $1"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if before.service != release.service || before.version != release.version.to_string() {
        return Err(AppError::field(
            "version",
            "A release's service and version name it and cannot change; plan a new release instead.",
        ));
    }
    let crs = check_targets(&mut tx, &release).await?;
    let mut changes = release.changes.clone();
    changes.sort_unstable();
    changes.dedup();
    let old = json!({
        "type": before.release_type, "title": before.title, "description": before.description,
        "environments": before.environments, "planned_at": before.planned_at, "changes": before.changes,
    });
    let new = json!({
        "type": release.release_type, "title": release.title, "description": release.description,
        "environments": release.environments, "planned_at": release.planned_at, "changes": changes,
    });
    let changed = audit::changed_fields(
        &old,
        &new,
        &[
            "type",
            "title",
            "description",
            "environments",
            "planned_at",
            "changes",
        ],
    );
    if changed.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "update release set release_type = $2, title = $3, description = $4, environments = $5, planned_at = $6,
                            updated_at = now()
         where id = $1",
        id,
        release.release_type.as_str(),
        release.title,
        release.description,
        &release.environments,
        release.planned_at,
    )
    .execute(&mut *tx)
    .await?;
    let cr_ids: Vec<Uuid> = crs.iter().map(|c| c.0).collect();
    sqlx::query!(
        "delete from release_change where release_id = $1 and cr_id <> all($2)",
        id,
        &cr_ids
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into release_change (release_id, cr_id) select $1, unnest($2::uuid[]) on conflict do nothing",
        id,
        &cr_ids
    )
    .execute(&mut *tx)
    .await?;
    if before.environments != release.environments {
        let mut plan = load_plan(pool, id).await?;
        plan.gates
            .retain(|g| release.environments.contains(&g.environment));
        let added: Vec<String> = release
            .environments
            .iter()
            .filter(|e| !before.environments.contains(e))
            .cloned()
            .collect();
        plan.gates.extend(Plan::default_gates(&added));
        write_plan(&mut tx, id, &plan).await?;
    }
    let words: Vec<String> = changed
        .iter()
        .map(|k| match *k {
            "planned_at" => "planned date".to_string(),
            "changes" => "change requests".to_string(),
            other => other.to_string(),
        })
        .collect();
    let note = format!("Changed: {}", words.join(", "));
    event(&mut tx, id, user, "edit", None, None, Some(&note)).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "release.update",
            entity_type: "release",
            entity_id: Some(id.to_string()),
            before: Some(old),
            after: Some(new),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

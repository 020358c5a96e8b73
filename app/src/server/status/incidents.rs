//! Incidents: opened by people or by an automatic rollback (as a draft),
//! published, updated along a timeline, resolved. Every published update is
//! announced to subscribers through the job runner.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use super::components;
use super::timeline::Timeline;
use crate::domain::markdown;
use crate::domain::status::{parse_impact_start, ComponentStatus, Impact, IncidentStatus};
use crate::domain::Role;
use crate::error::AppError;
use crate::model::status::{
    ComponentChoice, IncidentDetail, IncidentFilter, IncidentInput, IncidentPage, IncidentRow,
    IncidentUpdateInput, LinkedChange, LinkedDeployment, LinkedRelease, PublishIncident,
    TimelineEntry,
};
use crate::server::audit::{self, Actor, AuditEntry};
use crate::server::notifications::{self, Notice};
use crate::server::session::SessionUser;
use crate::server::stored;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

const MAX_BODY: usize = 20_000;

fn check_text(title: Option<&str>, body: &str) -> Result<(), AppError> {
    let errors = text_problems(title, body);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

/// The title's and the message's problems, field → message.
fn text_problems(title: Option<&str>, body: &str) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    if let Some(title) = title {
        let len = title.trim().chars().count();
        if len == 0 || len > 200 {
            errors.insert("title".into(), "A title of 1 to 200 characters.".into());
        }
    }
    let len = body.trim().chars().count();
    if len == 0 || len > MAX_BODY {
        errors.insert(
            "body".into(),
            format!("A message of 1 to {MAX_BODY} characters."),
        );
    }
    errors
}

/// The impact start a form sent (`None`: blank), or its problem added to
/// `errors`.
fn impact_start(text: &str, errors: &mut BTreeMap<String, String>) -> Option<DateTime<Utc>> {
    match parse_impact_start(text, Utc::now()) {
        Ok(at) => at,
        Err(message) => {
            errors.insert("impact_started_at".into(), message);
            None
        }
    }
}

/// Announces an update to subscribers once it commits.
/// Makes `choices` the components the incident affects, with the status
/// each gets (a component chosen twice: the last choice wins). Returns every
/// component whose status may change: the chosen ones and those dropped.
async fn set_components(
    conn: &mut PgConnection,
    incident: Uuid,
    choices: &[ComponentChoice],
) -> Result<Vec<Uuid>, AppError> {
    let latest: BTreeMap<Uuid, ComponentStatus> =
        choices.iter().map(|c| (c.id, c.status)).collect();
    let mut ids =
        super::existing_components(conn, &latest.keys().copied().collect::<Vec<_>>()).await?;
    let statuses: Vec<&str> = ids.iter().map(|id| latest[id].as_str()).collect();
    let dropped: Vec<Uuid> = sqlx::query_scalar(
        "delete from incident_component where incident_id = $1 and component_id <> all($2) returning component_id",
    )
    .bind(incident)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "insert into incident_component (incident_id, component_id, status)
         select $1, c, s from unnest($2::uuid[], $3::text[]) as t(c, s)
         on conflict (incident_id, component_id) do update set status = excluded.status",
    )
    .bind(incident)
    .bind(&ids)
    .bind(&statuses)
    .execute(conn)
    .await?;
    ids.extend(dropped);
    Ok(ids)
}

async fn affected(conn: &mut PgConnection, incident: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(
        sqlx::query_scalar("select component_id from incident_component where incident_id = $1")
            .bind(incident)
            .fetch_all(conn)
            .await?,
    )
}

/// Opens an incident, published or as a draft.
#[tracing::instrument(skip_all, fields(user = %user.id), err(Debug))]
pub async fn create(
    pool: &PgPool,
    user: &SessionUser,
    input: &IncidentInput,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    let mut errors = text_problems(Some(&input.title), &input.body);
    let began = impact_start(&input.impact_started_at, &mut errors);
    if !input.status.is_open() {
        errors.insert(
            "status".into(),
            "A new incident starts investigating, identified or monitoring.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut tx = pool.begin().await?;
    let id = Uuid::new_v4();
    let visibility = if input.publish { "published" } else { "draft" };
    let began: DateTime<Utc> = sqlx::query_scalar(
        "insert into incident (id, title, impact, status, visibility, created_by, published_at, impact_started_at)
         values ($1, $2, $3, $4, $5, $6, case when $5 = 'published' then now() end, coalesce($7, now()))
         returning impact_started_at",
    )
    .bind(id)
    .bind(input.title.trim())
    .bind(input.impact.as_str())
    .bind(input.status.as_str())
    .bind(visibility)
    .bind(user.id)
    .bind(began)
    .fetch_one(&mut *tx)
    .await?;
    let ids = set_components(&mut tx, id, &input.components).await?;
    let update = Timeline::Incident
        .add(&mut tx, id, input.status.as_str(), &input.body, Some(user))
        .await?;
    if input.publish {
        components::recompute(&mut tx, &ids).await?;
        Timeline::Incident.announce(&mut tx, update).await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.create",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "title": input.title.trim(), "impact": input.impact, "status": input.status,
                "visibility": visibility, "impact_started_at": began,
                "components": input.components.iter().map(|c| json!({"id": c.id, "status": c.status})).collect::<Vec<_>>(),
            })),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

struct Locked {
    status: IncidentStatus,
    visibility: String,
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Locked, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("select status, visibility from incident where id = $1 for update")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (status, visibility) = row.ok_or(AppError::NotFound)?;
    Ok(Locked {
        status: stored::parse(&status, IncidentStatus::parse)?,
        visibility,
    })
}

/// Posts an update: a new status, a message, and any change to the impact
/// or the components' statuses. Resolving returns components to
/// operational unless another open incident still affects them.
#[tracing::instrument(skip_all, fields(user = %user.id, incident = %id), err(Debug))]
pub async fn post_update(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    input: &IncidentUpdateInput,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    check_text(None, &input.body)?;
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    match locked.visibility.as_str() {
        "discarded" => return Err(AppError::Conflict("This draft was discarded.".into())),
        "draft" => {
            return Err(AppError::Conflict(
                "Publish or discard the draft first; its first update is edited when publishing."
                    .into(),
            ))
        }
        _ => {}
    }
    if !locked.status.can_become(input.status) {
        return Err(AppError::field(
            "status",
            format!(
                "An incident that is {} cannot become {}.",
                locked.status.label().to_lowercase(),
                input.status.label().to_lowercase()
            ),
        ));
    }
    // No components listed: they stay as they are.
    let mut touched = if input.components.is_empty() {
        Vec::new()
    } else {
        set_components(&mut tx, id, &input.components).await?
    };
    let update = Timeline::Incident
        .add(&mut tx, id, input.status.as_str(), &input.body, Some(user))
        .await?;
    sqlx::query(
        "update incident set status = $2, impact = coalesce($3, impact), updated_at = now(),
                resolved_at = case when $2 in ('resolved', 'postmortem') then coalesce(resolved_at, now()) else null end
         where id = $1",
    )
    .bind(id)
    .bind(input.status.as_str())
    .bind(input.impact.map(|i| i.as_str()))
    .execute(&mut *tx)
    .await?;
    touched.extend(affected(&mut tx, id).await?);
    components::recompute(&mut tx, &touched).await?;
    Timeline::Incident.announce(&mut tx, update).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.update",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "status": locked.status })),
            after: Some(json!({
                "status": input.status, "impact": input.impact, "update": update,
                "components": input.components.iter().map(|c| json!({"id": c.id, "status": c.status})).collect::<Vec<_>>(),
            })),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(update)
}

/// Publishes a draft with the wording a person settled on.
#[tracing::instrument(skip_all, fields(user = %user.id, incident = %id), err(Debug))]
pub async fn publish(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    input: &PublishIncident,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    let mut errors = text_problems(Some(&input.title), &input.body);
    let began = impact_start(&input.impact_started_at, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    if locked.visibility != "draft" {
        return Err(AppError::Conflict(format!(
            "Only drafts are published; this incident is {}.",
            locked.visibility
        )));
    }
    let touched = set_components(&mut tx, id, &input.components).await?;
    // Left blank, the draft keeps its start (an automatic one: the rollback).
    let began: DateTime<Utc> = sqlx::query_scalar(
        "update incident set title = $2, impact = $3, impact_started_at = coalesce($4, impact_started_at),
                visibility = 'published', published_at = now(), updated_at = now()
         where id = $1
         returning impact_started_at",
    )
    .bind(id)
    .bind(input.title.trim())
    .bind(input.impact.as_str())
    .bind(began)
    .fetch_one(&mut *tx)
    .await?;
    // The draft's message becomes the first public update as edited.
    let first: Option<Uuid> = sqlx::query_scalar(
        "select id from incident_update where incident_id = $1 order by created_at limit 1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let update = match first {
        Some(first) => {
            sqlx::query("update incident_update set body = $2, author_id = $3, author_name = $4, created_at = now() where id = $1")
                .bind(first)
                .bind(input.body.trim())
                .bind(user.id)
                .bind(&user.display_name)
                .execute(&mut *tx)
                .await?;
            first
        }
        None => {
            Timeline::Incident
                .add(&mut tx, id, locked.status.as_str(), &input.body, Some(user))
                .await?
        }
    };
    components::recompute(&mut tx, &touched).await?;
    Timeline::Incident.announce(&mut tx, update).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.publish",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "visibility": "draft" })),
            after: Some(json!({
                "visibility": "published", "title": input.title.trim(), "impact": input.impact,
                "impact_started_at": began,
            })),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Discards a draft; it stays on record but never becomes public.
pub async fn discard(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    if locked.visibility != "draft" {
        return Err(AppError::Conflict(format!(
            "Only drafts are discarded; this incident is {}.",
            locked.visibility
        )));
    }
    sqlx::query("update incident set visibility = 'discarded', updated_at = now() where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.discard",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "visibility": "draft" })),
            after: Some(json!({ "visibility": "discarded" })),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Drafts waiting to be published or discarded.
pub async fn draft_count(pool: &PgPool) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar!(r#"select count(*) as "n!" from incident where visibility = 'draft'"#)
            .fetch_one(pool)
            .await?,
    )
}

/// What an automatic rollback of `deployment` puts on the status page, in
/// the caller's transaction: per the environment's setting nothing, a draft
/// or a published incident, linked to the deployment, its release and the
/// release's change requests. One incident per deployment.
pub async fn open_for_rollback(
    conn: &mut PgConnection,
    deployment: Uuid,
) -> Result<Option<Uuid>, AppError> {
    let row: Option<(Uuid, String, String, String, String, i64)> = sqlx::query_as(
        "select d.release_id, s.key, d.version, d.environment, e.rollback_incident, d.number
         from deployment d join service s on s.id = d.service_id join environment e on e.key = d.environment
         where d.id = $1",
    )
    .bind(deployment)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((release, service, version, environment, setting, _number)) = row else {
        return Ok(None);
    };
    if setting == "off" {
        return Ok(None);
    }
    let ids = components::for_service(conn, &service).await?;
    let names: Vec<String> = sqlx::query_scalar(
        "select name from status_component where id = any($1) order by position, name",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let subject = if names.is_empty() {
        service.clone()
    } else {
        names.join(", ")
    };
    let publish = setting == "publish";
    // One incident per deployment (a unique index says so).
    let id: Option<Uuid> = sqlx::query_scalar(
        "insert into incident (id, title, impact, status, visibility, deployment_id, release_id, automated, published_at)
         values ($1, $2, 'minor', 'investigating', $3, $4, $5, true, case when $3 = 'published' then now() end)
         on conflict (deployment_id) where deployment_id is not null do nothing
         returning id",
    )
    .bind(Uuid::new_v4())
    .bind(format!("Degraded service: {subject}"))
    .bind(if publish { "published" } else { "draft" })
    .bind(deployment)
    .bind(release)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    let choices: Vec<ComponentChoice> = ids
        .iter()
        .map(|c| ComponentChoice {
            id: *c,
            status: ComponentStatus::DegradedPerformance,
        })
        .collect();
    set_components(conn, id, &choices).await?;
    sqlx::query(
        "insert into incident_change (incident_id, cr_id) select $1, cr_id from release_change where release_id = $2",
    )
    .bind(id)
    .bind(release)
    .execute(&mut *conn)
    .await?;
    let body = format!(
        "A change to {subject} did not behave as expected and was rolled back automatically. \
         We are investigating the impact and will post an update shortly."
    );
    let update = Timeline::Incident
        .add(
            conn,
            id,
            IncidentStatus::Investigating.as_str(),
            &body,
            None,
        )
        .await?;
    if publish {
        components::recompute(conn, &ids).await?;
        Timeline::Incident.announce(conn, update).await?;
    }
    // Support and the release managers work on it: a draft waits for one
    // of them to check its wording and publish it.
    let notice = if publish {
        Notice {
            kind: "incident_opened",
            title: format!("Incident published automatically: Degraded service: {subject}"),
            body: format!("{service} {version} in {environment} was rolled back automatically; the status page shows it."),
            link: format!("/incidents/{id}"),
        }
    } else {
        Notice {
            kind: "incident_draft",
            title: format!("Draft incident waiting: Degraded service: {subject}"),
            body: format!("{service} {version} in {environment} was rolled back automatically. Check the draft's wording and publish it, or discard it."),
            link: format!("/incidents/{id}"),
        }
    };
    notifications::send_to_roles(conn, &[Role::Support, Role::ReleaseManager], &notice).await?;
    audit::record(
        conn,
        AuditEntry {
            actor: &Actor::System,
            action: "incident.create",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "automated": true, "deployment": deployment, "release": release,
                "service": service, "version": version, "environment": environment,
                "visibility": if publish { "published" } else { "draft" },
            })),
            request_id: None,
        },
    )
    .await?;
    Ok(Some(id))
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: Uuid,
    number: i64,
    title: String,
    impact: String,
    status: String,
    visibility: String,
    automated: bool,
    created_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    components: Vec<String>,
    deployment_number: Option<i64>,
    notified: i64,
    total: i64,
}

fn parse_day(text: &str, field: &str) -> Result<Option<NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::field(field, "A date such as 2026-11-30.")),
    }
}

/// The support view's history: newest first, filtered and searched.
pub async fn list(
    pool: &PgPool,
    user: &SessionUser,
    filter: &IncidentFilter,
) -> Result<IncidentPage, AppError> {
    let _ = user;
    const PER_PAGE: i64 = 25;
    let page = filter.page.clamp(1, crate::domain::MAX_PAGE);
    let from = parse_day(&filter.from, "from")?;
    let to = parse_day(&filter.to, "to")?;
    let visibility: Vec<&str> = match filter.visibility.as_str() {
        "draft" => vec!["draft"],
        "published" => vec!["published"],
        "discarded" => vec!["discarded"],
        _ => vec!["draft", "published"],
    };
    let q = filter.q.trim();
    let rows = sqlx::query_as::<_, ListRow>(
        "select i.id, i.number, i.title, i.impact, i.status, i.visibility, i.automated, i.created_at, i.resolved_at,
                coalesce((select array_agg(c.name order by c.position, c.name) from incident_component ic
                          join status_component c on c.id = ic.component_id where ic.incident_id = i.id), '{}') as components,
                d.number as deployment_number,
                (select count(distinct sd.subscriber_id) from subscriber_delivery sd where sd.incident_id = i.id) as notified,
                count(*) over () as total
         from incident i left join deployment d on d.id = i.deployment_id
         where i.visibility = any($1)
           and ($2 = '' or i.search @@ websearch_to_tsquery('english', $2)
                or exists (select 1 from incident_update u where u.incident_id = i.id
                           and u.search @@ websearch_to_tsquery('english', $2))
                or i.title ilike '%' || $2 || '%')
           and ($3::uuid is null or exists (select 1 from incident_component ic where ic.incident_id = i.id and ic.component_id = $3))
           and ($4::text is null or i.impact = $4)
           and ($5::date is null or i.created_at >= $5::date)
           and ($6::date is null or i.created_at < $6::date + 1)
         order by i.created_at desc
         limit $7 offset $8",
    )
    .bind(&visibility)
    .bind(q)
    .bind(filter.component)
    .bind(filter.impact.map(|i| i.as_str()))
    .bind(from)
    .bind(to)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(IncidentRow {
                impact: stored::parse(&r.impact, Impact::parse)?,
                status: stored::parse(&r.status, IncidentStatus::parse)?,
                id: r.id,
                number: r.number,
                title: r.title,
                visibility: r.visibility,
                automated: r.automated,
                created_at: r.created_at,
                resolved_at: r.resolved_at,
                components: r.components,
                deployment_number: r.deployment_number,
                notified: r.notified,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(IncidentPage {
        rows,
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: Uuid,
    number: i64,
    title: String,
    impact: String,
    status: String,
    visibility: String,
    automated: bool,
    created_at: DateTime<Utc>,
    impact_started_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    deployment_id: Option<Uuid>,
    release_id: Option<Uuid>,
}

/// Rows of an update timeline as views (rendered and sanitized).
pub fn timeline(
    rows: Vec<(Uuid, String, String, String, DateTime<Utc>)>,
    label: impl Fn(&str) -> String,
) -> Vec<TimelineEntry> {
    rows.into_iter()
        .map(|(id, status, body, author, created_at)| TimelineEntry {
            id,
            status_label: label(&status),
            html: markdown::render(&body),
            status,
            body,
            author,
            created_at,
        })
        .collect()
}

/// One incident with its timeline and everything linked to it.
pub async fn detail(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
) -> Result<IncidentDetail, AppError> {
    let mut conn = pool.acquire().await?;
    let row = sqlx::query_as::<_, DetailRow>(
        "select id, number, title, impact, status, visibility, automated, created_at, impact_started_at,
                published_at, resolved_at, deployment_id, release_id
         from incident where id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let affected: Vec<(Uuid, String)> = sqlx::query_as(
        "select ic.component_id, ic.status from incident_component ic join status_component c on c.id = ic.component_id
         where ic.incident_id = $1 order by c.group_name, c.position, c.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let updates: Vec<(Uuid, String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "select id, status, body, author_name, created_at from incident_update
         where incident_id = $1 order by created_at desc, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    // The deployment that opened it, and others of the same release.
    let deployments: Vec<(Uuid, i64, String, String, String, String)> = sqlx::query_as(
        "select d.id, d.number, s.key, d.environment, d.version, d.state
         from deployment d join service s on s.id = d.service_id
         where d.id = $1 or ($2::uuid is not null and d.release_id = $2)
         order by d.created_at desc limit 20",
    )
    .bind(row.deployment_id)
    .bind(row.release_id)
    .fetch_all(&mut *conn)
    .await?;
    let release: Option<(Uuid, String, String, String, String)> = sqlx::query_as(
        "select r.id, s.key, r.version, r.title, r.status from release r join service s on s.id = r.service_id
         where r.id = $1",
    )
    .bind(row.release_id)
    .fetch_optional(&mut *conn)
    .await?;
    let changes: Vec<(i64, String, String)> = sqlx::query_as(
        "select c.number, c.title, c.status::text from incident_change ic join change_request c on c.id = ic.cr_id
         where ic.incident_id = $1 order by c.number",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let notified: i64 = sqlx::query_scalar(
        "select count(distinct subscriber_id) from subscriber_delivery where incident_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let all = components::list(&mut conn).await?;
    Ok(IncidentDetail {
        impact: stored::parse(&row.impact, Impact::parse)?,
        status: stored::parse(&row.status, IncidentStatus::parse)?,
        affected: affected
            .into_iter()
            .map(|(id, s)| {
                Ok(ComponentChoice {
                    id,
                    status: stored::parse(&s, ComponentStatus::parse)?,
                })
            })
            .collect::<Result<_, AppError>>()?,
        updates: timeline(updates, |s| IncidentStatus::label_of(s).to_string()),
        deployments: deployments
            .into_iter()
            .map(
                |(id, number, service, environment, version, state)| LinkedDeployment {
                    id,
                    number,
                    service,
                    environment,
                    version,
                    state,
                },
            )
            .collect(),
        release: release.map(|(id, service, version, title, status)| LinkedRelease {
            id,
            service,
            version,
            title,
            status,
        }),
        changes: changes
            .into_iter()
            .map(|(number, title, status)| LinkedChange {
                number,
                title,
                status,
            })
            .collect(),
        notified,
        components: all,
        can_edit: user.may(crate::domain::Permission::Incidents),
        id: row.id,
        number: row.number,
        title: row.title,
        visibility: row.visibility,
        automated: row.automated,
        created_at: row.created_at,
        impact_started_at: row.impact_started_at,
        published_at: row.published_at,
        resolved_at: row.resolved_at,
    })
}

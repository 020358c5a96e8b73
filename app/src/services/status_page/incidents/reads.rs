//! Reading incidents: the count of drafts, the support view's filtered
//! history, and one incident with its timeline and what it links to.

use crate::domain::markdown;
use crate::domain::status_page::{ComponentStatus, Impact, IncidentStatus};
use crate::error::AppError;
use crate::model::status_page::{
    ComponentChoice, IncidentDetail, IncidentFilter, IncidentPage, IncidentRow, LinkedChange,
    LinkedDeployment, LinkedRelease, TimelineEntry,
};
use crate::services::session::SessionUser;
use crate::services::status_page::components;
use crate::services::stored;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Drafts waiting to be published or discarded. Every signed-in page's
/// sidebar shows it, so it is kept until the next write (drafts are made and
/// ended by audited writes).
pub async fn draft_count(pool: &PgPool) -> Result<i64, AppError> {
    DRAFTS
        .get_or_load(pool, (), || async move {
            Ok(sqlx::query_scalar!(
                r#"select count(*) as "n!" from incident where visibility = 'draft'"#
            )
            .fetch_one(pool)
            .await?)
        })
        .await
}

static DRAFTS: std::sync::LazyLock<crate::services::read_cache::UntilWrite<(), i64>> =
    std::sync::LazyLock::new(|| crate::services::read_cache::UntilWrite::new(100));

/// A `YYYY-MM-DD` filter day; blank is none.
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
    let visibility: Vec<String> = match filter.visibility.as_str() {
        "draft" => vec!["draft"],
        "published" => vec!["published"],
        "discarded" => vec!["discarded"],
        _ => vec!["draft", "published"],
    }
    .into_iter()
    .map(String::from)
    .collect();
    let q = filter.q.trim();
    let rows = sqlx::query!(
        r#"select i.id, i.number, i.title, i.impact, i.status, i.visibility, i.automated, i.created_at, i.resolved_at,
                coalesce((select array_agg(c.name order by c.position, c.name) from incident_component ic
                          join status_component c on c.id = ic.component_id where ic.incident_id = i.id), '{}') as "components!",
                d.number as "deployment_number?",
                (select count(distinct sd.subscriber_id) from subscriber_delivery sd where sd.incident_id = i.id) as "notified!",
                count(*) over () as "total!"
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
         limit $7 offset $8"#,
        &visibility,
        q,
        filter.component,
        filter.impact.map(|i| i.as_str()),
        from,
        to,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
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
    let row = sqlx::query!(
        "select id, number, title, impact, status, visibility, automated, created_at, impact_started_at,
                published_at, resolved_at, deployment_id, release_id
         from incident where id = $1",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let affected = sqlx::query!(
        "select ic.component_id, ic.status from incident_component ic join status_component c on c.id = ic.component_id
         where ic.incident_id = $1 order by c.group_name, c.position, c.name",
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let updates = sqlx::query!(
        "select id, status, body, author_name, created_at from incident_update
         where incident_id = $1 order by created_at desc, id",
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|u| (u.id, u.status, u.body, u.author_name, u.created_at))
    .collect();
    // The deployment that opened it, and others of the same release.
    let deployments = sqlx::query!(
        "select d.id, d.number, s.key as service, d.environment, d.version, d.state
         from deployment d join service s on s.id = d.service_id
         where d.id = $1 or ($2::uuid is not null and d.release_id = $2)
         order by d.created_at desc limit 20",
        row.deployment_id,
        row.release_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let release = sqlx::query!(
        "select r.id, s.key as service, r.version, r.title, r.status from release r join service s on s.id = r.service_id
         where r.id = $1",
        row.release_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let changes = sqlx::query!(
        r#"select c.number, c.title, c.status::text as "status!" from incident_change ic join change_request c on c.id = ic.cr_id
           where ic.incident_id = $1 order by c.number"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let notified = sqlx::query_scalar!(
        r#"select count(distinct subscriber_id) as "notified!" from subscriber_delivery where incident_id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let all = components::list(&mut conn).await?;
    Ok(IncidentDetail {
        impact: stored::parse(&row.impact, Impact::parse)?,
        status: stored::parse(&row.status, IncidentStatus::parse)?,
        affected: affected
            .into_iter()
            .map(|a| {
                Ok(ComponentChoice {
                    id: a.component_id,
                    status: stored::parse(&a.status, ComponentStatus::parse)?,
                })
            })
            .collect::<Result<_, AppError>>()?,
        updates: timeline(updates, |s| IncidentStatus::label_of(s).to_string()),
        deployments: deployments
            .into_iter()
            .map(|d| LinkedDeployment {
                id: d.id,
                number: d.number,
                service: d.service,
                environment: d.environment,
                version: d.version,
                state: d.state,
            })
            .collect(),
        release: release.map(|r| LinkedRelease {
            id: r.id,
            service: r.service,
            version: r.version,
            title: r.title,
            status: r.status,
        }),
        changes: changes
            .into_iter()
            .map(|c| LinkedChange {
                number: c.number,
                title: c.title,
                status: c.status,
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

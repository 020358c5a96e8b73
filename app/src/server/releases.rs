//! Releases: filing one for a service, the list, the plan page, the plan
//! itself and the status machine. Each change, its timeline event and its
//! audit event commit together.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use super::audit::{self, AuditEntry};
use super::session::SessionUser;
use super::stored::parse;
use crate::domain::release::{ReleaseStatus, ReleaseType};
use crate::domain::release_plan::{
    decide_release, Communication, Gate, GateOnFailure, Plan, Prerequisite, PrerequisiteKind,
    PrerequisiteStatus, ReleaseAction, ReleaseRefusal, RiskAssessment, RollbackStep, StepOnFailure,
    ValidRelease,
};
use crate::domain::risk::{Likelihood, RiskImpact};
use crate::error::AppError;
use crate::model::{ReleaseDetail, ReleaseEventView, ReleasePage, ReleaseSummary};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Builds a `ReleaseSummary` from a row carrying the summary columns.
macro_rules! summary {
    ($row:expr) => {{
        let r = $row;
        Ok::<_, AppError>(ReleaseSummary {
            id: r.id,
            service: r.service,
            service_name: r.service_name,
            version: r.version,
            release_type: parse(&r.release_type, ReleaseType::parse)?,
            title: r.title,
            status: parse(&r.status, ReleaseStatus::parse)?,
            environments: r.environments,
            planned_at: r.planned_at,
            change_count: r.change_count,
            updated_at: r.updated_at,
        })
    }};
}

async fn event(
    conn: &mut PgConnection,
    release_id: Uuid,
    user: &SessionUser,
    action: &str,
    from: Option<ReleaseStatus>,
    to: Option<ReleaseStatus>,
    note: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into release_event (release_id, actor_id, actor_label, action, from_status, to_status, note)
         values ($1, $2, $3, $4, $5, $6, $7)",
        release_id,
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

/// A release named the way CI knows it: its UUID, or `service@version`
/// (`api@2.1.0`). Unknown names are `NotFound`.
pub async fn find_id(pool: &PgPool, name: &str) -> Result<Uuid, AppError> {
    if let Ok(id) = Uuid::parse_str(name) {
        return Ok(id);
    }
    let Some((service, version)) = name.split_once('@') else {
        return Err(AppError::NotFound);
    };
    sqlx::query_scalar!(
        "select r.id from release r join service s on s.id = r.service_id
         where s.key = $1 and r.version = $2",
        service,
        version
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

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
    tx.commit().await?;
    Ok(id)
}

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReleaseSort {
    /// Most recently changed first.
    #[default]
    Updated,
    /// Soonest planned first; unplanned last.
    Planned,
    /// Highest version first, by service.
    Version,
}

impl ReleaseSort {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "updated" => Ok(Self::Updated),
            "planned" => Ok(Self::Planned),
            "version" => Ok(Self::Version),
            other => Err(format!(
                "\"{other}\" is not one of: updated, planned, version."
            )),
        }
    }

    /// The `ORDER BY` clause, a fixed string per variant.
    fn order_by(self) -> &'static str {
        match self {
            Self::Updated => "r.updated_at desc, r.id",
            Self::Planned => "r.planned_at asc nulls last, r.id",
            Self::Version => {
                r#"s.key, r.version_major desc, r.version_minor desc, r.version_patch desc, r.version_sort collate "C" desc"#
            }
        }
    }
}

/// A list row as the runtime-built list query returns it.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    service: String,
    service_name: String,
    version: String,
    release_type: String,
    title: String,
    status: String,
    environments: Vec<String>,
    planned_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: chrono::DateTime<chrono::Utc>,
    change_count: i64,
}

#[derive(Clone, Debug, Default)]
pub struct ReleaseFilter {
    pub status: Option<ReleaseStatus>,
    pub service: Option<String>,
    pub search: Option<String>,
    pub sort: ReleaseSort,
    /// Stop counting matches here (people read "1,000+"); `None` counts all.
    pub count_cap: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// One page of releases, in two queries.
pub async fn list(pool: &PgPool, filter: &ReleaseFilter) -> Result<ReleasePage, AppError> {
    let per_page = filter.per_page.clamp(1, 100);
    let page = filter.page.clamp(1, crate::domain::MAX_PAGE);
    let status = filter.status.map(|s| s.as_str());
    let service = filter
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", s.replace(['%', '_'], "")));
    // Only the filters in use go into the SQL (see change_requests::list).
    let filtered = |sql: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>| {
        sql.push(" where true");
        if let Some(status) = status {
            sql.push(" and r.status = ").push_bind(status);
        }
        if let Some(service) = service {
            sql.push(" and s.key = ").push_bind(service.to_string());
        }
        if let Some(search) = &search {
            sql.push(" and (r.title ilike ")
                .push_bind(search.clone())
                .push(" or r.version ilike ")
                .push_bind(search.clone())
                .push(")");
        }
    };
    let cap = filter.count_cap.map(|cap| cap.max(page * per_page + 1));
    let mut count = sqlx::QueryBuilder::new(
        "select count(*) from (select 1 from release r join service s on s.id = r.service_id",
    );
    filtered(&mut count);
    if let Some(cap) = cap {
        count.push(" limit ").push_bind(cap);
    }
    count.push(") counted");
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = sqlx::QueryBuilder::new(
        "select r.id, s.key as service, s.name as service_name, r.version, r.release_type, r.title, r.status,
                r.environments, r.planned_at, r.updated_at,
                (select count(*) from release_change rc where rc.release_id = r.id) as change_count
         from release r join service s on s.id = r.service_id",
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
    Ok(ReleasePage {
        total_capped: cap.is_some_and(|cap| total >= cap),
        items,
        total,
        page,
        per_page,
    })
}

async fn load_plan(pool: &PgPool, id: Uuid) -> Result<Plan, AppError> {
    let risk = sqlx::query!(
        "select risk_impact, risk_likelihood, risk_mitigations, risk_contingencies from release where id = $1",
        id
    )
    .fetch_one(pool)
    .await?;
    let prerequisites = sqlx::query!(
        "select kind, description, status, owner, deadline from release_prerequisite
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| {
        Ok(Prerequisite {
            kind: parse(&p.kind, PrerequisiteKind::parse)?,
            description: p.description,
            status: parse(&p.status, PrerequisiteStatus::parse)?,
            owner: p.owner,
            deadline: p.deadline,
        })
    })
    .collect::<Result<_, AppError>>()?;
    let rollback_steps = sqlx::query!(
        "select description, command, verification, timeout_minutes, on_failure from release_rollback_step
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|s| {
        Ok(RollbackStep {
            description: s.description,
            command: s.command,
            verification: s.verification,
            timeout_minutes: s.timeout_minutes,
            on_failure: parse(&s.on_failure, StepOnFailure::parse)?,
        })
    })
    .collect::<Result<_, AppError>>()?;
    let communication = sqlx::query_as!(
        Communication,
        "select audience, channel, timing, message from release_communication
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?;
    let gates = sqlx::query!(
        "select environment, name, suites, required, timeout_minutes, on_failure from release_gate
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|g| {
        Ok(Gate {
            environment: g.environment,
            name: g.name,
            suites: g.suites,
            required: g.required,
            timeout_minutes: g.timeout_minutes,
            on_failure: parse(&g.on_failure, GateOnFailure::parse)?,
        })
    })
    .collect::<Result<_, AppError>>()?;
    let risk = match (risk.risk_impact, risk.risk_likelihood) {
        (Some(impact), Some(likelihood)) => Some(RiskAssessment {
            impact: parse(&impact, RiskImpact::parse)?,
            likelihood: parse(&likelihood, Likelihood::parse)?,
            mitigations: risk.risk_mitigations,
            contingencies: risk.risk_contingencies,
        }),
        _ => None,
    };
    Ok(Plan {
        prerequisites,
        risk,
        rollback_steps,
        communication,
        gates,
    })
}

/// Replaces the stored plan rows of release `id` with `plan`.
async fn write_plan(conn: &mut PgConnection, id: Uuid, plan: &Plan) -> Result<(), AppError> {
    let risk = plan.risk.as_ref();
    sqlx::query!(
        "update release set risk_impact = $2, risk_likelihood = $3, risk_mitigations = $4,
                            risk_contingencies = $5, updated_at = now()
         where id = $1",
        id,
        risk.map(|r| r.impact.as_str()),
        risk.map(|r| r.likelihood.as_str()),
        &risk.map(|r| r.mitigations.clone()).unwrap_or_default(),
        &risk.map(|r| r.contingencies.clone()).unwrap_or_default(),
    )
    .execute(&mut *conn)
    .await?;
    for table in [
        "release_prerequisite",
        "release_rollback_step",
        "release_communication",
        "release_gate",
    ] {
        sqlx::query(&format!("delete from {table} where release_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let positions = |n: usize| (0..n as i32).collect::<Vec<i32>>();
    let p = &plan.prerequisites;
    sqlx::query!(
        "insert into release_prerequisite (release_id, position, kind, description, status, owner, deadline)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])",
        id,
        &positions(p.len()),
        &p.iter().map(|x| x.kind.as_str().to_string()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.description.clone()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.status.as_str().to_string()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.owner.clone()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.deadline).collect::<Vec<_>>() as &[Option<chrono::DateTime<chrono::Utc>>],
    )
    .execute(&mut *conn)
    .await?;
    let s = &plan.rollback_steps;
    sqlx::query!(
        "insert into release_rollback_step (release_id, position, description, command, verification, timeout_minutes, on_failure)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])",
        id,
        &positions(s.len()),
        &s.iter().map(|x| x.description.clone()).collect::<Vec<_>>(),
        &s.iter().map(|x| x.command.clone()).collect::<Vec<_>>() as &[Option<String>],
        &s.iter().map(|x| x.verification.clone()).collect::<Vec<_>>(),
        &s.iter().map(|x| x.timeout_minutes).collect::<Vec<_>>(),
        &s.iter().map(|x| x.on_failure.as_str().to_string()).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    let c = &plan.communication;
    sqlx::query!(
        "insert into release_communication (release_id, position, audience, channel, timing, message)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])",
        id,
        &positions(c.len()),
        &c.iter().map(|x| x.audience.clone()).collect::<Vec<_>>(),
        &c.iter().map(|x| x.channel.clone()).collect::<Vec<_>>(),
        &c.iter().map(|x| x.timing.clone()).collect::<Vec<_>>(),
        &c.iter().map(|x| x.message.clone()).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    // Suites are a list per gate; Postgres arrays cannot be ragged, so gates
    // go in one row at a time (a plan has a handful).
    for (position, g) in plan.gates.iter().enumerate() {
        sqlx::query!(
            "insert into release_gate (release_id, position, environment, name, suites, required, timeout_minutes, on_failure)
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
            id,
            position as i32,
            g.environment,
            g.name,
            &g.suites,
            g.required,
            g.timeout_minutes,
            g.on_failure.as_str(),
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

struct Locked {
    status: ReleaseStatus,
    creator: Uuid,
    environments: Vec<String>,
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Locked, AppError> {
    let r = sqlx::query!(
        "select status, created_by, environments from release where id = $1 for update",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Locked {
        status: parse(&r.status, ReleaseStatus::parse)?,
        creator: r.created_by,
        environments: r.environments,
    })
}

/// Saves the whole plan. It is written while the release is planned or
/// approved; once a deployment starts it is the record of what was agreed.
#[tracing::instrument(skip_all, fields(release = %id), err(Debug))]
pub async fn save_plan(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    input: &crate::domain::release_plan::PlanInput,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    if !user.may(crate::domain::Permission::PlanRelease) {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    if !matches!(
        locked.status,
        ReleaseStatus::Planned | ReleaseStatus::Approved
    ) {
        return Err(AppError::Conflict(format!(
            "The plan of a {} release can no longer change.",
            locked.status.label().to_lowercase()
        )));
    }
    let plan = input
        .validate(&locked.environments)
        .map_err(AppError::invalid)?;
    let before = load_plan(pool, id).await?;
    write_plan(&mut tx, id, &plan).await?;
    event(&mut tx, id, user, "plan", None, None, None).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "release.plan",
            entity_type: "release",
            entity_id: Some(id.to_string()),
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: Some(serde_json::to_value(&plan).unwrap_or_default()),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
    tx.commit().await?;
    Ok(())
}

/// Moves a release through its machine by hand.
#[tracing::instrument(skip_all, fields(release = %id, action = action.as_str()), err(Debug))]
pub async fn act(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    action: ReleaseAction,
    note: Option<&str>,
    request_id: Option<&str>,
) -> Result<ReleaseStatus, AppError> {
    // The role before the lookup, so a refused role learns nothing about
    // what exists; `decide_release` keeps the finer rule (not one's own).
    if !user.may(action.permission()) {
        return Err(AppError::NotPermitted(action.refusal().into()));
    }
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    let to = decide_release(locked.status, locked.creator, user.id, &user.roles, action).map_err(
        |refusal| match refusal {
            ReleaseRefusal::State(m) => AppError::Conflict(m),
            ReleaseRefusal::Permission(m) => AppError::NotPermitted(m),
        },
    )?;
    if action == ReleaseAction::Approve {
        sqlx::query!(
            "insert into release_approval (release_id, approver_id) values ($1, $2) on conflict do nothing",
            id,
            user.id
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "update release set status = $2, updated_at = now() where id = $1",
        id,
        to.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    event(
        &mut tx,
        id,
        user,
        action.as_str(),
        Some(locked.status),
        Some(to),
        note,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: &format!("release.{}", action.as_str()),
            entity_type: "release",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "status": locked.status })),
            after: Some(json!({ "status": to, "note": note })),
            request_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// A timeline line as read: actor, action, from, to, note, when.
type EventRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    chrono::DateTime<chrono::Utc>,
);

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
    let events: Vec<EventRow> = sqlx::query_as(
        "select coalesce(u.display_name, e.actor_label), e.action, e.from_status, e.to_status,
                e.note, e.occurred_at
         from release_event e left join app_user u on u.id = e.actor_id
         where e.release_id = $1 order by e.occurred_at, e.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let events = events
        .into_iter()
        .map(
            |(actor_label, action, from_status, to_status, note, occurred_at)| ReleaseEventView {
                actor_label,
                action,
                from_status: from_status.and_then(|s| ReleaseStatus::parse(&s).ok()),
                to_status: to_status.and_then(|s| ReleaseStatus::parse(&s).ok()),
                note,
                occurred_at,
            },
        )
        .collect();
    // While a deployment runs, it moves the release; nobody records by hand.
    let deploying: bool = sqlx::query_scalar(
        "select exists(select 1 from deployment where release_id = $1
           and state in ('pending', 'waiting_for_gates', 'running', 'paused', 'rolling_back'))",
    )
    .bind(id)
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
        changes: super::change_requests::shipped_by_release(pool, id).await?,
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

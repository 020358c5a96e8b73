//! The overview (dashboard) page's data, in one round trip: every section is
//! a subquery aggregated to JSON, so the page costs one statement however
//! many sections it has.

use super::read_cache::UntilWrite;
use super::session::SessionUser;
use crate::domain::Permission;
use crate::error::AppError;
use crate::model::{ActivityView, CrSummary, FreezeView, Overview, ReleaseSummary};
use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

/// Overviews as they were last read, per account, until this process's next
/// write (or for five seconds: the other processes' writes, and what moves
/// with the clock, such as a freeze coming into force, show within that).
/// The page is everyone's first stop, and its statement takes PostgreSQL
/// about half a millisecond on `make bench`'s data (see `read`).
static OVERVIEWS: std::sync::LazyLock<UntilWrite<Uuid, Overview>> =
    std::sync::LazyLock::new(|| UntilWrite::new(10_000));

/// The caller's changes and what waits for them, this week's schedule and
/// releases, freezes in force, overdue emergency reviews, their tokens and
/// recent activity, and for administrators the number of active accounts.
/// Roles choose among the lists, and a change of roles is an audited write,
/// so a kept copy never shows one account's lists under other rights.
pub async fn load(pool: &PgPool, user: &SessionUser) -> Result<Overview, AppError> {
    OVERVIEWS
        .get_or_load(pool, user.id, || read(pool, user))
        .await
}

async fn read(pool: &PgPool, user: &SessionUser) -> Result<Overview, AppError> {
    // What waits for the caller is what their rights let them do next: a
    // technical review, an approval, scheduling an approved change or
    // fast-tracking a submitted emergency one. The statement reads every
    // such list and the rights choose among them here: with a switch per
    // right in the SQL, PostgreSQL planned it afresh on every call (~2 ms of
    // planning against ~1 ms of execution on `make bench`'s data), where a
    // statement with only the caller's id gets one plan per connection.
    // Sections come back as JSON arrays decoded straight into their types.
    // The activity names people by their display name, as every page does,
    // not by the email the audit trail records. `summary` is a change
    // request as the lists show it (`CrSummary`'s fields); its status stays
    // the enum, so the filters below use `change_request_status_idx` (cast
    // to text, they could not: the statement took 1.37 ms, 0.73 without the
    // cast, 0.53 with `change_request_status_planned_idx`).
    let r = sqlx::query!(
        r#"with summary as not materialized (
               select c.id, c.number, c.title, c.status, c.class, c.priority, c.environments,
                      u.display_name as requester, c.planned_start, c.updated_at,
                      c.requester_id, c.reviewer_id, c.implementation_started_at,
                      c.review_root_cause, c.review_prevention
               from change_request c join app_user u on u.id = c.requester_id
           )
           select
             (select count(*) from api_token where user_id = $1 and revoked_at is null) as "tokens!",
             (select count(*) from app_user where not disabled) as "active_users!",
             (select coalesce(json_agg(a), '[]') from (
                 select e.occurred_at, coalesce(u.display_name, e.actor_label) as actor_label,
                        e.action, e.entity_type, e.entity_id, e.request_id
                 from audit_event e
                 left join app_user u on u.id = e.actor_id
                 where e.actor_id = $1 or (e.entity_type = 'user' and e.entity_id = $1::text)
                 order by e.occurred_at desc, e.id desc limit 12) a) as "activity!: Json<Vec<ActivityView>>",
             (select coalesce(json_agg(m), '[]') from (
                 select id, number, title, status, class, priority, environments, requester, planned_start, updated_at
                 from summary
                 where requester_id = $1 and status not in ('closed', 'cancelled')
                 order by updated_at desc limit 10) m) as "mine!: Json<Vec<CrSummary>>",
             (select coalesce(json_agg(w), '[]') from (
                 select id, number, title, status, class, priority, environments, requester, planned_start, updated_at
                 from summary
                 where status = 'submitted' and requester_id <> $1
                 order by updated_at desc limit 10) w) as "to_review!: Json<Vec<CrSummary>>",
             (select coalesce(json_agg(w), '[]') from (
                 select id, number, title, status, class, priority, environments, requester, planned_start, updated_at
                 from summary s
                 where s.status = 'in_review' and s.requester_id <> $1 and s.reviewer_id is distinct from $1
                   and not exists (select 1 from cr_approval a where a.cr_id = s.id and a.approver_id = $1)
                 order by updated_at desc limit 10) w) as "to_approve!: Json<Vec<CrSummary>>",
             (select coalesce(json_agg(w), '[]') from (
                 select id, number, title, status, class, priority, environments, requester, planned_start, updated_at
                 from summary
                 where status = 'approved' and requester_id <> $1
                 order by updated_at desc limit 10) w) as "to_schedule!: Json<Vec<CrSummary>>",
             (select coalesce(json_agg(w), '[]') from (
                 select id, number, title, status, class, priority, environments, requester, planned_start, updated_at
                 from summary
                 where status = 'submitted' and class = 'emergency' and requester_id <> $1
                 order by updated_at desc limit 10) w) as "to_fast_track!: Json<Vec<CrSummary>>",
             (select coalesce(json_agg(u), '[]') from (
                 select id, number, title, status, class, priority, environments, requester, planned_start, updated_at
                 from summary
                 where status = 'scheduled' and planned_start between now() and now() + interval '7 days'
                 order by planned_start limit 10) u) as "upcoming!: Json<Vec<CrSummary>>",
             (select coalesce(json_agg(o), '[]') from (
                 select id, number, title, status, class, priority, environments, requester, planned_start, updated_at
                 from summary
                 where class = 'emergency'
                   and implementation_started_at < now() - interval '5 days'
                   and (coalesce(btrim(review_root_cause), '') = '' or coalesce(btrim(review_prevention), '') = '')
                   and status <> 'cancelled'
                 order by implementation_started_at limit 20) o) as "overdue!: Json<Vec<CrSummary>>",
             (select coalesce(json_agg(f), '[]') from (
                 select f.id, f.environments, f.starts_at, f.ends_at, f.reason, u.display_name as created_by
                 from freeze_window f join app_user u on u.id = f.created_by
                 where f.starts_at <= now() and f.ends_at > now()
                 order by f.starts_at) f) as "freezes!: Json<Vec<FreezeView>>",
             (select coalesce(json_agg(rel), '[]') from (
                 select r.id, s.key as service, s.name as service_name, r.version, r.release_type, r.title, r.status,
                        r.environments, r.planned_at, r.updated_at,
                        (select count(*) from release_change rc where rc.release_id = r.id) as change_count
                 from release r join service s on s.id = r.service_id
                 where r.planned_at between now() and now() + interval '7 days'
                   and r.status in ('planned', 'approved', 'deploying')
                 order by r.planned_at limit 10) rel) as "releases!: Json<Vec<ReleaseSummary>>""#,
        user.id,
    )
    .fetch_one(pool)
    .await?;
    let waiting = [
        (user.may(Permission::Review), r.to_review.0),
        (user.may(Permission::Approve), r.to_approve.0),
        (user.may(Permission::Schedule), r.to_schedule.0),
        (user.may(Permission::FastTrack), r.to_fast_track.0),
    ];
    Ok(Overview {
        my_changes: r.mine.0,
        waiting_for_me: newest_first(
            waiting
                .into_iter()
                .filter(|(allowed, _)| *allowed)
                .flat_map(|(_, list)| list),
            10,
        ),
        upcoming: r.upcoming.0,
        upcoming_releases: r.releases.0,
        active_freezes: r.freezes.0,
        overdue_reviews: r.overdue.0,
        active_tokens: r.tokens,
        active_users: user.may(Permission::Administer).then_some(r.active_users),
        recent_activity: r.activity.0,
    })
}

/// At most `limit` of `changes`, each once, the most recently updated first.
fn newest_first(changes: impl Iterator<Item = CrSummary>, limit: usize) -> Vec<CrSummary> {
    let mut seen = std::collections::HashSet::new();
    let mut all: Vec<CrSummary> = changes.filter(|c| seen.insert(c.id)).collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
    all.truncate(limit);
    all
}

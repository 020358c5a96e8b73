//! The change-request lists: the filtered, sorted, paginated list page, the
//! open changes a release can ship, and the changes a release ships.

use crate::domain::change_request::CrStatus;
use crate::error::AppError;
use crate::model::{CrPage, CrSummary};
use crate::services::list_query::{model_page, search_pattern, ListPage, ListQuery};
use crate::services::read_cache::UntilWrite;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

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
    /// Reads the `sort` query parameter; blank is the default.
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

/// Pages as they were last read, per filter, until this process's next
/// write or for five seconds, as the overview and the calendar keep theirs:
/// the list is the page people come back to between changes.
static PAGES: std::sync::LazyLock<UntilWrite<String, CrPage>> =
    std::sync::LazyLock::new(|| UntilWrite::new(1_000));

/// One page of change requests, in two queries.
pub async fn list(pool: &PgPool, filter: &CrFilter) -> Result<CrPage, AppError> {
    PAGES
        .get_or_load(pool, format!("{filter:?}"), || read(pool, filter))
        .await
}

async fn read(pool: &PgPool, filter: &CrFilter) -> Result<CrPage, AppError> {
    let status = filter.status.map(|s| s.as_str());
    let search = search_pattern(filter.search.as_deref());
    let query = ListQuery {
        count_from: "from change_request c",
        select: "select c.id, c.number, c.title, c.status::text as status, c.class, c.priority, c.environments,
                        u.display_name as requester, c.planned_start, c.updated_at
                 from change_request c join app_user u on u.id = c.requester_id",
        order_by: filter.sort.order_by(),
        filters: |sql: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>| {
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
        },
    };
    let found: ListPage<SummaryRow> = query
        .fetch(pool, filter.page, filter.per_page, filter.count_cap)
        .await?;
    Ok(model_page!(CrPage, found, |r| summary!(r)))
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

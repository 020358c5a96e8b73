//! Finding releases: by the name CI uses, and the filtered, sorted,
//! paginated list page.

use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use crate::model::ReleasePage;
use crate::services::list_query::{model_page, search_pattern, ListPage, ListQuery};
use crate::services::read_cache::UntilWrite;
use sqlx::PgPool;
use uuid::Uuid;

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
    /// Reads the `sort` query parameter; blank is the default.
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

/// Filters for the list.
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

/// Pages as they were last read, per filter, until this process's next
/// write or for five seconds, as the overview and the calendar keep theirs:
/// the list is the page people come back to between changes.
static PAGES: std::sync::LazyLock<UntilWrite<String, ReleasePage>> =
    std::sync::LazyLock::new(|| UntilWrite::new(1_000));

/// One page of releases, in two queries.
pub async fn list(pool: &PgPool, filter: &ReleaseFilter) -> Result<ReleasePage, AppError> {
    PAGES
        .get_or_load(pool, format!("{filter:?}"), || read(pool, filter))
        .await
}

async fn read(pool: &PgPool, filter: &ReleaseFilter) -> Result<ReleasePage, AppError> {
    let status = filter.status.map(|s| s.as_str());
    let service = filter
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let search = search_pattern(filter.search.as_deref());
    let query = ListQuery {
        count_from: "from release r join service s on s.id = r.service_id",
        select: "select r.id, s.key as service, s.name as service_name, r.version, r.release_type, r.title, r.status,
                        r.environments, r.planned_at, r.updated_at,
                        (select count(*) from release_change rc where rc.release_id = r.id) as change_count
                 from release r join service s on s.id = r.service_id",
        order_by: filter.sort.order_by(),
        filters: |sql: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>| {
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
        },
    };
    let found: ListPage<SummaryRow> = query
        .fetch(pool, filter.page, filter.per_page, filter.count_cap)
        .await?;
    Ok(model_page!(ReleasePage, found, |r| summary!(r)))
}

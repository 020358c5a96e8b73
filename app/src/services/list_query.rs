//! The shape the filtered list pages share (change requests, releases): the
//! filters in use pushed into the SQL, a count that may stop at a cap, and
//! one page in a fixed order.
//!
//! Only the filters in use go into the SQL, so the planner sees exact
//! predicates: an unfiltered count is an index-only scan, and the page walks
//! the index matching its fixed `ORDER BY`. The SQL text is built at run
//! time, so these two stay runtime queries (not `query!`); every value is a
//! bind parameter and every fragment a `&'static str` of the caller's.

use crate::error::AppError;
use sqlx::{PgPool, Postgres, QueryBuilder};

/// One list query: where it counts, what it selects, and its order.
pub struct ListQuery<F> {
    /// `from …` for the count (without joins the filters don't need).
    pub count_from: &'static str,
    /// `select … from …` for the page.
    pub select: &'static str,
    /// The `ORDER BY` clause, a fixed string.
    pub order_by: &'static str,
    /// Pushes ` and …` for each filter in use.
    pub filters: F,
}

/// A page of rows and the count of all matches.
pub struct ListPage<T> {
    pub rows: Vec<T>,
    pub total: i64,
    /// The count stopped at the cap (people read "1,000+").
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
}

/// A `ListPage` as one of the model's page types (`CrPage`, `ReleasePage`:
/// the same fields, `items` for the rows), each row turned into a summary
/// by `$row` (a closure returning `Result<_, AppError>`).
macro_rules! model_page {
    ($page:ident, $found:expr, $row:expr) => {{
        let found = $found;
        $page {
            items: found
                .rows
                .into_iter()
                .map($row)
                .collect::<Result<_, AppError>>()?,
            total: found.total,
            total_capped: found.total_capped,
            page: found.page,
            per_page: found.per_page,
        }
    }};
}
pub(crate) use model_page;

/// `%text%` for `ilike`, without the caller's own wildcards; `None` when
/// the search is blank.
pub fn search_pattern(search: Option<&str>) -> Option<String> {
    search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", s.replace(['%', '_'], "")))
}

impl<F: Fn(&mut QueryBuilder<'_, Postgres>)> ListQuery<F> {
    /// Page `page` (from 1) of `per_page` rows (clamped to 1–100), counting
    /// matches up to `count_cap` (at least one past this page) or all.
    pub async fn fetch<T>(
        &self,
        pool: &PgPool,
        page: i64,
        per_page: i64,
        count_cap: Option<i64>,
    ) -> Result<ListPage<T>, AppError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        let per_page = per_page.clamp(1, 100);
        let page = page.clamp(1, crate::domain::MAX_PAGE);
        let cap = count_cap.map(|cap| cap.max(page * per_page + 1));

        let mut count = QueryBuilder::new("select count(*) from (select 1 ");
        count.push(self.count_from).push(" where true");
        (self.filters)(&mut count);
        if let Some(cap) = cap {
            count.push(" limit ").push_bind(cap);
        }
        count.push(") counted");
        let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

        let mut select = QueryBuilder::new(self.select);
        select.push(" where true");
        (self.filters)(&mut select);
        select
            .push(" order by ")
            .push(self.order_by)
            .push(" limit ")
            .push_bind(per_page)
            .push(" offset ")
            .push_bind((page - 1) * per_page);
        let rows = select.build_query_as().fetch_all(pool).await?;
        Ok(ListPage {
            rows,
            total,
            total_capped: cap.is_some_and(|cap| total >= cap),
            page,
            per_page,
        })
    }
}

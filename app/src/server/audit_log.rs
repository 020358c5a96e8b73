//! Reading the audit trail: filtered, paginated, and exported as CSV.

use crate::error::AppError;
use crate::model::{AuditPage, AuditRow};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

/// Filters as typed on the audit page (all optional).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// Part of the actor's email or label.
    pub actor: String,
    pub entity: String,
    /// An action or its prefix (`change_request.`).
    pub action: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
    pub page: i64,
    /// `oldest` for oldest first; newest first otherwise.
    pub order: String,
}

struct Bounds {
    actor: Option<String>,
    entity: Option<String>,
    action: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    oldest_first: bool,
}

fn day(text: &str, field: &str, next: bool) -> Result<Option<DateTime<Utc>>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "Use a date like 2026-12-01."))?;
    let date = if next {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    Ok(date.and_hms_opt(0, 0, 0).map(|d| d.and_utc()))
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl AuditFilter {
    fn bounds(&self) -> Result<Bounds, AppError> {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(Bounds {
            actor: some(&self.actor).map(|a| format!("%{}%", like_escape(&a))),
            entity: some(&self.entity),
            action: some(&self.action).map(|a| format!("{}%", like_escape(&a))),
            from: day(&self.from, "from", false)?,
            to: day(&self.to, "to", true)?,
            oldest_first: match self.order.trim() {
                "" | "newest" => false,
                "oldest" => true,
                other => {
                    return Err(AppError::field(
                        "order",
                        format!("\"{other}\" is not one of: newest, oldest."),
                    ))
                }
            },
        })
    }
}

fn pretty(value: Option<serde_json::Value>) -> String {
    value
        .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
        .unwrap_or_default()
}

/// An audit row as stored.
struct Stored {
    id: i64,
    occurred_at: DateTime<Utc>,
    actor_kind: String,
    actor_label: String,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    request_id: Option<String>,
}

/// Rows matching `filter`, newest (or oldest) first: `limit` of them from
/// `offset`. Two spelled-out queries, so each walks the time index.
async fn rows(
    pool: &PgPool,
    b: &Bounds,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, AppError> {
    let rows = if b.oldest_first {
        sqlx::query_as!(
            Stored,
            r#"select id, occurred_at, actor_kind::text as "actor_kind!", actor_label, action, entity_type, entity_id, before, after, request_id
               from audit_event
               where ($1::text is null or actor_label ilike $1)
                 and ($2::text is null or entity_type = $2)
                 and ($3::text is null or action like $3)
                 and ($4::timestamptz is null or occurred_at >= $4)
                 and ($5::timestamptz is null or occurred_at < $5)
               order by occurred_at, id
               limit $6 offset $7"#,
            b.actor,
            b.entity,
            b.action,
            b.from,
            b.to,
            limit,
            offset,
        )
        .fetch_all(pool)
        .await?
    } else {
        sqlx::query_as!(
            Stored,
            r#"select id, occurred_at, actor_kind::text as "actor_kind!", actor_label, action, entity_type, entity_id, before, after, request_id
               from audit_event
               where ($1::text is null or actor_label ilike $1)
                 and ($2::text is null or entity_type = $2)
                 and ($3::text is null or action like $3)
                 and ($4::timestamptz is null or occurred_at >= $4)
                 and ($5::timestamptz is null or occurred_at < $5)
               order by occurred_at desc, id desc
               limit $6 offset $7"#,
            b.actor,
            b.entity,
            b.action,
            b.from,
            b.to,
            limit,
            offset,
        )
        .fetch_all(pool)
        .await?
    };
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            id: r.id,
            occurred_at: r.occurred_at,
            actor_kind: r.actor_kind,
            actor_label: r.actor_label,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: pretty(r.before),
            after: pretty(r.after),
            request_id: r.request_id,
        })
        .collect())
}

pub async fn page(pool: &PgPool, filter: &AuditFilter) -> Result<AuditPage, AppError> {
    let b = filter.bounds()?;
    let per_page = 50;
    let page = filter.page.clamp(1, crate::domain::MAX_PAGE);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from audit_event
           where ($1::text is null or actor_label ilike $1)
             and ($2::text is null or entity_type = $2)
             and ($3::text is null or action like $3)
             and ($4::timestamptz is null or occurred_at >= $4)
             and ($5::timestamptz is null or occurred_at < $5)"#,
        b.actor,
        b.entity,
        b.action,
        b.from,
        b.to,
    )
    .fetch_one(pool)
    .await?;
    let items = rows(pool, &b, per_page, (page - 1) * per_page).await?;
    Ok(AuditPage {
        items,
        total,
        page,
        per_page,
    })
}

/// Most rows one export holds.
pub const CSV_LIMIT: i64 = 100_000;

/// A CSV cell: quoted when needed, and a leading `= + - @` defused so a
/// spreadsheet never runs it as a formula.
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The matching events as CSV (RFC 4180), newest first.
pub async fn csv(pool: &PgPool, filter: &AuditFilter) -> Result<String, AppError> {
    let b = filter.bounds()?;
    let mut out = String::from(
        "id,occurred_at,actor_kind,actor,action,entity_type,entity_id,before,after,request_id\r\n",
    );
    for r in rows(pool, &b, CSV_LIMIT, 0).await? {
        let fields = [
            r.id.to_string(),
            r.occurred_at.to_rfc3339(),
            r.actor_kind,
            r.actor_label,
            r.action,
            r.entity_type,
            r.entity_id.unwrap_or_default(),
            r.before.replace('\n', " "),
            r.after.replace('\n', " "),
            r.request_id.unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}

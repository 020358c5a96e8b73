//! Reading the audit trail: filtered, paginated, and exported as CSV.

use crate::error::AppError;
use crate::model::{AuditPage, AuditRow};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use std::collections::HashMap;
use uuid::Uuid;

/// Filters as typed on the audit page (all optional).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// Part of the actor's name, email or label.
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

/// An audit row as stored, with its actor's current display name.
struct Stored {
    id: i64,
    occurred_at: DateTime<Utc>,
    actor_kind: String,
    actor_label: String,
    actor_name: Option<String>,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    request_id: Option<String>,
}

// The filter is written out in each query below (the count and both
// orders of the rows) and must stay the same in all three. The actor
// matches their recorded label (an email) or their display name.

/// Rows matching `filter`, newest (or oldest) first: `limit` of them from
/// `offset`, with what each is about resolved to words and a link.
async fn rows(
    pool: &PgPool,
    b: &Bounds,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, AppError> {
    // Either direction walks the time index: one fixed query per order
    // rather than an `order by` chosen by a parameter, which would not.
    let rows: Vec<Stored> = if b.oldest_first {
        sqlx::query_as!(
            Stored,
            r#"select a.id, a.occurred_at, a.actor_kind::text as "actor_kind!", a.actor_label,
                      u.display_name as "actor_name?", a.action, a.entity_type, a.entity_id,
                      a.before, a.after, a.request_id
               from audit_event a
               left join app_user u on u.id = a.actor_id
               where ($1::text is null or a.actor_label ilike $1 or u.display_name ilike $1)
                 and ($2::text is null or a.entity_type = $2)
                 and ($3::text is null or a.action like $3)
                 and ($4::timestamptz is null or a.occurred_at >= $4)
                 and ($5::timestamptz is null or a.occurred_at < $5)
               order by a.occurred_at, a.id
               limit $6 offset $7"#,
            b.actor.as_deref(),
            b.entity.as_deref(),
            b.action.as_deref(),
            b.from,
            b.to,
            limit,
            offset
        )
        .fetch_all(pool)
        .await?
    } else {
        sqlx::query_as!(
            Stored,
            r#"select a.id, a.occurred_at, a.actor_kind::text as "actor_kind!", a.actor_label,
                      u.display_name as "actor_name?", a.action, a.entity_type, a.entity_id,
                      a.before, a.after, a.request_id
               from audit_event a
               left join app_user u on u.id = a.actor_id
               where ($1::text is null or a.actor_label ilike $1 or u.display_name ilike $1)
                 and ($2::text is null or a.entity_type = $2)
                 and ($3::text is null or a.action like $3)
                 and ($4::timestamptz is null or a.occurred_at >= $4)
                 and ($5::timestamptz is null or a.occurred_at < $5)
               order by a.occurred_at desc, a.id desc
               limit $6 offset $7"#,
            b.actor.as_deref(),
            b.entity.as_deref(),
            b.action.as_deref(),
            b.from,
            b.to,
            limit,
            offset
        )
        .fetch_all(pool)
        .await?
    };
    let named = targets(pool, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let target = r
                .entity_id
                .as_deref()
                .and_then(|id| named.get(&(r.entity_type.clone(), id.to_string())));
            AuditRow {
                id: r.id,
                occurred_at: r.occurred_at,
                actor_kind: r.actor_kind,
                actor_name: r.actor_name.unwrap_or_else(|| r.actor_label.clone()),
                actor_label: r.actor_label,
                action: r.action,
                target_label: target.map(|t| t.label.clone()),
                target_link: target.and_then(|t| t.link.clone()),
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                before: pretty(r.before),
                after: pretty(r.after),
                request_id: r.request_id,
            }
        })
        .collect())
}

/// What an audit row is about, as people name it, and its page.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    label: String,
    link: Option<String>,
}

impl Target {
    fn change_request(number: i64) -> Self {
        Self {
            label: format!("CR-{number}"),
            link: Some(format!("/changes/{number}")),
        }
    }

    fn release(id: Uuid, service: &str, version: &str) -> Self {
        Self {
            label: format!("{service} {version}"),
            link: Some(format!("/releases/{id}")),
        }
    }

    fn deployment(id: Uuid, number: i64) -> Self {
        Self {
            label: format!("D-{number}"),
            link: Some(format!("/deployments/{id}")),
        }
    }

    fn person(name: String) -> Self {
        Self {
            label: name,
            link: None,
        }
    }
}

/// (entity type, entity id) → what it is, for the entity types people name
/// by something other than an id. One query per type present on the page,
/// however many rows it has; what is gone (or of another type) is left out.
async fn targets(
    pool: &PgPool,
    rows: &[Stored],
) -> Result<HashMap<(String, String), Target>, AppError> {
    let ids = |entity_type: &str| -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = rows
            .iter()
            .filter(|r| r.entity_type == entity_type)
            .filter_map(|r| r.entity_id.as_deref())
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut found = HashMap::new();
    let mut put = |entity_type: &str, id: Uuid, target: Target| {
        found.insert((entity_type.to_string(), id.to_string()), target);
    };
    let changes = ids("change_request");
    if !changes.is_empty() {
        let rows = sqlx::query!(
            "select id, number from change_request where id = any($1)",
            &changes
        )
        .fetch_all(pool)
        .await?;
        for r in rows {
            put("change_request", r.id, Target::change_request(r.number));
        }
    }
    let releases = ids("release");
    if !releases.is_empty() {
        let rows = sqlx::query!(
            "select r.id, s.key, r.version from release r join service s on s.id = r.service_id
             where r.id = any($1)",
            &releases
        )
        .fetch_all(pool)
        .await?;
        for r in rows {
            put("release", r.id, Target::release(r.id, &r.key, &r.version));
        }
    }
    let deployments = ids("deployment");
    if !deployments.is_empty() {
        let rows = sqlx::query!(
            "select id, number from deployment where id = any($1)",
            &deployments
        )
        .fetch_all(pool)
        .await?;
        for r in rows {
            put("deployment", r.id, Target::deployment(r.id, r.number));
        }
    }
    let people = ids("user");
    if !people.is_empty() {
        let rows = sqlx::query!(
            "select id, display_name from app_user where id = any($1)",
            &people
        )
        .fetch_all(pool)
        .await?;
        for r in rows {
            put("user", r.id, Target::person(r.display_name));
        }
    }
    Ok(found)
}

pub async fn page(pool: &PgPool, filter: &AuditFilter) -> Result<AuditPage, AppError> {
    let b = filter.bounds()?;
    let per_page = 50;
    let page = filter.page.clamp(1, crate::domain::MAX_PAGE);
    let total: i64 = sqlx::query_scalar!(
        r#"select count(*) as "count!"
           from audit_event a
           left join app_user u on u.id = a.actor_id
           where ($1::text is null or a.actor_label ilike $1 or u.display_name ilike $1)
             and ($2::text is null or a.entity_type = $2)
             and ($3::text is null or a.action like $3)
             and ($4::timestamptz is null or a.occurred_at >= $4)
             and ($5::timestamptz is null or a.occurred_at < $5)"#,
        b.actor.as_deref(),
        b.entity.as_deref(),
        b.action.as_deref(),
        b.from,
        b.to
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
    // The readable columns come last, so spreadsheets built on the
    // earlier layout keep their columns.
    let mut out = String::from(
        "id,occurred_at,actor_kind,actor,action,entity_type,entity_id,before,after,request_id,actor_name,entity\r\n",
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
            r.actor_name,
            r.target_label.unwrap_or_default(),
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

    #[test]
    fn targets_are_named_the_way_pages_name_them() {
        let id = Uuid::nil();
        assert_eq!(
            Target::change_request(4),
            Target {
                label: "CR-4".into(),
                link: Some("/changes/4".into())
            }
        );
        assert_eq!(Target::release(id, "api", "2.1.0").label, "api 2.1.0");
        assert_eq!(
            Target::release(id, "api", "2.1.0").link.as_deref(),
            Some("/releases/00000000-0000-0000-0000-000000000000")
        );
        assert_eq!(Target::deployment(id, 2).label, "D-2");
        assert_eq!(Target::person("Ada Lovelace".into()).link, None);
    }
}

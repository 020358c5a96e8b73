//! Atom and RSS feeds of incidents and maintenance, and the changelog's
//! Atom feed.

use super::html::esc;
use app::domain::markdown;
use app::domain::release_note::heading_title;
use app::domain::status_page::{IncidentStatus, MaintenanceState};
use app::services::status_page::public::{PublicData, PublicUpdate};
use chrono::{DateTime, Utc};
use std::fmt::Write;

const FEED_LIMIT: usize = 50;

/// Escaped for XML, without the characters XML 1.0 forbids.
fn xml(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control())
        .collect();
    esc(&allowed)
}

struct Entry {
    link: String,
    title: String,
    published: DateTime<Utc>,
    updated: DateTime<Utc>,
    html: String,
}

fn timeline_html(updates: &[PublicUpdate], label: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for u in updates {
        let _ = write!(
            out,
            "<p><strong>{}</strong> — {}</p>{}",
            esc(&label(&u.status)),
            u.created_at.format("%b %-d, %Y %H:%M UTC"),
            markdown::render(&u.body)
        );
    }
    out
}

fn entries(data: &PublicData, base: &str) -> Vec<Entry> {
    let mut list: Vec<Entry> = data
        .incidents
        .iter()
        .map(|i| Entry {
            link: format!("{base}/status/incidents/{}", i.id),
            title: i.title.clone(),
            published: i.published_at,
            updated: i
                .updates
                .first()
                .map(|u| u.created_at)
                .unwrap_or(i.updated_at)
                .max(i.published_at),
            html: timeline_html(&i.updates, |s| IncidentStatus::label_of(s).to_string()),
        })
        .chain(data.maintenances.iter().map(|m| {
            Entry {
                link: format!("{base}/status/maintenance/{}", m.id),
                title: format!("Maintenance: {}", m.title),
                published: m.created_at,
                updated: m
                    .updates
                    .first()
                    .map(|u| u.created_at)
                    .unwrap_or(m.updated_at)
                    .max(m.created_at),
                html: format!(
                    "<p>Scheduled {} → {} UTC</p>{}",
                    m.starts_at.format("%b %-d, %Y %H:%M"),
                    m.ends_at.format("%b %-d, %Y %H:%M"),
                    timeline_html(&m.updates, |s| MaintenanceState::label_of(s).to_string())
                ),
            }
        }))
        .collect();
    list.sort_by_key(|e| std::cmp::Reverse(e.updated));
    list.truncate(FEED_LIMIT);
    list
}

fn atom(
    base: &str,
    title: &str,
    self_path: &str,
    alternate: &str,
    updated: DateTime<Utc>,
    entries: &[Entry],
) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\
         <id>{base}{self_path}</id><title>{}</title><updated>{}</updated>\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}{self_path}\"/>\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}{alternate}\"/><author><name>{}</name></author>",
        xml(title),
        updated.to_rfc3339(),
        xml(title),
        base = xml(base),
    );
    for e in entries {
        let _ = write!(
            out,
            "<entry><id>{link}</id><title>{}</title><published>{}</published><updated>{}</updated>\
             <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/><content type=\"html\">{}</content></entry>",
            xml(&e.title),
            e.published.to_rfc3339(),
            e.updated.to_rfc3339(),
            xml(&e.html),
            link = xml(&e.link),
        );
    }
    out.push_str("</feed>\n");
    out
}

/// `/history.atom`.
pub fn history_atom(data: &PublicData, name: &str, base: &str) -> String {
    let list = entries(data, base);
    let updated = list.first().map(|e| e.updated).unwrap_or(data.loaded_at);
    atom(
        base,
        &format!("{name} status: incident history"),
        "/history.atom",
        "/status",
        updated,
        &list,
    )
}

/// `/history.rss`.
pub fn history_rss(data: &PublicData, name: &str, base: &str) -> String {
    let list = entries(data, base);
    let updated = list.first().map(|e| e.updated).unwrap_or(data.loaded_at);
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>\
         <title>{title}</title><link>{base}/status</link><description>Incidents and maintenance for {name}</description>\
         <atom:link href=\"{base}/history.rss\" rel=\"self\" type=\"application/rss+xml\"/><lastBuildDate>{}</lastBuildDate>",
        updated.to_rfc2822(),
        title = xml(&format!("{name} status: incident history")),
        name = xml(name),
        base = xml(base),
    );
    for e in &list {
        let _ = write!(
            out,
            "<item><title>{}</title><link>{link}</link><guid isPermaLink=\"true\">{link}</guid><pubDate>{}</pubDate><description>{}</description></item>",
            xml(&e.title),
            e.updated.to_rfc2822(),
            xml(&e.html),
            link = xml(&e.link),
        );
    }
    out.push_str("</channel></rss>\n");
    out
}

/// `/changelog.atom`.
pub fn changelog_atom(data: &PublicData, name: &str, base: &str) -> String {
    let list: Vec<Entry> = data
        .notes
        .iter()
        .take(FEED_LIMIT)
        .map(|n| Entry {
            link: format!("{base}/changelog/{}", n.release_id),
            title: match heading_title(&n.service, &n.version, &n.title) {
                Some(title) => format!("{} {}: {title}", n.service, n.version),
                None => format!("{} {}", n.service, n.version),
            },
            published: n.published_at,
            updated: n.published_at,
            html: markdown::render(&n.sections.to_markdown()),
        })
        .collect();
    let updated = list.first().map(|e| e.updated).unwrap_or(data.loaded_at);
    atom(
        base,
        &format!("{name} changelog"),
        "/changelog.atom",
        "/changelog",
        updated,
        &list,
    )
}

//! One incident's page and one maintenance window's page: the header with
//! impact, state and affected components, then the full timeline.

use super::parts::{component_names, impact_class, incident_label, maintenance_label};
use super::{esc, page, when, Frame};
use app::domain::markdown;
use app::services::status_page::public::{
    PublicData, PublicIncident, PublicMaintenance, PublicUpdate,
};
use std::fmt::Write;

fn timeline(out: &mut String, updates: &[PublicUpdate], label: impl Fn(&str) -> String) {
    for u in updates {
        let _ = write!(
            out,
            "<div class=\"update\" data-status=\"{}\"><strong>{}</strong><div class=\"body\">{}</div><div class=\"meta\">{}</div></div>",
            esc(&u.status),
            esc(&label(&u.status)),
            markdown::render(&u.body),
            when(u.created_at)
        );
    }
}

/// `/status/incidents/{id}`: the full timeline.
pub fn incident(data: &PublicData, incident: &PublicIncident, frame: &Frame) -> String {
    let mut out = String::new();
    let affected: Vec<String> = incident
        .components
        .iter()
        .filter_map(|(id, st)| {
            data.components
                .iter()
                .find(|c| c.id == *id)
                .map(|c| format!("{} ({})", esc(&c.name), st.label().to_lowercase()))
        })
        .collect();
    let _ = write!(
        out,
        "<section class=\"card\"><div class=\"incident {}\"><h1 style=\"margin:0 0 6px;font-size:22px\">{}</h1>\
         <div class=\"meta\">{} impact · {} · began <time datetime=\"{}\" data-impact-started>{}</time>{}</div><div class=\"meta\">Affected: {}</div></div><div class=\"notice\">",
        impact_class(incident.impact),
        esc(&incident.title),
        incident.impact.label(),
        incident.status.label(),
        incident.impact_started_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        when(incident.impact_started_at),
        incident
            .resolved_at
            .map(|r| format!(" · resolved {}", when(r)))
            .unwrap_or_default(),
        if affected.is_empty() { "—".to_string() } else { affected.join(", ") },
    );
    timeline(&mut out, &incident.updates, incident_label);
    out.push_str("</div></section><p><a href=\"/status\">← Current status</a></p>");
    page(frame, &incident.title, &out)
}

/// `/status/maintenance/{id}`.
pub fn maintenance(data: &PublicData, m: &PublicMaintenance, frame: &Frame) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<section class=\"card\"><div class=\"incident i-maint\"><h1 style=\"margin:0 0 6px;font-size:22px\">{}</h1>\
         <div class=\"meta\">Scheduled {} → {} · {}</div><div class=\"meta\">Affected: {}</div></div><div class=\"notice\">",
        esc(&m.title),
        when(m.starts_at),
        when(m.ends_at),
        m.state.label(),
        component_names(data, m.components.iter().copied()),
    );
    timeline(&mut out, &m.updates, maintenance_label);
    out.push_str("</div></section><p><a href=\"/status\">← Current status</a></p>");
    page(frame, &m.title, &out)
}

//! Fragments several pages share: colour classes, status labels, the
//! latest update of an incident, and the incident and maintenance items of
//! the main page and the history.

use super::{esc, when};
use app::domain::markdown;
use app::domain::status_page::{ComponentStatus, Impact, IncidentStatus, MaintenanceState};
use app::services::status_page::public::{
    PublicData, PublicIncident, PublicMaintenance, PublicUpdate,
};
use std::fmt::Write;

pub(super) fn bar_class(status: Option<ComponentStatus>) -> &'static str {
    match status {
        None => "n",
        Some(ComponentStatus::Operational) => "g",
        Some(ComponentStatus::DegradedPerformance) => "y",
        Some(ComponentStatus::PartialOutage) => "o",
        Some(ComponentStatus::MajorOutage) => "r",
        Some(ComponentStatus::UnderMaintenance) => "bl",
    }
}

pub(super) fn impact_class(impact: Impact) -> &'static str {
    match impact {
        Impact::None => "i-none",
        Impact::Minor => "i-minor",
        Impact::Major => "i-major",
        Impact::Critical => "i-critical",
    }
}

pub(super) fn latest_update_html(
    update: Option<&PublicUpdate>,
    label: impl Fn(&str) -> String,
) -> String {
    match update {
        None => String::new(),
        Some(u) => format!(
            "<div class=\"update\"><strong>{}</strong> <span class=\"body\">{}</span><div class=\"meta\">{}</div></div>",
            esc(&label(&u.status)),
            markdown::render(&u.body),
            when(u.created_at)
        ),
    }
}

pub(super) fn incident_label(status: &str) -> String {
    IncidentStatus::label_of(status).to_string()
}

pub(super) fn maintenance_label(status: &str) -> String {
    MaintenanceState::label_of(status).to_string()
}

pub(super) fn component_names(data: &PublicData, ids: impl Iterator<Item = uuid::Uuid>) -> String {
    let names: Vec<String> = ids
        .filter_map(|id| data.components.iter().find(|c| c.id == id))
        .map(|c| esc(&c.name))
        .collect();
    names.join(", ")
}

pub(super) fn maintenance_item(out: &mut String, data: &PublicData, m: &PublicMaintenance) {
    let _ = write!(
        out,
        "<div class=\"incident i-maint\"><h3><a href=\"/status/maintenance/{}\">{}</a></h3>\
         <div class=\"meta\">{} → {} · {} · Affects {}</div>{}</div>",
        m.id,
        esc(&m.title),
        when(m.starts_at),
        when(m.ends_at),
        m.state.label(),
        component_names(data, m.components.iter().copied()),
        latest_update_html(m.updates.first(), maintenance_label),
    );
}

pub(super) fn history_incident(out: &mut String, incident: &PublicIncident) {
    let last = incident.updates.first();
    let _ = write!(
        out,
        "<div class=\"incident {}\"><h3><a href=\"/status/incidents/{}\">{}</a></h3>{}<div class=\"meta\">Began {}{}</div></div>",
        impact_class(incident.impact),
        incident.id,
        esc(&incident.title),
        last.map(|u| format!(
            "<div class=\"body\"><strong>{}</strong> — {}</div>",
            incident_label(&u.status),
            esc(&markdown::plain_text(&u.body, 240))
        ))
        .unwrap_or_default(),
        when(incident.impact_started_at),
        incident
            .resolved_at
            .map(|r| format!(" – resolved {}", when(r)))
            .unwrap_or_default(),
    );
}

//! `/status`, the main page: the overall banner, open incidents and
//! maintenance, every component with its 90-day uptime bar, upcoming
//! maintenance and the last week's incidents.

use super::parts::{
    bar_class, component_names, history_incident, impact_class, incident_label, latest_update_html,
    maintenance_item,
};
use super::{day, esc, page, Frame, BAR_DAYS, BAR_PITCH, NARROW_BAR_DAYS};
use app::domain::status_page::{self, day_bars, format_uptime, ComponentStatus, MaintenanceState};
use app::services::status_page::public::{
    PublicComponent, PublicData, PublicIncident, PublicMaintenance,
};
use chrono::{DateTime, Duration, Utc};
use std::fmt::Write;

/// The 90-day bar: one rect per day, its title the day's uptime.
fn uptime_bar(component: &PublicComponent, now: DateTime<Utc>) -> String {
    let bars = day_bars(&component.intervals, BAR_DAYS, now);
    let mut svg = String::with_capacity(bars.len() * 90);
    let _ = write!(
        svg,
        "<svg class=\"bars\" viewBox=\"0 0 {} 34\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{} uptime over the last {BAR_DAYS} days\">",
        BAR_DAYS * BAR_PITCH - 2,
        esc(&component.name)
    );
    for (i, bar) in bars.iter().enumerate() {
        let label = match bar.worst {
            None => "no data".to_string(),
            Some(ComponentStatus::Operational) => {
                format!("{} uptime", format_uptime(bar.uptime))
            }
            Some(worst) => format!(
                "{} uptime, {}",
                format_uptime(bar.uptime),
                worst.label().to_lowercase()
            ),
        };
        let _ = write!(
            svg,
            "<rect x=\"{}\" width=\"3\" height=\"34\" rx=\"1\" class=\"{}\"><title>{}: {}</title></rect>",
            i as u32 * BAR_PITCH,
            bar_class(bar.worst),
            day(bar.date),
            label
        );
    }
    svg.push_str("</svg>");
    svg
}

fn status_span(status: ComponentStatus) -> String {
    format!(
        "<span class=\"st s-{}\">{}</span>",
        status.as_str(),
        status.label()
    )
}

/// The banner's indicator and description.
pub fn indicator(data: &PublicData) -> (&'static str, &'static str) {
    status_page::overall(
        data.components.iter().map(|c| c.status),
        data.incidents
            .iter()
            .filter(|i| i.status.is_open())
            .map(|i| i.impact),
    )
}

/// `/status`: banner, open incidents, maintenance, components with their
/// uptime bars, and the last week's incidents.
pub fn index(data: &PublicData, frame: &Frame) -> String {
    let now = data.loaded_at;
    let mut out = String::with_capacity(64 * 1024);
    let (indicator, description) = indicator(data);
    let _ = write!(
        out,
        "<div class=\"banner b-{indicator}\" data-indicator=\"{indicator}\">{description}</div>"
    );
    let open: Vec<&PublicIncident> = data
        .incidents
        .iter()
        .filter(|i| i.status.is_open())
        .collect();
    if !open.is_empty() {
        out.push_str("<section class=\"card\" id=\"active-incidents\"><h2>Active incidents</h2>");
        for incident in open {
            let _ = write!(
                out,
                "<div class=\"incident {}\"><h3><a href=\"/status/incidents/{}\">{}</a></h3>{}<div class=\"meta\">Affects {}</div></div>",
                impact_class(incident.impact),
                incident.id,
                esc(&incident.title),
                latest_update_html(incident.updates.first(), incident_label),
                match component_names(data, incident.components.iter().map(|c| c.0)) {
                    n if n.is_empty() => "no listed component".to_string(),
                    n => n,
                }
            );
        }
        out.push_str("</section>");
    }
    let active: Vec<&PublicMaintenance> = data
        .maintenances
        .iter()
        .filter(|m| m.state.is_active())
        .collect();
    if !active.is_empty() {
        out.push_str(
            "<section class=\"card\" id=\"active-maintenance\"><h2>Maintenance in progress</h2>",
        );
        for m in active {
            maintenance_item(&mut out, data, m);
        }
        out.push_str("</section>");
    }
    out.push_str("<section class=\"card\" id=\"components\"><h2>Components</h2>");
    if data.components.is_empty() {
        out.push_str("<p class=\"notice muted\">No components are listed yet.</p>");
    }
    let mut group: Option<&str> = None;
    for component in &data.components {
        if group != Some(component.group_name.as_str()) {
            group = Some(component.group_name.as_str());
            if !component.group_name.is_empty() {
                let _ = write!(
                    out,
                    "<div class=\"group\">{}</div>",
                    esc(&component.group_name)
                );
            }
        }
        let ninety = status_page::uptime_over_days(&component.intervals, BAR_DAYS, now);
        let thirty = status_page::uptime_over_days(&component.intervals, NARROW_BAR_DAYS, now);
        let _ = write!(
            out,
            "<div class=\"component\" data-component=\"{id}\"><div class=\"crow\"><span class=\"cname\"><a href=\"/status/components/{id}/uptime\" title=\"{desc}\">{name}</a></span>{status}</div>\
             <div class=\"barwrap\">{bar}</div>\
             <div class=\"legend\"><span><span class=\"wide\">{BAR_DAYS} days ago</span><span class=\"narrow\">{NARROW_BAR_DAYS} days ago</span></span>\
             <span class=\"uptime\"><span class=\"wide\">{uptime} uptime</span><span class=\"narrow\">{narrow_uptime} uptime</span></span><span>Today</span></div></div>",
            id = component.id,
            desc = esc(&component.description),
            name = esc(&component.name),
            status = status_span(component.status),
            bar = uptime_bar(component, now),
            uptime = format_uptime(ninety),
            narrow_uptime = format_uptime(thirty),
        );
    }
    out.push_str("</section>");
    let upcoming: Vec<&PublicMaintenance> = data
        .maintenances
        .iter()
        .rev()
        .filter(|m| m.state == MaintenanceState::Scheduled)
        .collect();
    if !upcoming.is_empty() {
        out.push_str(
            "<section class=\"card\" id=\"upcoming-maintenance\"><h2>Scheduled maintenance</h2>",
        );
        for m in upcoming {
            maintenance_item(&mut out, data, m);
        }
        out.push_str("</section>");
    }
    out.push_str("<section class=\"card\" id=\"past-incidents\"><h2>Past incidents</h2><div class=\"notice\">");
    for back in 0..7 {
        let date = now.date_naive() - Duration::days(back);
        let _ = write!(out, "<div class=\"day\"><h4>{}</h4>", day(date));
        let that_day: Vec<&PublicIncident> = data
            .incidents
            .iter()
            .filter(|i| i.published_at.date_naive() == date)
            .collect();
        if that_day.is_empty() {
            out.push_str("<p class=\"muted\">No incidents reported.</p>");
        }
        for incident in that_day {
            history_incident(&mut out, incident);
        }
        out.push_str("</div>");
    }
    out.push_str("<p><a href=\"/status/history\">Incident history →</a></p></div></section>");
    page(frame, "Status", &out)
}

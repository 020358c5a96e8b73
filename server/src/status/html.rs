//! The public pages as plain HTML: no JavaScript, one inline stylesheet,
//! every value escaped and every markdown body through the shared renderer.
//!
//! Over 500 lines: its split by concern is part of issue 13's structural pass.

use app::domain::markdown;
use app::domain::release_note::heading_title;
use app::domain::status::{
    self, day_bars, format_uptime, uptime, ComponentStatus, Impact, IncidentStatus,
    MaintenanceState,
};
use app::server::status::public::{
    PublicComponent, PublicData, PublicIncident, PublicMaintenance, PublicUpdate, PublishedNote,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use std::fmt::Write;

/// Days on the uptime bars.
pub const BAR_DAYS: u32 = 90;
/// Days the bars show on a narrow screen, as Statuspage does: 90 bars do
/// not fit a phone.
pub const NARROW_BAR_DAYS: u32 = 30;
/// The window width up to which the bars show [`NARROW_BAR_DAYS`].
const NARROW_MAX_WIDTH_PX: u32 = 600;
/// SVG units per day on the bars: a bar 3 wide and a gap of 2.
const BAR_PITCH: u32 = 5;
/// Months per page of history and uptime history.
pub const MONTHS_PER_PAGE: u32 = 3;

/// Every value on these pages goes through the shared escaping helper.
pub use app::domain::html::escape as esc;

pub fn when(at: DateTime<Utc>) -> String {
    at.format("%b %-d, %Y %H:%M UTC").to_string()
}

fn day(date: NaiveDate) -> String {
    date.format("%b %-d, %Y").to_string()
}

/// What every page needs besides its own content.
pub struct Frame<'a> {
    pub name: &'a str,
    pub loaded_at: DateTime<Utc>,
    /// The database is unreachable: say how old the page is.
    pub stale: bool,
}

const CSS: &str = r#"
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f5f7fa}
a{color:#2563eb;text-decoration:none}a:hover{text-decoration:underline}
.top{max-width:880px;margin:0 auto;padding:28px 20px 8px;display:flex;align-items:center;justify-content:space-between;gap:12px;flex-wrap:wrap}
.brand{font-size:22px;font-weight:700;color:#1f2933}.brand span{color:#64748b;font-weight:400}
.top nav{display:flex;gap:16px;align-items:center;flex-wrap:wrap}.btn{display:inline-block;background:#2563eb;color:#fff;border-radius:6px;padding:7px 14px;font-weight:600;border:0;font-size:14px;cursor:pointer}.btn:hover{background:#1d4ed8;text-decoration:none}
main{max-width:880px;margin:0 auto;padding:8px 20px 40px}
.stale{max-width:840px;margin:8px auto;padding:10px 14px;border-radius:8px;background:#fff7ed;border:1px solid #fdba74;color:#9a3412}
.banner{border-radius:8px;padding:18px 22px;color:#fff;font-size:20px;font-weight:600;margin:16px 0 24px}
.b-none{background:#16a34a}.b-minor{background:#ca8a04}.b-major{background:#ea580c}.b-critical{background:#dc2626}.b-maintenance{background:#2563eb}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:0 0 20px;overflow:hidden}
.card h2{margin:0;padding:14px 18px;font-size:16px;border-bottom:1px solid #e2e8f0;background:#f8fafc}
.incident{padding:14px 18px;border-bottom:1px solid #eef2f6}.incident:last-child{border-bottom:0}
.incident h3{margin:0 0 4px;font-size:16px}.meta{color:#64748b;font-size:13px}
.i-none h3 a,.i-maintenance h3 a{color:#1f2933}.i-minor h3 a{color:#b45309}.i-major h3 a{color:#c2410c}.i-critical h3 a{color:#b91c1c}.i-maint h3 a{color:#1d4ed8}
.group{padding:12px 18px 4px;font-weight:600;color:#475569;background:#fbfcfe;border-bottom:1px solid #eef2f6}
.component{padding:14px 18px;border-bottom:1px solid #eef2f6}.component:last-child{border-bottom:0}
.crow{display:flex;justify-content:space-between;gap:10px}.cname{font-weight:600}.cname a{color:#1f2933}
.st{font-size:14px;font-weight:600}.s-operational{color:#16a34a}.s-degraded_performance{color:#ca8a04}.s-partial_outage{color:#ea580c}.s-major_outage{color:#dc2626}.s-under_maintenance{color:#2563eb}
.barwrap{overflow:hidden;margin:8px 0 4px}svg.bars{display:block;width:100%;height:34px}.narrow{display:none}
.g{fill:#22c55e}.y{fill:#eab308}.o{fill:#f97316}.r{fill:#ef4444}.bl{fill:#3b82f6}.n{fill:#d4d9e0}
rect:hover{opacity:.7}
.legend{display:flex;justify-content:space-between;color:#94a3b8;font-size:12px}
.update{padding:10px 0;border-top:1px solid #eef2f6}.update:first-child{border-top:0}.update>strong{margin-right:6px}
.body p{margin:4px 0}.body pre{background:#f1f5f9;padding:8px;overflow:auto}
.day h4{margin:18px 0 6px;font-size:15px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
.muted{color:#64748b}.pager{display:flex;justify-content:space-between;margin:16px 0}
.months{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:18px;padding:16px 18px}
.cal{display:grid;grid-template-columns:repeat(7,1fr);gap:3px}.cal i{display:flex;align-items:center;justify-content:center;aspect-ratio:1;border-radius:3px;font-style:normal;font-size:11px;line-height:1;color:#1f2933}
.cal b{font-size:11px;font-weight:600;color:#94a3b8;text-align:center}
.cal .g,.key .g{background:#22c55e}.cal .y,.key .y{background:#eab308}.cal .o,.key .o{background:#f97316}.cal .r,.key .r{background:#ef4444;color:#fff}.cal .bl,.key .bl{background:#3b82f6;color:#fff}.cal .n,.key .n{background:#e2e8f0;color:#64748b}.cal .f{background:transparent;border:1px dashed #e2e8f0;color:#cbd5e1}.cal .x{background:transparent}
.key{display:flex;flex-wrap:wrap;gap:6px 16px;padding:0 18px 16px;font-size:12px;color:#64748b;margin:0;list-style:none}.key li{display:flex;align-items:center;gap:6px}.key i{display:inline-block;width:12px;height:12px;border-radius:3px}
form.sub{padding:16px 18px}form.sub label{display:block;margin:8px 0 4px;font-weight:600}form.sub input[type=email],form.sub input[type=url]{width:100%;padding:8px;border:1px solid #cbd5e1;border-radius:6px;font-size:15px}
.checks label{font-weight:400!important;display:flex!important;gap:6px;align-items:center}
.notice{padding:16px 18px}.note-body h2{font-size:16px;border:0;background:none;padding:8px 0 0}
code.secret{background:#f1f5f9;padding:4px 6px;border-radius:4px;word-break:break-all}
footer{max-width:880px;margin:0 auto;padding:0 20px 40px;color:#64748b;font-size:13px}
"#;

/// Wraps `content` in the page frame.
pub fn page(frame: &Frame, title: &str, content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 6000);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · {name} status</title>\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Incident history\" href=\"/history.atom\">\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Incident history\" href=\"/history.rss\">\
         <link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"><style>{CSS}{narrow}</style></head><body>\
         <header class=\"top\"><a class=\"brand\" href=\"/status\">{name} <span>Status</span></a>\
         <nav><a href=\"/status/history\">History</a><a href=\"/changelog\">Changelog</a>\
         <a class=\"btn\" href=\"/status/subscribe\">Subscribe to updates</a></nav></header>",
        title = esc(title),
        name = esc(frame.name),
        narrow = narrow_css(),
    );
    if frame.stale {
        let _ = write!(
            out,
            "<div class=\"stale\" role=\"status\" data-stale=\"true\"><strong>Live updates are delayed.</strong> \
             This page shows the status as last updated at {}.</div>",
            when(frame.loaded_at)
        );
    }
    out.push_str("<main>");
    out.push_str(content);
    let _ = write!(
        out,
        "</main><footer>Last updated at {} · <a href=\"/history.atom\">Atom</a> · <a href=\"/history.rss\">RSS</a> · \
         <a href=\"/api/v2/summary.json\">JSON</a> · <a href=\"/status/badge.svg\">Badge</a> · Powered by Rookery</footer></body></html>",
        when(frame.loaded_at)
    );
    out
}

/// The phone layout: the bars' SVG is widened and shifted inside its
/// clipping wrapper so that only its last [`NARROW_BAR_DAYS`] days show,
/// and each `.wide` label gives way to its `.narrow` twin.
fn narrow_css() -> String {
    let total = f64::from(BAR_DAYS * BAR_PITCH - 2);
    let hidden = f64::from((BAR_DAYS - NARROW_BAR_DAYS) * BAR_PITCH);
    let shown = total - hidden;
    format!(
        "@media (max-width:{NARROW_MAX_WIDTH_PX}px){{.wide{{display:none}}.narrow{{display:inline}}\
         svg.bars{{width:{:.3}%;margin-left:-{:.3}%}}}}",
        100.0 * total / shown,
        100.0 * hidden / shown
    )
}

fn bar_class(status: Option<ComponentStatus>) -> &'static str {
    match status {
        None => "n",
        Some(ComponentStatus::Operational) => "g",
        Some(ComponentStatus::DegradedPerformance) => "y",
        Some(ComponentStatus::PartialOutage) => "o",
        Some(ComponentStatus::MajorOutage) => "r",
        Some(ComponentStatus::UnderMaintenance) => "bl",
    }
}

fn impact_class(impact: Impact) -> &'static str {
    match impact {
        Impact::None => "i-none",
        Impact::Minor => "i-minor",
        Impact::Major => "i-major",
        Impact::Critical => "i-critical",
    }
}

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

fn latest_update_html(update: Option<&PublicUpdate>, label: impl Fn(&str) -> String) -> String {
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

fn incident_label(status: &str) -> String {
    IncidentStatus::label_of(status).to_string()
}

fn maintenance_label(status: &str) -> String {
    MaintenanceState::label_of(status).to_string()
}

fn component_names(data: &PublicData, ids: impl Iterator<Item = uuid::Uuid>) -> String {
    let names: Vec<String> = ids
        .filter_map(|id| data.components.iter().find(|c| c.id == id))
        .map(|c| esc(&c.name))
        .collect();
    names.join(", ")
}

/// The banner's indicator and description.
pub fn indicator(data: &PublicData) -> (&'static str, &'static str) {
    status::overall(
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
        let ninety = status::uptime_over_days(&component.intervals, BAR_DAYS, now);
        let thirty = status::uptime_over_days(&component.intervals, NARROW_BAR_DAYS, now);
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

fn maintenance_item(out: &mut String, data: &PublicData, m: &PublicMaintenance) {
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

fn history_incident(out: &mut String, incident: &PublicIncident) {
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

fn month_start(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default()
}

/// The month `back` months before `date`'s.
fn months_back(date: NaiveDate, back: u32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 - back as i32;
    month_start(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

fn next_month(start: NaiveDate) -> NaiveDate {
    months_back(start, 0)
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(start)
}

fn pager(out: &mut String, base: &str, page: u32, more: bool) {
    out.push_str("<div class=\"pager\">");
    if page > 1 {
        let _ = write!(out, "<a href=\"{base}?page={}\">← Newer</a>", page - 1);
    } else {
        out.push_str("<span></span>");
    }
    if more {
        let _ = write!(out, "<a href=\"{base}?page={}\">Older →</a>", page + 1);
    }
    out.push_str("</div>");
}

/// `/status/history?page=N`: incidents and maintenance by month, three
/// months per page, newest first.
pub fn history(data: &PublicData, page_number: u32, frame: &Frame) -> String {
    let today = data.loaded_at.date_naive();
    let mut out = String::from("<h1 style=\"font-size:22px\">Incident history</h1>");
    let first = (page_number - 1) * MONTHS_PER_PAGE;
    for back in first..first + MONTHS_PER_PAGE {
        let start = months_back(today, back);
        let end = next_month(start);
        let _ = write!(
            out,
            "<section class=\"card\"><h2>{}</h2><div class=\"notice\">",
            start.format("%B %Y")
        );
        let incidents: Vec<&PublicIncident> = data
            .incidents
            .iter()
            .filter(|i| (start..end).contains(&i.published_at.date_naive()))
            .collect();
        let windows: Vec<&PublicMaintenance> = data
            .maintenances
            .iter()
            .filter(|m| (start..end).contains(&m.starts_at.date_naive()))
            .collect();
        if incidents.is_empty() && windows.is_empty() {
            out.push_str("<p class=\"muted\">No incidents or maintenance this month.</p>");
        }
        for incident in incidents {
            history_incident(&mut out, incident);
        }
        for m in windows {
            maintenance_item(&mut out, data, m);
        }
        out.push_str("</div></section>");
    }
    let oldest = data
        .incidents
        .iter()
        .map(|i| i.published_at)
        .chain(data.maintenances.iter().map(|m| m.starts_at))
        .min();
    let more =
        oldest.is_some_and(|o| o.date_naive() < months_back(today, first + MONTHS_PER_PAGE - 1));
    pager(&mut out, "/status/history", page_number, more);
    page(frame, "Incident history", &out)
}

/// `/status/components/{id}/uptime?page=N`: a calendar per month with the
/// month's uptime.
pub fn component_uptime(
    component: &PublicComponent,
    page_number: u32,
    now: DateTime<Utc>,
    frame: &Frame,
) -> String {
    let today = now.date_naive();
    let mut out = String::new();
    let _ = write!(
        out,
        "<h1 style=\"font-size:22px\">{} uptime</h1><p class=\"muted\">{} · now {}</p><section class=\"card\"><div class=\"months\">",
        esc(&component.name),
        esc(&component.description),
        component.status.label().to_lowercase()
    );
    let first = (page_number - 1) * MONTHS_PER_PAGE;
    for back in first..first + MONTHS_PER_PAGE {
        let start = months_back(today, back);
        let end = next_month(start);
        let from = Utc.from_utc_datetime(&start.and_hms_opt(0, 0, 0).unwrap_or_default());
        let to = Utc
            .from_utc_datetime(&end.and_hms_opt(0, 0, 0).unwrap_or_default())
            .min(now);
        let month_uptime = if from < now {
            uptime(&component.intervals, from, to)
        } else {
            None
        };
        let _ = write!(
            out,
            "<div class=\"month\"><div class=\"crow\"><strong>{}</strong><span class=\"muted\">{}</span></div><div class=\"cal\">",
            start.format("%B %Y"),
            format_uptime(month_uptime)
        );
        for weekday in ["M", "T", "W", "T", "F", "S", "S"] {
            let _ = write!(out, "<b aria-hidden=\"true\">{weekday}</b>");
        }
        for _ in 0..start.weekday().num_days_from_monday() {
            out.push_str("<i class=\"x\"></i>");
        }
        let mut date = start;
        while date < end {
            let (class, label) = if status::day_start(date) >= now {
                ("f", "future".to_string())
            } else {
                let bar = status::day_bar(&component.intervals, date, now);
                let label = match bar.worst {
                    None => "no data".to_string(),
                    Some(ComponentStatus::Operational) => format_uptime(bar.uptime),
                    Some(worst) => format!(
                        "{}, {}",
                        format_uptime(bar.uptime),
                        worst.label().to_lowercase()
                    ),
                };
                (bar_class(bar.worst), label)
            };
            let _ = write!(
                out,
                "<i class=\"{class}\" title=\"{}: {label}\">{}</i>",
                day(date),
                date.day()
            );
            date = date.succ_opt().unwrap_or(end);
        }
        out.push_str("</div></div>");
    }
    out.push_str("</div>");
    calendar_key(&mut out);
    out.push_str("</section>");
    let more = component.created_at.date_naive() < months_back(today, first + MONTHS_PER_PAGE - 1);
    pager(
        &mut out,
        &format!("/status/components/{}/uptime", component.id),
        page_number,
        more,
    );
    page(frame, &format!("{} uptime", component.name), &out)
}

/// What the calendar's colours mean.
fn calendar_key(out: &mut String) {
    out.push_str("<ul class=\"key\" aria-label=\"Legend\">");
    let statuses = [
        Some(ComponentStatus::Operational),
        Some(ComponentStatus::DegradedPerformance),
        Some(ComponentStatus::PartialOutage),
        Some(ComponentStatus::MajorOutage),
        Some(ComponentStatus::UnderMaintenance),
        None,
    ];
    for status in statuses {
        let _ = write!(
            out,
            "<li><i class=\"{}\"></i>{}</li>",
            bar_class(status),
            status.map(|s| s.label()).unwrap_or("No data")
        );
    }
    out.push_str("</ul>");
}

fn note_html(note: &PublishedNote) -> String {
    markdown::render(&note.sections.to_markdown())
}

/// " — Invoices in bulk" after the release's name, or nothing when the
/// release's title only repeats its name.
fn note_subtitle(note: &PublishedNote) -> String {
    heading_title(&note.service, &note.version, &note.title)
        .map(|title| format!(" \u{2014} {}", esc(title)))
        .unwrap_or_default()
}

/// `/changelog`: published release notes, newest first.
pub fn changelog(data: &PublicData, frame: &Frame) -> String {
    let mut out = String::from(
        "<h1 style=\"font-size:22px\">Changelog</h1><p class=\"muted\">What shipped, newest first. <a href=\"/changelog.atom\">Atom feed</a></p>",
    );
    if data.notes.is_empty() {
        out.push_str("<p class=\"muted\">Nothing published yet.</p>");
    }
    for note in &data.notes {
        let _ = write!(
            out,
            "<section class=\"card\" data-release=\"{id}\"><h2><a href=\"/changelog/{id}\">{service} {version}</a>{subtitle}</h2>\
             <div class=\"notice note-body\"><div class=\"meta\">Published {published}</div>{body}</div></section>",
            id = note.release_id,
            service = esc(&note.service),
            version = esc(&note.version),
            subtitle = note_subtitle(note),
            published = when(note.published_at),
            body = note_html(note),
        );
    }
    page(frame, "Changelog", &out)
}

pub fn changelog_entry(note: &PublishedNote, frame: &Frame) -> String {
    let out = format!(
        "<section class=\"card\"><h2>{service} {version}{subtitle}</h2><div class=\"notice note-body\"><div class=\"meta\">Published {published}</div>{body}</div></section>\
         <p><a href=\"/changelog\">← All release notes</a></p>",
        service = esc(&note.service),
        version = esc(&note.version),
        subtitle = note_subtitle(note),
        published = when(note.published_at),
        body = note_html(note),
    );
    page(frame, &format!("{} {}", note.service, note.version), &out)
}

/// The sign-up form; `email` is false when no SMTP server is configured,
/// and then only the webhook is offered.
pub fn subscribe_form(
    data: &PublicData,
    frame: &Frame,
    email: bool,
    error: Option<&str>,
) -> String {
    let mut checks = String::new();
    for c in &data.components {
        let _ = write!(
            checks,
            "<label><input type=\"checkbox\" name=\"component\" value=\"{}\"> {}</label>",
            c.id,
            esc(&c.name)
        );
    }
    let error = error
        .map(|e| format!("<div class=\"stale\" role=\"alert\">{}</div>", esc(e)))
        .unwrap_or_default();
    let email_form = if email {
        format!(
            "<section class=\"card\"><h2>By email</h2><form class=\"sub\" method=\"post\" action=\"/status/subscribe\">\
             <input type=\"hidden\" name=\"kind\" value=\"email\"><label for=\"sub-email\">Email address</label>\
             <input id=\"sub-email\" type=\"email\" name=\"email\" required maxlength=\"254\" autocomplete=\"email\">\
             <label>Components</label><div class=\"checks\"><p class=\"muted\">Leave all unticked to hear about everything.</p>{checks}</div>\
             <p><button class=\"btn\" type=\"submit\">Subscribe</button></p><p class=\"muted\">We send a confirmation link first; every message has a one-click unsubscribe link.</p></form></section>"
        )
    } else {
        // No mail server: the webhook and the feeds are the ways to follow.
        String::new()
    };
    let out = format!(
        "<h1 style=\"font-size:22px\">Subscribe to updates</h1>{error}{email_form}\
         <section class=\"card\"><h2>By webhook</h2><form class=\"sub\" method=\"post\" action=\"/status/subscribe\">\
         <input type=\"hidden\" name=\"kind\" value=\"webhook\"><label for=\"sub-url\">Endpoint URL</label>\
         <input id=\"sub-url\" type=\"url\" name=\"url\" required maxlength=\"2000\" placeholder=\"https://example.com/hooks/status\">\
         <label>Components</label><div class=\"checks\"><p class=\"muted\">Leave all unticked to hear about everything.</p>{checks}</div>\
         <p><button class=\"btn\" type=\"submit\">Add webhook</button></p><p class=\"muted\">Each delivery is a JSON POST signed with HMAC-SHA256 in <code>X-Rookery-Signature</code>.</p></form></section>"
    );
    page(frame, "Subscribe", &out)
}

/// A short page with a message and optionally one button (a POST form).
/// `body_html` is inserted as HTML: escape anything that came from outside.
pub fn message(
    frame: &Frame,
    title: &str,
    body_html: &str,
    button: Option<(&str, &str)>,
) -> String {
    let button = button
        .map(|(action, label)| {
            format!(
                "<form method=\"post\" action=\"{}\"><button class=\"btn\" type=\"submit\">{}</button></form>",
                esc(action),
                esc(label)
            )
        })
        .unwrap_or_default();
    let out = format!(
        "<section class=\"card\"><h2>{}</h2><div class=\"notice\"><p>{}</p>{button}<p><a href=\"/status\">← Current status</a></p></div></section>",
        esc(title),
        body_html
    );
    page(frame, title, &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame<'static> {
        Frame {
            name: "Acme",
            loaded_at: Utc::now(),
            stale: false,
        }
    }

    /// A component created on `created` that has been operational since.
    fn component(created: DateTime<Utc>) -> PublicComponent {
        PublicComponent {
            id: uuid::Uuid::new_v4(),
            name: "API".into(),
            description: String::new(),
            group_name: String::new(),
            position: 0,
            status: ComponentStatus::Operational,
            created_at: created,
            updated_at: created,
            intervals: vec![status::Interval {
                status: ComponentStatus::Operational,
                start: created,
                end: None,
            }],
        }
    }

    #[test]
    fn on_a_phone_the_bars_show_the_last_thirty_days() {
        // 90 days are 448 units wide; the last 30 start at 300 (148 wide).
        let css = narrow_css();
        assert!(
            css.contains("svg.bars{width:302.703%;margin-left:-202.703%}"),
            "{css}"
        );
        assert!(css.starts_with("@media (max-width:600px)"), "{css}");
    }

    #[test]
    fn the_uptime_calendar_numbers_its_days_and_explains_its_colours() {
        let now = Utc.with_ymd_and_hms(2026, 3, 15, 12, 0, 0).unwrap();
        let created = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
        let html = component_uptime(&component(created), 1, now, &frame());

        // Days before the component existed have no data, days to come are
        // outlined; each carries its number.
        assert!(
            html.contains("title=\"Mar 1, 2026: no data\">1</i>"),
            "{html}"
        );
        assert!(html.contains("class=\"g\" title=\"Mar 12, 2026: 100.00%\">12</i>"));
        assert!(html.contains("class=\"f\" title=\"Mar 31, 2026: future\">31</i>"));
        for label in [
            "Operational",
            "Degraded performance",
            "Partial outage",
            "Major outage",
            "No data",
        ] {
            assert!(
                html.contains(&format!("</i>{label}</li>")),
                "no {label} in the legend"
            );
        }
    }

    #[test]
    fn the_bar_labels_have_a_narrow_wording() {
        let now = Utc::now();
        let data = PublicData {
            loaded_at: now,
            components: vec![component(now - Duration::days(200))],
            incidents: Vec::new(),
            maintenances: Vec::new(),
            notes: Vec::new(),
        };
        let html = index(&data, &frame());
        assert!(html.contains(
            "<span class=\"wide\">90 days ago</span><span class=\"narrow\">30 days ago</span>"
        ));
        assert_eq!(html.matches("<rect ").count(), 90);
    }
}

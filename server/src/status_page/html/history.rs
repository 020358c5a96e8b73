//! The pages that go back in time, three months per page: the incident
//! history and a component's uptime calendar.

use super::parts::{bar_class, history_incident, maintenance_item};
use super::{day, esc, page, Frame, MONTHS_PER_PAGE};
use app::domain::status_page::{self, format_uptime, uptime, ComponentStatus};
use app::services::status_page::public::{
    PublicComponent, PublicData, PublicIncident, PublicMaintenance,
};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use std::fmt::Write;

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
            let (class, label) = if status_page::day_start(date) >= now {
                ("f", "future".to_string())
            } else {
                let bar = status_page::day_bar(&component.intervals, date, now);
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

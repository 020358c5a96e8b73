//! The public status page's rules: component statuses and which is worst,
//! incident and maintenance state machines, and uptime computed from the
//! intervals a component spent in each status.

use super::change_request::vocabulary;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What a component is doing right now.
    ComponentStatus {
        Operational => "operational", "Operational",
        DegradedPerformance => "degraded_performance", "Degraded performance",
        PartialOutage => "partial_outage", "Partial outage",
        MajorOutage => "major_outage", "Major outage",
        UnderMaintenance => "under_maintenance", "Under maintenance",
    }
);

impl ComponentStatus {
    /// Higher is worse. Maintenance is planned, so any outage outranks it.
    pub fn severity(self) -> u8 {
        match self {
            ComponentStatus::Operational => 0,
            ComponentStatus::UnderMaintenance => 1,
            ComponentStatus::DegradedPerformance => 2,
            ComponentStatus::PartialOutage => 3,
            ComponentStatus::MajorOutage => 4,
        }
    }

    /// The share of time in this status that counts as down: a major outage
    /// fully, a partial outage at 30 % (as Statuspage counts it); degraded
    /// performance and maintenance count as up.
    pub fn downtime_weight(self) -> f64 {
        match self {
            ComponentStatus::MajorOutage => 1.0,
            ComponentStatus::PartialOutage => 0.3,
            _ => 0.0,
        }
    }

    /// A CSS-friendly color name.
    pub fn color(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "green",
            ComponentStatus::UnderMaintenance => "blue",
            ComponentStatus::DegradedPerformance => "yellow",
            ComponentStatus::PartialOutage => "orange",
            ComponentStatus::MajorOutage => "red",
        }
    }
}

/// The worst of `statuses`; operational when there are none.
pub fn worst(statuses: impl IntoIterator<Item = ComponentStatus>) -> ComponentStatus {
    statuses
        .into_iter()
        .max_by_key(|s| s.severity())
        .unwrap_or(ComponentStatus::Operational)
}

/// A component's status from what affects it: the statuses open incidents
/// set, and whether a maintenance window is in progress.
pub fn effective_status(
    incident_statuses: impl IntoIterator<Item = ComponentStatus>,
    in_maintenance: bool,
) -> ComponentStatus {
    let maintenance = in_maintenance.then_some(ComponentStatus::UnderMaintenance);
    worst(incident_statuses.into_iter().chain(maintenance))
}

vocabulary!(
    /// How bad an incident is for customers.
    Impact {
        None => "none", "None",
        Minor => "minor", "Minor",
        Major => "major", "Major",
        Critical => "critical", "Critical",
    }
);

vocabulary!(
    IncidentStatus {
        Investigating => "investigating", "Investigating",
        Identified => "identified", "Identified",
        Monitoring => "monitoring", "Monitoring",
        Resolved => "resolved", "Resolved",
        Postmortem => "postmortem", "Postmortem",
    }
);

impl IncidentStatus {
    fn rank(self) -> u8 {
        match self {
            IncidentStatus::Investigating => 0,
            IncidentStatus::Identified => 1,
            IncidentStatus::Monitoring => 2,
            IncidentStatus::Resolved => 3,
            IncidentStatus::Postmortem => 4,
        }
    }

    /// Whether an update may move the incident from `self` to `to`: forward
    /// (steps may be skipped) or staying put; a postmortem only after it is
    /// resolved; a resolved incident may be reopened as investigating.
    pub fn can_become(self, to: IncidentStatus) -> bool {
        use IncidentStatus::*;
        match (self, to) {
            (Resolved, Investigating) => true,
            (Resolved | Postmortem, Postmortem) => true,
            (_, Postmortem) => false,
            (Postmortem, _) => false,
            _ => to.rank() >= self.rank(),
        }
    }

    /// The label of a stored status ("" when it is not one).
    pub fn label_of(stored: &str) -> &'static str {
        Self::parse(stored).map(Self::label).unwrap_or("")
    }

    /// Still affecting customers.
    pub fn is_open(self) -> bool {
        !matches!(self, IncidentStatus::Resolved | IncidentStatus::Postmortem)
    }
}

/// How far past the server's clock an impact start may be and still count
/// as now: the form is filled from the browser's clock, which may run a
/// little ahead.
const CLOCK_SLACK_SECONDS: i64 = 120;

/// When an incident's impact began, from its form field (`YYYY-MM-DDTHH:MM`
/// in UTC): `None` when left blank (the caller's default: now, or what a
/// draft already has); a time in the future is refused.
pub fn parse_impact_start(text: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let at = super::cr_form::parse_local_datetime(text)?;
    if at > now + Duration::seconds(CLOCK_SLACK_SECONDS) {
        return Err(format!(
            "The impact cannot begin in the future: it is {} UTC now.",
            now.format("%Y-%m-%d %H:%M")
        ));
    }
    Ok(Some(at.min(now)))
}

vocabulary!(
    MaintenanceState {
        Scheduled => "scheduled", "Scheduled",
        InProgress => "in_progress", "In progress",
        Verifying => "verifying", "Verifying",
        Completed => "completed", "Completed",
        Cancelled => "cancelled", "Cancelled",
    }
);

impl MaintenanceState {
    /// Moves a person may make.
    pub fn can_become(self, to: MaintenanceState) -> bool {
        use MaintenanceState::*;
        matches!(
            (self, to),
            (Scheduled, InProgress | Cancelled)
                | (InProgress, Verifying | Completed)
                | (Verifying, Completed | InProgress)
        )
    }

    /// The label of a stored state ("" when it is not one).
    pub fn label_of(stored: &str) -> &'static str {
        Self::parse(stored).map(Self::label).unwrap_or("")
    }

    /// Components show under maintenance in these states.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            MaintenanceState::InProgress | MaintenanceState::Verifying
        )
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            MaintenanceState::Completed | MaintenanceState::Cancelled
        )
    }

    /// Where the clock moves a window: started at its start, completed at
    /// its end (a window being verified is completed too: its time is up).
    pub fn by_time(
        self,
        now: DateTime<Utc>,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Option<MaintenanceState> {
        use MaintenanceState::*;
        match self {
            Scheduled | InProgress | Verifying if now >= ends_at => Some(Completed),
            Scheduled if now >= starts_at => Some(InProgress),
            _ => None,
        }
    }
}

/// A stretch of time a component spent in one status; `end` is `None` for
/// the current status.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub status: ComponentStatus,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

/// Time spent in each status within `[from, to)`: (status, seconds).
fn time_in(
    intervals: &[Interval],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(ComponentStatus, f64)> {
    intervals
        .iter()
        .filter_map(|i| {
            let start = i.start.max(from);
            let end = i.end.unwrap_or(to).min(to);
            (end > start).then(|| (i.status, (end - start).num_milliseconds() as f64 / 1000.0))
        })
        .collect()
}

/// Uptime over `[from, to)` as a fraction (1.0 = fully up), counting only
/// time the component existed; `None` when it existed for none of it.
pub fn uptime(intervals: &[Interval], from: DateTime<Utc>, to: DateTime<Utc>) -> Option<f64> {
    let spent = time_in(intervals, from, to);
    let total: f64 = spent.iter().map(|(_, s)| s).sum();
    if total <= 0.0 {
        return None;
    }
    let down: f64 = spent.iter().map(|(st, s)| st.downtime_weight() * s).sum();
    Some((1.0 - down / total).clamp(0.0, 1.0))
}

/// One day of an uptime bar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayBar {
    pub date: NaiveDate,
    /// The worst status the component was in that day; `None` before it existed.
    pub worst: Option<ComponentStatus>,
    pub uptime: Option<f64>,
}

/// Midnight UTC starting `date`.
pub fn day_start(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The bar for one UTC day; a day still running counts up to `now`, a
/// day not begun has no data.
pub fn day_bar(intervals: &[Interval], date: NaiveDate, now: DateTime<Utc>) -> DayBar {
    let from = day_start(date);
    let to = (from + Duration::days(1)).min(now);
    let spent = if to > from {
        time_in(intervals, from, to)
    } else {
        Vec::new()
    };
    DayBar {
        date,
        worst: (!spent.is_empty()).then(|| worst(spent.iter().map(|(s, _)| *s))),
        uptime: if to > from {
            uptime(intervals, from, to)
        } else {
            None
        },
    }
}

/// One bar per UTC day for the `days` days ending with `now`'s day.
pub fn day_bars(intervals: &[Interval], days: u32, now: DateTime<Utc>) -> Vec<DayBar> {
    let today = now.date_naive();
    (0..days as i64)
        .rev()
        .map(|back| day_bar(intervals, today - Duration::days(back), now))
        .collect()
}

/// Uptime for the `days` days ending at `now`.
pub fn uptime_over_days(intervals: &[Interval], days: u32, now: DateTime<Utc>) -> Option<f64> {
    let from = day_start(now.date_naive() - Duration::days(days as i64 - 1));
    uptime(intervals, from, now)
}

/// "99.95%": two decimals, never rounding a partial day up to 100 %.
pub fn format_uptime(fraction: Option<f64>) -> String {
    match fraction {
        None => "no data".into(),
        Some(f) => {
            let hundredths = (f * 10_000.0).floor() / 100.0;
            format!("{hundredths:.2}%")
        }
    }
}

/// The banner over the whole page, in Statuspage's terms: an indicator
/// (`none`, `minor`, `major`, `critical`, `maintenance`) and a description.
pub fn overall(
    components: impl IntoIterator<Item = ComponentStatus>,
    open_impacts: impl IntoIterator<Item = Impact>,
) -> (&'static str, &'static str) {
    let worst_component = worst(components);
    let worst_impact = open_impacts.into_iter().max();
    let from_components = match worst_component {
        ComponentStatus::MajorOutage => 3,
        ComponentStatus::PartialOutage => 2,
        ComponentStatus::DegradedPerformance => 1,
        _ => 0,
    };
    let from_incidents = match worst_impact {
        Some(Impact::Critical) => 3,
        Some(Impact::Major) => 2,
        Some(Impact::Minor) => 1,
        _ => 0,
    };
    match from_components.max(from_incidents) {
        3 => ("critical", "Major System Outage"),
        2 => ("major", "Partial System Outage"),
        1 => ("minor", "Minor Service Outage"),
        _ if worst_component == ComponentStatus::UnderMaintenance => {
            ("maintenance", "Service Under Maintenance")
        }
        _ => ("none", "All Systems Operational"),
    }
}

#[cfg(test)]
#[path = "status_page_tests.rs"]
mod tests;

use super::*;
use ComponentStatus::*;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn interval(status: ComponentStatus, start: &str, end: Option<&str>) -> Interval {
    Interval {
        status,
        start: at(start),
        end: end.map(at),
    }
}

#[test]
fn worst_status_ranks_outages_above_maintenance() {
    assert_eq!(worst([]), Operational);
    assert_eq!(worst([Operational, UnderMaintenance]), UnderMaintenance);
    assert_eq!(
        worst([UnderMaintenance, DegradedPerformance]),
        DegradedPerformance
    );
    assert_eq!(
        worst([PartialOutage, MajorOutage, DegradedPerformance]),
        MajorOutage
    );
    assert_eq!(effective_status([], true), UnderMaintenance);
    assert_eq!(effective_status([PartialOutage], true), PartialOutage);
    assert_eq!(effective_status([], false), Operational);
}

#[test]
fn overlapping_incidents_leave_the_worst_status_until_both_resolve() {
    // Incident A (partial outage) 10:00–14:00, incident B (major) 12:00–13:00:
    // the component's intervals follow the worst open one.
    let a = [PartialOutage];
    let both = [PartialOutage, MajorOutage];
    assert_eq!(effective_status(a, false), PartialOutage);
    assert_eq!(effective_status(both, false), MajorOutage);
    let intervals = [
        interval(
            Operational,
            "2026-11-01T00:00:00Z",
            Some("2026-11-01T10:00:00Z"),
        ),
        interval(
            PartialOutage,
            "2026-11-01T10:00:00Z",
            Some("2026-11-01T12:00:00Z"),
        ),
        interval(
            MajorOutage,
            "2026-11-01T12:00:00Z",
            Some("2026-11-01T13:00:00Z"),
        ),
        interval(
            PartialOutage,
            "2026-11-01T13:00:00Z",
            Some("2026-11-01T14:00:00Z"),
        ),
        interval(Operational, "2026-11-01T14:00:00Z", None),
    ];
    let day = uptime(
        &intervals,
        at("2026-11-01T00:00:00Z"),
        at("2026-11-02T00:00:00Z"),
    )
    .unwrap();
    // 1 h major + 3 h partial × 0.3 = 1.9 h down of 24 h
    assert!((day - (1.0 - 1.9 / 24.0)).abs() < 1e-9, "{day}");
}

#[test]
fn uptime_splits_an_interval_across_day_boundaries() {
    // A major outage from 22:00 on the 1st to 02:00 on the 2nd.
    let intervals = [
        interval(
            Operational,
            "2026-11-01T00:00:00Z",
            Some("2026-11-01T22:00:00Z"),
        ),
        interval(
            MajorOutage,
            "2026-11-01T22:00:00Z",
            Some("2026-11-02T02:00:00Z"),
        ),
        interval(Operational, "2026-11-02T02:00:00Z", None),
    ];
    let bars = day_bars(&intervals, 3, at("2026-11-03T12:00:00Z"));
    assert_eq!(bars.len(), 3);
    assert_eq!(bars[0].date.to_string(), "2026-11-01");
    assert_eq!(bars[0].worst, Some(MajorOutage));
    assert!((bars[0].uptime.unwrap() - 22.0 / 24.0).abs() < 1e-9);
    assert_eq!(bars[1].worst, Some(MajorOutage));
    assert!((bars[1].uptime.unwrap() - 22.0 / 24.0).abs() < 1e-9);
    assert_eq!(bars[2].worst, Some(Operational));
    assert_eq!(bars[2].uptime, Some(1.0));
    let three_days = uptime_over_days(&intervals, 3, at("2026-11-03T12:00:00Z")).unwrap();
    assert!(
        (three_days - (1.0 - 4.0 / 60.0)).abs() < 1e-9,
        "{three_days}"
    );
}

#[test]
fn days_before_a_component_existed_have_no_data() {
    let intervals = [interval(Operational, "2026-11-03T06:00:00Z", None)];
    let bars = day_bars(&intervals, 3, at("2026-11-03T12:00:00Z"));
    assert_eq!(bars[0].worst, None);
    assert_eq!(bars[0].uptime, None);
    assert_eq!(bars[2].uptime, Some(1.0));
    assert_eq!(format_uptime(bars[0].uptime), "no data");
    // only the time it existed counts
    assert_eq!(
        uptime_over_days(&intervals, 90, at("2026-11-03T12:00:00Z")),
        Some(1.0)
    );
}

#[test]
fn degraded_and_maintenance_count_as_up_but_color_the_day() {
    let intervals = [
        interval(
            Operational,
            "2026-11-01T00:00:00Z",
            Some("2026-11-01T01:00:00Z"),
        ),
        interval(
            UnderMaintenance,
            "2026-11-01T01:00:00Z",
            Some("2026-11-01T02:00:00Z"),
        ),
        interval(
            DegradedPerformance,
            "2026-11-01T02:00:00Z",
            Some("2026-11-01T03:00:00Z"),
        ),
        interval(Operational, "2026-11-01T03:00:00Z", None),
    ];
    let bars = day_bars(&intervals, 1, at("2026-11-01T23:59:59Z"));
    assert_eq!(bars[0].worst, Some(DegradedPerformance));
    assert_eq!(bars[0].uptime, Some(1.0));
}

#[test]
fn uptime_is_never_rounded_up_to_a_hundred() {
    assert_eq!(format_uptime(Some(0.999_99)), "99.99%");
    assert_eq!(format_uptime(Some(1.0)), "100.00%");
    assert_eq!(format_uptime(Some(0.5)), "50.00%");
}

#[test]
fn incident_status_moves_forward_and_postmortem_follows_resolution() {
    use IncidentStatus::*;
    assert!(Investigating.can_become(Identified));
    assert!(Investigating.can_become(Resolved));
    assert!(Monitoring.can_become(Monitoring));
    assert!(!Monitoring.can_become(Investigating));
    assert!(!Monitoring.can_become(Postmortem));
    assert!(Resolved.can_become(Postmortem));
    assert!(Resolved.can_become(Investigating));
    assert!(!Postmortem.can_become(Investigating));
    assert!(Investigating.is_open());
    assert!(!Resolved.is_open());
}

#[test]
fn maintenance_moves_by_hand_and_by_the_clock() {
    use MaintenanceState::*;
    assert!(Scheduled.can_become(InProgress));
    assert!(Scheduled.can_become(Cancelled));
    assert!(!Scheduled.can_become(Completed));
    assert!(InProgress.can_become(Verifying));
    assert!(Verifying.can_become(Completed));
    assert!(!Completed.can_become(InProgress));
    assert!(!Cancelled.can_become(InProgress));
    let (start, end) = (at("2026-11-01T10:00:00Z"), at("2026-11-01T12:00:00Z"));
    assert_eq!(
        Scheduled.by_time(at("2026-11-01T09:59:59Z"), start, end),
        None
    );
    assert_eq!(Scheduled.by_time(start, start, end), Some(InProgress));
    assert_eq!(
        InProgress.by_time(at("2026-11-01T11:00:00Z"), start, end),
        None
    );
    assert_eq!(InProgress.by_time(end, start, end), Some(Completed));
    assert_eq!(Verifying.by_time(end, start, end), Some(Completed));
    // a window missed entirely (server down) completes, never starts late
    assert_eq!(
        Scheduled.by_time(at("2026-11-02T00:00:00Z"), start, end),
        Some(Completed)
    );
    assert_eq!(Cancelled.by_time(end, start, end), None);
    assert!(InProgress.is_active() && Verifying.is_active() && !Scheduled.is_active());
}

#[test]
fn overall_banner_takes_the_worst_of_components_and_open_incidents() {
    assert_eq!(
        overall([Operational], []),
        ("none", "All Systems Operational")
    );
    assert_eq!(
        overall([Operational, UnderMaintenance], []).0,
        "maintenance"
    );
    assert_eq!(overall([DegradedPerformance], []).0, "minor");
    assert_eq!(overall([Operational], [Impact::Major]).0, "major");
    assert_eq!(overall([MajorOutage], [Impact::Minor]).0, "critical");
    assert_eq!(overall([UnderMaintenance], [Impact::Minor]).0, "minor");
}

#[test]
fn an_impact_start_is_a_utc_time_not_in_the_future() {
    let now = at("2026-12-03T14:05:30Z");
    assert_eq!(parse_impact_start("", now), Ok(None));
    assert_eq!(parse_impact_start("  ", now), Ok(None));
    assert_eq!(
        parse_impact_start("2026-12-03T13:40", now),
        Ok(Some(at("2026-12-03T13:40:00Z")))
    );
    // a browser clock a little ahead counts as now
    assert_eq!(parse_impact_start("2026-12-03T14:06", now), Ok(Some(now)));
    let future = parse_impact_start("2026-12-03T15:00", now).unwrap_err();
    assert!(future.contains("future"), "{future}");
    assert!(future.contains("2026-12-03 14:05"), "{future}");
    assert!(parse_impact_start("yesterday", now).is_err());
}

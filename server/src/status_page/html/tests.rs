//! Unit tests of the rendered pages: the phone layout of the bars, the
//! uptime calendar and its legend, the bars' narrow wording.

use super::layout::narrow_css;
use super::*;
use app::domain::status_page::{self, ComponentStatus};
use app::services::status_page::public::{PublicComponent, PublicData};
use chrono::{DateTime, Duration, TimeZone, Utc};

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
        intervals: vec![status_page::Interval {
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

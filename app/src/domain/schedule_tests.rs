use super::*;
use chrono::TimeZone;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
}

fn booking(
    label: &str,
    envs: &[&str],
    services: &[&str],
    start: DateTime<Utc>,
    minutes: i64,
) -> Booking {
    Booking {
        label: label.into(),
        environments: envs.iter().map(|s| s.to_string()).collect(),
        services: services.iter().map(|s| s.to_string()).collect(),
        window: Window::new(start, minutes).unwrap(),
    }
}

fn freeze(envs: &[&str], start: DateTime<Utc>, minutes: i64) -> Freeze {
    Freeze {
        reason: "Holiday freeze".into(),
        environments: envs.iter().map(|s| s.to_string()).collect(),
        window: Window::between(start, start + Duration::minutes(minutes)).unwrap(),
    }
}

#[test]
fn windows_are_half_open() {
    let a = Window::new(at(1, 10), 60).unwrap();
    let b = Window::new(at(1, 11), 60).unwrap();
    let c = Window::new(at(1, 10), 61).unwrap();
    assert!(!a.overlaps(&b));
    assert!(c.overlaps(&b));
    assert!(Window::new(at(1, 10), 0).is_err());
    assert!(Window::between(at(2, 10), at(1, 10)).is_err());
}

#[test]
fn a_conflict_needs_the_same_environment_and_service_at_the_same_time() {
    let candidate = booking("new", &["prod"], &["api"], at(1, 10), 60);
    let same = booking("CR-1", &["prod", "staging"], &["api"], at(1, 10), 30);
    let other_service = booking("CR-2", &["prod"], &["web"], at(1, 10), 60);
    let other_env = booking("CR-3", &["staging"], &["api"], at(1, 10), 60);
    let later = booking("CR-4", &["prod"], &["api"], at(1, 11), 60);

    let found = clashes(
        &candidate,
        &[same, other_service, other_env, later],
        &[],
        false,
    );

    assert_eq!(
        found,
        vec![Clash::Conflict {
            with: "CR-1".into(),
            environments: vec!["prod".into()],
            services: vec!["api".into()]
        }]
    );
    assert_eq!(found[0].message(), "Conflicts with CR-1 on prod / api.");
}

#[test]
fn freezes_block_normal_changes_but_not_emergencies() {
    let candidate = booking("new", &["prod"], &["api"], at(24, 10), 60);
    let freezes = [
        freeze(&["prod"], at(20, 0), 60 * 24 * 10),
        freeze(&["staging"], at(1, 0), 60 * 24 * 30),
    ];

    let normal = clashes(&candidate, &[], &freezes, false);
    let emergency = clashes(&candidate, &[], &freezes, true);

    assert_eq!(normal.len(), 1);
    assert!(
        matches!(&normal[0], Clash::Frozen { environments, .. } if environments == &vec!["prod".to_string()])
    );
    assert!(emergency.is_empty());
}

#[test]
fn the_next_free_slot_skips_bookings_and_freezes() {
    let candidate = booking("new", &["prod"], &["api"], at(1, 10), 120);
    let bookings = [
        booking("CR-1", &["prod"], &["api"], at(1, 9), 120), // until 11:00
        booking("CR-2", &["prod"], &["api"], at(1, 12), 60), // 12:00-13:00: 11:00 + 2h overlaps
        booking("CR-3", &["prod"], &["web"], at(1, 13), 600), // other service: ignored
    ];
    let freezes = [freeze(&["prod"], at(1, 13), 60)]; // 13:00-14:00

    let slot = next_free_slot(&candidate, at(1, 10), &bookings, &freezes, false);

    assert_eq!(slot, Some(at(1, 14)));
    assert_eq!(
        next_free_slot(&candidate, at(1, 10), &bookings, &freezes, true),
        Some(at(1, 13))
    );
}

#[test]
fn the_search_gives_up_after_ninety_days() {
    let candidate = booking("new", &["prod"], &["api"], at(1, 10), 60);
    let long_freeze = freeze(&["prod"], at(1, 0), 60 * 24 * 120);

    assert_eq!(
        next_free_slot(&candidate, at(1, 10), &[], &[long_freeze], false),
        None
    );
}

#[test]
fn a_free_calendar_offers_the_requested_start() {
    let candidate = booking("new", &["dev"], &["api"], at(3, 8), 30);
    assert_eq!(
        next_free_slot(&candidate, at(3, 8), &[], &[], false),
        Some(at(3, 8))
    );
}

#[test]
fn the_sweep_finds_exactly_what_comparing_every_pair_finds() {
    // A deterministic spread of 300 windows over a week on a few
    // environments and services, with a freeze in the middle.
    let envs = ["dev", "staging", "prod"];
    let services = ["api", "web", "mailer"];
    let bookings: Vec<Booking> = (0..300u32)
        .map(|i| {
            let start = at(1, 0) + Duration::minutes(i64::from((i * 7919) % 10_080));
            booking(
                &format!("CR-{i}"),
                &[envs[(i % 3) as usize]],
                &[services[((i / 3) % 3) as usize]],
                start,
                i64::from(15 + (i % 6) * 30),
            )
        })
        .collect();
    let emergency: Vec<bool> = (0..300).map(|i| i % 7 == 0).collect();
    let freezes = vec![freeze(&["prod"], at(3, 0), 24 * 60)];
    let swept = clashes_among(&bookings, &emergency, &freezes);
    for (i, booking) in bookings.iter().enumerate() {
        let mut others: Vec<Booking> = bookings
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, b)| b.clone())
            .collect();
        others.sort_by_key(|b| b.window.start);
        let mut expected = clashes(booking, &others, &freezes, emergency[i]);
        let mut got = swept[i].clone();
        let key = |c: &Clash| c.message();
        expected.sort_by_key(key);
        got.sort_by_key(key);
        assert_eq!(got, expected, "booking {i}");
    }
    assert!(swept.iter().any(|c| !c.is_empty()), "the data has clashes");
}

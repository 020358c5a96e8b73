//! The iCalendar subscription feed, read back with a standard iCalendar
//! parser (the `ical` crate), and its secret link.

use crate::support::TestApp;
use app::server_fns::change_requests::{CalendarFeedStatus, ResetCalendarFeed};
use leptos::server_fn::ServerFn;
use serde_json::Value;

/// Inserts an approved change request with a window on prod.
async fn scheduled_change(app: &TestApp, requester: uuid::Uuid, title: &str, start: &str) -> i64 {
    sqlx::query_scalar(
        "insert into change_request (id, title, change_type, priority, impact, risk, status, requester_id,
                                     environments, services, planned_start, duration_minutes, maintenance,
                                     implementation_plan, rollback_plan)
         values (gen_random_uuid(), $1, 'security', 'high', 'medium', 'medium', 'scheduled', $2,
                 '{prod}', '{api}', $3::timestamptz, 45, true, 'Deploy', 'Roll back')
         returning number",
    )
    .bind(title)
    .bind(requester)
    .bind(start)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn feed_url(app: &TestApp, client: &reqwest::Client) -> String {
    let response = app.server_fn(client, ResetCalendarFeed::PATH, &[]).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["url"]
        .as_str()
        .expect("the new link is returned once")
        .to_string()
}

#[tokio::test]
async fn the_feed_parses_as_icalendar_and_carries_changes_releases_and_freezes() {
    let app = TestApp::spawn().await;
    let engineer = app.person("engineer@example.com", &["engineer"]).await;
    let now = chrono::Utc::now();
    let start = (now + chrono::Duration::days(3))
        .format("%Y-%m-%dT09:00:00Z")
        .to_string();
    let number = scheduled_change(
        &app,
        engineer.user.id,
        "Rotate keys; then, verify \\ done",
        &start,
    )
    .await;
    sqlx::raw_sql(
        "insert into service (id, key, name) values (gen_random_uuid(), 'api', 'Public API');
         insert into release (id, service_id, version, version_major, version_minor, version_patch, release_type,
                              title, environments, planned_at, status, created_by)
         select gen_random_uuid(), id, '2.1.0', 2, 1, 0, 'minor', 'Bulk export', '{prod}',
                now() + interval '4 days', 'approved', (select id from app_user limit 1)
         from service where key = 'api';
         insert into freeze_window (id, environments, starts_at, ends_at, reason, created_by)
         select gen_random_uuid(), '{prod}', now() + interval '10 days', now() + interval '12 days',
                'Holiday freeze', id from app_user limit 1;",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    let url = feed_url(&app, &engineer.client).await;
    assert!(url.starts_with(&app.address), "{url}");
    assert!(url.contains("/calendar/feed/cal_") && url.ends_with(".ics"));

    // A calendar app fetches it without a session.
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let body = response.text().await.unwrap();
    assert!(body.lines().all(|l| l.len() <= 76), "lines are folded");

    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("it parses");
    assert!(calendars.next().is_none());
    let prop = |props: &[ical::property::Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    assert_eq!(
        prop(&calendar.properties, "VERSION").as_deref(),
        Some("2.0")
    );
    assert!(prop(&calendar.properties, "PRODID").is_some());
    let summaries: Vec<String> = calendar
        .events
        .iter()
        .filter_map(|e| prop(&e.properties, "SUMMARY"))
        .collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    // TEXT values come back escaped exactly as RFC 5545 says.
    let change = calendar
        .events
        .iter()
        .find(|e| {
            prop(&e.properties, "UID").as_deref()
                == Some(&*format!(
                    "cr-{number}@{}",
                    app.address.trim_start_matches("http://")
                ))
        })
        .expect("the change is in the feed");
    assert_eq!(
        prop(&change.properties, "SUMMARY").unwrap(),
        format!("[Maintenance] CR-{number} Rotate keys\\; then\\, verify \\\\ done")
    );
    let dtstart = prop(&change.properties, "DTSTART").unwrap();
    assert_eq!(dtstart, start.replace(['-', ':'], "").replace(".000", ""));
    assert!(prop(&change.properties, "DTEND").unwrap() > dtstart);
    assert!(prop(&change.properties, "URL")
        .unwrap()
        .ends_with(&format!("/changes/{number}")));
    assert!(summaries
        .iter()
        .any(|s| s == "Release api 2.1.0: Bulk export"));
    assert!(summaries
        .iter()
        .any(|s| s.starts_with("Freeze: Holiday freeze")));
    for event in &calendar.events {
        for needed in ["UID", "DTSTAMP", "DTSTART", "DTEND"] {
            assert!(
                prop(&event.properties, needed).is_some(),
                "{needed} missing"
            );
        }
    }
}

#[tokio::test]
async fn a_new_link_retires_the_old_one_and_unknown_links_are_not_found() {
    let app = TestApp::spawn().await;
    let engineer = app.person("engineer@example.com", &["engineer"]).await;

    let status: Value = app
        .server_fn(&engineer.client, CalendarFeedStatus::PATH, &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(status["created_at"].is_null());

    let first = feed_url(&app, &engineer.client).await;
    assert_eq!(reqwest::get(&first).await.unwrap().status(), 200);
    let second = feed_url(&app, &engineer.client).await;
    assert_ne!(first, second);
    assert_eq!(reqwest::get(&first).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(&second).await.unwrap().status(), 200);
    let status: Value = app
        .server_fn(&engineer.client, CalendarFeedStatus::PATH, &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(status["created_at"].is_string());
    assert!(status["url"].is_null(), "the link is never shown again");

    assert_eq!(
        reqwest::get(app.url("/calendar/feed/cal_0000.ics"))
            .await
            .unwrap()
            .status(),
        404
    );
    // Only a hash is stored, and making links is audited.
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from calendar_feed")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 32);
    assert!(!second.contains(&hex_lower(&stored)));
    assert_eq!(app.audit_count("calendar_feed.create", None).await, 1);
    assert_eq!(app.audit_count("calendar_feed.reset", None).await, 1);

    // A disabled account's link stops working.
    sqlx::query("update app_user set disabled = true where id = $1")
        .bind(engineer.user.id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(reqwest::get(&second).await.unwrap().status(), 404);
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

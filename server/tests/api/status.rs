//! The public status page end to end against a real PostgreSQL: incidents
//! move component statuses and their intervals, the in-memory page follows
//! LISTEN/NOTIFY, the Statuspage-shaped JSON and the feeds read as their
//! clients expect, subscribers get each update once by email (a local SMTP
//! receiver) and signed webhook, and the page keeps answering while its
//! database is down.

use crate::support;
use crate::support::runner::engine_for as engine;
use crate::support::wait::{eventually_within as eventually, PATIENCE};
use crate::support::TestApp;
use app::domain::release_note::NoteSections;
use app::domain::status_page::{ComponentStatus, Impact, IncidentStatus, MaintenanceState};
use app::error::AppError;
use app::model::status_page::{
    ComponentChoice, ComponentInput, IncidentInput, IncidentUpdateInput, MaintenanceInput,
    PublishIncident,
};
use app::services::jobs::{self, NewJob};
use app::services::session::SessionUser;
use app::services::status_page::{components, incidents, kinds, maintenance, release_notes};
use chrono::{DateTime, Duration as Days, Utc};
use hmac::{Hmac, Mac};
use reqwest::{header, StatusCode};
use rookery::embedded::{EmbeddedOptions, EmbeddedPostgres};
use serde_json::{json, Value};
use sha2::Sha256;
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use uuid::Uuid;

/// How long the page may take to follow a change (LISTEN/NOTIFY takes
/// milliseconds; the 30-second periodic reload must not be what passes).
const PAGE_PATIENCE: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------- helpers

/// A release manager (who also writes release notes), as the services see
/// a signed-in person.
async fn manager(app: &TestApp) -> SessionUser {
    let record = app
        .create_user("rita@example.com", &["release_manager", "engineer"])
        .await;
    SessionUser::try_from(record).expect("a session user")
}

async fn component(pool: &PgPool, user: &SessionUser, name: &str, group: &str) -> Uuid {
    let input = ComponentInput {
        id: None,
        name: name.into(),
        description: String::new(),
        group_name: group.into(),
        position: String::new(),
        services: String::new(),
    };
    components::save(pool, user, &input, None)
        .await
        .unwrap_or_else(|e| panic!("creating component {name}: {e:?}"))
}

fn affects(list: &[(Uuid, ComponentStatus)]) -> Vec<ComponentChoice> {
    list.iter()
        .map(|(id, status)| ComponentChoice {
            id: *id,
            status: *status,
        })
        .collect()
}

async fn open_incident(
    pool: &PgPool,
    user: &SessionUser,
    title: &str,
    impact: Impact,
    list: &[(Uuid, ComponentStatus)],
    publish: bool,
) -> Uuid {
    let input = IncidentInput {
        title: title.into(),
        impact,
        status: IncidentStatus::Investigating,
        body: format!("We are looking into {title}."),
        components: affects(list),
        publish,
        impact_started_at: String::new(),
    };
    incidents::create(pool, user, &input, None)
        .await
        .unwrap_or_else(|e| panic!("opening {title}: {e:?}"))
}

fn update_input(status: IncidentStatus, body: &str) -> IncidentUpdateInput {
    IncidentUpdateInput {
        status,
        body: body.into(),
        impact: None,
        components: Vec::new(),
    }
}

async fn post_update(
    pool: &PgPool,
    user: &SessionUser,
    incident: Uuid,
    status: IncidentStatus,
    body: &str,
) -> Uuid {
    incidents::post_update(pool, user, incident, &update_input(status, body), None)
        .await
        .unwrap_or_else(|e| panic!("posting {status:?}: {e:?}"))
}

async fn component_status(pool: &PgPool, id: Uuid) -> String {
    sqlx::query_scalar("select status from status_component where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A component's status intervals, oldest first: (status, still open).
async fn intervals(pool: &PgPool, id: Uuid) -> Vec<(String, bool)> {
    let rows: Vec<(String, Option<DateTime<Utc>>, DateTime<Utc>)> = sqlx::query_as(
        "select status, ended_at, started_at from component_status_interval
         where component_id = $1 order by started_at, id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap();
    for pair in rows.windows(2) {
        let ended = pair[0].1.expect("only the last interval is open");
        assert!(
            ended <= pair[1].2,
            "intervals overlap: {:?} ends after the next starts",
            pair[0]
        );
    }
    rows.into_iter()
        .map(|(status, ended, _)| (status, ended.is_none()))
        .collect()
}

fn closed(status: &str) -> (String, bool) {
    (status.to_string(), false)
}

fn open(status: &str) -> (String, bool) {
    (status.to_string(), true)
}

/// `YYYY-MM-DDTHH:MM` (UTC) `hours` from now, as the maintenance form sends it.
fn in_hours(hours: i64) -> String {
    (Utc::now() + Days::hours(hours))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn schedule(pool: &PgPool, user: &SessionUser, title: &str, list: &[Uuid]) -> Uuid {
    let input = MaintenanceInput {
        title: title.into(),
        description: format!("{title}: expect brief interruptions."),
        starts_at: in_hours(48),
        ends_at: in_hours(50),
        components: list.to_vec(),
        change_request: None,
    };
    maintenance::create(pool, user, &input, None)
        .await
        .unwrap_or_else(|e| panic!("scheduling {title}: {e:?}"))
}

/// GETs `path`: status, headers, body.
async fn get(app: &TestApp, path: &str) -> (StatusCode, header::HeaderMap, String) {
    let response = app
        .client
        .get(app.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    (status, headers, body)
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let (status, headers, body) = get(app, path).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "GET {path} is not JSON"
    );
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

/// Polls `path` until its body satisfies `ready`; returns that body.
async fn page_until(app: &TestApp, path: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
    let last = Mutex::new(String::new());
    eventually(what, PAGE_PATIENCE, || async {
        let (status, _, body) = get(app, path).await;
        let done = status == StatusCode::OK && ready(&body);
        *last.lock().unwrap() = body;
        done
    })
    .await;
    last.into_inner().unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_string())
        .collect()
}

// ---------------------------------------------------------------- 1. incidents

#[tokio::test]
async fn incidents_set_their_components_worst_status_and_resolving_restores_it() {
    // Arrange
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let rm = manager(&app).await;
    let api = component(pool, &rm, "API", "").await;
    let dashboard = component(pool, &rm, "Dashboard", "").await;

    // Act: a draft, then a published incident on the API
    let draft = open_incident(
        pool,
        &rm,
        "Dashboard draft",
        Impact::Major,
        &[(dashboard, ComponentStatus::MajorOutage)],
        false,
    )
    .await;
    let first = open_incident(
        pool,
        &rm,
        "Elevated API errors",
        Impact::Minor,
        &[(api, ComponentStatus::PartialOutage)],
        true,
    )
    .await;

    // Assert: the draft changes nothing and is not public; the incident is
    assert_eq!(component_status(pool, dashboard).await, "operational");
    assert_eq!(intervals(pool, dashboard).await, vec![open("operational")]);
    assert_eq!(component_status(pool, api).await, "partial_outage");
    assert_eq!(
        intervals(pool, api).await,
        vec![closed("operational"), open("partial_outage")]
    );
    let listed = page_until(
        &app,
        "/api/v2/incidents.json",
        "the incident is listed",
        |b| b.contains(&first.to_string()),
    )
    .await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(ids(&listed["incidents"]), vec![first.to_string()]);

    // Act: an overlapping, worse incident on the same component
    let second = open_incident(
        pool,
        &rm,
        "API unavailable",
        Impact::Critical,
        &[(api, ComponentStatus::MajorOutage)],
        true,
    )
    .await;
    assert_eq!(component_status(pool, api).await, "major_outage");

    // Act: resolving the first leaves the second in charge
    post_update(pool, &rm, first, IncidentStatus::Resolved, "Fixed.").await;
    assert_eq!(component_status(pool, api).await, "major_outage");

    // Act: resolving the second returns the component to operational
    post_update(pool, &rm, second, IncidentStatus::Resolved, "Back up.").await;
    assert_eq!(component_status(pool, api).await, "operational");
    assert_eq!(
        intervals(pool, api).await,
        vec![
            closed("operational"),
            closed("partial_outage"),
            closed("major_outage"),
            open("operational"),
        ]
    );
    assert_eq!(intervals(pool, dashboard).await, vec![open("operational")]);

    // Act: the draft is published as edited
    let publish = PublishIncident {
        title: "Dashboard unavailable".into(),
        impact: Impact::Major,
        body: "The dashboard does not load.".into(),
        components: affects(&[(dashboard, ComponentStatus::MajorOutage)]),
        impact_started_at: String::new(),
    };
    incidents::publish(pool, &rm, draft, &publish, None)
        .await
        .expect("publishing the draft");
    assert_eq!(component_status(pool, dashboard).await, "major_outage");
    let listed = page_until(
        &app,
        "/api/v2/incidents.json",
        "the published draft is listed",
        |b| b.contains(&draft.to_string()),
    )
    .await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    let published = listed["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == draft.to_string())
        .unwrap();
    assert_eq!(published["name"], "Dashboard unavailable");
    assert_eq!(
        published["incident_updates"][0]["body"],
        "The dashboard does not load."
    );

    // Assert: only drafts are discarded
    let refused = incidents::discard(pool, &rm, draft, None).await;
    assert!(
        matches!(refused, Err(AppError::Conflict(_))),
        "discarding a published incident: {refused:?}"
    );
    let other = open_incident(
        pool,
        &rm,
        "Second draft",
        Impact::Minor,
        &[(api, ComponentStatus::DegradedPerformance)],
        false,
    )
    .await;
    incidents::discard(pool, &rm, other, None)
        .await
        .expect("discarding a draft");
    let visibility: String = sqlx::query_scalar("select visibility from incident where id = $1")
        .bind(other)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(visibility, "discarded");
    assert!(matches!(
        incidents::discard(pool, &rm, other, None).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(component_status(pool, api).await, "operational");

    // Assert: a postmortem before the incident is resolved is refused
    let refused = incidents::post_update(
        pool,
        &rm,
        draft,
        &update_input(IncidentStatus::Postmortem, "What happened."),
        None,
    )
    .await;
    let fields = support::field_errors(refused);
    assert!(fields.contains_key("status"), "{fields:?}");
    let status: String = sqlx::query_scalar("select status from incident where id = $1")
        .bind(draft)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(status, "investigating");
}

// ---------------------------------------------------------------- 2. the page follows

#[tokio::test]
async fn the_public_page_follows_a_published_incident_and_answers_conditional_requests() {
    // Arrange
    let app = TestApp::spawn().await;
    let rm = manager(&app).await;
    let search = component(&app.pool, &rm, "Search", "").await;
    let title = "Search results are delayed";
    let before = page_until(&app, "/status", "the page lists the component", |b| {
        b.contains("Search")
    })
    .await;
    assert!(!before.contains(title));

    // Act
    open_incident(
        &app.pool,
        &rm,
        title,
        Impact::Minor,
        &[(search, ComponentStatus::DegradedPerformance)],
        true,
    )
    .await;

    // Assert: the page shows it within seconds (NOTIFY, not the 30 s reload)
    page_until(&app, "/status", "the page shows the incident", |b| {
        b.contains(title)
    })
    .await;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (status, headers, body) = get(&app, "/status").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(title));
        assert!(!body.contains("data-stale"), "the page says it is stale");
        let etag = headers
            .get(header::ETAG)
            .expect("an ETag")
            .to_str()
            .unwrap()
            .to_string();
        let last_modified = headers
            .get(header::LAST_MODIFIED)
            .expect("a Last-Modified")
            .to_str()
            .unwrap();
        assert!(
            DateTime::parse_from_rfc2822(last_modified).is_ok(),
            "Last-Modified is not an HTTP date: {last_modified}"
        );
        let cache = headers
            .get(header::CACHE_CONTROL)
            .expect("a Cache-Control")
            .to_str()
            .unwrap();
        assert!(cache.contains("max-age="), "{cache}");

        let again = app
            .client
            .get(app.url("/status"))
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        if again.status() == StatusCode::OK && attempts < 3 {
            // the snapshot was reloaded in between (its time moved on)
            continue;
        }
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()[header::ETAG].to_str().unwrap(), etag);
        assert!(again.text().await.unwrap().is_empty());
        break;
    }
    let stale_tag = app
        .client
        .get(app.url("/status"))
        .header(header::IF_NONE_MATCH, "\"not-the-current-tag\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale_tag.status(), StatusCode::OK);

    // Browsers asking for gzip get the compressed copy, with its own ETag.
    let plain = app.client.get(app.url("/status")).send().await.unwrap();
    let plain_tag = plain.headers()[header::ETAG].to_str().unwrap().to_string();
    let plain_len = plain.bytes().await.unwrap().len();
    let gzipped = app
        .client
        .get(app.url("/status"))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(gzipped.headers()[header::CONTENT_ENCODING], "gzip");
    assert!(gzipped.headers()[header::VARY]
        .to_str()
        .unwrap()
        .contains("Accept-Encoding"));
    let gz_tag = gzipped.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(gz_tag, plain_tag);
    assert!(gz_tag.ends_with("-gz\""), "{gz_tag}");
    let compressed = gzipped.bytes().await.unwrap();
    assert_eq!(&compressed[..2], &[0x1f, 0x8b], "not a gzip stream");
    assert!(
        compressed.len() < plain_len,
        "{} >= {plain_len}",
        compressed.len()
    );
    let refused = app
        .client
        .get(app.url("/status"))
        .header(header::ACCEPT_ENCODING, "gzip;q=0")
        .send()
        .await
        .unwrap();
    assert!(refused.headers().get(header::CONTENT_ENCODING).is_none());
}

// ---------------------------------------------------------------- 3. v2 JSON

const COMPONENT_STATUSES: [&str; 5] = [
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
];

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(list: &[&'a str]) -> BTreeSet<&'a str> {
    list.iter().copied().collect()
}

fn assert_time(value: &Value, what: &str) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    assert!(
        DateTime::parse_from_rfc3339(text).is_ok(),
        "{what} is not an ISO 8601 time: {text}"
    );
}

fn assert_time_or_null(value: &Value, what: &str) {
    if !value.is_null() {
        assert_time(value, what);
    }
}

fn assert_string_or_null(value: &Value, what: &str) {
    assert!(
        value.is_string() || value.is_null(),
        "{what} is neither a string nor null: {value}"
    );
}

fn assert_page(page: &Value) {
    assert_eq!(
        keys(page),
        set(&["id", "name", "url", "time_zone", "updated_at"])
    );
    for key in ["id", "name", "url", "time_zone"] {
        assert!(page[key].is_string(), "page.{key}: {}", page[key]);
    }
    assert!(page["url"].as_str().unwrap().starts_with("http"));
    assert_time(&page["updated_at"], "page.updated_at");
}

fn assert_status(status: &Value, indicator: &str) {
    assert_eq!(keys(status), set(&["indicator", "description"]));
    let found = status["indicator"].as_str().expect("an indicator");
    assert!(
        ["none", "minor", "major", "critical", "maintenance"].contains(&found),
        "indicator {found}"
    );
    assert_eq!(found, indicator);
    assert!(status["description"].is_string());
}

fn assert_component(c: &Value) {
    let mut expected = set(&[
        "id",
        "name",
        "status",
        "created_at",
        "updated_at",
        "position",
        "description",
        "showcase",
        "start_date",
        "group_id",
        "page_id",
        "group",
        "only_show_if_degraded",
    ]);
    let group = c["group"].as_bool().expect("group is a boolean");
    if group {
        expected.insert("components");
        let members = c["components"].as_array().expect("a group's components");
        assert!(members.iter().all(Value::is_string));
        assert!(!members.is_empty());
    }
    assert_eq!(keys(c), expected, "{c}");
    assert!(c["id"].is_string() && c["name"].is_string(), "{c}");
    assert!(COMPONENT_STATUSES.contains(&c["status"].as_str().unwrap()));
    assert_time(&c["created_at"], "component.created_at");
    assert_time(&c["updated_at"], "component.updated_at");
    assert!(c["position"].is_number());
    assert_string_or_null(&c["description"], "component.description");
    assert!(c["showcase"].is_boolean());
    if group {
        assert_string_or_null(&c["start_date"], "group.start_date");
    } else {
        let day = c["start_date"].as_str().expect("a start date");
        assert!(
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok(),
            "start_date {day}"
        );
    }
    assert_string_or_null(&c["group_id"], "component.group_id");
    assert!(c["page_id"].is_string());
    assert!(c["only_show_if_degraded"].is_boolean());
}

fn assert_update(u: &Value, parent: &str) {
    assert_eq!(
        keys(u),
        set(&[
            "id",
            "status",
            "body",
            "incident_id",
            "created_at",
            "updated_at",
            "display_at",
            "affected_components",
            "deliver_notifications",
            "custom_tweet",
            "tweet_id",
        ]),
        "{u}"
    );
    assert!(u["id"].is_string() && u["status"].is_string() && u["body"].is_string());
    assert_eq!(u["incident_id"], parent);
    for key in ["created_at", "updated_at", "display_at"] {
        assert_time(&u[key], key);
    }
    assert!(u["affected_components"].is_null() || u["affected_components"].is_array());
    assert!(u["deliver_notifications"].is_boolean());
    assert_string_or_null(&u["custom_tweet"], "custom_tweet");
    assert_string_or_null(&u["tweet_id"], "tweet_id");
}

const INCIDENT_KEYS: [&str; 13] = [
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "impact",
    "shortlink",
    "started_at",
    "page_id",
    "incident_updates",
    "components",
];

/// Fields incidents and maintenance windows share.
fn assert_incident_like(i: &Value, statuses: &[&str], impacts: &[&str]) {
    let id = i["id"].as_str().expect("an id");
    assert!(i["name"].is_string());
    assert!(statuses.contains(&i["status"].as_str().unwrap()), "{i}");
    assert!(impacts.contains(&i["impact"].as_str().unwrap()), "{i}");
    assert_time(&i["created_at"], "created_at");
    assert_time(&i["updated_at"], "updated_at");
    assert_time_or_null(&i["monitoring_at"], "monitoring_at");
    assert_time_or_null(&i["resolved_at"], "resolved_at");
    assert_time(&i["started_at"], "started_at");
    assert!(i["shortlink"].as_str().unwrap().starts_with("http"));
    assert!(i["page_id"].is_string());
    let updates = i["incident_updates"].as_array().expect("updates");
    assert!(!updates.is_empty());
    for u in updates {
        assert_update(u, id);
    }
    for c in i["components"].as_array().expect("components") {
        assert_component(c);
    }
}

fn assert_incident(i: &Value) {
    assert_eq!(keys(i), set(&INCIDENT_KEYS), "{i}");
    assert_incident_like(
        i,
        &[
            "investigating",
            "identified",
            "monitoring",
            "resolved",
            "postmortem",
        ],
        &["none", "minor", "major", "critical"],
    );
}

fn assert_maintenance(m: &Value) {
    let mut expected = set(&INCIDENT_KEYS);
    expected.extend(["scheduled_for", "scheduled_until"]);
    assert_eq!(keys(m), expected, "{m}");
    assert_incident_like(
        m,
        &["scheduled", "in_progress", "verifying", "completed"],
        &["none", "minor", "major", "critical", "maintenance"],
    );
    assert_time(&m["scheduled_for"], "scheduled_for");
    assert_time(&m["scheduled_until"], "scheduled_until");
}

#[tokio::test]
async fn v2_json_has_statuspages_field_names_and_types() {
    // Arrange
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let rm = manager(&app).await;
    let api = component(pool, &rm, "API", "Platform").await;
    let web = component(pool, &rm, "Web", "Platform").await;
    let mail = component(pool, &rm, "Email", "").await;
    let open_one = open_incident(
        pool,
        &rm,
        "Slow API",
        Impact::Major,
        &[(api, ComponentStatus::PartialOutage)],
        true,
    )
    .await;
    let done = open_incident(
        pool,
        &rm,
        "Email delays",
        Impact::Minor,
        &[(mail, ComponentStatus::DegradedPerformance)],
        true,
    )
    .await;
    post_update(pool, &rm, done, IncidentStatus::Monitoring, "Watching.").await;
    post_update(pool, &rm, done, IncidentStatus::Resolved, "Delivered.").await;
    let upcoming = schedule(pool, &rm, "Database upgrade", &[mail]).await;
    let active = schedule(pool, &rm, "Web server patching", &[web]).await;
    maintenance::transition(pool, &rm, active, MaintenanceState::InProgress, "", None)
        .await
        .expect("starting the window early");
    page_until(
        &app,
        "/api/v2/summary.json",
        "the page has loaded everything",
        |b| b.contains(&active.to_string()) && b.contains("in_progress") && b.contains("Slow API"),
    )
    .await;

    // Act
    let summary = get_json(&app, "/api/v2/summary.json").await;
    let status = get_json(&app, "/api/v2/status.json").await;
    let components_doc = get_json(&app, "/api/v2/components.json").await;
    let incidents_doc = get_json(&app, "/api/v2/incidents.json").await;
    let unresolved = get_json(&app, "/api/v2/incidents/unresolved.json").await;
    let all_maintenance = get_json(&app, "/api/v2/scheduled-maintenances.json").await;
    let upcoming_doc = get_json(&app, "/api/v2/scheduled-maintenances/upcoming.json").await;
    let active_doc = get_json(&app, "/api/v2/scheduled-maintenances/active.json").await;
    let (missing, _, _) = get(&app, "/api/v2/nothing-here.json").await;

    // Assert: documents and their top-level keys
    assert_eq!(
        keys(&summary),
        set(&[
            "page",
            "components",
            "incidents",
            "scheduled_maintenances",
            "status"
        ])
    );
    assert_eq!(keys(&status), set(&["page", "status"]));
    assert_eq!(keys(&components_doc), set(&["page", "components"]));
    assert_eq!(keys(&incidents_doc), set(&["page", "incidents"]));
    assert_eq!(keys(&unresolved), set(&["page", "incidents"]));
    for doc in [&all_maintenance, &upcoming_doc, &active_doc] {
        assert_eq!(keys(doc), set(&["page", "scheduled_maintenances"]));
    }
    for doc in [
        &summary,
        &status,
        &components_doc,
        &incidents_doc,
        &unresolved,
        &all_maintenance,
        &upcoming_doc,
        &active_doc,
    ] {
        assert_page(&doc["page"]);
    }
    // a major incident is open: the page's indicator is major
    assert_status(&summary["status"], "major");
    assert_status(&status["status"], "major");

    // Assert: components (and one entry for the group)
    let list = components_doc["components"].as_array().unwrap();
    for c in list {
        assert_component(c);
    }
    let listed = ids(&components_doc["components"]);
    for id in [api, web, mail] {
        assert!(listed.contains(&id.to_string()), "{id} is not listed");
    }
    let group = list
        .iter()
        .find(|c| c["group"] == true)
        .expect("the Platform group");
    assert_eq!(group["name"], "Platform");
    assert_eq!(group["status"], "partial_outage", "a group shows its worst");
    let api_entry = list.iter().find(|c| c["id"] == api.to_string()).unwrap();
    assert_eq!(api_entry["group_id"], group["id"]);
    assert_eq!(api_entry["status"], "partial_outage");
    assert_eq!(api_entry["description"], Value::Null);
    let web_entry = list.iter().find(|c| c["id"] == web.to_string()).unwrap();
    assert_eq!(web_entry["status"], "under_maintenance");
    let mail_entry = list.iter().find(|c| c["id"] == mail.to_string()).unwrap();
    assert_eq!(mail_entry["group_id"], Value::Null);
    assert_eq!(mail_entry["status"], "operational");
    assert_eq!(summary["components"], components_doc["components"]);

    // Assert: incidents
    for i in incidents_doc["incidents"].as_array().unwrap() {
        assert_incident(i);
    }
    let mut every = ids(&incidents_doc["incidents"]);
    every.sort();
    let mut expected = vec![open_one.to_string(), done.to_string()];
    expected.sort();
    assert_eq!(every, expected);
    assert_eq!(
        ids(&unresolved["incidents"]),
        vec![open_one.to_string()],
        "only open incidents are unresolved"
    );
    assert_eq!(ids(&summary["incidents"]), vec![open_one.to_string()]);
    let resolved = incidents_doc["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == done.to_string())
        .unwrap();
    assert_eq!(resolved["status"], "resolved");
    assert_time(
        &resolved["monitoring_at"],
        "monitoring_at of a monitored incident",
    );
    assert_time(
        &resolved["resolved_at"],
        "resolved_at of a resolved incident",
    );
    assert_eq!(resolved["incident_updates"].as_array().unwrap().len(), 3);
    assert_eq!(resolved["components"][0]["id"], mail.to_string());
    let open_entry = &unresolved["incidents"][0];
    assert_eq!(open_entry["impact"], "major");
    assert_eq!(open_entry["resolved_at"], Value::Null);
    assert_eq!(open_entry["monitoring_at"], Value::Null);
    assert!(open_entry["shortlink"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/status/incidents/{open_one}")));

    // Assert: maintenance
    for doc in [&all_maintenance, &upcoming_doc, &active_doc, &summary] {
        for m in doc["scheduled_maintenances"].as_array().unwrap() {
            assert_maintenance(m);
        }
    }
    let mut every = ids(&all_maintenance["scheduled_maintenances"]);
    every.sort();
    let mut expected = vec![upcoming.to_string(), active.to_string()];
    expected.sort();
    assert_eq!(every, expected);
    assert_eq!(
        ids(&upcoming_doc["scheduled_maintenances"]),
        vec![upcoming.to_string()]
    );
    assert_eq!(
        ids(&active_doc["scheduled_maintenances"]),
        vec![active.to_string()]
    );
    let started = &active_doc["scheduled_maintenances"][0];
    assert_eq!(started["status"], "in_progress");
    assert_eq!(started["components"][0]["id"], web.to_string());
    assert_eq!(
        upcoming_doc["scheduled_maintenances"][0]["status"],
        "scheduled"
    );

    assert_eq!(missing, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------- 4. feeds

/// A service and a planned release of it, as minimal rows.
async fn release(pool: &PgPool, user: Uuid) -> Uuid {
    let service = Uuid::new_v4();
    sqlx::query("insert into service (id, key, name) values ($1, 'billing', 'Billing')")
        .bind(service)
        .execute(pool)
        .await
        .unwrap();
    let release = Uuid::new_v4();
    sqlx::query(
        "insert into release (id, service_id, version, version_major, version_minor, version_patch,
                              release_type, title, environments, created_by)
         values ($1, $2, '2.4.0', 2, 4, 0, 'minor', 'Invoices in bulk', '{production}', $3)",
    )
    .bind(release)
    .bind(service)
    .bind(user)
    .execute(pool)
    .await
    .unwrap();
    release
}

fn entry<'a>(feed: &'a feed_rs::model::Feed, title: &str) -> &'a feed_rs::model::Entry {
    feed.entries
        .iter()
        .find(|e| e.title.as_ref().is_some_and(|t| t.content == title))
        .unwrap_or_else(|| {
            let titles: Vec<_> = feed
                .entries
                .iter()
                .map(|e| e.title.as_ref().map(|t| t.content.clone()))
                .collect();
            panic!("no entry {title:?} in {titles:?}")
        })
}

fn links(entry: &feed_rs::model::Entry) -> Vec<String> {
    entry.links.iter().map(|l| l.href.clone()).collect()
}

#[tokio::test]
async fn feeds_parse_with_a_standard_parser_and_link_every_entry() {
    // Arrange
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let rm = manager(&app).await;
    let api = component(pool, &rm, "API", "").await;
    let incident = open_incident(
        pool,
        &rm,
        "Login failures",
        Impact::Major,
        &[(api, ComponentStatus::MajorOutage)],
        true,
    )
    .await;
    let window = schedule(pool, &rm, "Network upgrade", &[api]).await;
    let release = release(pool, rm.id).await;
    let sections = NoteSections {
        features: "- Export invoices in bulk".into(),
        fixes: "- Totals round correctly".into(),
        ..NoteSections::default()
    };
    let revision = release_notes::save(pool, &rm, release, 0, &sections, None)
        .await
        .expect("saving the note");
    assert_eq!(revision, 1);
    release_notes::set_published(pool, &rm, release, Some(revision), None)
        .await
        .expect("publishing the note");
    page_until(&app, "/changelog.atom", "the changelog has the note", |b| {
        b.contains("Invoices in bulk")
    })
    .await;

    // Act
    let (atom_status, atom_headers, atom) = get(&app, "/history.atom").await;
    let (rss_status, rss_headers, rss) = get(&app, "/history.rss").await;
    let (log_status, _, changelog) = get(&app, "/changelog.atom").await;

    // Assert
    assert_eq!(atom_status, StatusCode::OK);
    assert_eq!(rss_status, StatusCode::OK);
    assert_eq!(log_status, StatusCode::OK);
    assert!(atom_headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    assert!(rss_headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/rss+xml"));
    let incident_link = app.url(&format!("/status/incidents/{incident}"));
    let window_link = app.url(&format!("/status/maintenance/{window}"));
    for (kind, text) in [("Atom", &atom), ("RSS", &rss)] {
        let feed = feed_rs::parser::parse(text.as_bytes())
            .unwrap_or_else(|e| panic!("the {kind} history does not parse: {e}\n{text}"));
        let expected_type = if kind == "Atom" {
            feed_rs::model::FeedType::Atom
        } else {
            feed_rs::model::FeedType::RSS2
        };
        assert_eq!(feed.feed_type, expected_type);
        assert_eq!(feed.entries.len(), 2, "{kind}: {text}");
        let found = entry(&feed, "Login failures");
        assert_eq!(links(found), vec![incident_link.clone()], "{kind}");
        assert!(
            found.published.is_some() || found.updated.is_some(),
            "{kind}: no date"
        );
        let found = entry(&feed, "Maintenance: Network upgrade");
        assert_eq!(links(found), vec![window_link.clone()], "{kind}");
    }
    let atom_feed = feed_rs::parser::parse(atom.as_bytes()).unwrap();
    let login = entry(&atom_feed, "Login failures");
    let content = login
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .expect("the entry's content");
    assert!(content.contains("We are looking into Login failures."));

    let feed = feed_rs::parser::parse(changelog.as_bytes())
        .unwrap_or_else(|e| panic!("the changelog does not parse: {e}\n{changelog}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.entries.len(), 1);
    let note = entry(&feed, "Billing 2.4.0: Invoices in bulk");
    assert_eq!(links(note), vec![app.url(&format!("/changelog/{release}"))]);
    let body = note
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .expect("the note's content");
    assert!(body.contains("Export invoices in bulk"), "{body}");
    assert!(note.published.is_some());
}

// ---------------------------------------------------------------- 5. subscribers

/// One message the SMTP receiver accepted.
#[derive(Clone, Debug)]
struct Mail {
    recipients: Vec<String>,
    raw: String,
}

impl Mail {
    fn header_block(&self) -> &str {
        self.raw.split("\r\n\r\n").next().unwrap_or_default()
    }

    /// A header's value (unfolded), by case-insensitive name.
    fn header(&self, name: &str) -> Option<String> {
        header_in(self.header_block(), name)
    }

    /// The text of every part, transfer encodings undone.
    fn text(&self) -> String {
        let Some(boundary) = self
            .header("content-type")
            .and_then(|t| t.split("boundary=").nth(1).map(str::to_string))
        else {
            return self.raw.clone();
        };
        let boundary = format!("--{}", boundary.trim_matches('"'));
        self.raw
            .split(boundary.as_str())
            .skip(1)
            .filter_map(|part| {
                let (headers, body) = part.split_once("\r\n\r\n")?;
                let encoding = header_in(headers, "content-transfer-encoding")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                Some(match encoding.as_str() {
                    "quoted-printable" => quoted_printable(body),
                    "base64" => base64(body),
                    _ => body.to_string(),
                })
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn header_in(block: &str, name: &str) -> Option<String> {
    let mut unfolded: Vec<String> = Vec::new();
    for line in block.split("\r\n") {
        match unfolded.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => last.push_str(line.trim_start()),
            _ => unfolded.push(line.to_string()),
        }
    }
    unfolded.into_iter().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

fn quoted_printable(text: &str) -> String {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes() {
        let Some(value) = ALPHABET.iter().position(|a| *a == byte) else {
            continue;
        };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the SMTP receiver got, in order.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Mail>>>);

impl Inbox {
    fn to(&self, address: &str) -> Vec<Mail> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.recipients.iter().any(|r| r == address))
            .cloned()
            .collect()
    }

    /// Notices (not confirmation mails) sent to `address`.
    fn notices_to(&self, address: &str) -> Vec<Mail> {
        self.to(address)
            .into_iter()
            .filter(|m| {
                m.header("message-id")
                    .is_some_and(|id| id.contains("incident_update-"))
            })
            .collect()
    }
}

/// The address inside `<…>` of a path or header.
fn angle(text: &str) -> String {
    let start = text.find('<').map(|i| i + 1).unwrap_or(0);
    let end = text.rfind('>').unwrap_or(text.len());
    text[start..end].to_string()
}

/// Speaks just enough SMTP for lettre (no TLS, no auth) and keeps each
/// message; returns the port.
async fn smtp_receiver(inbox: Inbox) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                let _ = smtp_session(stream, inbox).await;
            });
        }
    });
    port
}

async fn smtp_session(stream: tokio::net::TcpStream, inbox: Inbox) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 localhost test SMTP\r\n").await?;
    let mut recipients = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&line).to_string();
        let command = line.to_ascii_uppercase();
        if command.starts_with("EHLO") {
            writer.write_all(b"250-localhost\r\n250 HELP\r\n").await?;
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            writer.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("RCPT TO") {
            recipients.push(angle(&line));
            writer.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("DATA") {
            writer
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut raw = String::new();
            loop {
                let mut data = Vec::new();
                if reader.read_until(b'\n', &mut data).await? == 0 {
                    return Ok(());
                }
                let data = String::from_utf8_lossy(&data).to_string();
                if data == ".\r\n" {
                    break;
                }
                // undo dot-stuffing
                raw.push_str(data.strip_prefix('.').unwrap_or(&data));
            }
            inbox.0.lock().unwrap().push(Mail {
                recipients: std::mem::take(&mut recipients),
                raw,
            });
            writer.write_all(b"250 OK queued\r\n").await?;
        } else if command.starts_with("QUIT") {
            writer.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            writer.write_all(b"250 OK\r\n").await?;
        }
    }
}

/// One webhook call.
#[derive(Clone, Debug)]
struct Call {
    path: String,
    signature: Option<String>,
    event: Option<String>,
    body: Vec<u8>,
}

impl Call {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON webhook body")
    }
}

#[derive(Clone, Default)]
struct Calls(Arc<Mutex<Vec<Call>>>);

impl Calls {
    fn at(&self, path: &str) -> Vec<Call> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c.path == path)
            .cloned()
            .collect()
    }
}

async fn record_call(
    axum::extract::State(calls): axum::extract::State<Calls>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    calls.0.lock().unwrap().push(Call {
        path: uri.path().to_string(),
        signature: header("x-rookery-signature"),
        event: header("x-rookery-event"),
        body: body.to_vec(),
    });
    axum::http::StatusCode::NO_CONTENT
}

/// A local HTTP server recording every POST; returns its base URL.
async fn webhook_receiver(calls: Calls) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = axum::Router::new()
        .route("/{*path}", axum::routing::post(record_call))
        .with_state(calls);
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Waits until every notify and deliver job has finished; none may be dead.
async fn settle(pool: &PgPool) {
    eventually("the status jobs have run", PATIENCE, || async {
        let pending: i64 = sqlx::query_scalar(
            "select count(*) from job where kind in ($1, $2) and status not in ('succeeded', 'dead')",
        )
        .bind(kinds::NOTIFY)
        .bind(kinds::DELIVER)
        .fetch_one(pool)
        .await
        .unwrap();
        pending == 0
    })
    .await;
    let dead: Vec<(String, Value, Option<String>)> = sqlx::query_as(
        "select kind, payload, last_error from job where kind like 'status.%' and status = 'dead'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(dead.is_empty(), "dead status jobs: {dead:?}");
}

/// Signs a webhook up through the public form; returns its secret.
async fn subscribe_webhook(app: &TestApp, url: &str, component: Option<Uuid>) -> String {
    let mut form = vec![("kind", "webhook".to_string()), ("url", url.to_string())];
    if let Some(id) = component {
        form.push(("component", id.to_string()));
    }
    let response = app
        .client
        .post(app.url("/status/subscribe"))
        .header("origin", &app.address)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let html = response.text().await.unwrap();
    let after = html
        .split("data-secret>")
        .nth(1)
        .unwrap_or_else(|| panic!("no secret in {html}"));
    after[..after.find('<').unwrap()].to_string()
}

async fn subscriber_id(pool: &PgPool, column: &str, value: &str) -> Uuid {
    sqlx::query_scalar(&format!("select id from subscriber where {column} = $1"))
        .bind(value)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn deliveries(pool: &PgPool, subscriber: Uuid) -> i64 {
    sqlx::query_scalar("select count(*) from subscriber_delivery where subscriber_id = $1")
        .bind(subscriber)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn enqueue(pool: &PgPool, job: NewJob) {
    let mut conn = pool.acquire().await.unwrap();
    jobs::enqueue(&mut conn, job)
        .await
        .unwrap()
        .expect("a new job");
}

#[tokio::test]
async fn subscribers_get_exactly_one_email_and_one_signed_webhook_per_update() {
    // Arrange: a mail server, a webhook receiver, the app and a runner
    let inbox = Inbox::default();
    let smtp_port = smtp_receiver(inbox.clone()).await;
    let calls = Calls::default();
    let hooks = webhook_receiver(calls.clone()).await;
    let mut config = support::default_config();
    config.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}"));
    // The webhook receiver listens on loopback.
    config.webhooks_to_private_addresses = true;
    let app = TestApp::spawn_with(config.clone()).await;
    config.public_url = Some(app.address.clone());
    let engine = engine(&app.pool, &config);
    let pool = &app.pool;
    let rm = manager(&app).await;
    let api = component(pool, &rm, "API", "").await;
    let billing = component(pool, &rm, "Billing", "").await;
    let address = "sam@example.com";

    // Arrange: an email subscription, confirmed from its mail
    let signed_up = app
        .client
        .post(app.url("/status/subscribe"))
        .header("origin", &app.address)
        .form(&[("kind", "email"), ("email", address)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), StatusCode::OK);
    assert!(signed_up.text().await.unwrap().contains("Check your inbox"));
    settle(pool).await;
    let mails = inbox.to(address);
    assert_eq!(mails.len(), 1, "one confirmation mail");
    let text = mails[0].text();
    let prefix = format!("{}/status/subscribe/confirm?token=", app.address);
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no confirmation link in {text}"));
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<'))
        .collect();
    let email_subscriber = subscriber_id(pool, "email", address).await;
    let confirmed = app
        .client
        .post(&link)
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK, "confirming {link}");
    assert!(confirmed.text().await.unwrap().contains("Subscribed"));

    // Arrange: a webhook for everything, one for Billing only
    let all_url = format!("{hooks}/all");
    let secret = subscribe_webhook(&app, &all_url, None).await;
    let webhook_subscriber = subscriber_id(pool, "url", &all_url).await;
    let billing_url = format!("{hooks}/billing");
    subscribe_webhook(&app, &billing_url, Some(billing)).await;

    // Act: an incident on the API and a second update
    let incident = open_incident(
        pool,
        &rm,
        "API errors",
        Impact::Major,
        &[(api, ComponentStatus::PartialOutage)],
        true,
    )
    .await;
    let first: Uuid = sqlx::query_scalar("select id from incident_update where incident_id = $1")
        .bind(incident)
        .fetch_one(pool)
        .await
        .unwrap();
    settle(pool).await;
    let second = post_update(
        pool,
        &rm,
        incident,
        IncidentStatus::Identified,
        "A bad cache node.",
    )
    .await;
    settle(pool).await;

    // Assert: one mail per update, each with one-click unsubscribe headers
    let notices = inbox.notices_to(address);
    assert_eq!(notices.len(), 2, "two notices by email");
    for update in [first, second] {
        let matching: Vec<&Mail> = notices
            .iter()
            .filter(|m| {
                m.header("message-id")
                    .is_some_and(|id| id.contains(&update.to_string()))
            })
            .collect();
        assert_eq!(matching.len(), 1, "mails about update {update}");
        let mail = matching[0];
        let unsubscribe = mail.header("list-unsubscribe").expect("List-Unsubscribe");
        assert!(
            angle(&unsubscribe).starts_with(&format!("{}/status/unsubscribe?token=", app.address)),
            "{unsubscribe}"
        );
        assert_eq!(
            mail.header("list-unsubscribe-post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(mail.text().contains("API errors"));
    }
    assert!(inbox.notices_to(address)[1]
        .text()
        .contains("A bad cache node."));

    // Assert: one signed call per update; nothing for the Billing webhook
    let received = calls.at("/all");
    assert_eq!(received.len(), 2, "two webhook calls");
    let mut seen = Vec::new();
    for call in &received {
        assert_eq!(
            call.signature.as_deref(),
            Some(signature(&secret, &call.body).as_str()),
            "the signature does not verify"
        );
        let body = call.json();
        assert_eq!(body["incident"]["id"], incident.to_string());
        assert_eq!(
            call.event.as_deref(),
            Some(format!("incident_update:{}", body["update"]["id"].as_str().unwrap()).as_str())
        );
        seen.push(body["update"]["id"].as_str().unwrap().to_string());
    }
    seen.sort();
    let mut expected = vec![first.to_string(), second.to_string()];
    expected.sort();
    assert_eq!(seen, expected);
    assert!(
        calls.at("/billing").is_empty(),
        "Billing's webhook was called"
    );
    assert_eq!(deliveries(pool, email_subscriber).await, 2);
    assert_eq!(deliveries(pool, webhook_subscriber).await, 2);

    // Act: the same notice again, fanned out anew and delivered directly
    let notice = format!("incident_update:{first}");
    enqueue(
        pool,
        NewJob::new(kinds::NOTIFY, json!({ "incident_update": first })).key("test:notify-again"),
    )
    .await;
    for (subscriber, key) in [
        (email_subscriber, "test:deliver-again:email"),
        (webhook_subscriber, "test:deliver-again:webhook"),
    ] {
        enqueue(
            pool,
            NewJob::new(
                kinds::DELIVER,
                json!({ "subscriber": subscriber, "notice": notice }),
            )
            .key(key),
        )
        .await;
    }
    settle(pool).await;

    // Assert: nobody hears about it twice
    assert_eq!(inbox.notices_to(address).len(), 2);
    assert_eq!(calls.at("/all").len(), 2);
    assert!(calls.at("/billing").is_empty());

    // Act: one-click unsubscribe from the mail (RFC 8058: no Origin)
    let unsubscribe = angle(&notices[0].header("list-unsubscribe").unwrap());
    let left = reqwest::Client::new()
        .post(&unsubscribe)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), StatusCode::OK);
    post_update(pool, &rm, incident, IncidentStatus::Resolved, "All clear.").await;
    settle(pool).await;

    // Assert: no more mail; the webhook still hears about it
    assert_eq!(
        inbox.notices_to(address).len(),
        2,
        "mail after unsubscribing"
    );
    assert_eq!(calls.at("/all").len(), 3);
    let gone: bool =
        sqlx::query_scalar("select unsubscribed_at is not null from subscriber where id = $1")
            .bind(email_subscriber)
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(gone);
    engine.stop().await;
}

// ---------------------------------------------------------------- 6. database down

/// A cluster of this test's own, stopped and removed when dropped.
struct OwnCluster {
    cluster: Arc<EmbeddedPostgres>,
    root: PathBuf,
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[tokio::test]
async fn the_public_page_answers_from_memory_with_a_stale_note_while_the_database_is_down() {
    // Arrange: an app on a cluster of its own (the shared one stays up)
    let root = std::env::temp_dir().join(format!(
        "rk-stale-{}",
        &Uuid::new_v4().simple().to_string()[..12]
    ));
    let started = {
        let root = root.clone();
        tokio::task::spawn_blocking(move || {
            EmbeddedPostgres::start(
                &root,
                &EmbeddedOptions {
                    bin_dir: None,
                    unsafe_no_fsync: true,
                },
            )
        })
        .await
        .unwrap()
        .expect("starting this test's PostgreSQL cluster")
    };
    let own = OwnCluster {
        cluster: Arc::new(started),
        root,
    };
    let app = TestApp::spawn_on(&own.cluster, support::default_config()).await;
    let rm = manager(&app).await;
    let api = component(&app.pool, &rm, "API", "").await;
    let title = "Payments are failing";
    open_incident(
        &app.pool,
        &rm,
        title,
        Impact::Critical,
        &[(api, ComponentStatus::MajorOutage)],
        true,
    )
    .await;
    let live = page_until(&app, "/status", "the page shows the incident", |b| {
        b.contains(title)
    })
    .await;
    assert!(
        !live.contains("data-stale"),
        "stale while the database is up"
    );

    // Act: the database goes away
    let cluster = own.cluster.clone();
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .expect("stopping this test's cluster");

    // Assert: the page says so and still shows what it knew
    let stale = {
        let last = Mutex::new(String::new());
        eventually("the page notes it is stale", PATIENCE, || async {
            let (status, _, body) = get(&app, "/status").await;
            let done = status == StatusCode::OK && body.contains("data-stale=\"true\"");
            *last.lock().unwrap() = body;
            done
        })
        .await;
        last.into_inner().unwrap()
    };
    assert!(stale.contains(title));
    assert!(stale.contains("API"));
    let summary = get_json(&app, "/api/v2/summary.json").await;
    assert_eq!(summary["incidents"][0]["name"], title);
    assert_eq!(summary["status"]["indicator"], "critical");
    let (status, _, atom) = get(&app, "/history.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(atom.contains(title));
    let (status, headers, badge) = get(&app, "/status/badge.svg").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    assert!(badge.contains("<svg"));
    drop(own);
}

// ---------------------------------------------------------------- 7. review fixes

#[tokio::test]
async fn publishing_a_draft_without_a_component_leaves_it_operational_and_drafts_take_no_updates() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let rm = manager(&app).await;
    let api = component(pool, &rm, "API", "").await;
    let web = component(pool, &rm, "Web", "").await;
    let draft = open_incident(
        pool,
        &rm,
        "Slow API",
        Impact::Minor,
        &[
            (api, ComponentStatus::DegradedPerformance),
            (web, ComponentStatus::DegradedPerformance),
        ],
        false,
    )
    .await;

    // A draft takes no updates: its first one is edited when publishing.
    let refused = incidents::post_update(
        pool,
        &rm,
        draft,
        &update_input(IncidentStatus::Identified, "Found it."),
        None,
    )
    .await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");

    // Web is unticked before publishing: only API is affected.
    let publish = PublishIncident {
        title: "Slow API responses".into(),
        impact: Impact::Minor,
        body: "Requests to the API are slow.".into(),
        components: affects(&[
            (api, ComponentStatus::PartialOutage),
            (api, ComponentStatus::DegradedPerformance),
        ]),
        impact_started_at: String::new(),
    };
    incidents::publish(pool, &rm, draft, &publish, None)
        .await
        .expect("publishing");
    assert_eq!(component_status(pool, api).await, "degraded_performance");
    assert_eq!(component_status(pool, web).await, "operational");
    let affected: Vec<Uuid> =
        sqlx::query_scalar("select component_id from incident_component where incident_id = $1")
            .bind(draft)
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(affected, vec![api]);
}

#[tokio::test]
async fn a_release_note_is_published_only_at_the_revision_read_and_keeps_its_date() {
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let rm = manager(&app).await;
    let release = release(pool, rm.id).await;
    let first = NoteSections {
        features: "- Bulk export".into(),
        ..NoteSections::default()
    };
    let one = release_notes::save(pool, &rm, release, 0, &first, None)
        .await
        .unwrap();
    let second = NoteSections {
        features: "- Bulk export\n- Faster search".into(),
        ..NoteSections::default()
    };
    let two = release_notes::save(pool, &rm, release, one, &second, None)
        .await
        .unwrap();
    assert_eq!((one, two), (1, 2));
    // Saving on top of an old revision is a conflict, not an overwrite.
    let stale_save = release_notes::save(pool, &rm, release, one, &first, None).await;
    assert!(
        matches!(stale_save, Err(AppError::Conflict(_))),
        "{stale_save:?}"
    );

    // The release manager read revision 1; revision 2 arrived since.
    let stale = release_notes::set_published(pool, &rm, release, Some(one), None).await;
    assert!(matches!(stale, Err(AppError::Conflict(_))), "{stale:?}");
    release_notes::set_published(pool, &rm, release, Some(two), None)
        .await
        .unwrap();
    let published_at = |pool: PgPool| async move {
        sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "select published_at from release_note where release_id = $1",
        )
        .bind(release)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let first_date = published_at(pool.clone()).await.expect("published");

    // A correction is republished in place.
    let three = release_notes::save(pool, &rm, release, two, &first, None)
        .await
        .unwrap();
    release_notes::set_published(pool, &rm, release, Some(three), None)
        .await
        .unwrap();
    assert_eq!(published_at(pool.clone()).await, Some(first_date));
    let revision: Option<i32> =
        sqlx::query_scalar("select published_revision from release_note where release_id = $1")
            .bind(release)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(revision, Some(3));

    // Unpublishing takes it off; an engineer may not publish.
    release_notes::set_published(pool, &rm, release, None, None)
        .await
        .unwrap();
    assert_eq!(published_at(pool.clone()).await, None);
    let engineer =
        SessionUser::try_from(app.create_user("eve@example.com", &["engineer"]).await).unwrap();
    let refused = release_notes::set_published(pool, &engineer, release, Some(three), None).await;
    assert!(
        matches!(refused, Err(AppError::NotPermitted(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn one_address_may_sign_up_ten_times_an_hour() {
    let app = TestApp::spawn().await;
    let mut statuses = Vec::new();
    for n in 0..11 {
        let response = app
            .client
            .post(app.url("/status/subscribe"))
            .header("origin", &app.address)
            .form(&[
                ("kind", "webhook"),
                ("url", &format!("https://example.com/hook/{n}")),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[201; 10], "{statuses:?}");
    assert_eq!(statuses[10], 429, "{statuses:?}");
    let webhooks: i64 =
        sqlx::query_scalar("select count(*) from subscriber where kind = 'webhook'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(webhooks, 10);
}

#[tokio::test]
async fn webhook_sign_ups_to_internal_addresses_are_refused_at_once_with_the_reason() {
    let app = TestApp::spawn().await;

    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://[::1]:8080/hook",
        "http://169.254.169.254/latest/meta-data",
    ] {
        let response = app
            .client
            .post(app.url("/status/subscribe"))
            .form(&[("kind", "webhook"), ("url", url)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{url}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("not reachable from the internet"),
            "{url}: {body}"
        );
        assert!(body.contains("Endpoint URL"), "the form is shown again");
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from subscriber")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

// ---------------------------------------------------------------- compression, sign-ups, impact start

/// GETs `path` as a browser does, asking for gzip: status, headers, raw body.
async fn get_gzip(
    app: &TestApp,
    path: &str,
    etag: Option<&str>,
) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let mut request = app
        .client
        .get(app.url(path))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br");
    if let Some(etag) = etag {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap_or_default().to_vec();
    (status, headers, body)
}

fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read;
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "not a gzip stream");
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip stream of UTF-8");
    text
}

#[tokio::test]
async fn the_changelog_feeds_json_and_forms_are_gzip_compressed_for_clients_that_accept_it() {
    // Arrange: a component and a published note
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let rm = manager(&app).await;
    component(pool, &rm, "API", "").await;
    let release = release(pool, rm.id).await;
    let sections = NoteSections {
        features: "- Export invoices in bulk".into(),
        ..NoteSections::default()
    };
    let revision = release_notes::save(pool, &rm, release, 0, &sections, None)
        .await
        .expect("saving the note");
    release_notes::set_published(pool, &rm, release, Some(revision), None)
        .await
        .expect("publishing the note");
    let plain = page_until(&app, "/changelog", "the changelog has the note", |b| {
        b.contains("Export invoices in bulk")
    })
    .await;

    // Act
    let (status, headers, body) = get_gzip(&app, "/changelog", None).await;

    // Assert: compressed, with its own validator, and the same page
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert!(headers[header::VARY]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    assert!(etag.ends_with("-gz\""), "{etag}");
    assert!(
        body.len() < plain.len(),
        "{} >= {}",
        body.len(),
        plain.len()
    );
    let html = gunzip(&body);
    assert!(html.contains("Export invoices in bulk"), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"/changelog/{release}\">Billing 2.4.0</a> \u{2014} Invoices in bulk</h2>"
        )),
        "the heading names the release once: {html}"
    );

    // Assert: the compressed copy is revalidated as itself
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (_, headers, _) = get_gzip(&app, "/changelog", None).await;
        let etag = headers[header::ETAG].to_str().unwrap().to_string();
        let (status, again, body) = get_gzip(&app, "/changelog", Some(&etag)).await;
        if status == StatusCode::OK && attempts < 3 {
            // the snapshot was reloaded in between (its time moved on)
            continue;
        }
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert_eq!(again[header::ETAG].to_str().unwrap(), etag);
        assert!(body.is_empty());
        break;
    }
    let (_, plain_headers, _) = get(&app, "/changelog").await;
    assert!(plain_headers.get(header::CONTENT_ENCODING).is_none());

    // Assert: entry pages, feeds, JSON and the sign-up form too
    for path in [
        format!("/changelog/{release}"),
        "/changelog.atom".to_string(),
        "/status/history".to_string(),
        "/api/v2/summary.json".to_string(),
        "/status/subscribe".to_string(),
    ] {
        let (status, headers, body) = get_gzip(&app, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip", "{path}");
        assert!(!gunzip(&body).is_empty(), "{path}");
    }
}

#[tokio::test]
async fn without_smtp_the_sign_up_page_offers_only_webhooks_and_refuses_email() {
    // Arrange
    let mut config = support::default_config();
    config.smtp_url = None;
    let app = TestApp::spawn_with(config).await;

    // Act
    let (status, _, form) = get(&app, "/status/subscribe").await;

    // Assert: no email option at all, the webhook one as before
    assert_eq!(status, StatusCode::OK);
    assert!(!form.contains("By email"), "{form}");
    assert!(!form.contains("name=\"email\""), "{form}");
    assert!(!form.contains("value=\"email\""), "{form}");
    assert!(form.contains("By webhook"), "{form}");
    assert!(form.contains("Endpoint URL"), "{form}");

    // Act: an email sign-up posted anyway
    let response = app
        .client
        .post(app.url("/status/subscribe"))
        .header("origin", &app.address)
        .form(&[("kind", "email"), ("email", "sam@example.com")])
        .send()
        .await
        .unwrap();

    // Assert: refused, saying why, and nothing stored
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("Email updates are not available on this status page"),
        "{body}"
    );
    assert!(body.contains("Endpoint URL"), "the form is shown again");
    let stored: i64 = sqlx::query_scalar("select count(*) from subscriber")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    // Arrange / Assert: with a mail server the email option is there
    let mut config = support::default_config();
    config.smtp_url = Some("smtp://127.0.0.1:9".into());
    let with_mail = TestApp::spawn_with(config).await;
    let (_, _, form) = get(&with_mail, "/status/subscribe").await;
    assert!(form.contains("By email"), "{form}");
    assert!(form.contains("name=\"email\""), "{form}");
}

/// `at` as the incident forms send it: `YYYY-MM-DDTHH:MM`, UTC.
fn form_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

/// `at` as the public pages show it.
fn shown_time(at: DateTime<Utc>) -> String {
    at.format("%b %-d, %Y %H:%M UTC").to_string()
}

async fn impact_started_at(pool: &PgPool, incident: Uuid) -> DateTime<Utc> {
    sqlx::query_scalar("select impact_started_at from incident where id = $1")
        .bind(incident)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_public_incident_shows_when_the_impact_began_not_when_it_was_published() {
    // Arrange: the impact began three hours before support opened it
    let app = TestApp::spawn().await;
    let pool = &app.pool;
    let rm = manager(&app).await;
    let api = component(pool, &rm, "API", "").await;
    let typed = form_time(Utc::now() - Days::hours(3));
    let began = DateTime::parse_from_rfc3339(&format!("{typed}:00Z"))
        .unwrap()
        .with_timezone(&Utc);
    let mut input = IncidentInput {
        title: "Checkout errors".into(),
        impact: Impact::Major,
        status: IncidentStatus::Investigating,
        body: "Some payments fail.".into(),
        components: affects(&[(api, ComponentStatus::PartialOutage)]),
        publish: true,
        impact_started_at: form_time(Utc::now() + Days::hours(3)),
    };

    // Act / Assert: a start in the future is refused beside its field
    let refused = incidents::create(pool, &rm, &input, None).await;
    let fields = support::field_errors(refused);
    assert!(fields["impact_started_at"].contains("future"), "{fields:?}");

    // Act
    input.impact_started_at = typed.clone();
    let id = incidents::create(pool, &rm, &input, None)
        .await
        .expect("opening the incident");
    let page = page_until(
        &app,
        &format!("/status/incidents/{id}"),
        "the incident is public",
        |b| b.contains("Checkout errors"),
    )
    .await;

    // Assert: the incident page and the history say when it began
    assert_eq!(impact_started_at(pool, id).await, began);
    assert!(
        page.contains(&format!(
            "began <time datetime=\"{}\" data-impact-started>{}</time>",
            began.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            shown_time(began)
        )),
        "{page}"
    );
    assert!(!page.contains("opened"), "{page}");
    let (_, _, history) = get(&app, "/status/history").await;
    assert!(
        history.contains(&format!("Began {}", shown_time(began))),
        "{history}"
    );

    // Assert: Statuspage's started_at is the impact start, created_at the publishing
    let listed = get_json(&app, "/api/v2/incidents.json").await;
    let json = listed["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.to_string())
        .expect("the incident in the JSON")
        .clone();
    let started = DateTime::parse_from_rfc3339(json["started_at"].as_str().unwrap()).unwrap();
    let created = DateTime::parse_from_rfc3339(json["created_at"].as_str().unwrap()).unwrap();
    assert_eq!(started, began);
    assert!(created > started + Days::hours(2), "{json}");

    // Arrange: a draft whose impact began five hours ago
    let five_hours_ago = form_time(Utc::now() - Days::hours(5));
    let draft = incidents::create(
        pool,
        &rm,
        &IncidentInput {
            title: "Slow search".into(),
            publish: false,
            impact_started_at: five_hours_ago.clone(),
            ..input.clone()
        },
        None,
    )
    .await
    .expect("saving the draft");
    let drafted = impact_started_at(pool, draft).await;
    assert_eq!(form_time(drafted), five_hours_ago);
    let mut publish = PublishIncident {
        title: "Slow search".into(),
        impact: Impact::Minor,
        body: "Search is slow.".into(),
        components: Vec::new(),
        impact_started_at: form_time(Utc::now() + Days::hours(1)),
    };

    // Act / Assert: publishing refuses a future start, keeps the draft's when blank
    let refused = incidents::publish(pool, &rm, draft, &publish, None).await;
    assert!(support::field_errors(refused).contains_key("impact_started_at"));
    publish.impact_started_at = String::new();
    incidents::publish(pool, &rm, draft, &publish, None)
        .await
        .expect("publishing the draft");
    assert_eq!(impact_started_at(pool, draft).await, drafted);
}

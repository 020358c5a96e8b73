//! The change-request workflow through the server functions, as different
//! people, against a real database.

use crate::support::changes::{file, try_act as act};
use crate::support::{Person, TestApp};
use app::server_fns::change_requests::{
    CalendarMonth, CreateChangeRequest, GetChangeRequest, WritePostImplementationReview,
};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

async fn detail(app: &TestApp, who: &Person, number: i64) -> Value {
    let number = number.to_string();
    app.server_fn(&who.client, GetChangeRequest::PATH, &[("number", &number)])
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_normal_change_goes_from_draft_to_closed_with_two_prod_approvals() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let first = app.person("pm1@example.com", &["approver"]).await;
    let second = app.person("pm2@example.com", &["approver"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let number = file(&app, &requester, "normal", &["prod", "staging"]).await;

    assert_eq!(
        act(&app, &requester, number, "submit", "").await,
        Ok("submitted".into())
    );
    assert_eq!(
        act(&app, &reviewer, number, "review", "").await,
        Ok("in_review".into())
    );
    assert_eq!(
        act(&app, &first, number, "approve", "").await,
        Ok("in_review".into())
    );
    assert_eq!(
        act(&app, &second, number, "approve", "").await,
        Ok("approved".into())
    );
    assert_eq!(
        act(&app, &manager, number, "schedule", "").await,
        Ok("scheduled".into())
    );
    assert_eq!(
        act(&app, &manager, number, "start_implementation", "").await,
        Ok("implementing".into())
    );
    assert_eq!(
        act(&app, &manager, number, "start_validation", "").await,
        Ok("validating".into())
    );
    assert_eq!(
        act(&app, &manager, number, "close", "Rotated without incident").await,
        Ok("closed".into())
    );

    let cr = detail(&app, &manager, number).await;
    assert_eq!(cr["status"], "closed");
    assert_eq!(cr["required_approvals"], 2);
    assert_eq!(cr["approvers"].as_array().unwrap().len(), 2);
    assert_eq!(cr["events"].as_array().unwrap().len(), 9);
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_event where entity_type = 'change_request'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited, 9);
    let forged =
        sqlx::query("update audit_event set action = 'x' where entity_type = 'change_request'")
            .execute(&app.pool)
            .await;
    assert!(forged.is_err());
}

#[tokio::test]
async fn nobody_approves_their_own_change_request() {
    let app = TestApp::spawn().await;
    let requester = app
        .person("both@example.com", &["engineer", "approver"])
        .await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let number = file(&app, &requester, "normal", &["dev"]).await;
    act(&app, &requester, number, "submit", "").await.unwrap();
    act(&app, &reviewer, number, "review", "").await.unwrap();

    let refused = act(&app, &requester, number, "approve", "").await;

    assert!(refused
        .unwrap_err()
        .contains("cannot review or approve your own change request"));
    assert_eq!(
        detail(&app, &requester, number).await["status"],
        "in_review"
    );
}

#[tokio::test]
async fn a_transition_the_machine_does_not_allow_is_refused_clearly() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let approver = app.person("pm@example.com", &["approver"]).await;
    let number = file(&app, &requester, "normal", &["dev"]).await;

    let refused = act(&app, &approver, number, "approve", "").await;

    assert!(refused
        .unwrap_err()
        .contains("A draft change request cannot be approved."));
}

#[tokio::test]
async fn rejection_needs_a_reason_and_rework_resets_approvals() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let approver = app.person("pm@example.com", &["approver"]).await;
    let number = file(&app, &requester, "normal", &["prod"]).await;
    act(&app, &requester, number, "submit", "").await.unwrap();
    act(&app, &reviewer, number, "review", "").await.unwrap();
    act(&app, &approver, number, "approve", "").await.unwrap();

    assert!(act(&app, &approver, number, "reject", " ").await.is_err());
    let other = app.person("pm2@example.com", &["approver"]).await;
    assert_eq!(
        act(&app, &other, number, "reject", "No load test").await,
        Ok("rejected".into())
    );
    assert_eq!(
        act(&app, &requester, number, "rework", "").await,
        Ok("draft".into())
    );

    let cr = detail(&app, &requester, number).await;
    assert_eq!(cr["approvers"].as_array().unwrap().len(), 0);
    assert_eq!(cr["reviewer"], Value::Null);
}

#[tokio::test]
async fn an_emergency_change_is_fast_tracked_and_closes_only_after_its_review() {
    let app = TestApp::spawn().await;
    let requester = app.person("oncall@example.com", &["engineer"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let number = file(&app, &requester, "emergency", &["prod"]).await;
    act(&app, &requester, number, "submit", "").await.unwrap();

    assert_eq!(
        act(&app, &manager, number, "fast_track", "").await,
        Ok("approved".into())
    );
    act(&app, &manager, number, "schedule", "").await.unwrap();
    act(&app, &manager, number, "start_implementation", "")
        .await
        .unwrap();
    act(&app, &manager, number, "start_validation", "")
        .await
        .unwrap();
    let refused = act(&app, &manager, number, "close", "Patched").await;
    assert!(refused.unwrap_err().contains("post-implementation review"));

    let review = app
        .server_fn(
            &requester.client,
            WritePostImplementationReview::PATH,
            &[
                ("number", &number.to_string()),
                ("root_cause", "Expired certificate"),
                ("prevention", "Expiry alerts 30 days ahead"),
            ],
        )
        .await;
    assert_eq!(review.status(), 200);
    assert_eq!(
        act(&app, &manager, number, "close", "Patched").await,
        Ok("closed".into())
    );
}

#[tokio::test]
async fn viewers_cannot_file_change_requests() {
    let app = TestApp::spawn().await;
    let viewer = app.person("view@example.com", &["viewer"]).await;
    let response = viewer
        .client
        .post(app.url(CreateChangeRequest::PATH))
        .header("origin", &app.address)
        .json(&json!({ "input": { "title": "x" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("NotPermitted"));
}

#[tokio::test]
async fn the_calendar_marks_changes_that_touch_the_same_environment_and_service_at_once() {
    let app = TestApp::spawn().await;
    let engineer = app.person("erin@example.com", &["engineer"]).await;
    let first = file(&app, &engineer, "normal", &["prod"]).await;
    let second = file(&app, &engineer, "normal", &["prod"]).await;
    let draft = file(&app, &engineer, "normal", &["prod"]).await;
    sqlx::query("update change_request set status = 'scheduled' where number = any($1)")
        .bind(vec![first, second])
        .execute(&app.pool)
        .await
        .unwrap();

    let response = app
        .server_fn(
            &engineer.client,
            CalendarMonth::PATH,
            &[("month", "2026-12"), ("environment", "prod")],
        )
        .await;
    let month: Value = response.json().await.unwrap();
    let entries = month["entries"].as_array().unwrap().clone();
    let staging: Value = app
        .server_fn(
            &engineer.client,
            CalendarMonth::PATH,
            &[("month", "2026-12"), ("environment", "staging")],
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        entries.len(),
        2,
        "drafts stay off the calendar: {entries:?}"
    );
    assert!(entries.iter().all(|e| e["number"] != draft));
    assert!(entries[0]["conflicts"][0]
        .as_str()
        .unwrap()
        .contains(&format!("CR-{second}")));
    assert!(entries[1]["conflicts"][0]
        .as_str()
        .unwrap()
        .contains(&format!("CR-{first}")));
    assert_eq!(staging["entries"], json!([]));
}

#[tokio::test]
async fn freezes_warn_when_scheduling_and_the_next_free_slot_skips_them() {
    use app::server_fns::change_requests::{CheckSchedule, CreateFreeze};
    let app = TestApp::spawn().await;
    let engineer = app.person("erin@example.com", &["engineer"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let freeze_form = [
        ("environments[0]", "prod"),
        ("starts_at", "2026-12-01T00:00"),
        ("ends_at", "2026-12-03T00:00"),
        ("reason", "Year-end freeze"),
    ];
    let refused = app
        .server_fn(&engineer.client, CreateFreeze::PATH, &freeze_form)
        .await;
    let created = app
        .server_fn(&manager.client, CreateFreeze::PATH, &freeze_form)
        .await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("NotPermitted"));
    assert_eq!(created.status(), 200, "{}", created.text().await.unwrap());
    let number = file(&app, &engineer, "normal", &["prod"]).await;

    let check: Value = app
        .server_fn(
            &manager.client,
            CheckSchedule::PATH,
            &[
                ("number", &number.to_string()),
                ("planned_start", "2026-12-02T09:00"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();

    assert!(
        check["clashes"][0]
            .as_str()
            .unwrap()
            .contains("Year-end freeze"),
        "{check}"
    );
    assert_eq!(check["next_free"], "2026-12-03T00:00:00Z");
    let emergency = file(&app, &engineer, "emergency", &["prod"]).await;
    let emergency_check: Value = app
        .server_fn(
            &manager.client,
            CheckSchedule::PATH,
            &[
                ("number", &emergency.to_string()),
                ("planned_start", "2026-12-02T09:00"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(emergency_check["clashes"], json!([]));
    sqlx::query("update change_request set status = 'scheduled', planned_start = '2026-12-02T09:00:00Z' where number = $1")
        .bind(number)
        .execute(&app.pool)
        .await
        .unwrap();
    let month: Value = app
        .server_fn(
            &manager.client,
            app::server_fns::change_requests::CalendarMonth::PATH,
            &[("month", "2026-12"), ("environment", "")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(month["freezes"][0]["reason"], "Year-end freeze");
    assert!(
        month["entries"][0]["conflicts"][0]
            .as_str()
            .unwrap()
            .contains("freeze window"),
        "{month}"
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'freeze_window.create'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn the_overview_flags_overdue_emergency_reviews_and_freezes_in_force() {
    use app::server_fns::change_requests::CreateFreeze;
    use app::server_fns::overview::GetOverview;
    let app = TestApp::spawn().await;
    let engineer = app.person("oncall@example.com", &["engineer"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let late = file(&app, &engineer, "emergency", &["prod"]).await;
    let recent = file(&app, &engineer, "emergency", &["prod"]).await;
    sqlx::query(
        "update change_request set status = 'implementing',
             implementation_started_at = now() - case when number = $1 then interval '6 days' else interval '1 day' end
         where number = any($2)",
    )
    .bind(late)
    .bind(vec![late, recent])
    .execute(&app.pool)
    .await
    .unwrap();
    let now = chrono::Utc::now();
    let starts = (now - chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let ends = (now + chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    app.server_fn(
        &manager.client,
        CreateFreeze::PATH,
        &[
            ("environments[0]", "prod"),
            ("starts_at", &starts),
            ("ends_at", &ends),
            ("reason", "Incident freeze"),
        ],
    )
    .await;

    let overview: Value = app
        .server_fn(&manager.client, GetOverview::PATH, &[])
        .await
        .json()
        .await
        .unwrap();

    let overdue: Vec<i64> = overview["overdue_reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .collect();
    assert_eq!(overdue, vec![late]);
    assert_eq!(overview["active_freezes"][0]["reason"], "Incident freeze");
    let froze = overview["recent_activity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "freeze_window.create")
        .unwrap_or_else(|| panic!("the freeze is not in the activity: {overview}"));
    assert_eq!(
        froze["actor_label"], "Test Person",
        "the activity names people, not their email"
    );
}

#[tokio::test]
async fn notes_typed_with_any_action_are_kept_on_the_timeline() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let approver = app.person("pm1@example.com", &["approver"]).await;
    let number = file(&app, &requester, "normal", &["staging"]).await;

    act(&app, &requester, number, "submit", "Ready: tested on dev")
        .await
        .unwrap();
    act(&app, &reviewer, number, "review", "Plan looks sound")
        .await
        .unwrap();
    act(
        &app,
        &approver,
        number,
        "approve",
        "  Approved for Thursday  ",
    )
    .await
    .unwrap();
    let too_long = act(&app, &requester, number, "cancel", &"x".repeat(10_001)).await;

    let cr = detail(&app, &requester, number).await;
    let note_of = |action: &str| {
        cr["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .map(|e| e["note"].clone())
            .unwrap_or_else(|| panic!("no {action} event: {cr}"))
    };
    assert_eq!(note_of("submit"), "Ready: tested on dev");
    assert_eq!(note_of("review"), "Plan looks sound");
    assert_eq!(note_of("approve"), "Approved for Thursday");
    assert!(too_long.unwrap_err().contains("at most 10,000"));
}

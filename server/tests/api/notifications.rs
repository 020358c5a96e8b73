//! In-app notifications for the change-request workflow: who hears about
//! what, and the inbox through the server functions over HTTP.

use crate::support;
use crate::support::changes::{act, file, TITLE};
use crate::support::{outcome, Person, TestApp};
use app::server_fns::notifications::{
    ListNotifications, MarkNotificationsRead, UnreadNotifications,
};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

async fn unread(app: &TestApp, who: &Person) -> i64 {
    outcome(
        app.server_fn(&who.client, UnreadNotifications::PATH, &[])
            .await,
    )
    .await
    .expect("the unread count")
}

async fn inbox(app: &TestApp, who: &Person) -> Value {
    outcome(
        app.server_fn(&who.client, ListNotifications::PATH, &[("page", "1")])
            .await,
    )
    .await
    .expect("the notification list")
}

async fn mark_read(app: &TestApp, who: &Person, id: Option<&str>) -> u64 {
    let form: Vec<(&str, &str)> = id.map(|id| ("id", id)).into_iter().collect();
    outcome(
        app.server_fn(&who.client, MarkNotificationsRead::PATH, &form)
            .await,
    )
    .await
    .expect("marking notifications read")
}

/// The kinds in someone's inbox, newest first.
async fn kinds(app: &TestApp, who: &Person) -> Vec<String> {
    inbox(app, who).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn submitting_a_change_asks_the_other_engineers_for_a_review() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let other = app
        .person("oscar@example.com", &["engineer", "approver"])
        .await;
    let approver = app.person("paul@example.com", &["approver"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let away = app.create_user("away@example.com", &["engineer"]).await;
    sqlx::query("update app_user set disabled = true where id = $1")
        .bind(away.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let number = file(&app, &requester, "normal", &["prod"]).await;
    assert_eq!(
        unread(&app, &reviewer).await,
        0,
        "filing a draft tells nobody"
    );

    act(&app, &requester, number, "submit", "").await;

    for engineer in [&reviewer, &other] {
        assert_eq!(unread(&app, engineer).await, 1);
        let page = inbox(&app, engineer).await;
        assert_eq!(page["total"], 1);
        assert_eq!(page["unread"], 1);
        let notice = &page["items"][0];
        assert_eq!(notice["kind"], "review_needed");
        assert_eq!(
            notice["title"],
            format!("Technical review needed: CR-{number} {TITLE}")
        );
        assert_eq!(notice["link"], format!("/changes/{number}"));
        assert_eq!(notice["read_at"], Value::Null);
    }
    assert_eq!(unread(&app, &requester).await, 0, "the requester acted");
    assert_eq!(unread(&app, &approver).await, 0);
    assert_eq!(unread(&app, &manager).await, 0);
    let to_disabled: i64 =
        sqlx::query_scalar("select count(*) from notification where recipient_id = $1")
            .bind(away.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(to_disabled, 0, "disabled accounts are skipped");
}

#[tokio::test]
async fn passing_review_asks_approvers_and_full_approval_tells_the_requester() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    // The reviewer is an approver too, but may not approve what they reviewed.
    let reviewer = app
        .person("rev@example.com", &["engineer", "approver"])
        .await;
    let first = app.person("pm1@example.com", &["approver"]).await;
    let second = app.person("pm2@example.com", &["approver"]).await;
    let number = file(&app, &requester, "normal", &["prod"]).await;
    act(&app, &requester, number, "submit", "").await;

    assert_eq!(
        act(&app, &reviewer, number, "review", "").await,
        "in_review"
    );

    for approver in [&first, &second] {
        assert_eq!(kinds(&app, approver).await, vec!["approval_needed"]);
        assert_eq!(
            inbox(&app, approver).await["items"][0]["title"],
            format!("Approval needed: CR-{number} {TITLE}")
        );
    }
    assert_eq!(
        kinds(&app, &reviewer).await,
        vec!["review_needed"],
        "the reviewer is not asked to approve their own review"
    );
    assert_eq!(unread(&app, &requester).await, 0);

    assert_eq!(act(&app, &first, number, "approve", "").await, "in_review");
    assert_eq!(
        unread(&app, &requester).await,
        0,
        "one of two approvals is not an approval yet"
    );
    assert_eq!(act(&app, &second, number, "approve", "").await, "approved");

    let page = inbox(&app, &requester).await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["kind"], "approved");
    assert_eq!(
        page["items"][0]["title"],
        format!("Approved: CR-{number} {TITLE}")
    );
    assert_eq!(
        page["items"][0]["body"],
        "It can now be scheduled by a release manager."
    );
    assert_eq!(kinds(&app, &second).await, vec!["approval_needed"]);
}

#[tokio::test]
async fn a_rejection_tells_the_requester_the_reason() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let approver = app.person("pm@example.com", &["approver"]).await;
    let rejected = file(&app, &requester, "normal", &["prod"]).await;
    let failed_review = file(&app, &requester, "normal", &["prod"]).await;
    act(&app, &requester, rejected, "submit", "").await;
    act(&app, &reviewer, rejected, "review", "").await;
    act(&app, &requester, failed_review, "submit", "").await;

    act(&app, &approver, rejected, "reject", "No load test").await;
    act(
        &app,
        &reviewer,
        failed_review,
        "review_failed",
        "Rollback plan is untested",
    )
    .await;

    let page = inbox(&app, &requester).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    let about = |number: i64| {
        items
            .iter()
            .find(|n| n["link"] == format!("/changes/{number}"))
            .unwrap_or_else(|| panic!("no notice about CR-{number}: {page}"))
    };
    assert_eq!(about(rejected)["kind"], "rejected");
    assert_eq!(
        about(rejected)["title"],
        format!("Rejected: CR-{rejected} {TITLE}")
    );
    assert_eq!(about(rejected)["body"], "No load test");
    assert_eq!(about(failed_review)["kind"], "rejected");
    assert_eq!(about(failed_review)["body"], "Rollback plan is untested");
}

#[tokio::test]
async fn scheduling_tells_the_requester() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let approver = app.person("pm@example.com", &["approver"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let number = file(&app, &requester, "normal", &["dev"]).await;
    act(&app, &requester, number, "submit", "").await;
    act(&app, &reviewer, number, "review", "").await;
    assert_eq!(
        act(&app, &approver, number, "approve", "").await,
        "approved"
    );

    assert_eq!(
        act(&app, &manager, number, "schedule", "").await,
        "scheduled"
    );

    assert_eq!(kinds(&app, &requester).await, vec!["scheduled", "approved"]);
    assert_eq!(
        inbox(&app, &requester).await["items"][0]["title"],
        format!("Scheduled: CR-{number} {TITLE}")
    );
    assert_eq!(unread(&app, &requester).await, 2);
    assert_eq!(unread(&app, &manager).await, 0, "the scheduler acted");
}

#[tokio::test]
async fn an_emergency_submission_asks_release_managers_to_fast_track_it() {
    let app = TestApp::spawn().await;
    let requester = app.person("oncall@example.com", &["engineer"]).await;
    let engineer = app.person("rev@example.com", &["engineer"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let number = file(&app, &requester, "emergency", &["prod"]).await;

    act(&app, &requester, number, "submit", "").await;

    assert_eq!(kinds(&app, &manager).await, vec!["approval_needed"]);
    assert_eq!(
        inbox(&app, &manager).await["items"][0]["title"],
        format!("Emergency change needs fast-track approval: CR-{number} {TITLE}")
    );
    assert_eq!(unread(&app, &engineer).await, 0);
    act(&app, &manager, number, "fast_track", "").await;
    assert_eq!(kinds(&app, &requester).await, vec!["approved"]);
}

#[tokio::test]
async fn marking_read_lowers_the_count_and_touches_only_your_own_notifications() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let other = app.person("oscar@example.com", &["engineer"]).await;
    for _ in 0..3 {
        let number = file(&app, &requester, "normal", &["prod"]).await;
        act(&app, &requester, number, "submit", "").await;
    }
    assert_eq!(unread(&app, &reviewer).await, 3);
    assert_eq!(unread(&app, &other).await, 3);
    let page = inbox(&app, &reviewer).await;
    let first = page["items"][0]["id"].as_str().unwrap().to_string();

    let by_someone_else = mark_read(&app, &other, Some(&first)).await;
    assert_eq!(by_someone_else, 0);
    assert_eq!(
        unread(&app, &reviewer).await,
        3,
        "another user cannot mark my notification read"
    );

    assert_eq!(mark_read(&app, &reviewer, Some(&first)).await, 1);
    assert_eq!(unread(&app, &reviewer).await, 2);
    assert_eq!(
        mark_read(&app, &reviewer, Some(&first)).await,
        0,
        "already read"
    );
    let page = inbox(&app, &reviewer).await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["unread"], 2);
    let read = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == first.as_str())
        .unwrap();
    assert!(read["read_at"].is_string(), "{read}");

    assert_eq!(mark_read(&app, &reviewer, None).await, 2);
    assert_eq!(unread(&app, &reviewer).await, 0);
    assert_eq!(
        inbox(&app, &reviewer).await["total"],
        3,
        "read, not deleted"
    );
    assert_eq!(unread(&app, &other).await, 3, "marking all is only mine");
}

#[tokio::test]
async fn the_inbox_needs_a_signed_in_user() {
    let app = TestApp::spawn().await;
    let anonymous = support::client();

    let count: Result<i64, app::error::AppError> = outcome(
        app.server_fn(&anonymous, UnreadNotifications::PATH, &[])
            .await,
    )
    .await;

    assert_eq!(count, Err(app::error::AppError::Unauthorized));
}

#[tokio::test]
async fn the_last_possible_inbox_page_is_empty_not_a_crash() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let number = file(&app, &requester, "normal", &["prod"]).await;
    act(&app, &requester, number, "submit", "").await;
    let last = i64::MAX.to_string();

    let response = reviewer
        .client
        .post(app.url(ListNotifications::PATH))
        .header("origin", &app.address)
        .form(&[("page", last.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("no answer for page {last}: {e}"));

    let page: Value = outcome(response).await.expect("a page");
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["total"], 1);
    assert_eq!(page["unread"], 1);
}

#[tokio::test]
async fn requests_to_act_are_settled_once_the_change_moves_on() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let other = app.person("eve@example.com", &["engineer"]).await;
    let number = file(&app, &requester, "normal", &["prod"]).await;
    act(&app, &requester, number, "submit", "").await;
    assert_eq!(unread(&app, &other).await, 1, "asked for a review");

    act(&app, &reviewer, number, "review", "").await;
    assert_eq!(unread(&app, &reviewer).await, 0, "the reviewer acted");
    assert_eq!(
        kinds(&app, &reviewer).await,
        vec!["review_needed"],
        "the reviewer's own request stays, read"
    );
    assert_eq!(unread(&app, &other).await, 0, "the review is done");
    assert!(
        kinds(&app, &other).await.is_empty(),
        "nothing is left for the others to do"
    );

    let cancelled = file(&app, &requester, "normal", &["prod"]).await;
    act(&app, &requester, cancelled, "submit", "").await;
    assert_eq!(unread(&app, &other).await, 1);
    act(&app, &requester, cancelled, "cancel", "Not needed").await;

    assert_eq!(
        unread(&app, &other).await,
        0,
        "no stale review request for a cancelled change"
    );
    assert!(
        kinds(&app, &other).await.is_empty(),
        "the request for the cancelled change is gone from the inbox"
    );
}

#[tokio::test]
async fn cancelling_a_change_clears_the_requests_to_act_on_it_and_only_those() {
    let app = TestApp::spawn().await;
    let requester = app.person("erin@example.com", &["engineer"]).await;
    let reviewer = app.person("rev@example.com", &["engineer"]).await;
    let first = app.person("pm1@example.com", &["approver"]).await;
    let second = app.person("pm2@example.com", &["approver"]).await;
    let doomed = file(&app, &requester, "normal", &["prod"]).await;
    let kept = file(&app, &requester, "normal", &["prod"]).await;
    for number in [doomed, kept] {
        act(&app, &requester, number, "submit", "").await;
        act(&app, &reviewer, number, "review", "").await;
    }
    // One of the two approvals prod needs: still in review.
    assert_eq!(act(&app, &first, doomed, "approve", "").await, "in_review");
    assert_eq!(unread(&app, &second).await, 2, "asked to approve both");

    assert_eq!(
        act(&app, &requester, doomed, "cancel", "Superseded").await,
        "cancelled"
    );

    let page = inbox(&app, &second).await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["unread"], 1, "{page}");
    assert_eq!(page["items"][0]["kind"], "approval_needed");
    assert_eq!(page["items"][0]["link"], format!("/changes/{kept}"));
    assert_eq!(unread(&app, &second).await, 1);
    let first_inbox = inbox(&app, &first).await;
    let about = |number: i64| {
        first_inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["link"] == format!("/changes/{number}"))
            .cloned()
    };
    assert!(
        about(kept).is_some_and(|n| n["read_at"].is_null()),
        "{first_inbox}"
    );
    assert!(
        about(doomed).is_some_and(|n| n["read_at"].is_string()),
        "an approver who acted keeps their answered request, read: {first_inbox}"
    );
    let left: Vec<(String, uuid::Uuid)> = sqlx::query_as(
        "select kind, recipient_id from notification
         where link = $1 and kind in ('review_needed', 'approval_needed')
         order by kind",
    )
    .bind(format!("/changes/{doomed}"))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        left,
        vec![
            ("approval_needed".to_string(), first.user.id),
            ("review_needed".to_string(), reviewer.user.id),
        ],
        "only the requests someone answered are kept"
    );
}

//! Change-request helpers: filing one through the server function and
//! moving it along the workflow as a signed-in person.

use super::{outcome, Person, TestApp};
use app::server_fns::change_requests::{ChangeRequestAction, CreateChangeRequest};
use leptos::server_fn::ServerFn;
use serde_json::json;

/// The title of every change request [`file`] makes.
pub const TITLE: &str = "Rotate API signing keys";

/// Files a change request of `class` to `environments` (for the `api`
/// service) as `who`; returns its number.
pub async fn file(app: &TestApp, who: &Person, class: &str, environments: &[&str]) -> i64 {
    outcome(
        app.server_fn_json(
            &who.client,
            CreateChangeRequest::PATH,
            &json!({ "input": {
                "title": TITLE,
                "description": "Yearly rotation",
                "change_type": "security",
                "priority": "high",
                "impact": "medium",
                "risk": "medium",
                "class": class,
                "environments": environments,
                "services": ["api"],
                "planned_start": "2026-12-01T09:00",
                "duration_minutes": "45",
                "maintenance": false,
                "implementation_plan": "Deploy new keys",
                "rollback_plan": "Restore old keys",
                "testing_plan": "Smoke tests"
            }}),
        )
        .await,
    )
    .await
    .expect("filing a change request")
}

/// Takes `action` on change request `number` as `who`: the new status, or
/// the body of the refusal.
pub async fn try_act(
    app: &TestApp,
    who: &Person,
    number: i64,
    action: &str,
    note: &str,
) -> Result<String, String> {
    let number = number.to_string();
    let response = app
        .server_fn(
            &who.client,
            ChangeRequestAction::PATH,
            &[
                ("number", &number),
                ("action", action),
                ("note", note),
                ("planned_start", ""),
            ],
        )
        .await;
    let ok = response.status().is_success();
    let body = response.text().await.unwrap();
    if ok {
        Ok(serde_json::from_str::<String>(&body).unwrap())
    } else {
        Err(body)
    }
}

/// Takes `action` on change request `number` as `who`; the new status.
/// Panics when it is refused.
pub async fn act(app: &TestApp, who: &Person, number: i64, action: &str, note: &str) -> String {
    try_act(app, who, number, action, note)
        .await
        .unwrap_or_else(|e| panic!("{action} on CR-{number} was refused: {e}"))
}

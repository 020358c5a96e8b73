//! The planning half of the JSON API (change requests, releases,
//! environments, services) with bearer tokens, and the OpenAPI document
//! checked against what every route really answers.

use crate::support;
use crate::support::http::{call, get, post, put, Answer};
use crate::support::{outcome, TestApp};
use app::server_fns::catalog::SaveService;
use leptos::server_fn::ServerFn;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use uuid::Uuid;

fn change_request(environments: &[&str]) -> Value {
    json!({
        "title": "Rotate API signing keys",
        "description": "Yearly rotation",
        "change_type": "security",
        "priority": "high",
        "impact": "medium",
        "risk": "medium",
        "class": "normal",
        "environments": environments,
        "services": ["api"],
        "planned_start": "2026-12-01T09:00",
        "duration_minutes": "45",
        "maintenance": false,
        "implementation_plan": "Deploy new keys",
        "rollback_plan": "Restore old keys",
        "testing_plan": "Smoke tests"
    })
}

fn release(version: &str) -> Value {
    json!({
        "service": "api",
        "version": version,
        "release_type": "minor",
        "title": format!("API {version}"),
        "description": "",
        "environments": ["staging", "prod"],
        "planned_at": "2026-12-10T09:00",
        "changes": []
    })
}

/// The app with an `api` service and an engineer's token.
struct World {
    app: TestApp,
    token: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    let saved: Result<Uuid, app::error::AppError> = outcome(
        app.server_fn_json(
            &admin.client,
            SaveService::PATH,
            &json!({ "id": null, "input": { "key": "api", "name": "Public API", "description": "" } }),
        )
        .await,
    )
    .await;
    saved.expect("creating the api service");
    let engineer = app
        .create_user("erin@example.com", &["engineer", "release_manager"])
        .await;
    let token = app.api_token(engineer.id).await;
    World { app, token }
}

async fn token_for(app: &TestApp, email: &str, roles: &[&str]) -> String {
    let user = app.create_user(email, roles).await;
    app.api_token(user.id).await
}

async fn file(app: &TestApp, token: &str, environments: &[&str]) -> (i64, String) {
    let answer = post(
        app,
        token,
        "/api/v1/change-requests",
        &change_request(environments),
    )
    .await;
    assert_eq!(answer.status, 201, "{:?}", answer.body);
    (
        answer.body["number"].as_i64().unwrap(),
        answer.body["id"].as_str().unwrap().to_string(),
    )
}

async fn transition(app: &TestApp, token: &str, id: &str, action: &str, note: &str) -> Answer {
    post(
        app,
        token,
        &format!("/api/v1/change-requests/{id}/transitions"),
        &json!({ "action": action, "note": note }),
    )
    .await
}

fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.body);
    assert_eq!(answer.body["error"]["code"], code, "{:?}", answer.body);
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{:?}",
        answer.body
    );
}

// ---------------------------------------------------------------- auth

const PLANNING_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/change-requests"),
    ("POST", "/api/v1/change-requests"),
    ("GET", "/api/v1/change-requests/1"),
    ("PUT", "/api/v1/change-requests/1"),
    ("POST", "/api/v1/change-requests/1/transitions"),
    ("GET", "/api/v1/releases"),
    ("POST", "/api/v1/releases"),
    (
        "GET",
        "/api/v1/releases/00000000-0000-0000-0000-000000000000",
    ),
    (
        "PUT",
        "/api/v1/releases/00000000-0000-0000-0000-000000000000",
    ),
    ("GET", "/api/v1/environments"),
    ("GET", "/api/v1/services"),
];

#[tokio::test]
async fn requests_without_a_valid_token_get_401_with_a_bearer_challenge() {
    let World { app, token } = world().await;
    let revoked = token_for(&app, "gone@example.com", &["engineer"]).await;
    sqlx::query("update api_token set revoked_at = now() where user_id = (select id from app_user where email = 'gone@example.com')")
        .execute(&app.pool)
        .await
        .unwrap();

    for (method, path) in PLANNING_ROUTES {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == Method::POST).then(|| json!({}));
        for credential in [None, Some("rk_not-a-real-token"), Some(revoked.as_str())] {
            let answer = call(&app, method.clone(), path, credential, body.as_ref())
                .await
                .unwrap();
            assert_error(&answer, 401, "unauthorized");
            assert_eq!(
                answer.www_authenticate.as_deref(),
                Some("Bearer realm=\"rookery\""),
                "{method} {path}"
            );
        }
    }
    // The same routes do answer with the token.
    assert_eq!(get(&app, &token, "/api/v1/services").await.status, 200);
    let stored: i64 = sqlx::query_scalar("select count(*) from change_request")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

// ---------------------------------------------------------------- change requests

#[tokio::test]
async fn a_change_request_is_filed_with_201_and_read_by_number_cr_number_or_uuid() {
    let World { app, token } = world().await;

    let created = post(
        &app,
        &token,
        "/api/v1/change-requests",
        &change_request(&["prod"]),
    )
    .await;

    assert_eq!(created.status, 201, "{:?}", created.body);
    let number = created.body["number"].as_i64().unwrap();
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(Uuid::parse_str(&id).is_ok());
    let location = created.location.clone().expect("a Location header");
    assert_eq!(location, format!("/api/v1/change-requests/{number}"));
    for path in [
        location.clone(),
        format!("/api/v1/change-requests/CR-{number}"),
        format!("/api/v1/change-requests/{id}"),
    ] {
        let found = get(&app, &token, &path).await;
        assert_eq!(found.status, 200, "{path}: {:?}", found.body);
        assert_eq!(found.body["id"], id.as_str(), "{path}");
        assert_eq!(found.body["number"], number);
        assert_eq!(found.body["status"], "draft");
        assert_eq!(found.body["title"], "Rotate API signing keys");
        assert_eq!(found.body["environments"], json!(["prod"]));
        assert_eq!(found.body["required_approvals"], 2);
        assert_eq!(found.body["allowed_actions"], json!(["submit", "cancel"]));
    }
    for path in [
        "/api/v1/change-requests/9999".to_string(),
        "/api/v1/change-requests/CR-9999".to_string(),
        "/api/v1/change-requests/not-a-number".to_string(),
        format!("/api/v1/change-requests/{}", Uuid::new_v4()),
    ] {
        assert_error(&get(&app, &token, &path).await, 404, "not_found");
    }
    assert_eq!(app.audit_count("change_request.create", Some(&id)).await, 1);
}

#[tokio::test]
async fn bad_change_request_input_is_a_422_naming_each_field() {
    let World { app, token } = world().await;

    let invalid = post(
        &app,
        &token,
        "/api/v1/change-requests",
        &json!({
            "title": "  ",
            "change_type": "magic",
            "priority": "high",
            "impact": "medium",
            "risk": "medium",
            "environments": [],
            "duration_minutes": "0",
            "implementation_plan": "x",
            "rollback_plan": "y"
        }),
    )
    .await;
    let unknown_environment = post(
        &app,
        &token,
        "/api/v1/change-requests",
        &change_request(&["prod", "moon"]),
    )
    .await;
    let not_json = app
        .client
        .post(app.url("/api/v1/change-requests"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    let wrong_types = post(
        &app,
        &token,
        "/api/v1/change-requests",
        &json!({ "title": 42, "environments": "prod" }),
    )
    .await;

    assert_error(&invalid, 422, "validation");
    let fields: BTreeSet<&str> = invalid.body["error"]["fields"]
        .as_object()
        .expect("per-field messages")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from(["change_type", "duration_minutes", "environments", "title"]),
        "{:?}",
        invalid.body
    );
    assert_eq!(
        invalid.body["error"]["fields"]["title"],
        "Give the change a title."
    );
    assert_error(&unknown_environment, 422, "validation");
    assert_eq!(
        unknown_environment.body["error"]["fields"]["environments"],
        "Unknown environment: moon."
    );
    assert_eq!(not_json.status(), 422);
    let body: Value = not_json.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("The request body is not valid"));
    assert_error(&wrong_types, 422, "validation");
    let stored: i64 = sqlx::query_scalar("select count(*) from change_request")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn viewers_cannot_file_change_requests_or_releases_over_the_api() {
    let World { app, .. } = world().await;
    let viewer = token_for(&app, "view@example.com", &["viewer"]).await;
    let approver = token_for(&app, "pm@example.com", &["approver"]).await;

    let by_approver = post(
        &app,
        &approver,
        "/api/v1/change-requests",
        &change_request(&["prod"]),
    )
    .await;
    let cr = post(
        &app,
        &viewer,
        "/api/v1/change-requests",
        &change_request(&["prod"]),
    )
    .await;
    let rel = post(&app, &viewer, "/api/v1/releases", &release("1.0.0")).await;
    let invalid_cr = post(&app, &viewer, "/api/v1/change-requests", &json!({})).await;

    assert_error(&cr, 403, "forbidden");
    assert_error(&rel, 403, "forbidden");
    assert_error(&invalid_cr, 403, "forbidden");
    assert_error(&by_approver, 403, "forbidden");
    assert_eq!(cr.location, None);
    // Reading is fine.
    assert_eq!(
        get(&app, &viewer, "/api/v1/change-requests").await.status,
        200
    );
    assert_eq!(get(&app, &viewer, "/api/v1/releases").await.status, 200);
    let stored: i64 = sqlx::query_scalar("select count(*) from change_request")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn the_change_request_list_filters_by_status_owner_and_title() {
    let World { app, token } = world().await;
    let other = token_for(&app, "oscar@example.com", &["engineer"]).await;
    let (mine, _) = file(&app, &token, &["dev"]).await;
    file(&app, &token, &["dev"]).await;
    let mut theirs = change_request(&["dev"]);
    theirs["title"] = json!("Upgrade PostgreSQL to 17");
    let answer = post(&app, &other, "/api/v1/change-requests", &theirs).await;
    assert_eq!(answer.status, 201);
    assert_eq!(
        transition(&app, &token, &mine.to_string(), "submit", "")
            .await
            .status,
        200
    );

    let numbers = |answer: &Answer| -> Vec<i64> {
        answer.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{:?}", answer.body))
            .iter()
            .map(|c| c["number"].as_i64().unwrap())
            .collect()
    };
    let all = get(&app, &token, "/api/v1/change-requests").await;
    assert_eq!(all.body["total"], 3);
    let submitted = get(&app, &token, "/api/v1/change-requests?status=submitted").await;
    assert_eq!(numbers(&submitted), vec![mine]);
    let own = get(&app, &other, "/api/v1/change-requests?mine=true").await;
    assert_eq!(own.body["total"], 1);
    assert_eq!(own.body["items"][0]["title"], "Upgrade PostgreSQL to 17");
    let search = get(&app, &token, "/api/v1/change-requests?q=postgresql").await;
    assert_eq!(search.body["total"], 1);
    let paged = get(&app, &token, "/api/v1/change-requests?per_page=2&page=2").await;
    assert_eq!(paged.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(paged.body["total"], 3);
    assert_eq!(paged.body["per_page"], 2);
    let bad_status = get(&app, &token, "/api/v1/change-requests?status=shipped").await;
    assert_error(&bad_status, 422, "validation");
    assert!(bad_status.body["error"]["fields"]["status"].is_string());
    assert_error(
        &get(&app, &token, "/api/v1/change-requests?page=first").await,
        422,
        "validation",
    );
}

#[tokio::test]
async fn transitions_move_a_change_request_and_refusals_say_why() {
    let World { app, token } = world().await;
    let requester = token_for(&app, "both@example.com", &["engineer", "approver"]).await;
    let reviewer = token_for(&app, "rev@example.com", &["engineer"]).await;
    let approver = token_for(&app, "pm@example.com", &["approver"]).await;
    let (number, id) = file(&app, &requester, &["dev"]).await;

    let submitted = transition(&app, &requester, &number.to_string(), "submit", "").await;
    assert_eq!(submitted.status, 200, "{:?}", submitted.body);
    assert_eq!(submitted.body, json!({ "status": "submitted" }));
    let reviewed = transition(&app, &reviewer, &format!("CR-{number}"), "review", "").await;
    assert_eq!(reviewed.body, json!({ "status": "in_review" }));

    let own = transition(&app, &requester, &number.to_string(), "approve", "").await;
    assert_error(&own, 403, "forbidden");
    assert!(
        own.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot review or approve your own change request"),
        "{:?}",
        own.body
    );
    let illegal = transition(
        &app,
        &token,
        &number.to_string(),
        "start_implementation",
        "",
    )
    .await;
    assert_error(&illegal, 409, "conflict");
    let unknown = transition(&app, &approver, &number.to_string(), "teleport", "").await;
    assert_error(&unknown, 422, "validation");
    assert!(unknown.body["error"]["fields"]["action"]
        .as_str()
        .unwrap()
        .contains("Unknown action \"teleport\""));
    let missing = transition(&app, &approver, "9999", "approve", "").await;
    assert_error(&missing, 404, "not_found");
    let no_action = post(
        &app,
        &approver,
        &format!("/api/v1/change-requests/{number}/transitions"),
        &json!({ "note": "x" }),
    )
    .await;
    assert_error(&no_action, 422, "validation");
    let current = get(
        &app,
        &approver,
        &format!("/api/v1/change-requests/{number}"),
    )
    .await;
    assert_eq!(
        current.body["status"], "in_review",
        "refusals change nothing"
    );

    let approved = transition(&app, &approver, &id, "approve", "").await;
    assert_eq!(approved.body, json!({ "status": "approved" }));
    let bad_time = post(
        &app,
        &token,
        &format!("/api/v1/change-requests/{number}/transitions"),
        &json!({ "action": "schedule", "planned_start": "next tuesday" }),
    )
    .await;
    assert_error(&bad_time, 422, "validation");
    assert!(bad_time.body["error"]["fields"]["planned_start"].is_string());
    let scheduled = post(
        &app,
        &token,
        &format!("/api/v1/change-requests/{number}/transitions"),
        &json!({ "action": "schedule", "planned_start": "2026-12-01T10:00:00+01:00" }),
    )
    .await;
    assert_eq!(scheduled.body, json!({ "status": "scheduled" }));
    let detail = get(&app, &token, &format!("/api/v1/change-requests/{number}")).await;
    assert_eq!(detail.body["status"], "scheduled");
    assert_eq!(detail.body["planned_start"], "2026-12-01T09:00:00Z");
    assert_eq!(
        app.audit_count("change_request.schedule", Some(&id)).await,
        1
    );
}

/// The handler's contract: a transition the state does not allow is 409,
/// one the caller may not make is 403. A missing reason is neither: it is
/// input the caller left out, which the API answers with 422 and the field.
#[tokio::test]
async fn a_rejection_without_a_reason_is_a_validation_error_naming_the_note() {
    let World { app, token } = world().await;
    let reviewer = token_for(&app, "rev@example.com", &["engineer"]).await;
    let (number, _) = file(&app, &token, &["dev"]).await;
    transition(&app, &token, &number.to_string(), "submit", "").await;

    let refused = transition(&app, &reviewer, &number.to_string(), "reject", "  ").await;

    assert_error(&refused, 422, "validation");
    assert!(
        refused.body["error"]["fields"]["note"].is_string(),
        "{:?}",
        refused.body
    );
    let detail = get(&app, &token, &format!("/api/v1/change-requests/{number}")).await;
    assert_eq!(detail.body["status"], "submitted");
}

// ---------------------------------------------------------------- releases

#[tokio::test]
async fn releases_are_planned_listed_and_read_over_the_api() {
    let World { app, token } = world().await;
    let (number, _) = file(&app, &token, &["prod"]).await;
    let mut body = release("2.1.0");
    body["changes"] = json!([number]);

    let created = post(&app, &token, "/api/v1/releases", &body).await;

    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/api/v1/releases/{id}").as_str())
    );
    let detail = get(&app, &token, &format!("/api/v1/releases/{id}")).await;
    assert_eq!(detail.status, 200);
    assert_eq!(detail.body["summary"]["version"], "2.1.0");
    assert_eq!(detail.body["summary"]["status"], "planned");
    assert_eq!(detail.body["summary"]["change_count"], 1);
    assert_eq!(detail.body["changes"][0]["number"], number);
    assert_eq!(detail.body["plan"]["gates"].as_array().unwrap().len(), 3);

    let duplicate = post(&app, &token, "/api/v1/releases", &body).await;
    assert_error(&duplicate, 422, "validation");
    assert_eq!(
        duplicate.body["error"]["fields"]["version"],
        "api already has a release 2.1.0."
    );
    let bad_version = post(&app, &token, "/api/v1/releases", &release("2.1")).await;
    assert_error(&bad_version, 422, "validation");
    assert!(bad_version.body["error"]["fields"]["version"].is_string());
    let mut unknown = release("3.0.0");
    unknown["service"] = json!("billing");
    unknown["changes"] = json!([4242]);
    let unknown = post(&app, &token, "/api/v1/releases", &unknown).await;
    assert_error(&unknown, 422, "validation");
    assert!(unknown.body["error"]["fields"]["service"].is_string());

    let listed = get(&app, &token, "/api/v1/releases?service=api&status=planned").await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    assert_eq!(
        get(&app, &token, "/api/v1/releases?status=deployed")
            .await
            .body["total"],
        0
    );
    assert_eq!(
        get(&app, &token, "/api/v1/releases?q=API%202.1").await.body["total"],
        1
    );
    let bad_status = get(&app, &token, "/api/v1/releases?status=shipped").await;
    assert_error(&bad_status, 422, "validation");
    let bad_sort = get(&app, &token, "/api/v1/releases?sort=sideways").await;
    assert_error(&bad_sort, 422, "validation");
    assert!(bad_sort.body["error"]["fields"]["sort"].is_string());
    for path in [
        "/api/v1/releases/not-a-uuid".to_string(),
        format!("/api/v1/releases/{}", Uuid::new_v4()),
    ] {
        assert_error(&get(&app, &token, &path).await, 404, "not_found");
    }
    assert_eq!(app.audit_count("release.create", Some(&id)).await, 1);
}

// ---------------------------------------------------------------- catalog

#[tokio::test]
async fn environments_and_services_are_listed() {
    let World { app, token } = world().await;
    post(&app, &token, "/api/v1/releases", &release("1.0.0")).await;

    let environments = get(&app, &token, "/api/v1/environments").await;
    let services = get(&app, &token, "/api/v1/services").await;

    assert_eq!(environments.status, 200);
    let keys: Vec<&str> = environments
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec!["dev", "staging", "prod", "dr", "local", "qa"],
        "promotion path first, then the rest by key"
    );
    let prod = &environments.body[2];
    assert_eq!(prod["protected"], true);
    assert_eq!(prod["required_approvals"], 2);
    assert_eq!(prod["promotion_order"], 3);
    assert_eq!(services.status, 200);
    assert_eq!(services.body.as_array().unwrap().len(), 1);
    assert_eq!(services.body[0]["key"], "api");
    assert_eq!(services.body[0]["name"], "Public API");
    assert_eq!(services.body[0]["release_count"], 1);
}

#[tokio::test]
async fn unknown_api_paths_answer_json_404() {
    let World { app, token } = world().await;

    let answer = get(&app, &token, "/api/v1/no-such-thing").await;

    assert_error(&answer, 404, "not_found");
}

// ---------------------------------------------------------------- OpenAPI

async fn openapi(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the document is public");
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    response.json().await.unwrap()
}

/// Every (METHOD, path template) the document lists.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    out
}

fn documented(operation: &Value) -> BTreeSet<u16> {
    operation["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .map(|code| code.parse().expect("numeric response codes"))
        .collect()
}

#[tokio::test]
async fn the_openapi_document_is_public_and_describes_every_api_route() {
    let app = TestApp::spawn().await;

    let doc = openapi(&app).await;

    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Rookery API");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"],
        json!({ "type": "http", "scheme": "bearer" })
    );
    let listed: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    for (method, path) in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/change-requests"),
        ("POST", "/api/v1/change-requests"),
        ("GET", "/api/v1/change-requests/{id}"),
        ("POST", "/api/v1/change-requests/{id}/transitions"),
        ("GET", "/api/v1/releases"),
        ("POST", "/api/v1/releases"),
        ("GET", "/api/v1/releases/{id}"),
        ("GET", "/api/v1/environments"),
        ("GET", "/api/v1/services"),
        ("GET", "/api/v1/releases/{id}/gates"),
        ("POST", "/api/v1/releases/{id}/gates"),
        ("GET", "/api/v1/deployments"),
        ("POST", "/api/v1/deployments"),
        ("GET", "/api/v1/deployments/{id}"),
        ("POST", "/api/v1/deployments/{id}/{action}"),
        ("POST", "/api/v1/metrics"),
        ("PUT", "/api/v1/deploy-targets/{id}/simulation"),
    ] {
        assert!(
            listed.contains(&(method.to_string(), path.to_string())),
            "{method} {path} is not documented; documented: {listed:?}"
        );
    }
    for (method, path, operation) in operations(&doc) {
        let codes = documented(&operation);
        assert!(
            codes.contains(&401),
            "{method} {path} needs a token but does not list 401: {codes:?}"
        );
        assert!(
            codes.iter().any(|c| (200..300).contains(c)),
            "{method} {path} lists no success: {codes:?}"
        );
        // Every $ref points at a schema the document carries.
        let text = operation.to_string();
        for reference in text.split("\"$ref\":\"").skip(1) {
            let name = reference
                .split('"')
                .next()
                .unwrap()
                .trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{method} {path} refers to a missing schema {name}"
            );
        }
    }
}

/// Path parameters and request bodies for calling each operation validly.
struct Fixtures {
    cr_number: i64,
    release_id: String,
    next_version: u32,
    /// A running deployment (nothing runs its jobs here), its target, and an
    /// approved release ready for another deployment.
    deployment_id: String,
    target_id: String,
    ready_release: String,
}

impl Fixtures {
    fn path(&self, template: &str) -> String {
        if template.starts_with("/api/v1/change-requests/{id}") {
            template.replace("{id}", &self.cr_number.to_string())
        } else if template.starts_with("/api/v1/releases/{id}") {
            template.replace("{id}", &self.release_id)
        } else if template.starts_with("/api/v1/deployments/{id}") {
            template
                .replace("{id}", &self.deployment_id)
                .replace("{action}", "pause")
        } else if template.starts_with("/api/v1/deploy-targets/{id}") {
            template.replace("{id}", &self.target_id)
        } else {
            assert!(
                !template.contains('{'),
                "no fixture for the path parameters of {template}; add one to this test"
            );
            template.to_string()
        }
    }

    /// A valid body for the operation's request schema.
    fn body(&mut self, method: &str, path: &str, operation: &Value) -> Option<Value> {
        let schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()?
            .trim_start_matches("#/components/schemas/")
            .to_string();
        Some(match schema.as_str() {
            "CrInput" => change_request(&["dev"]),
            // Editing the fixture release: its own service and version.
            "ReleaseInput" if method == "PUT" => {
                let mut edited = release("2.0.0");
                edited["title"] = json!("API 2.0.0, edited");
                edited
            }
            "ReleaseInput" => {
                self.next_version += 1;
                release(&format!("9.{}.0", self.next_version))
            }
            // The fixture change request is the caller's own draft.
            "TransitionRequest" => json!({ "action": "submit" }),
            "GateReport" => json!({
                "environment": "staging", "name": "Integration Tests", "status": "passed",
                "url": "https://ci.example.com/runs/7"
            }),
            "StartDeployment" => json!({
                "release": self.ready_release, "environment": "local", "strategy": "big_bang"
            }),
            "MetricBatch" => json!({
                "samples": [{ "service": "api", "environment": "qa", "metric": "error_rate", "value": 0.01 }]
            }),
            "FleetSettings" => json!({ "error_rate": 0.02, "latency_p95": 0.3 }),
            other => panic!("no valid body for {method} {path} ({other}); add one to this test"),
        })
    }
}

async fn fixtures(app: &TestApp, token: &str) -> Fixtures {
    let (cr_number, _) = file(app, token, &["dev"]).await;
    let created = post(app, token, "/api/v1/releases", &release("2.0.0")).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    // Simulated targets for api in qa and local, and an approved release for each.
    let mut ready = Vec::new();
    let mut targets = Vec::new();
    for (env, version) in [("qa", "7.0.0"), ("local", "7.1.0")] {
        let target = Uuid::new_v4();
        sqlx::query(
            "insert into deploy_target (id, service_id, environment, kind)
             select $1, id, $2, 'simulated' from service where key = 'api'",
        )
        .bind(target)
        .bind(env)
        .execute(&app.pool)
        .await
        .unwrap();
        targets.push(target.to_string());
        let mut body = release(version);
        body["environments"] = json!([env]);
        let made = post(app, token, "/api/v1/releases", &body).await;
        assert_eq!(made.status, 201, "{:?}", made.body);
        let id = made.body["id"].as_str().unwrap().to_string();
        sqlx::query("update release set status = 'approved' where id = $1::uuid")
            .bind(&id)
            .execute(&app.pool)
            .await
            .unwrap();
        ready.push(id);
    }
    let started = post(
        app,
        token,
        "/api/v1/deployments",
        &json!({ "release": ready[0], "environment": "qa", "strategy": "canary" }),
    )
    .await;
    assert_eq!(started.status, 201, "{:?}", started.body);
    Fixtures {
        cr_number,
        release_id: created.body["id"].as_str().unwrap().to_string(),
        next_version: 0,
        deployment_id: started.body["summary"]["id"].as_str().unwrap().to_string(),
        target_id: targets[0].clone(),
        ready_release: ready[1].clone(),
    }
}

#[tokio::test]
async fn every_documented_operation_answers_a_valid_call_with_a_documented_success() {
    let World { app, token } = world().await;
    let doc = openapi(&app).await;
    let mut fixtures = fixtures(&app, &token).await;

    let mut checked = 0;
    for (method, template, operation) in operations(&doc) {
        let path = fixtures.path(&template);
        let body = fixtures.body(&method, &template, &operation);
        let answer = call(
            &app,
            Method::from_bytes(method.as_bytes()).unwrap(),
            &path,
            Some(&token),
            body.as_ref(),
        )
        .await
        .unwrap_or_else(|e| panic!("{method} {path} gave no answer: {e}"));
        let codes = documented(&operation);
        assert!(
            codes.contains(&answer.status.as_u16()),
            "{method} {path} answered {} which the document does not list ({codes:?}): {:?}",
            answer.status,
            answer.body
        );
        assert!(
            answer.status.is_success(),
            "{method} {path} refused a valid call with {}: {:?}",
            answer.status,
            answer.body
        );
        if answer.status == 201 {
            let location = answer.location.expect("201 answers carry a Location");
            let followed = get(&app, &token, &location).await;
            assert_eq!(followed.status, 200, "{method} {path} → {location}");
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} operations were checked");
}

#[tokio::test]
async fn every_documented_operation_documents_its_refusals() {
    let World { app, token } = world().await;
    let viewer = token_for(&app, "view@example.com", &["viewer"]).await;
    let doc = openapi(&app).await;
    let mut fixtures = fixtures(&app, &token).await;

    let mut problems = Vec::new();
    let mut query_attempts = 0;
    let mut total_attempts = 0;
    for (method, template, operation) in operations(&doc) {
        let codes = documented(&operation);
        let verb = Method::from_bytes(method.as_bytes()).unwrap();
        let path = fixtures.path(&template);
        let valid = fixtures.body(&method, &template, &operation);
        let mut attempts: Vec<(String, String, Option<&str>, Option<Value>)> = vec![
            ("no token".into(), path.clone(), None, valid.clone()),
            (
                "a viewer's token".into(),
                path.clone(),
                Some(viewer.as_str()),
                valid.clone(),
            ),
        ];
        if template.contains("{id}") {
            for id in [
                "999999",
                "CR-999999",
                "not-an-id",
                &Uuid::new_v4().to_string(),
            ] {
                attempts.push((
                    format!("unknown id {id}"),
                    template.replace("{id}", id),
                    Some(token.as_str()),
                    valid.clone(),
                ));
            }
        }
        if valid.is_some() {
            attempts.push((
                "an empty body".into(),
                path.clone(),
                Some(token.as_str()),
                Some(json!({})),
            ));
            attempts.push((
                "a body of the wrong shape".into(),
                path.clone(),
                Some(token.as_str()),
                Some(json!(["not", "an", "object"])),
            ));
        }
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] != "query" {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            // OpenAPI 3.1 writes nullable types as ["integer", "null"].
            let schema_type = &parameter["schema"]["type"];
            let is = |t: &str| {
                schema_type == t
                    || schema_type
                        .as_array()
                        .is_some_and(|types| types.iter().any(|x| x == t))
            };
            let wrong = if is("integer") {
                "twelve"
            } else if is("boolean") {
                "maybe"
            } else {
                "%E2%9C%93-not-a-known-value"
            };
            query_attempts += 1;
            attempts.push((
                format!("query {name}={wrong}"),
                format!("{path}?{name}={wrong}"),
                Some(token.as_str()),
                None,
            ));
        }
        for (what, url, credential, body) in attempts {
            total_attempts += 1;
            match call(&app, verb.clone(), &url, credential, body.as_ref()).await {
                Ok(answer) if codes.contains(&answer.status.as_u16()) => {
                    if !answer.status.is_success() {
                        assert!(
                            answer.body["error"]["code"].is_string(),
                            "{method} {url} with {what}: not the error document: {:?}",
                            answer.body
                        );
                    }
                }
                Ok(answer) => problems.push(format!(
                    "{method} {url} with {what} answered {} (documented: {codes:?}): {:?}",
                    answer.status, answer.body
                )),
                Err(e) => problems.push(format!("{method} {url} with {what}: no answer ({e})")),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "undocumented answers:\n{}",
        problems.join("\n")
    );
    // The document really carries the parameters and ids tried above.
    assert!(
        query_attempts >= 11,
        "only {query_attempts} query parameters"
    );
    assert!(total_attempts >= 45, "only {total_attempts} calls");
}

async fn expect_documented(
    app: &TestApp,
    doc: &Value,
    token: &str,
    cases: Vec<(&str, &str, String, Option<Value>)>,
) {
    let mut problems = Vec::new();
    for (method, template, url, body) in cases {
        let documented = documented(&doc["paths"][template][method.to_lowercase()]);
        assert!(!documented.is_empty(), "{method} {template} is documented");
        let verb = Method::from_bytes(method.as_bytes()).unwrap();
        match call(app, verb, &url, Some(token), body.as_ref()).await {
            Ok(answer) if documented.contains(&answer.status.as_u16()) => {}
            Ok(answer) => problems.push(format!(
                "{method} {url} answered {} (documented: {documented:?}): {:?}",
                answer.status, answer.body
            )),
            Err(e) => problems.push(format!("{method} {url}: no answer ({e})")),
        }
    }
    assert!(
        problems.is_empty(),
        "undocumented answers:\n{}",
        problems.join("\n")
    );
}

/// `page` is an int64 in the document; the largest one is an empty page or
/// a 422, not a dropped connection (debug builds panic on the overflow of
/// `(page - 1) * per_page`) or a 500 (release builds wrap to a negative
/// OFFSET).
#[tokio::test]
async fn the_largest_page_number_is_an_answer_not_a_crash() {
    let World { app, token } = world().await;
    let doc = openapi(&app).await;

    expect_documented(
        &app,
        &doc,
        &token,
        vec![
            (
                "GET",
                "/api/v1/change-requests",
                format!("/api/v1/change-requests?page={}", i64::MAX),
                None,
            ),
            (
                "GET",
                "/api/v1/releases",
                format!("/api/v1/releases?page={}", i64::MAX),
                None,
            ),
        ],
    )
    .await;
}

/// PostgreSQL text cannot hold U+0000; a NUL in a title or a search is the
/// caller's mistake (422, or no match), not a 500.
#[tokio::test]
async fn a_nul_character_in_text_is_the_callers_mistake_not_a_server_error() {
    let World { app, token } = world().await;
    let doc = openapi(&app).await;
    let mut cr = change_request(&["dev"]);
    cr["title"] = json!("Rotate\u{0}keys");
    let mut rel = release("4.0.0");
    rel["title"] = json!("API\u{0}4");

    expect_documented(
        &app,
        &doc,
        &token,
        vec![
            (
                "POST",
                "/api/v1/change-requests",
                "/api/v1/change-requests".to_string(),
                Some(cr),
            ),
            (
                "POST",
                "/api/v1/releases",
                "/api/v1/releases".to_string(),
                Some(rel),
            ),
            (
                "GET",
                "/api/v1/change-requests",
                "/api/v1/change-requests?q=%00".to_string(),
                None,
            ),
            (
                "GET",
                "/api/v1/releases",
                "/api/v1/releases?q=%00".to_string(),
                None,
            ),
        ],
    )
    .await;
}

// ---------------------------------------------------------------- bodies vs schemas

/// Where `value` departs from `schema` (a small JSON Schema subset: $ref,
/// oneOf/anyOf/allOf, type, enum, required, properties, items, formats
/// uuid and date-time). Properties the schema does not list count too: the
/// document should describe everything a client receives.
fn schema_errors(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        if target.is_null() {
            out.push(format!("{at}: unknown schema {reference}"));
        } else {
            schema_errors(doc, target, value, at, out);
        }
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let fits = options.iter().any(|option| {
                let mut errors = Vec::new();
                schema_errors(doc, option, value, at, &mut errors);
                errors.is_empty()
            });
            if !fits {
                out.push(format!(
                    "{at}: {value} fits none of the {key} options {schema}"
                ));
                return;
            }
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            schema_errors(doc, part, value, at, out);
        }
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let fits = types.iter().any(|t| match *t {
            "null" => value.is_null(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        });
        if !fits {
            out.push(format!("{at}: {value} is not of type {types:?}"));
            return;
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(value) {
            out.push(format!("{at}: {value} is not one of {values:?}"));
        }
    }
    if let (Some(format), Some(text)) =
        (schema.get("format").and_then(Value::as_str), value.as_str())
    {
        let fits = match format {
            "uuid" => Uuid::parse_str(text).is_ok(),
            "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            _ => true,
        };
        if !fits {
            out.push(format!("{at}: {text:?} is not a {format}"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                out.push(format!("{at}: the required property {name} is missing"));
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, item) in object {
                match properties.get(name) {
                    Some(sub) => schema_errors(doc, sub, item, &format!("{at}.{name}"), out),
                    None => out.push(format!("{at}: the property {name} is not documented")),
                }
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, item) in list.iter().enumerate() {
            schema_errors(doc, items, item, &format!("{at}[{i}]"), out);
        }
    }
}

#[tokio::test]
async fn every_answer_body_matches_the_schema_documented_for_its_status() {
    use app::server_fns::releases::{ReleaseAction as ReleaseActionFn, SaveReleasePlan};
    let World { app, token } = world().await;
    let viewer = token_for(&app, "view@example.com", &["viewer"]).await;
    let doc = openapi(&app).await;
    let mut fixtures = fixtures(&app, &token).await;
    // Fill the fixtures in, so optional and nested parts are present too.
    let reviewer = token_for(&app, "rev@example.com", &["engineer"]).await;
    let (linked, _) = file(&app, &token, &["dev"]).await;
    transition(&app, &token, &linked.to_string(), "submit", "").await;
    transition(&app, &reviewer, &linked.to_string(), "review", "Fine").await;
    let mut with_plan = release("2.5.0");
    with_plan["changes"] = json!([linked, fixtures.cr_number]);
    let with_plan = post(&app, &token, "/api/v1/releases", &with_plan).await;
    let release_id = with_plan.body["id"].as_str().unwrap().to_string();
    let planner = support::client();
    app.login_with(&planner, "erin@example.com", support::PASSWORD)
        .await;
    let saved: Result<(), app::error::AppError> = outcome(
        app.server_fn_json(
            &planner,
            SaveReleasePlan::PATH,
            &json!({ "id": release_id, "plan": {
                "prerequisites": [{"kind": "database", "description": "Migrate", "deadline": "2026-12-09T18:00"}],
                "risk": {"impact": "high", "likelihood": "low", "mitigations": "Canary"},
                "rollback_steps": [{"description": "Redeploy", "verification": "Green", "timeout_minutes": "10", "on_failure": "stop"}],
                "communication": [{"audience": "Support", "channel": "Chat", "timing": "Before"}],
                "gates": [{"environment": "staging", "name": "Smoke", "suites": "smoke", "required": true, "timeout_minutes": "5", "on_failure": "block"}]
            }}),
        )
        .await,
    )
    .await;
    saved.expect("saving a plan");
    let approver = app.person("pm@example.com", &["approver"]).await;
    let approved: Result<Value, app::error::AppError> = outcome(
        app.server_fn(
            &approver.client,
            ReleaseActionFn::PATH,
            &[
                ("id", release_id.as_str()),
                ("action", "approve"),
                ("note", "ok"),
            ],
        )
        .await,
    )
    .await;
    approved.expect("approving the release");
    fixtures.release_id = release_id;
    fixtures.cr_number = linked;

    let mut problems = Vec::new();
    let mut bodies = 0;
    for (method, template, operation) in operations(&doc) {
        let verb = Method::from_bytes(method.as_bytes()).unwrap();
        let path = fixtures.path(&template);
        let valid = fixtures.body(&method, &template, &operation);
        let mut attempts = vec![
            (path.clone(), Some(token.as_str()), valid.clone()),
            (path.clone(), None, valid.clone()),
            (path.clone(), Some(viewer.as_str()), valid.clone()),
        ];
        if template.contains("{id}") {
            attempts.push((
                template.replace("{id}", "999999"),
                Some(token.as_str()),
                valid.clone(),
            ));
        }
        if valid.is_some() {
            attempts.push((path.clone(), Some(token.as_str()), Some(json!({}))));
        }
        for (url, credential, body) in attempts {
            let answer = call(&app, verb.clone(), &url, credential, body.as_ref())
                .await
                .unwrap_or_else(|e| panic!("{method} {url}: no answer ({e})"));
            let status = answer.status.as_u16().to_string();
            let Some(schema) =
                operation["responses"][&status]["content"]["application/json"].get("schema")
            else {
                problems.push(format!("{method} {url}: no schema documented for {status}"));
                continue;
            };
            let mut errors = Vec::new();
            schema_errors(&doc, schema, &answer.body, "body", &mut errors);
            bodies += 1;
            for error in errors {
                problems.push(format!("{method} {url} ({status}): {error}"));
            }
        }
    }
    assert!(bodies >= 30, "only {bodies} bodies were checked");
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} departures:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The schema check above is not vacuous: it notices wrong types, missing
/// and undocumented properties, bad enum values and formats.
#[tokio::test]
async fn the_schema_check_notices_departures() {
    let app = TestApp::spawn().await;
    let doc = openapi(&app).await;
    let page = json!({ "$ref": "#/components/schemas/CrPage" });
    let errors = |value: Value| {
        let mut out = Vec::new();
        schema_errors(&doc, &page, &value, "body", &mut out);
        out
    };
    let row = json!({
        "id": Uuid::new_v4(), "number": 1, "title": "t", "status": "draft", "class": "normal",
        "priority": "high", "environments": ["dev"], "requester": "Erin", "planned_start": null,
        "updated_at": "2026-12-01T09:00:00Z"
    });

    assert_eq!(
        errors(json!({ "items": [row.clone()], "total": 1, "page": 1, "per_page": 25 })),
        Vec::<String>::new()
    );
    let mut wrong = row.clone();
    wrong["status"] = json!("shipped");
    wrong["id"] = json!("not-a-uuid");
    wrong["extra"] = json!(1);
    wrong.as_object_mut().unwrap().remove("title");
    let found = errors(json!({ "items": [wrong], "total": "1", "page": 1, "per_page": 25 }));
    for expected in ["status", "not a uuid", "extra", "title", "total"] {
        assert!(
            found.iter().any(|e| e.contains(expected)),
            "{expected} not noticed: {found:?}"
        );
    }
}

// ---------------------------------------------------------------- editing

#[tokio::test]
async fn a_draft_is_edited_by_its_requester_on_the_timeline_and_audited_and_nothing_else_is() {
    let World { app, token } = world().await;
    let (number, id) = file(&app, &token, &["staging"]).await;
    let path = format!("/api/v1/change-requests/CR-{number}");

    // The requester fixes the title and adds prod (two approvals now).
    let mut edited = change_request(&["staging", "prod"]);
    edited["title"] = json!("Rotate the API signing keys");
    let answer = put(&app, &token, &path, &edited).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["title"], "Rotate the API signing keys");
    assert_eq!(answer.body["environments"], json!(["prod", "staging"]));
    assert_eq!(answer.body["required_approvals"], 2);
    let edit = answer.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "edit")
        .expect("the edit is on the timeline");
    assert_eq!(edit["note"], "Changed: title, environments");
    assert_eq!(app.audit_count("change_request.update", Some(&id)).await, 1);
    let (_, _, before, after) = app.last_audit("change_request.update").await;
    assert_eq!(before.unwrap()["title"], "Rotate API signing keys");
    assert_eq!(after.unwrap()["title"], "Rotate the API signing keys");

    // The same content again changes nothing and records nothing.
    let again = put(&app, &token, &path, &edited).await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(app.audit_count("change_request.update", Some(&id)).await, 1);

    // Bad input is a 422 naming the field, and changes nothing.
    let mut bad = edited.clone();
    bad["title"] = json!("");
    let refused = put(&app, &token, &path, &bad).await;
    assert_error(&refused, 422, "validation");
    assert!(
        refused.body["error"]["fields"]["title"].is_string(),
        "{:?}",
        refused.body
    );

    // Someone else's draft: 403, even for an engineer.
    let other = token_for(&app, "other@example.com", &["engineer"]).await;
    let answer = put(&app, &other, &path, &edited).await;
    assert_error(&answer, 403, "forbidden");

    // Once submitted it is no longer a draft: 409 with the reason.
    assert_eq!(
        transition(&app, &token, &id, "submit", "").await.status,
        200
    );
    let answer = put(&app, &token, &path, &edited).await;
    assert_error(&answer, 409, "conflict");
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be edited"),
        "{:?}",
        answer.body
    );
    let detail = get(&app, &token, &path).await;
    assert_eq!(detail.body["title"], "Rotate the API signing keys");
    assert_eq!(detail.body["editable"], false);
}

#[tokio::test]
async fn a_planned_release_is_edited_with_its_gates_following_its_environments() {
    let World { app, token } = world().await;
    let (first, _) = file(&app, &token, &["staging"]).await;
    let (second, _) = file(&app, &token, &["prod"]).await;
    let mut body = release("3.0.0");
    body["environments"] = json!(["staging"]);
    body["changes"] = json!([first]);
    let created = post(&app, &token, "/api/v1/releases", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/releases/{id}");

    // A new title, dev instead of staging, the second change instead of
    // the first.
    body["title"] = json!("API 3.0.0: bulk export");
    body["environments"] = json!(["dev", "prod"]);
    body["changes"] = json!([second]);
    let answer = put(&app, &token, &path, &body).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["summary"]["title"], "API 3.0.0: bulk export");
    let shipped: Vec<i64> = answer.body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .collect();
    assert_eq!(shipped, vec![second]);
    let gates: Vec<&str> = answer.body["plan"]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["environment"].as_str().unwrap())
        .collect();
    assert!(
        gates.contains(&"dev"),
        "dev got its default gates: {gates:?}"
    );
    assert!(
        !gates.contains(&"staging"),
        "staging's gates went with it: {gates:?}"
    );
    let edit = answer.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "edit")
        .expect("the edit is on the timeline");
    assert_eq!(
        edit["note"],
        "Changed: title, environments, change requests"
    );
    assert_eq!(app.audit_count("release.update", Some(&id)).await, 1);

    // The version names the release: changing it is refused.
    let mut renamed = body.clone();
    renamed["version"] = json!("3.0.1");
    let refused = put(&app, &token, &path, &renamed).await;
    assert_error(&refused, 422, "validation");
    assert!(refused.body["error"]["fields"]["version"].is_string());

    // An unknown change request is a field error and changes nothing.
    let mut unknown = body.clone();
    unknown["changes"] = json!([999_999]);
    let refused = put(&app, &token, &path, &unknown).await;
    assert_error(&refused, 422, "validation");
    assert!(refused.body["error"]["fields"]["changes"].is_string());
    assert_eq!(app.audit_count("release.update", Some(&id)).await, 1);

    // Approved, it is no longer edited.
    sqlx::query("update release set status = 'approved' where id = $1::uuid")
        .bind(&id)
        .execute(&app.pool)
        .await
        .unwrap();
    let answer = put(&app, &token, &path, &body).await;
    assert_error(&answer, 409, "conflict");
    assert_eq!(get(&app, &token, &path).await.body["editable"], false);
}

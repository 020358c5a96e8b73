//! Releases, their plans and the service and environment catalogue, through
//! the server functions over HTTP as different people, against a real
//! database.

use crate::support::{field_errors, outcome, Person, TestApp};
use app::error::AppError;
use app::server_fns::catalog::{
    EnvironmentSpecs, EnvironmentTriggerDefaults, ListServices, SaveEnvironment,
    SaveEnvironmentTriggers, SaveService,
};
use app::server_fns::change_requests::CreateChangeRequest;
use app::server_fns::releases::{
    CreateRelease, GetRelease, ListReleases, ReleaseAction as ReleaseActionFn, SaveReleasePlan,
};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use uuid::Uuid;

async fn save_service(app: &TestApp, who: &Person, key: &str) -> Result<Uuid, AppError> {
    outcome(
        app.server_fn_json(
            &who.client,
            SaveService::PATH,
            &json!({ "id": null, "input": { "key": key, "name": format!("The {key} service"), "description": "" } }),
        )
        .await,
    )
    .await
}

fn release_input(service: &str, version: &str, environments: &[&str], changes: &[i64]) -> Value {
    json!({
        "service": service,
        "version": version,
        "release_type": "minor",
        "title": format!("{service} {version}"),
        "description": "Quarterly feature release",
        "environments": environments,
        "planned_at": "2026-12-10T09:00",
        "changes": changes,
    })
}

async fn create_release(app: &TestApp, who: &Person, input: Value) -> Result<Uuid, AppError> {
    outcome(
        app.server_fn_json(&who.client, CreateRelease::PATH, &json!({ "input": input }))
            .await,
    )
    .await
}

async fn get_release(app: &TestApp, who: &Person, id: Uuid) -> Value {
    outcome(
        app.server_fn(&who.client, GetRelease::PATH, &[("id", &id.to_string())])
            .await,
    )
    .await
    .expect("reading a release")
}

async fn save_plan(app: &TestApp, who: &Person, id: Uuid, plan: Value) -> Result<(), AppError> {
    outcome(
        app.server_fn_json(
            &who.client,
            SaveReleasePlan::PATH,
            &json!({ "id": id, "plan": plan }),
        )
        .await,
    )
    .await
}

async fn act(
    app: &TestApp,
    who: &Person,
    id: Uuid,
    action: &str,
    note: &str,
) -> Result<String, AppError> {
    outcome(
        app.server_fn(
            &who.client,
            ReleaseActionFn::PATH,
            &[("id", &id.to_string()), ("action", action), ("note", note)],
        )
        .await,
    )
    .await
}

async fn file_change(app: &TestApp, who: &Person) -> i64 {
    outcome(
        app.server_fn_json(
            &who.client,
            CreateChangeRequest::PATH,
            &json!({ "input": {
                "title": "Add invoice export",
                "description": "CSV export of invoices",
                "change_type": "enhancement",
                "priority": "medium",
                "impact": "low",
                "risk": "low",
                "class": "normal",
                "environments": ["staging", "prod"],
                "services": ["api"],
                "planned_start": "2026-12-10T09:00",
                "duration_minutes": "30",
                "maintenance": false,
                "implementation_plan": "Deploy",
                "rollback_plan": "Redeploy the previous version",
                "testing_plan": "Smoke tests"
            }}),
        )
        .await,
    )
    .await
    .expect("filing a change request")
}

/// An admin and an engineer, with the `api` service in place.
struct World {
    app: TestApp,
    admin: Person,
    engineer: Person,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    let engineer = app.person("erin@example.com", &["engineer"]).await;
    save_service(&app, &admin, "api").await.unwrap();
    World {
        app,
        admin,
        engineer,
    }
}

fn a_full_plan() -> Value {
    json!({
        "prerequisites": [{
            "kind": "database",
            "description": "Add the invoices.exported_at column",
            "status": "completed",
            "owner": "DBA team",
            "deadline": "2026-12-09T18:00"
        }, {
            "kind": "third_party",
            "description": "Payment provider sandbox ready",
            "status": "",
            "owner": "",
            "deadline": ""
        }],
        "risk": {
            "impact": "high",
            "likelihood": "medium",
            "mitigations": "- Canary on 5% of traffic\n\n* Feature flag off by default",
            "contingencies": "Roll back to 2.0.9"
        },
        "rollback_steps": [{
            "description": "Redeploy 2.0.9",
            "command": "deploy api 2.0.9",
            "verification": "Health checks green for 5 minutes",
            "timeout_minutes": "15",
            "on_failure": "manual_intervention"
        }],
        "communication": [{
            "audience": "Customers",
            "channel": "Status page",
            "timing": "One day before",
            "message": "Short maintenance window"
        }],
        "gates": [{
            "environment": "staging",
            "name": "Smoke",
            "suites": "smoke, api-tests, smoke",
            "required": true,
            "timeout_minutes": "15",
            "on_failure": "block"
        }, {
            "environment": "PROD",
            "name": "Canary",
            "suites": "",
            "required": false,
            "timeout_minutes": "30",
            "on_failure": "warn"
        }]
    })
}

// ---------------------------------------------------------------- services

#[tokio::test]
async fn only_admins_create_services_and_keys_are_unique() {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    let engineer = app
        .person("erin@example.com", &["engineer", "release_manager"])
        .await;

    let created = save_service(&app, &admin, "api").await.unwrap();
    let refused = save_service(&app, &engineer, "web").await;
    let duplicate = save_service(&app, &admin, "API").await;

    assert!(
        matches!(refused, Err(AppError::NotPermitted(_))),
        "{refused:?}"
    );
    assert_eq!(refused.unwrap_err().status(), 403);
    let fields = field_errors(duplicate.clone());
    assert_eq!(duplicate.unwrap_err().status(), 422);
    assert_eq!(
        fields.get("key").map(String::as_str),
        Some("There is already a service \"api\".")
    );
    let services: Value = outcome(
        app.server_fn(&engineer.client, ListServices::PATH, &[])
            .await,
    )
    .await
    .unwrap();
    assert_eq!(services.as_array().unwrap().len(), 1, "{services}");
    assert_eq!(services[0]["id"], created.to_string());
    assert_eq!(services[0]["key"], "api");
    assert_eq!(services[0]["release_count"], 0);
    assert_eq!(
        app.audit_count("service.create", Some(&created.to_string()))
            .await,
        1
    );
    assert_eq!(app.audit_count("service.create", None).await, 1);
    let (actor, _, before, after) = app.last_audit("service.create").await;
    assert_eq!(actor, Some(admin.user.id));
    assert_eq!(before, None);
    assert_eq!(after.unwrap()["name"], "The api service");
}

#[tokio::test]
async fn a_malformed_service_key_is_a_field_error() {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;

    let refused = save_service(&app, &admin, "9 lives").await;

    assert!(field_errors(refused).contains_key("key"));
    assert_eq!(app.audit_count("service.create", None).await, 0);
}

// ---------------------------------------------------------------- filing

#[tokio::test]
async fn an_engineer_files_a_release_and_gets_its_id() {
    let World { app, engineer, .. } = world().await;

    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["staging", "prod"], &[]),
    )
    .await
    .unwrap();

    let release = get_release(&app, &engineer, id).await;
    assert_eq!(release["summary"]["id"], id.to_string());
    assert_eq!(release["summary"]["service"], "api");
    assert_eq!(release["summary"]["version"], "2.1.0");
    assert_eq!(release["summary"]["status"], "planned");
    assert_eq!(release["summary"]["release_type"], "minor");
    assert_eq!(
        release["summary"]["environments"],
        json!(["prod", "staging"])
    );
    assert_eq!(release["summary"]["planned_at"], "2026-12-10T09:00:00Z");
    assert_eq!(release["description"], "Quarterly feature release");
    assert_eq!(release["created_by"], "Test Person");
    assert_eq!(release["can_edit_plan"], true);
    assert_eq!(release["events"][0]["action"], "create");
    assert_eq!(release["events"][0]["to_status"], "planned");
    assert_eq!(
        app.audit_count("release.create", Some(&id.to_string()))
            .await,
        1
    );
    let (actor, entity, _, after) = app.last_audit("release.create").await;
    assert_eq!(actor, Some(engineer.user.id));
    assert_eq!(entity, Some(id.to_string()));
    let after = after.unwrap();
    assert_eq!(after["service"], "api");
    assert_eq!(after["version"], "2.1.0");
}

#[tokio::test]
async fn a_bad_version_is_a_field_error_not_a_server_error() {
    let World { app, engineer, .. } = world().await;

    let short = create_release(&app, &engineer, release_input("api", "2.1", &["prod"], &[])).await;
    let prefixed = create_release(
        &app,
        &engineer,
        release_input("api", "v2.1.0", &["prod"], &[]),
    )
    .await;

    assert_eq!(short.clone().unwrap_err().status(), 422);
    let fields = field_errors(short);
    assert!(
        fields["version"].contains("not a semantic version"),
        "{fields:?}"
    );
    assert_eq!(fields.len(), 1, "only the version is wrong: {fields:?}");
    assert!(field_errors(prefixed)["version"].contains("without the \"v\""));
    let stored: i64 = sqlx::query_scalar("select count(*) from release")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn a_version_is_unique_per_service_but_free_across_services() {
    let World {
        app,
        admin,
        engineer,
    } = world().await;
    save_service(&app, &admin, "web").await.unwrap();
    create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["prod"], &[]),
    )
    .await
    .unwrap();

    let again = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["dev"], &[]),
    )
    .await;
    let other_service = create_release(
        &app,
        &engineer,
        release_input("web", "2.1.0", &["prod"], &[]),
    )
    .await;

    assert_eq!(again.clone().unwrap_err().status(), 422);
    assert_eq!(
        field_errors(again).get("version").map(String::as_str),
        Some("api already has a release 2.1.0.")
    );
    assert!(other_service.is_ok(), "{other_service:?}");
    assert_eq!(app.audit_count("release.create", None).await, 2);
}

#[tokio::test]
async fn unknown_services_environments_and_change_requests_are_field_errors() {
    let World { app, engineer, .. } = world().await;
    let known = file_change(&app, &engineer).await;

    let service = create_release(
        &app,
        &engineer,
        release_input("billing", "1.0.0", &["prod"], &[]),
    )
    .await;
    let environment = create_release(
        &app,
        &engineer,
        release_input("api", "1.0.0", &["moon"], &[]),
    )
    .await;
    let change = create_release(
        &app,
        &engineer,
        release_input("api", "1.0.0", &["prod"], &[known, 9999]),
    )
    .await;

    assert_eq!(
        field_errors(service).get("service").map(String::as_str),
        Some("There is no service \"billing\".")
    );
    assert!(field_errors(environment)["environments"].contains("moon"));
    let changes = field_errors(change);
    assert_eq!(
        changes.get("changes").map(String::as_str),
        Some("No such change request: CR-9999."),
        "{changes:?}"
    );
    assert_eq!(app.audit_count("release.create", None).await, 0);
}

#[tokio::test]
async fn viewers_cannot_file_releases() {
    let World { app, .. } = world().await;
    let viewer = app
        .person("view@example.com", &["viewer", "approver"])
        .await;

    let refused =
        create_release(&app, &viewer, release_input("api", "1.0.0", &["prod"], &[])).await;

    assert!(
        matches!(refused, Err(AppError::NotPermitted(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_release_lists_the_change_requests_it_ships() {
    let World { app, engineer, .. } = world().await;
    let first = file_change(&app, &engineer).await;
    let second = file_change(&app, &engineer).await;

    let id = create_release(
        &app,
        &engineer,
        release_input("api", "3.0.0", &["prod"], &[second, first, second]),
    )
    .await
    .unwrap();

    let release = get_release(&app, &engineer, id).await;
    assert_eq!(release["summary"]["change_count"], 2);
    let mut numbers: Vec<i64> = release["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, vec![first, second]);
}

// ---------------------------------------------------------------- plans

#[tokio::test]
async fn a_release_to_staging_and_prod_starts_with_the_staging_gates() {
    let World { app, engineer, .. } = world().await;

    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["prod", "staging"], &[]),
    )
    .await
    .unwrap();
    let dev_only = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.1", &["dev"], &[]),
    )
    .await
    .unwrap();

    let gates = get_release(&app, &engineer, id).await["plan"]["gates"].clone();
    assert_eq!(
        gates,
        json!([
            {"environment": "staging", "name": "Integration Tests", "suites": ["api-tests", "database-tests"],
             "required": true, "timeout_minutes": 20, "on_failure": "block"},
            {"environment": "staging", "name": "E2E Tests", "suites": ["user-journey-tests", "critical-path-tests"],
             "required": true, "timeout_minutes": 30, "on_failure": "warn"},
            {"environment": "staging", "name": "Performance Tests", "suites": ["load-tests", "stress-tests"],
             "required": false, "timeout_minutes": 60, "on_failure": "warn"},
        ])
    );
    let dev_gates = get_release(&app, &engineer, dev_only).await["plan"]["gates"].clone();
    assert_eq!(dev_gates.as_array().unwrap().len(), 1, "{dev_gates}");
    assert_eq!(dev_gates[0]["name"], "Unit Tests");
    assert_eq!(dev_gates[0]["environment"], "dev");
}

#[tokio::test]
async fn a_saved_plan_comes_back_as_it_was_saved() {
    let World { app, engineer, .. } = world().await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["staging", "prod"], &[]),
    )
    .await
    .unwrap();

    save_plan(&app, &engineer, id, a_full_plan()).await.unwrap();

    let release = get_release(&app, &engineer, id).await;
    let plan = &release["plan"];
    assert_eq!(
        plan["prerequisites"],
        json!([
            {"kind": "database", "description": "Add the invoices.exported_at column", "status": "completed",
             "owner": "DBA team", "deadline": "2026-12-09T18:00:00Z"},
            {"kind": "third_party", "description": "Payment provider sandbox ready", "status": "pending",
             "owner": "", "deadline": null},
        ])
    );
    assert_eq!(
        plan["risk"],
        json!({"impact": "high", "likelihood": "medium",
               "mitigations": ["Canary on 5% of traffic", "Feature flag off by default"],
               "contingencies": ["Roll back to 2.0.9"]})
    );
    assert_eq!(
        plan["rollback_steps"],
        json!([{"description": "Redeploy 2.0.9", "command": "deploy api 2.0.9",
                "verification": "Health checks green for 5 minutes", "timeout_minutes": 15,
                "on_failure": "manual_intervention"}])
    );
    assert_eq!(
        plan["communication"],
        json!([{"audience": "Customers", "channel": "Status page", "timing": "One day before",
                "message": "Short maintenance window"}])
    );
    assert_eq!(
        plan["gates"],
        json!([
            {"environment": "staging", "name": "Smoke", "suites": ["api-tests", "smoke"], "required": true,
             "timeout_minutes": 15, "on_failure": "block"},
            {"environment": "prod", "name": "Canary", "suites": [], "required": false,
             "timeout_minutes": 30, "on_failure": "warn"},
        ])
    );
    assert!(release["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "plan"));
    assert_eq!(
        app.audit_count("release.plan", Some(&id.to_string())).await,
        1
    );
    let (actor, _, before, after) = app.last_audit("release.plan").await;
    assert_eq!(actor, Some(engineer.user.id));
    assert_eq!(before.unwrap()["gates"].as_array().unwrap().len(), 3);
    assert_eq!(after.unwrap()["gates"][1]["name"], "Canary");

    // Saving again replaces the plan rather than adding to it.
    save_plan(&app, &engineer, id, json!({ "gates": [] }))
        .await
        .unwrap();
    let emptied = get_release(&app, &engineer, id).await;
    assert_eq!(
        emptied["plan"],
        json!({"prerequisites": [], "risk": null, "rollback_steps": [], "communication": [], "gates": []})
    );
}

#[tokio::test]
async fn invalid_plan_rows_are_named_by_their_position() {
    let World { app, engineer, .. } = world().await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["staging"], &[]),
    )
    .await
    .unwrap();
    let plan = json!({
        "prerequisites": [
            {"kind": "database", "description": "Fine"},
            {"kind": "database", "description": "   "},
            {"kind": "astrology", "description": "Stars aligned"},
        ],
        "risk": {"mitigations": "Canary first"},
        "rollback_steps": [{"description": "Redeploy", "verification": "Health", "timeout_minutes": "0", "on_failure": "stop"}],
        "communication": [{"audience": "", "channel": "Email", "timing": "Before"}],
        "gates": [
            {"environment": "staging", "name": "Smoke", "timeout_minutes": "10", "on_failure": "block"},
            {"environment": "staging", "name": "SMOKE", "timeout_minutes": "10", "on_failure": "block"},
        ]
    });

    let refused = save_plan(&app, &engineer, id, plan).await;

    assert_eq!(refused.clone().unwrap_err().status(), 422);
    let fields = field_errors(refused);
    let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![
            "communication.0.audience",
            "gates.1.name",
            "prerequisites.1.description",
            "prerequisites.2.kind",
            "risk.impact",
            "risk.likelihood",
            "rollback_steps.0.timeout_minutes",
        ],
        "{fields:?}"
    );
    // Nothing was written: the default gates are still there.
    let release = get_release(&app, &engineer, id).await;
    assert_eq!(release["plan"]["gates"].as_array().unwrap().len(), 3);
    assert_eq!(release["plan"]["prerequisites"], json!([]));
    assert_eq!(app.audit_count("release.plan", None).await, 0);
}

#[tokio::test]
async fn a_gate_for_an_environment_the_release_does_not_target_is_refused() {
    let World { app, engineer, .. } = world().await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["staging"], &[]),
    )
    .await
    .unwrap();

    let refused = save_plan(
        &app,
        &engineer,
        id,
        json!({ "gates": [{"environment": "prod", "name": "Canary", "timeout_minutes": "30", "on_failure": "warn"}] }),
    )
    .await;

    assert_eq!(
        field_errors(refused)
            .get("gates.0.environment")
            .map(String::as_str),
        Some("Choose one of the release's target environments.")
    );
}

#[tokio::test]
async fn viewers_cannot_write_plans_and_unknown_releases_are_not_found() {
    let World { app, engineer, .. } = world().await;
    let viewer = app.person("view@example.com", &["viewer"]).await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["staging"], &[]),
    )
    .await
    .unwrap();

    let refused = save_plan(&app, &viewer, id, json!({})).await;
    let unknown = save_plan(&app, &engineer, Uuid::new_v4(), json!({})).await;
    let missing: Result<Value, AppError> = outcome(
        app.server_fn(
            &engineer.client,
            GetRelease::PATH,
            &[("id", &Uuid::new_v4().to_string())],
        )
        .await,
    )
    .await;

    assert_eq!(refused, Err(AppError::Forbidden));
    assert_eq!(unknown, Err(AppError::NotFound));
    assert_eq!(missing, Err(AppError::NotFound));
    assert_eq!(get_release(&app, &viewer, id).await["can_edit_plan"], false);
}

// ---------------------------------------------------------------- the machine

#[tokio::test]
async fn an_approver_approves_a_planned_release() {
    let World { app, engineer, .. } = world().await;
    let approver = app.person("paul@example.com", &["approver"]).await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["prod"], &[]),
    )
    .await
    .unwrap();
    assert_eq!(
        get_release(&app, &approver, id).await["allowed_actions"],
        json!(["approve"])
    );

    let approved = act(&app, &approver, id, "approve", "Looks good").await;

    assert_eq!(approved, Ok("approved".to_string()));
    let release = get_release(&app, &approver, id).await;
    assert_eq!(release["summary"]["status"], "approved");
    assert_eq!(release["approvers"], json!(["Test Person"]));
    let last = release["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "approve");
    assert_eq!(last["from_status"], "planned");
    assert_eq!(last["to_status"], "approved");
    assert_eq!(last["note"], "Looks good");
    assert_eq!(
        app.audit_count("release.approve", Some(&id.to_string()))
            .await,
        1
    );
    let (actor, _, before, after) = app.last_audit("release.approve").await;
    assert_eq!(actor, Some(approver.user.id));
    assert_eq!(before.unwrap()["status"], "planned");
    assert_eq!(after.unwrap()["status"], "approved");
}

#[tokio::test]
async fn nobody_approves_their_own_release() {
    let World { app, .. } = world().await;
    let both = app
        .person("both@example.com", &["engineer", "approver"])
        .await;
    let id = create_release(&app, &both, release_input("api", "2.1.0", &["prod"], &[]))
        .await
        .unwrap();
    assert_eq!(
        get_release(&app, &both, id).await["allowed_actions"],
        json!([])
    );

    let refused = act(&app, &both, id, "approve", "").await;

    assert_eq!(
        refused,
        Err(AppError::NotPermitted(
            "Nobody approves their own release.".into()
        ))
    );
    assert_eq!(refused.unwrap_err().status(), 403);
    assert_eq!(
        get_release(&app, &both, id).await["summary"]["status"],
        "planned"
    );
    assert_eq!(app.audit_count("release.approve", None).await, 0);
}

#[tokio::test]
async fn engineers_cannot_approve_releases() {
    let World { app, engineer, .. } = world().await;
    let colleague = app.person("rev@example.com", &["engineer"]).await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["prod"], &[]),
    )
    .await
    .unwrap();

    let refused = act(&app, &colleague, id, "approve", "").await;

    assert_eq!(
        refused,
        Err(AppError::NotPermitted(
            "Only approvers approve releases.".into()
        ))
    );
    assert_eq!(refused.unwrap_err().status(), 403);
}

#[tokio::test]
async fn a_transition_the_release_machine_does_not_allow_is_a_conflict() {
    let World { app, engineer, .. } = world().await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["prod"], &[]),
    )
    .await
    .unwrap();

    let refused = act(&app, &manager, id, "mark_deployed", "").await;
    let unknown = act(&app, &manager, id, "ship_it", "").await;
    let missing = act(&app, &manager, Uuid::new_v4(), "start_deploying", "").await;

    assert_eq!(
        refused,
        Err(AppError::Conflict(
            "A planned release cannot become deployed.".into()
        ))
    );
    assert_eq!(refused.unwrap_err().status(), 409);
    assert_eq!(
        field_errors(unknown).get("action").map(String::as_str),
        Some("\"ship_it\" is not a release action.")
    );
    assert_eq!(missing, Err(AppError::NotFound));
    assert_eq!(
        get_release(&app, &manager, id).await["summary"]["status"],
        "planned"
    );
}

#[tokio::test]
async fn a_release_manager_deploys_an_approved_release_and_the_plan_is_then_frozen() {
    let World { app, engineer, .. } = world().await;
    let approver = app.person("paul@example.com", &["approver"]).await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["staging", "prod"], &[]),
    )
    .await
    .unwrap();
    act(&app, &approver, id, "approve", "").await.unwrap();
    // An approved plan can still be refined.
    save_plan(&app, &engineer, id, a_full_plan()).await.unwrap();
    let engineer_tries = act(&app, &engineer, id, "start_deploying", "").await;
    assert!(
        matches!(engineer_tries, Err(AppError::NotPermitted(_))),
        "{engineer_tries:?}"
    );

    assert_eq!(
        act(&app, &manager, id, "start_deploying", "").await,
        Ok("deploying".into())
    );
    let frozen = save_plan(&app, &engineer, id, json!({})).await;
    assert_eq!(
        act(&app, &manager, id, "mark_deployed", "All green").await,
        Ok("deployed".into())
    );

    assert_eq!(
        frozen,
        Err(AppError::Conflict(
            "The plan of a deploying release can no longer change.".into()
        ))
    );
    assert_eq!(frozen.unwrap_err().status(), 409);
    let release = get_release(&app, &engineer, id).await;
    assert_eq!(release["summary"]["status"], "deployed");
    assert_eq!(release["can_edit_plan"], false);
    assert_eq!(release["allowed_actions"], json!([]));
    assert_eq!(
        release["plan"]["gates"][0]["name"], "Smoke",
        "the agreed plan is kept"
    );
    let actions: Vec<&str> = release["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "create",
            "approve",
            "plan",
            "start_deploying",
            "mark_deployed"
        ]
    );
    assert_eq!(app.audit_count("release.start_deploying", None).await, 1);
    assert_eq!(app.audit_count("release.mark_deployed", None).await, 1);
    let after_deploy = save_plan(&app, &engineer, id, json!({})).await;
    assert!(matches!(after_deploy, Err(AppError::Conflict(_))));
}

// ---------------------------------------------------------------- the list

#[tokio::test]
async fn the_release_list_filters_by_service_and_status() {
    let World {
        app,
        admin,
        engineer,
    } = world().await;
    save_service(&app, &admin, "web").await.unwrap();
    let approver = app.person("paul@example.com", &["approver"]).await;
    let api = create_release(
        &app,
        &engineer,
        release_input("api", "1.0.0", &["prod"], &[]),
    )
    .await
    .unwrap();
    create_release(
        &app,
        &engineer,
        release_input("web", "1.0.0", &["prod"], &[]),
    )
    .await
    .unwrap();
    act(&app, &approver, api, "approve", "").await.unwrap();

    let list = |status: &'static str, service: &'static str| {
        let app = &app;
        let client = engineer.client.clone();
        async move {
            let page: Value = outcome(
                app.server_fn(
                    &client,
                    ListReleases::PATH,
                    &[
                        ("status", status),
                        ("service", service),
                        ("search", ""),
                        ("sort", ""),
                        ("page", "1"),
                    ],
                )
                .await,
            )
            .await
            .unwrap();
            page
        }
    };

    assert_eq!(list("", "").await["total"], 2);
    let approved = list("approved", "").await;
    assert_eq!(approved["total"], 1);
    assert_eq!(approved["items"][0]["id"], api.to_string());
    let web = list("", "web").await;
    assert_eq!(web["total"], 1);
    assert_eq!(web["items"][0]["service"], "web");
    let bad = outcome::<Value>(
        app.server_fn(
            &engineer.client,
            ListReleases::PATH,
            &[
                ("status", "shipped"),
                ("service", ""),
                ("search", ""),
                ("sort", ""),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await;
    assert!(field_errors(bad).contains_key("status"));
}

/// Semver precedence (the domain's `Version` ordering): a pre-release comes
/// before its release, and build metadata does not count.
#[tokio::test]
async fn sorting_by_version_follows_semver_precedence() {
    let World { app, engineer, .. } = world().await;
    // Filed oldest first, so "most recently changed" would give the reverse.
    for version in ["1.9.0", "2.0.0", "1.10.0", "2.0.0-rc.1"] {
        create_release(
            &app,
            &engineer,
            release_input("api", version, &["prod"], &[]),
        )
        .await
        .unwrap();
    }

    let page: Value = outcome(
        app.server_fn(
            &engineer.client,
            ListReleases::PATH,
            &[
                ("status", ""),
                ("service", "api"),
                ("search", ""),
                ("sort", "version"),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await
    .unwrap();

    let versions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, vec!["2.0.0", "2.0.0-rc.1", "1.10.0", "1.9.0"]);
}

// ---------------------------------------------------------------- environments

async fn staging_spec(app: &TestApp, who: &Person) -> Value {
    let specs: Value = outcome(
        app.server_fn(&who.client, EnvironmentSpecs::PATH, &[])
            .await,
    )
    .await
    .unwrap();
    specs
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "staging")
        .cloned()
        .expect("the seeded staging environment")
}

fn staging_input(required_approvals: &str, protected: bool) -> Value {
    json!({
        "key": "staging",
        "name": "Staging",
        "purpose": "Pre-production validation and load tests",
        "infrastructure": "- VPS: 4 vCPUs, 8GB RAM\n- Database: staging instance",
        "data_source": "Production-like data (anonymized)",
        "data_retention": "90 days",
        "data_backup": "Hourly snapshots",
        "access": "QA: full testing access",
        "promotion_order": "2",
        "protected": protected,
        "required_approvals": required_approvals,
    })
}

#[tokio::test]
async fn admins_update_environments_and_the_change_is_audited() {
    let World {
        app,
        admin,
        engineer,
    } = world().await;
    assert_eq!(staging_spec(&app, &admin).await["required_approvals"], 1);

    let refused: Result<(), AppError> = outcome(
        app.server_fn_json(
            &engineer.client,
            SaveEnvironment::PATH,
            &json!({ "original": "staging", "input": staging_input("2", true) }),
        )
        .await,
    )
    .await;
    let saved: Result<(), AppError> = outcome(
        app.server_fn_json(
            &admin.client,
            SaveEnvironment::PATH,
            &json!({ "original": "staging", "input": staging_input("2", true) }),
        )
        .await,
    )
    .await;

    assert!(
        matches!(refused, Err(AppError::NotPermitted(_))),
        "{refused:?}"
    );
    assert_eq!(saved, Ok(()));
    let spec = staging_spec(&app, &engineer).await;
    assert_eq!(spec["required_approvals"], 2);
    assert_eq!(spec["purpose"], "Pre-production validation and load tests");
    assert_eq!(
        spec["infrastructure"],
        json!(["VPS: 4 vCPUs, 8GB RAM", "Database: staging instance"])
    );
    assert_eq!(spec["access"], json!(["QA: full testing access"]));
    assert_eq!(
        app.audit_count("environment.update", Some("staging")).await,
        1
    );
    let (actor, _, before, after) = app.last_audit("environment.update").await;
    assert_eq!(actor, Some(admin.user.id));
    assert_eq!(before.unwrap()["required_approvals"], 1);
    assert_eq!(after.unwrap()["required_approvals"], 2);
}

#[tokio::test]
async fn a_protected_environment_needs_at_least_one_approval() {
    let World { app, admin, .. } = world().await;

    let refused: Result<(), AppError> = outcome(
        app.server_fn_json(
            &admin.client,
            SaveEnvironment::PATH,
            &json!({ "original": "staging", "input": staging_input("0", true) }),
        )
        .await,
    )
    .await;
    let renamed: Result<(), AppError> = outcome(
        app.server_fn_json(
            &admin.client,
            SaveEnvironment::PATH,
            &json!({ "original": "staging", "input": { "key": "preprod", "name": "Pre-production", "required_approvals": "1" } }),
        )
        .await,
    )
    .await;

    assert_eq!(refused.clone().unwrap_err().status(), 422);
    assert_eq!(
        field_errors(refused)
            .get("required_approvals")
            .map(String::as_str),
        Some("A protected environment needs at least one approval.")
    );
    assert_eq!(
        field_errors(renamed).get("key").map(String::as_str),
        Some("An environment's key cannot change.")
    );
    let spec = staging_spec(&app, &admin).await;
    assert_eq!(spec["required_approvals"], 1);
    assert_eq!(spec["protected"], true);
    assert_eq!(app.audit_count("environment.update", None).await, 0);
}

// ------------------------------------------------- rollback-trigger defaults

async fn trigger_defaults(app: &TestApp, who: &Person, environment: &str) -> Value {
    let all: Value = outcome(
        app.server_fn(&who.client, EnvironmentTriggerDefaults::PATH, &[])
            .await,
    )
    .await
    .unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .find(|d| d["environment"] == environment)
        .cloned()
        .unwrap_or_else(|| panic!("no trigger defaults for {environment}: {all}"))
}

async fn save_triggers(
    app: &TestApp,
    who: &Person,
    environment: &str,
    triggers: Value,
) -> Result<(), AppError> {
    outcome(
        app.server_fn_json(
            &who.client,
            SaveEnvironmentTriggers::PATH,
            &json!({ "environment": environment, "triggers": triggers }),
        )
        .await,
    )
    .await
}

fn error_rate_trigger() -> Value {
    json!({
        "metric": "error_rate",
        "operator": ">=",
        "threshold": "0.05",
        "sustained_seconds": "120",
        "interval_seconds": "15",
        "action": "rollback",
        "cooldown_minutes": "10",
        "source": "auto",
        "query": ""
    })
}

#[tokio::test]
async fn an_administrator_replaces_the_rollback_triggers_an_environment_starts_with() {
    let World {
        app,
        admin,
        engineer,
    } = world().await;
    let seeded = trigger_defaults(&app, &engineer, "staging").await;
    let triggers = json!([
        error_rate_trigger(),
        {
            "metric": "latency_p95",
            "operator": ">",
            "threshold": "2",
            "sustained_seconds": "60",
            "interval_seconds": "10",
            "action": "alert",
            "cooldown_minutes": "5",
            "source": "prometheus",
            "query": "latency_p95{service=\"{service}\"}"
        }
    ]);

    let refused = save_triggers(&app, &engineer, "staging", triggers.clone()).await;
    let saved = save_triggers(&app, &admin, "staging", triggers).await;

    assert!(
        matches!(refused, Err(AppError::NotPermitted(_))),
        "{refused:?}"
    );
    assert_eq!(saved, Ok(()));
    assert_eq!(seeded["triggers"].as_array().unwrap().len(), 2, "{seeded}");
    let now = trigger_defaults(&app, &engineer, "staging").await;
    assert_eq!(now["standard"], false);
    assert_eq!(now["triggers"][0]["metric"], "error_rate");
    assert_eq!(now["triggers"][0]["operator"], ">=");
    assert_eq!(now["triggers"][0]["threshold"], 0.05);
    assert_eq!(now["triggers"][0]["sustained_seconds"], 120);
    assert_eq!(now["triggers"][1]["source"], "prometheus");
    // What a deployment to staging now starts with.
    let mut conn = app.pool.acquire().await.unwrap();
    let specs = app::services::deployments::environment_triggers(&mut conn, "staging")
        .await
        .unwrap();
    assert_eq!(specs.len(), 2);
    assert_eq!(specs[0].cooldown_minutes, 10);
    assert_eq!(specs[1].query, "latency_p95{service=\"{service}\"}");
    assert_eq!(
        app.audit_count("environment.triggers", Some("staging"))
            .await,
        1
    );
    let (actor, _, before, after) = app.last_audit("environment.triggers").await;
    assert_eq!(actor, Some(admin.user.id));
    assert_eq!(before.unwrap()["triggers"], seeded["triggers"]);
    assert_eq!(after.unwrap()["triggers"][1]["metric"], "latency_p95");
}

#[tokio::test]
async fn bad_rollback_trigger_defaults_are_named_by_their_row_and_nothing_is_saved() {
    let World { app, admin, .. } = world().await;
    let seeded = trigger_defaults(&app, &admin, "staging").await;

    let invalid = save_triggers(
        &app,
        &admin,
        "staging",
        json!([error_rate_trigger(), {
            "metric": "error rate",
            "operator": ">",
            "threshold": "lots",
            "interval_seconds": "0",
            "action": "rollback"
        }]),
    )
    .await;
    let none = save_triggers(&app, &admin, "staging", json!([])).await;
    let unknown = save_triggers(&app, &admin, "nowhere", json!([error_rate_trigger()])).await;

    assert_eq!(invalid.clone().unwrap_err().status(), 422);
    let fields = field_errors(invalid);
    let named: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(
        named,
        [
            "triggers.1.interval_seconds",
            "triggers.1.metric",
            "triggers.1.threshold"
        ]
    );
    assert!(field_errors(none).contains_key("triggers"));
    assert_eq!(unknown, Err(AppError::NotFound));
    assert_eq!(trigger_defaults(&app, &admin, "staging").await, seeded);
    assert_eq!(app.audit_count("environment.triggers", None).await, 0);
}

// ---------------------------------------------------------------- HTTP status

/// A refused server-function call answers with the HTTP status its error
/// stands for (403, 422, 409), as the JSON API does, so that proxies, logs
/// and the `rookery_http_requests_total` metric do not count refusals as
/// server errors.
#[tokio::test]
async fn refused_server_function_calls_answer_with_the_errors_own_status_not_500() {
    let World { app, engineer, .. } = world().await;
    let manager = app.person("rm@example.com", &["release_manager"]).await;
    let id = create_release(
        &app,
        &engineer,
        release_input("api", "2.1.0", &["prod"], &[]),
    )
    .await
    .unwrap();

    let forbidden = app
        .server_fn_json(
            &engineer.client,
            SaveService::PATH,
            &json!({ "id": null, "input": { "key": "web", "name": "Web", "description": "" } }),
        )
        .await;
    let invalid = app
        .server_fn_json(
            &engineer.client,
            CreateRelease::PATH,
            &json!({ "input": release_input("api", "2.1", &["prod"], &[]) }),
        )
        .await;
    let conflict = app
        .server_fn(
            &manager.client,
            ReleaseActionFn::PATH,
            &[
                ("id", &id.to_string()),
                ("action", "mark_deployed"),
                ("note", ""),
            ],
        )
        .await;

    let mut problems = Vec::new();
    for (what, response, expected) in [
        ("SaveService by an engineer", forbidden, 403),
        ("CreateRelease with version 2.1", invalid, 422),
        ("mark_deployed on a planned release", conflict, 409),
    ] {
        let status = response.status().as_u16();
        let error: Result<Value, AppError> = outcome(response).await;
        let error = error.expect_err(what);
        assert_eq!(error.status(), expected, "{what}: {error:?}");
        if status != expected {
            problems.push(format!(
                "{what}: HTTP {status}, the error is {error:?} ({expected})"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Someone who may not do a thing is told so before their input is checked
/// (as the JSON API and `changes.rs::viewers_cannot_file_change_requests`
/// expect): a refusal must not depend on how well the form was filled in.
#[tokio::test]
async fn people_without_the_role_are_refused_before_their_input_is_checked() {
    let World { app, engineer, .. } = world().await;
    let viewer = app.person("view@example.com", &["viewer"]).await;

    let release: Result<Uuid, AppError> = outcome(
        app.server_fn_json(
            &viewer.client,
            CreateRelease::PATH,
            &json!({ "input": { "title": "x" } }),
        )
        .await,
    )
    .await;
    let service = save_service(&app, &engineer, "Not A Key").await;
    let environment: Result<(), AppError> = outcome(
        app.server_fn_json(
            &engineer.client,
            SaveEnvironment::PATH,
            &json!({ "original": "staging", "input": { "key": "staging" } }),
        )
        .await,
    )
    .await;

    let mut problems = Vec::new();
    for (what, outcome) in [
        ("CreateRelease by a viewer", release.map(|_| ())),
        ("SaveService by an engineer", service.map(|_| ())),
        ("SaveEnvironment by an engineer", environment),
    ] {
        if !matches!(
            outcome,
            Err(AppError::Forbidden | AppError::NotPermitted(_))
        ) {
            problems.push(format!("{what}: {outcome:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

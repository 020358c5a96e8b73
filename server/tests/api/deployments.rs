//! Deployments end to end against a real PostgreSQL: the JSON API starts
//! them (or refuses with every reason), a job runner with the real handlers
//! walks their steps against simulated, command and webhook targets, rollback
//! triggers read simulated or pushed metrics and roll back by themselves,
//! and people pause, resume, promote and abort.

use crate::support::deploy::{deployment, diagnostics, Deployment};
use crate::support::http::{get, post, put, Answer};
use crate::support::runner::engine;
use crate::support::wait::{eventually, PATIENCE};
use crate::support::{outcome, Person, TestApp};
use app::server_fns::catalog::SaveService;
use app::server_fns::deployments::{DeploymentOptions, GetDeployment};
use app::server_fns::releases::ReleaseAction;
use hmac::{Hmac, Mac};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------- HTTP

/// The `reasons` of a 409 refusal; panics on anything else.
fn refusal_reasons(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, 409, "expected a refusal: {:?}", answer.body);
    assert_eq!(answer.body["error"]["code"], "refused", "{:?}", answer.body);
    answer.body["error"]["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("a refusal without reasons: {:?}", answer.body))
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

fn has_reason(reasons: &[String], needle: &str) -> bool {
    reasons.iter().any(|r| r.contains(needle))
}

// ---------------------------------------------------------------- the world

/// An app with the `api` service and the people who plan, approve and
/// deploy.
struct World {
    app: TestApp,
    /// engineer: files change requests and releases, reports gates
    eng: String,
    /// engineer + release manager: reviews change requests, deploys anywhere
    rm: String,
    rm_id: Uuid,
    /// approves change requests (token) and releases (session)
    approver: Person,
    approver_token: String,
    service_id: Uuid,
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
    let service_id = saved.expect("creating the api service");
    let eng_user = app.create_user("erin@example.com", &["engineer"]).await;
    let rm_user = app
        .create_user("rob@example.com", &["engineer", "release_manager"])
        .await;
    let approver = app.person("paul@example.com", &["approver"]).await;
    let approver_token = app.api_token(approver.user.id).await;
    World {
        eng: app.api_token(eng_user.id).await,
        rm: app.api_token(rm_user.id).await,
        rm_id: rm_user.id,
        approver,
        approver_token,
        service_id,
        app,
    }
}

impl World {
    /// Files a change request for `environments` and takes it to approved.
    async fn approved_cr(&self, environments: &[&str], class: &str) -> (i64, Uuid) {
        let app = &self.app;
        let filed = post(
            app,
            &self.eng,
            "/api/v1/change-requests",
            &json!({
                "title": "Ship the invoice export",
                "description": "CSV export of invoices",
                "change_type": "enhancement",
                "priority": "high",
                "impact": "medium",
                "risk": "medium",
                "class": class,
                "environments": environments,
                "services": ["api"],
                "planned_start": "2026-12-01T09:00",
                "duration_minutes": "45",
                "maintenance": false,
                "implementation_plan": "Deploy",
                "rollback_plan": "Redeploy the previous version",
                "testing_plan": "Smoke tests"
            }),
        )
        .await;
        assert_eq!(
            filed.status, 201,
            "filing a change request: {:?}",
            filed.body
        );
        let number = filed.body["number"].as_i64().unwrap();
        let id: Uuid = filed.body["id"].as_str().unwrap().parse().unwrap();
        for (token, action) in [
            (&self.eng, "submit"),
            (&self.rm, "review"),
            (&self.approver_token, "approve"),
        ] {
            let moved = post(
                app,
                token,
                &format!("/api/v1/change-requests/{number}/transitions"),
                &json!({ "action": action, "note": "" }),
            )
            .await;
            assert_eq!(moved.status, 200, "CR {action}: {:?}", moved.body);
        }
        assert_eq!(self.cr_status(number).await, "approved");
        (number, id)
    }

    async fn cr_status(&self, number: i64) -> String {
        sqlx::query_scalar("select status::text from change_request where number = $1")
            .bind(number)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    /// A planned release of `api` (not approved yet).
    async fn planned_release(&self, version: &str, environments: &[&str], changes: &[i64]) -> Uuid {
        let created = post(
            &self.app,
            &self.eng,
            "/api/v1/releases",
            &json!({
                "service": "api",
                "version": version,
                "release_type": "minor",
                "title": format!("API {version}"),
                "description": "",
                "environments": environments,
                "planned_at": "2026-12-10T09:00",
                "changes": changes,
            }),
        )
        .await;
        assert_eq!(
            created.status, 201,
            "creating a release: {:?}",
            created.body
        );
        created.body["id"]
            .as_str()
            .or_else(|| created.body.as_str())
            .unwrap_or_else(|| panic!("no release id in {:?}", created.body))
            .parse()
            .unwrap()
    }

    async fn approve_release(&self, release: Uuid) {
        let approved: Result<String, app::error::AppError> = outcome(
            self.app
                .server_fn(
                    &self.approver.client,
                    ReleaseAction::PATH,
                    &[
                        ("id", &release.to_string()),
                        ("action", "approve"),
                        ("note", ""),
                    ],
                )
                .await,
        )
        .await;
        assert_eq!(approved, Ok("approved".to_string()));
    }

    async fn report_gate(&self, release: Uuid, environment: &str, name: &str, status: &str) {
        let reported = post(
            &self.app,
            &self.eng,
            &format!("/api/v1/releases/{release}/gates"),
            &json!({ "environment": environment, "name": name, "status": status }),
        )
        .await;
        assert_eq!(
            reported.status, 201,
            "reporting {name}: {:?}",
            reported.body
        );
    }

    /// Reports the seed's default gates for `environments` passed.
    async fn pass_gates(&self, release: Uuid, environments: &[&str]) {
        for env in environments {
            let names: &[&str] = match *env {
                "dev" => &["Unit Tests"],
                "staging" => &["Integration Tests", "E2E Tests", "Performance Tests"],
                _ => &[],
            };
            for name in names {
                self.report_gate(release, env, name, "passed").await;
            }
        }
    }

    /// An approved release to `environments` with every gate passed.
    async fn ready_release(&self, version: &str, environments: &[&str], changes: &[i64]) -> Uuid {
        let release = self.planned_release(version, environments, changes).await;
        self.approve_release(release).await;
        self.pass_gates(release, environments).await;
        release
    }

    async fn release_status(&self, release: Uuid) -> String {
        sqlx::query_scalar("select status from release where id = $1")
            .bind(release)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    async fn simulated_target(&self, environment: &str) -> Uuid {
        let id = Uuid::new_v4();
        sqlx::query(
            "insert into deploy_target (id, service_id, environment, kind) values ($1, $2, $3, 'simulated')",
        )
        .bind(id)
        .bind(self.service_id)
        .bind(environment)
        .execute(&self.app.pool)
        .await
        .unwrap();
        id
    }

    async fn command_target(&self, environment: &str, program: &str, args: &[String]) -> Uuid {
        let id = Uuid::new_v4();
        sqlx::query(
            "insert into deploy_target (id, service_id, environment, kind, program, args, timeout_seconds)
             values ($1, $2, $3, 'command', $4, $5, 30)",
        )
        .bind(id)
        .bind(self.service_id)
        .bind(environment)
        .bind(program)
        .bind(args)
        .execute(&self.app.pool)
        .await
        .unwrap();
        id
    }

    async fn webhook_target(&self, environment: &str, url: &str, secret: &str) -> Uuid {
        let id = Uuid::new_v4();
        sqlx::query(
            "insert into deploy_target (id, service_id, environment, kind, url, secret, timeout_seconds)
             values ($1, $2, $3, 'webhook', $4, $5, 10)",
        )
        .bind(id)
        .bind(self.service_id)
        .bind(environment)
        .bind(url)
        .bind(secret)
        .execute(&self.app.pool)
        .await
        .unwrap();
        id
    }

    /// Starts a deployment as the release manager; panics unless 201.
    async fn deploy(&self, body: Value) -> Uuid {
        let started = post(&self.app, &self.rm, "/api/v1/deployments", &body).await;
        assert_eq!(
            started.status, 201,
            "starting a deployment: {:?}",
            started.body
        );
        let id: Uuid = started.body["summary"]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            started.location.as_deref(),
            Some(format!("/api/v1/deployments/{id}").as_str())
        );
        id
    }

    async fn detail(&self, id: Uuid) -> Value {
        let answer = get(&self.app, &self.rm, &format!("/api/v1/deployments/{id}")).await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.body
    }

    async fn act(&self, id: Uuid, action: &str) -> Answer {
        post(
            &self.app,
            &self.rm,
            &format!("/api/v1/deployments/{id}/{action}"),
            &json!({}),
        )
        .await
    }

    async fn deployment(&self, id: Uuid) -> Deployment {
        deployment(&self.app.pool, id).await
    }

    /// Waits until the deployment is in `state`; on timeout the panic shows
    /// its log and jobs.
    async fn wait_for_state(&self, id: Uuid, state: &str) -> Deployment {
        let pool = &self.app.pool;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let d = deployment(pool, id).await;
            if d.state == state {
                return d;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "D-{} never became {state}; it is {} ({:?})\n{}",
                    d.number,
                    d.state,
                    d.reason,
                    diagnostics(pool, id).await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `condition` holds for the deployment.
    async fn wait_until(
        &self,
        id: Uuid,
        what: &str,
        condition: impl Fn(&Deployment) -> bool,
    ) -> Deployment {
        let pool = &self.app.pool;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let d = deployment(pool, id).await;
            if condition(&d) {
                return d;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "D-{}: timed out waiting until {what}; state {} step {} ({:?})\n{}",
                    d.number,
                    d.state,
                    d.current_step,
                    d.reason,
                    diagnostics(pool, id).await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn log_lines(&self, id: Uuid) -> Vec<(String, String)> {
        sqlx::query_as(
            "select stream, line from deployment_log where deployment_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&self.app.pool)
        .await
        .unwrap()
    }

    async fn notifications(&self, user: Uuid, kind: &str) -> Vec<(String, String)> {
        sqlx::query_as(
            "select title, body from notification where recipient_id = $1 and kind = $2 order by created_at",
        )
        .bind(user)
        .bind(kind)
        .fetch_all(&self.app.pool)
        .await
        .unwrap()
    }
}

// ---------------------------------------------------------------- bodies

fn trigger(metric: &str, threshold: f64, sustained: u32, source: &str) -> Value {
    json!({
        "metric": metric, "operator": ">", "threshold": threshold,
        "sustained_seconds": sustained, "interval_seconds": 1,
        "action": "rollback", "cooldown_minutes": 5, "source": source, "query": ""
    })
}

fn canary(release: Uuid, environment: &str, steps: Value, triggers: Value, bake: u32) -> Value {
    json!({
        "release": release,
        "environment": environment,
        "strategy": "canary",
        "params": { "canary_steps": steps },
        "triggers": triggers,
        "bake_seconds": bake,
    })
}

// ---------------------------------------------------------------- simulated fleet

#[tokio::test]
async fn a_healthy_canary_walks_every_step_and_succeeds() {
    let w = world().await;
    let target = w.simulated_target("dev").await;
    let (cr, _) = w.approved_cr(&["dev"], "normal").await;
    let release = w.ready_release("1.0.0", &["dev"], &[cr]).await;
    let engine = engine(&w.app.pool);

    let id = w
        .deploy(canary(
            release,
            "dev",
            json!([{ "weight": 25, "pause_seconds": 1 }, { "weight": 50, "pause_seconds": 1 }]),
            json!([trigger("error_rate", 0.1, 3, "auto")]),
            2,
        ))
        .await;
    assert_eq!(w.release_status(release).await, "deploying");
    assert_eq!(w.cr_status(cr).await, "implementing");

    let d = w.wait_for_state(id, "succeeded").await;
    assert_eq!(d.weight, 100);
    // canary: (deploy, health, pause) × 2, then deploy 100 and health
    assert_eq!(d.total_steps, 8);
    assert_eq!(d.current_step, 8);
    assert_eq!(d.previous_version, None);
    let steps: Vec<(i32, String, String, bool)> = sqlx::query_as(
        "select position, kind, status, finished_at is not null from deployment_step
         where deployment_id = $1 order by position",
    )
    .bind(id)
    .fetch_all(&w.app.pool)
    .await
    .unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "deploy",
            "health_check",
            "pause",
            "deploy",
            "health_check",
            "pause",
            "deploy",
            "health_check"
        ]
    );
    assert!(
        steps.iter().all(|s| s.2 == "done" && s.3),
        "every step done: {steps:?}"
    );
    let log = w.log_lines(id).await;
    for position in 1..=8 {
        let done = log
            .iter()
            .filter(|(_, line)| line.starts_with(&format!("Step {position} done")))
            .count();
        assert_eq!(
            done, 1,
            "step {position} recorded done {done} times: {log:?}"
        );
    }
    assert!(
        log.iter()
            .any(|(_, l)| l.contains("simulated fleet: api 1.0.0 → 25 %")),
        "{log:?}"
    );
    assert!(log
        .iter()
        .any(|(_, l)| l.contains("simulated fleet healthy")));

    assert_eq!(w.release_status(release).await, "deployed");
    assert_eq!(w.cr_status(cr).await, "validating");
    let change = get(&w.app, &w.rm, &format!("/api/v1/change-requests/{cr}")).await;
    let started = change.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "deployment" && e["to_status"] == "implementing")
        .unwrap_or_else(|| panic!("no deployment on the timeline: {:?}", change.body));
    assert_eq!(
        started["actor_label"], "Test Person",
        "the timeline names who deployed, not their email"
    );
    let live: Option<String> =
        sqlx::query_scalar("select live_version from deploy_target where id = $1")
            .bind(target)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!(live.as_deref(), Some("1.0.0"));
    assert_eq!(
        w.app
            .audit_count("deployment.start", Some(&id.to_string()))
            .await,
        1
    );
    assert_eq!(
        w.app
            .audit_count("deployment.succeeded", Some(&id.to_string()))
            .await,
        1
    );
    assert_eq!(w.app.audit_count("deployment.rolling_back", None).await, 0);
    assert_eq!(
        w.notifications(w.rm_id, "deployment_succeeded").await.len(),
        1
    );

    // The trigger was read while it ran, never breached, and readings stop
    // once the bake time is over.
    let (readings, breached): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where breached) from trigger_reading r
         join rollback_trigger t on t.id = r.trigger_id where t.deployment_id = $1",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert!(readings >= 2, "only {readings} readings");
    assert_eq!(breached, 0);
    tokio::time::sleep(Duration::from_secs(4)).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
             where t.deployment_id = $1",
        )
        .bind(id)
        .fetch_one(&w.app.pool)
        .await
        .unwrap()
    };
    let after_bake = count().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count().await,
        after_bake,
        "readings go on after the bake time"
    );
    assert_eq!(w.deployment(id).await.state, "succeeded");
    engine.stop().await;
}

#[tokio::test]
async fn a_canary_whose_error_rate_rises_rolls_back_by_itself() {
    let w = world().await;
    let target = w.simulated_target("dev").await;
    sqlx::query("update deploy_target set live_version = '1.9.0' where id = $1")
        .bind(target)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let release = w.ready_release("2.0.0", &["dev"], &[]).await;
    let engine = engine(&w.app.pool);
    let sustained = 3;
    let id = w
        .deploy(canary(
            release,
            "dev",
            json!([{ "weight": 10, "pause_seconds": 90 }, { "weight": 50, "pause_seconds": 90 }]),
            json!([trigger("error_rate", 0.1, sustained, "auto")]),
            60,
        ))
        .await;

    // At the first pause, with healthy readings so far.
    let pool = w.app.pool.clone();
    w.wait_until(id, "it pauses at 10 %", |d| {
        d.current_step == 2 && d.state == "running"
    })
    .await;
    eventually("a healthy reading is taken", || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
             where t.deployment_id = $1 and not r.breached and r.value is not null",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
            > 0
    })
    .await;
    let detail = w.detail(id).await;
    assert_eq!(detail["summary"]["state"], "running");
    assert_eq!(detail["summary"]["current_step"], 2);
    assert_eq!(detail["summary"]["weight"], 10);
    assert_eq!(detail["waiting_for_promotion"], true);
    assert_eq!(detail["previous_version"], "1.9.0");
    assert!(detail["triggers"][0]["readings"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    assert_eq!(detail["triggers"][0]["spec"]["metric"], "error_rate");
    assert_eq!(detail["triggers"][0]["spec"]["operator"], ">");
    assert_eq!(
        detail["triggers"][0]["spec"]["sustained_seconds"],
        sustained
    );

    let raised = put(
        &w.app,
        &w.eng,
        &format!("/api/v1/deploy-targets/{target}/simulation"),
        &json!({ "error_rate": 0.5, "latency_p95": 0.25 }),
    )
    .await;
    assert!(raised.status.is_success(), "{:?}", raised.body);

    let d = w.wait_for_state(id, "rolled_back").await;
    assert_eq!(w.release_status(release).await, "rolled_back");
    assert_eq!(d.weight, 0);
    let reason = d.reason.clone().unwrap_or_default();
    assert!(
        reason.starts_with("Automatic rollback: error_rate > 0.1 sustained")
            && reason.contains("(values 0.")
            && reason.contains("trigger action: rollback"),
        "{reason}"
    );
    // The deploy to 50 % never happened.
    let later_done: i64 = sqlx::query_scalar(
        "select count(*) from deployment_step where deployment_id = $1 and position >= 3 and status = 'done'",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(later_done, 0);
    let live: Option<String> =
        sqlx::query_scalar("select live_version from deploy_target where id = $1")
            .bind(target)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!(
        live.as_deref(),
        Some("1.9.0"),
        "the rollback restores the previous version"
    );

    // The reading that fired, and how long the breach lasted before it did.
    let fired: Vec<(chrono::DateTime<chrono::Utc>, Option<f64>)> = sqlx::query_as(
        "select r.at, r.value from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
         where t.deployment_id = $1 and r.fired = 'rollback'",
    )
    .bind(id)
    .fetch_all(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(fired[0].1.is_some_and(|v| v > 0.1));
    let first_breach: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "select min(r.at) from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
         where t.deployment_id = $1 and r.breached",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    let rolling_back_at: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "select occurred_at from audit_event where action = 'deployment.rolling_back' and entity_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    let breach_to_fire = (fired[0].0 - first_breach).num_milliseconds() as f64 / 1000.0;
    let breach_to_rollback = (rolling_back_at - first_breach).num_milliseconds() as f64 / 1000.0;
    assert!(
        breach_to_fire >= f64::from(sustained) - 0.3,
        "fired after only {breach_to_fire} s of breach"
    );
    // sustained + one interval, plus slack for a loaded machine
    assert!(
        breach_to_rollback <= f64::from(sustained) + 1.0 + 6.0,
        "the rollback started {breach_to_rollback} s after the first breaching reading"
    );

    let (_, _, _, after) = w.app.last_audit("deployment.rolled_back").await;
    assert_eq!(after.unwrap()["state"], "rolled_back");
    assert_eq!(
        w.notifications(w.rm_id, "deployment_rolling_back")
            .await
            .len(),
        1
    );
    let rolled = w.notifications(w.rm_id, "deployment_rolled_back").await;
    assert_eq!(rolled.len(), 1, "{rolled:?}");

    let detail = w.detail(id).await;
    assert_eq!(detail["summary"]["state"], "rolled_back");
    assert_eq!(detail["summary"]["weight"], 0);
    assert_eq!(detail["summary"]["current_step"], 2);
    let readings = detail["triggers"][0]["readings"].as_array().unwrap();
    assert!(
        readings
            .iter()
            .any(|r| r["fired"] == "rollback" && r["breached"] == true),
        "{readings:?}"
    );
    assert_eq!(detail["actions"], json!([]));
    engine.stop().await;
}

#[tokio::test]
async fn a_manual_promotion_step_waits_and_people_pause_resume_promote_and_abort() {
    let w = world().await;
    w.simulated_target("dev").await;
    let release = w.ready_release("1.0.0", &["dev"], &[]).await;
    let engine = engine(&w.app.pool);
    let id = w
        .deploy(canary(
            release,
            "dev",
            json!([{ "weight": 20, "pause_seconds": null }, { "weight": 50, "pause_seconds": 600 }]),
            json!([]),
            0,
        ))
        .await;

    let d = w.wait_for_state(id, "paused").await;
    assert_eq!(d.current_step, 2);
    assert_eq!(d.weight, 20);
    assert!(
        d.pause_reason
            .as_deref()
            .is_some_and(|r| r.contains("promote")),
        "{:?}",
        d.pause_reason
    );
    let detail = w.detail(id).await;
    assert_eq!(detail["waiting_for_promotion"], true);
    assert_eq!(detail["actions"], json!(["promote", "abort", "rollback"]));
    // Still waiting a while later: nothing moves it on but a person.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let still = w.deployment(id).await;
    assert_eq!((still.state.as_str(), still.current_step), ("paused", 2));

    let resumed = w.act(id, "resume").await;
    assert_eq!(resumed.status, 409, "{:?}", resumed.body);
    assert_eq!(resumed.body["error"]["code"], "refused");

    let promoted = w.act(id, "promote").await;
    assert_eq!(promoted.status, 200, "{:?}", promoted.body);
    assert_eq!(promoted.body["summary"]["state"], "running");
    // On to 50 %, then the 600 s pause.
    w.wait_until(id, "it reaches the timed pause", |d| {
        d.current_step == 5 && d.weight == 50
    })
    .await;
    let resume_running = w.act(id, "resume").await;
    assert_eq!(resume_running.status, 409, "{:?}", resume_running.body);
    assert!(resume_running.body["error"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("cannot be resumed"));

    let paused = w.act(id, "pause").await;
    assert_eq!(paused.status, 200, "{:?}", paused.body);
    assert_eq!(paused.body["summary"]["state"], "paused");
    assert_eq!(w.act(id, "pause").await.status, 409, "pausing twice");
    assert_eq!(
        w.act(id, "promote").await.status,
        409,
        "a person's pause is resumed, not promoted"
    );
    let resumed = w.act(id, "resume").await;
    assert_eq!(resumed.status, 200, "{:?}", resumed.body);
    assert_eq!(resumed.body["summary"]["state"], "running");
    // Running at a timed pause: a person may cut it short.
    w.wait_until(id, "it is back in its pause", |d| {
        d.state == "running" && d.current_step == 5
    })
    .await;
    let promoted = w.act(id, "promote").await;
    assert_eq!(promoted.status, 200, "{:?}", promoted.body);
    let d = w.wait_for_state(id, "succeeded").await;
    assert_eq!(d.weight, 100);
    assert_eq!(
        w.act(id, "abort").await.status,
        409,
        "a finished deployment is not aborted"
    );
    // Refused actions leave no audit event.
    for (action, times) in [("pause", 1), ("resume", 1), ("promote", 2), ("abort", 0)] {
        assert_eq!(
            w.app
                .audit_count(
                    &format!("deployment.manual_{action}"),
                    Some(&id.to_string())
                )
                .await,
            times,
            "{action}"
        );
    }

    // A second release, aborted while it waits for promotion.
    let second = w.ready_release("1.1.0", &["dev"], &[]).await;
    let id = w
        .deploy(canary(
            second,
            "dev",
            json!([{ "weight": 20, "pause_seconds": null }]),
            json!([]),
            0,
        ))
        .await;
    w.wait_for_state(id, "paused").await;
    let aborted = w.act(id, "abort").await;
    assert_eq!(aborted.status, 200, "{:?}", aborted.body);
    assert_eq!(aborted.body["summary"]["state"], "aborted");
    assert_eq!(w.release_status(second).await, "approved");
    assert_eq!(w.act(id, "resume").await.status, 409);
    assert_eq!(w.act(id, "abort").await.status, 409);
    let unknown = w.act(id, "teleport").await;
    assert_eq!(unknown.status, 404, "{:?}", unknown.body);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(w.deployment(id).await.state, "aborted");
    engine.stop().await;
}

// ---------------------------------------------------------------- command targets

/// A directory for one test's scripts and what they write.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rookery-deploy-test-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The deploy script: dumps its ROOKERY_* environment to
/// `env-<action>-<step>.txt`, prints lines, and fails (exit 3) or hangs
/// when a `fail-<action>` or `hang-<action>` file exists.
const SCRIPT: &str = r#"#!/bin/sh
dir="$1"
env | grep '^ROOKERY_' | sort > "$dir/env-$ROOKERY_ACTION-$ROOKERY_STEP.txt"
echo "deploying $ROOKERY_SERVICE $ROOKERY_VERSION at $ROOKERY_WEIGHT percent ($ROOKERY_ACTION)"
echo "a warning on stderr" >&2
if [ -f "$dir/fail-$ROOKERY_ACTION" ]; then echo "giving up"; exit 3; fi
if [ -f "$dir/hang-$ROOKERY_ACTION" ]; then echo $$ > "$dir/pid"; exec sleep 60; fi
exit 0
"#;

fn read_env(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the script wrote no {}: {e}", path.display()));
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn a_command_target_gets_the_deployment_in_its_environment_and_failures_roll_back() {
    let w = world().await;
    let dir = scratch();
    let script = dir.join("deploy.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    let target = w
        .command_target(
            "dev",
            "/bin/sh",
            &[script.display().to_string(), dir.display().to_string()],
        )
        .await;
    sqlx::query("update deploy_target set live_version = '0.9.0' where id = $1")
        .bind(target)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let engine = engine(&w.app.pool);
    let one_step = |release| {
        canary(
            release,
            "dev",
            json!([{ "weight": 30, "pause_seconds": 1 }]),
            json!([]),
            0,
        )
    };

    // 1.0.0 goes out: the script sees every variable.
    let first = w.ready_release("1.0.0", &["dev"], &[]).await;
    let id = w.deploy(one_step(first)).await;
    w.wait_for_state(id, "succeeded").await;
    let env = read_env(&dir.join("env-deploy-0.txt"));
    let expect = |env: &BTreeMap<String, String>, key: &str, value: &str| {
        assert_eq!(
            env.get(key).map(String::as_str),
            Some(value),
            "{key} in {env:?}"
        );
    };
    expect(&env, "ROOKERY_SERVICE", "api");
    expect(&env, "ROOKERY_ENVIRONMENT", "dev");
    expect(&env, "ROOKERY_VERSION", "1.0.0");
    expect(&env, "ROOKERY_PREVIOUS_VERSION", "0.9.0");
    expect(&env, "ROOKERY_STEP", "0");
    expect(&env, "ROOKERY_WEIGHT", "30");
    expect(&env, "ROOKERY_ACTION", "deploy");
    expect(&env, "ROOKERY_DEPLOYMENT", &id.to_string());
    expect(&env, "ROOKERY_IDEMPOTENCY_KEY", &format!("{id}:0:deploy"));
    let last = read_env(&dir.join("env-deploy-3.txt"));
    expect(&last, "ROOKERY_WEIGHT", "100");
    expect(&last, "ROOKERY_STEP", "3");
    expect(&last, "ROOKERY_IDEMPOTENCY_KEY", &format!("{id}:3:deploy"));
    let log = w.log_lines(id).await;
    assert!(
        log.contains(&(
            "stdout".into(),
            "deploying api 1.0.0 at 30 percent (deploy)".into()
        )),
        "{log:?}"
    );
    assert!(log.contains(&(
        "stdout".into(),
        "deploying api 1.0.0 at 100 percent (deploy)".into()
    )));
    assert!(log.contains(&("stderr".into(), "a warning on stderr".into())));

    // 1.1.0's script exits 3: the deployment rolls back through the script.
    std::fs::write(dir.join("fail-deploy"), "").unwrap();
    let second = w.ready_release("1.1.0", &["dev"], &[]).await;
    let id = w.deploy(one_step(second)).await;
    let d = w.wait_for_state(id, "rolled_back").await;
    let reason = d.reason.unwrap_or_default();
    assert!(reason.contains("exited with status 3"), "{reason}");
    assert_eq!(w.release_status(second).await, "rolled_back");
    let rollback = read_env(&dir.join("env-rollback--1.txt"));
    expect(&rollback, "ROOKERY_ACTION", "rollback");
    expect(&rollback, "ROOKERY_VERSION", "1.0.0");
    expect(&rollback, "ROOKERY_PREVIOUS_VERSION", "1.1.0");
    expect(
        &rollback,
        "ROOKERY_IDEMPOTENCY_KEY",
        &format!("{id}:rollback"),
    );
    let status: String = sqlx::query_scalar(
        "select status from deployment_step where deployment_id = $1 and position = 0",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(status, "failed");
    let log = w.log_lines(id).await;
    assert!(
        log.contains(&("stdout".into(), "giving up".into())),
        "{log:?}"
    );
    assert!(log.contains(&(
        "stdout".into(),
        "deploying api 1.0.0 at 100 percent (rollback)".into()
    )));

    // 1.2.0's script hangs past the target's timeout and is killed.
    std::fs::remove_file(dir.join("fail-deploy")).unwrap();
    std::fs::write(dir.join("hang-deploy"), "").unwrap();
    sqlx::query("update deploy_target set timeout_seconds = 2 where id = $1")
        .bind(target)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let third = w.ready_release("1.2.0", &["dev"], &[]).await;
    let id = w.deploy(one_step(third)).await;
    let d = w.wait_for_state(id, "rolled_back").await;
    let reason = d.reason.unwrap_or_default();
    assert!(
        reason.contains("ran longer than 2 s and was killed"),
        "{reason}"
    );
    let took: f64 = sqlx::query_scalar(
        "select extract(epoch from finished_at - started_at)::float8 from deployment_step
         where deployment_id = $1 and position = 0",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert!(took < 20.0, "the hanging step took {took} s");
    let pid = std::fs::read_to_string(dir.join("pid")).unwrap();
    let stat = format!("/proc/{}/stat", pid.trim());
    eventually("the hanging script is gone", || async {
        match std::fs::read_to_string(&stat) {
            Err(_) => true,
            // killed and not yet reaped
            Ok(text) => text.split(") ").nth(1).is_some_and(|s| s.starts_with('Z')),
        }
    })
    .await;
    engine.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- webhook targets

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone)]
struct Received {
    signature_ok: bool,
    idempotency_key: Option<String>,
    body: Value,
    answered: u16,
}

#[derive(Clone)]
struct Receiver {
    secret: String,
    calls: Arc<Mutex<Vec<Received>>>,
    /// Answer 500 to this many calls first.
    fail_next: Arc<AtomicUsize>,
}

async fn receive(
    axum::extract::State(receiver): axum::extract::State<Receiver>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    let mut mac = HmacSha256::new_from_slice(receiver.secret.as_bytes()).unwrap();
    mac.update(&body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    let signature_ok = header("x-rookery-signature").as_deref() == Some(expected.as_str());
    let failing = receiver
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if !signature_ok {
        401
    } else if failing {
        500
    } else {
        200
    };
    receiver.calls.lock().unwrap().push(Received {
        signature_ok,
        idempotency_key: header("idempotency-key"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        answered,
    });
    axum::http::StatusCode::from_u16(answered).unwrap()
}

/// A local HTTP server that checks signatures; returns its URL.
async fn spawn_receiver(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}/hook")
}

#[tokio::test]
async fn a_webhook_target_gets_signed_calls_and_retries_server_errors() {
    let w = world().await;
    let secret = "a-webhook-signing-secret-of-32-ch";
    let receiver = Receiver {
        secret: secret.into(),
        calls: Arc::default(),
        fail_next: Arc::new(AtomicUsize::new(2)),
    };
    let url = spawn_receiver(receiver.clone()).await;
    w.webhook_target("dev", &url, secret).await;
    let release = w.ready_release("1.0.0", &["dev"], &[]).await;
    let engine = engine(&w.app.pool);
    let id = w
        .deploy(canary(
            release,
            "dev",
            json!([{ "weight": 40, "pause_seconds": 1 }]),
            json!([]),
            0,
        ))
        .await;
    w.wait_for_state(id, "succeeded").await;

    let calls = receiver.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 4, "{calls:#?}");
    assert!(calls.iter().all(|c| c.signature_ok), "{calls:#?}");
    let answered: Vec<u16> = calls.iter().map(|c| c.answered).collect();
    assert_eq!(answered, [500, 500, 200, 200]);
    let step0 = format!("{id}:0:deploy");
    for call in &calls[..3] {
        assert_eq!(
            call.idempotency_key.as_deref(),
            Some(step0.as_str()),
            "retries keep the key"
        );
        assert_eq!(call.body["weight"], 40);
    }
    assert_eq!(
        calls[3].idempotency_key.as_deref(),
        Some(format!("{id}:3:deploy").as_str())
    );
    for call in &calls {
        assert_eq!(call.body["action"], "deploy");
        assert_eq!(call.body["version"], "1.0.0");
        assert_eq!(call.body["service"], "api");
        assert_eq!(call.body["environment"], "dev");
        assert_eq!(call.body["deployment"], id.to_string());
    }
    assert_eq!(calls[3].body["weight"], 100);
    let log = w.log_lines(id).await;
    assert!(
        log.iter()
            .any(|(s, l)| s == "stderr" && l.starts_with("attempt 1: the webhook answered 500")),
        "{log:?}"
    );
    assert!(log.iter().any(|(_, l)| l.contains("webhook answered 200")));

    // A receiver that keeps failing makes the step fail and the deployment
    // roll back (the rollback call gets the same signed treatment).
    receiver.fail_next.store(3, Ordering::SeqCst);
    let second = w.ready_release("1.1.0", &["dev"], &[]).await;
    let id = w
        .deploy(canary(
            second,
            "dev",
            json!([{ "weight": 40, "pause_seconds": 1 }]),
            json!([]),
            0,
        ))
        .await;
    let d = w.wait_for_state(id, "rolled_back").await;
    assert!(
        d.reason
            .as_deref()
            .unwrap_or_default()
            .contains("answered 500"),
        "{:?}",
        d.reason
    );
    let calls = receiver.calls.lock().unwrap().clone();
    let rollback = calls.last().unwrap();
    assert_eq!(rollback.body["action"], "rollback");
    assert_eq!(rollback.body["version"], "1.0.0");
    assert_eq!(rollback.body["previous_version"], "1.1.0");
    assert_eq!(
        rollback.idempotency_key.as_deref(),
        Some(format!("{id}:rollback").as_str())
    );
    assert!(rollback.signature_ok);
    engine.stop().await;
}

// ---------------------------------------------------------------- refusals

#[tokio::test]
async fn a_deployment_that_may_not_start_is_refused_with_every_reason() {
    let w = world().await;
    w.simulated_target("dev").await;
    let (normal_cr, normal_cr_id) = w.approved_cr(&["dev", "staging"], "normal").await;
    let release = w.planned_release("3.0.0", &["dev", "staging"], &[]).await;
    let big_bang = |environment: &str| {
        json!({
            "release": release, "environment": environment, "strategy": "big_bang",
            "triggers": [], "bake_seconds": 0
        })
    };

    // Not approved, and its dev gate failed.
    w.report_gate(release, "dev", "Unit Tests", "failed").await;
    let answer = post(&w.app, &w.rm, "/api/v1/deployments", &big_bang("dev")).await;
    let reasons = refusal_reasons(&answer);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        has_reason(&reasons, "The release is planned; it must be approved"),
        "{reasons:?}"
    );
    assert!(
        has_reason(
            &reasons,
            "The required gate \"Unit Tests\" is failed; it blocks deployment"
        ),
        "{reasons:?}"
    );

    w.approve_release(release).await;
    w.report_gate(release, "dev", "Unit Tests", "passed").await;

    // Staging before dev, with no target, no cleared change request and
    // unreported gates.
    let answer = post(&w.app, &w.rm, "/api/v1/deployments", &big_bang("staging")).await;
    let reasons = refusal_reasons(&answer);
    for needle in [
        "No deploy target is configured for this service in staging",
        "staging is protected: link an approved or scheduled change request",
        "has not been deployed to dev yet, which comes before staging",
        "The required gate \"Integration Tests\" has not reported",
        "The gate \"E2E Tests\" has not reported; acknowledge the warning",
        "The gate \"Performance Tests\" has not reported; acknowledge the warning",
    ] {
        assert!(has_reason(&reasons, needle), "no {needle:?} in {reasons:?}");
    }
    assert_eq!(reasons.len(), 6, "{reasons:?}");
    // Engineers never deploy to a protected environment.
    let engineer = post(&w.app, &w.eng, "/api/v1/deployments", &big_bang("staging")).await;
    assert_eq!(engineer.status, 403, "{:?}", engineer.body);
    assert_eq!(engineer.body["error"]["code"], "forbidden");
    assert!(engineer.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("staging is protected"));
    assert_eq!(w.app.audit_count("deployment.start", None).await, 0);

    // Dev goes out first (an engineer may deploy there).
    let engine = engine(&w.app.pool);
    let dev = post(&w.app, &w.eng, "/api/v1/deployments", &big_bang("dev")).await;
    assert_eq!(dev.status, 201, "{:?}", dev.body);
    let dev_id: Uuid = dev.body["summary"]["id"].as_str().unwrap().parse().unwrap();
    let again = post(&w.app, &w.rm, "/api/v1/deployments", &big_bang("dev")).await;
    if again.status == 409 {
        // still in flight (it may already have finished on a fast machine)
        assert!(has_reason(&refusal_reasons(&again), "is still in progress"));
    }
    w.wait_for_state(dev_id, "succeeded").await;
    if again.status == 201 {
        let again_id: Uuid = again.body["summary"]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        w.wait_for_state(again_id, "succeeded").await;
    }

    // Staging with a target and a cleared change request; the block gate failed.
    w.simulated_target("staging").await;
    sqlx::query("insert into release_change (release_id, cr_id) values ($1, $2)")
        .bind(release)
        .bind(normal_cr_id)
        .execute(&w.app.pool)
        .await
        .unwrap();
    w.report_gate(release, "staging", "Integration Tests", "failed")
        .await;
    let answer = post(&w.app, &w.rm, "/api/v1/deployments", &big_bang("staging")).await;
    let reasons = refusal_reasons(&answer);
    assert!(
        has_reason(
            &reasons,
            "The required gate \"Integration Tests\" is failed"
        ),
        "{reasons:?}"
    );
    assert_eq!(
        reasons.len(),
        3,
        "the block gate and two warn gates: {reasons:?}"
    );
    w.report_gate(release, "staging", "Integration Tests", "passed")
        .await;
    w.report_gate(release, "staging", "E2E Tests", "failed")
        .await;

    // Warn gates need acknowledging.
    let answer = post(&w.app, &w.rm, "/api/v1/deployments", &big_bang("staging")).await;
    let reasons = refusal_reasons(&answer);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(has_reason(
        &reasons,
        "The gate \"E2E Tests\" is failed; acknowledge the warning"
    ));
    let mut acknowledged = big_bang("staging");
    acknowledged["acknowledge_gates"] = json!(["E2E Tests", "Performance Tests"]);

    // A freeze window over staging.
    let rm_id = w.rm_id;
    sqlx::query(
        "insert into freeze_window (id, environments, starts_at, ends_at, reason, created_by)
         values ($1, '{staging,prod}', now() - interval '1 hour', now() + interval '1 day', 'Year-end freeze', $2)",
    )
    .bind(Uuid::new_v4())
    .bind(rm_id)
    .execute(&w.app.pool)
    .await
    .unwrap();
    let answer = post(&w.app, &w.rm, "/api/v1/deployments", &acknowledged).await;
    let reasons = refusal_reasons(&answer);
    assert_eq!(
        reasons,
        ["The freeze window \"Year-end freeze\" covers staging; only an approved emergency change may deploy during it."]
    );
    assert_eq!(
        w.cr_status(normal_cr).await,
        "approved",
        "refusals change nothing"
    );

    // An approved emergency change lets it through, on the audit trail.
    let (emergency, emergency_id) = w.approved_cr(&["staging"], "emergency").await;
    sqlx::query("insert into release_change (release_id, cr_id) values ($1, $2)")
        .bind(release)
        .bind(emergency_id)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let id = w.deploy(acknowledged).await;
    assert_eq!(
        w.app
            .audit_count("deployment.freeze_override", Some(&id.to_string()))
            .await,
        1
    );
    let (actor, _, _, after) = w.app.last_audit("deployment.freeze_override").await;
    assert_eq!(actor, Some(rm_id));
    let after = after.unwrap();
    assert_eq!(after["emergency_cr"], emergency);
    assert_eq!(after["freeze"], "Year-end freeze");
    let detail = w.detail(id).await;
    assert_eq!(detail["freeze_override_cr"], emergency);
    assert_eq!(
        detail["acknowledged_gates"],
        json!(["E2E Tests", "Performance Tests"])
    );
    let log = w.log_lines(id).await;
    assert!(
        log.iter()
            .any(|(s, l)| s == "warn"
                && l.contains(&format!("under emergency change CR-{emergency}")))
    );
    assert!(log
        .iter()
        .any(|(_, l)| l.contains("Gate \"E2E Tests\" has not passed; acknowledged")));
    assert_eq!(w.cr_status(normal_cr).await, "implementing");
    w.wait_for_state(id, "succeeded").await;
    // Both change requests now run everywhere they cover.
    assert_eq!(w.cr_status(normal_cr).await, "validating");
    assert_eq!(w.cr_status(emergency).await, "validating");
    engine.stop().await;
}

#[tokio::test]
async fn a_deployment_may_wait_for_its_gates_and_starts_when_they_pass() {
    let w = world().await;
    w.simulated_target("dev").await;
    let release = w.planned_release("1.0.0", &["dev"], &[]).await;
    w.approve_release(release).await;
    let engine = engine(&w.app.pool);
    let body = json!({
        "release": release, "environment": "dev", "strategy": "big_bang",
        "triggers": [], "bake_seconds": 0, "wait_for_gates": true
    });
    let id = w.deploy(body).await;
    let d = w.deployment(id).await;
    assert_eq!(d.state, "waiting_for_gates");
    // The gates job runs and finds nothing reported: it keeps waiting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(w.deployment(id).await.state, "waiting_for_gates");
    assert_eq!(w.release_status(release).await, "approved");
    let steps_started: i64 = sqlx::query_scalar(
        "select count(*) from deployment_step where deployment_id = $1 and status <> 'pending'",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(steps_started, 0);

    w.report_gate(release, "dev", "Unit Tests", "passed").await;
    w.wait_for_state(id, "succeeded").await;
    let log = w.log_lines(id).await;
    assert!(
        log.iter()
            .any(|(_, l)| l == "Waiting for gates: Unit Tests."),
        "{log:?}"
    );
    assert!(
        log.iter().any(|(_, l)| l == "All required gates passed."),
        "{log:?}"
    );

    // Without waiting, the unreported gate refuses; a failed report while
    // waiting fails the deployment.
    let second = w.planned_release("1.1.0", &["dev"], &[]).await;
    w.approve_release(second).await;
    let refused = post(
        &w.app,
        &w.rm,
        "/api/v1/deployments",
        &json!({ "release": second, "environment": "dev", "strategy": "big_bang", "triggers": [] }),
    )
    .await;
    assert!(has_reason(
        &refusal_reasons(&refused),
        "\"Unit Tests\" has not reported"
    ));
    let id = w
        .deploy(json!({
            "release": second, "environment": "dev", "strategy": "big_bang",
            "triggers": [], "bake_seconds": 0, "wait_for_gates": true
        }))
        .await;
    w.report_gate(second, "dev", "Unit Tests", "failed").await;
    let d = w.wait_for_state(id, "failed").await;
    assert_eq!(d.reason.as_deref(), Some("Gate \"Unit Tests\" failed."));
    // It never started deploying, so the release stays approved.
    assert_eq!(w.release_status(second).await, "approved");
    engine.stop().await;
}

// ---------------------------------------------------------------- pushed metrics

async fn push(w: &World, metric: &str, value: f64) {
    let pushed = post(
        &w.app,
        &w.rm,
        "/api/v1/metrics",
        &json!({ "samples": [{ "service": "api", "environment": "dev", "metric": metric, "value": value }] }),
    )
    .await;
    assert_eq!(pushed.status, 202, "{:?}", pushed.body);
    assert_eq!(pushed.body["accepted"], 1);
}

#[tokio::test]
async fn pushed_metrics_roll_back_and_silence_pauses_the_deployment() {
    let w = world().await;
    w.command_target("dev", "/bin/true", &[]).await;
    let engine = engine(&w.app.pool);

    push(&w, "error_rate", 0.01).await;
    let first = w.ready_release("1.0.0", &["dev"], &[]).await;
    let id = w
        .deploy(canary(
            first,
            "dev",
            json!([{ "weight": 10, "pause_seconds": 120 }]),
            json!([trigger("error_rate", 0.1, 2, "pushed")]),
            0,
        ))
        .await;
    let pool = w.app.pool.clone();
    eventually("a healthy pushed reading is taken", || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
             where t.deployment_id = $1 and r.value = 0.01 and not r.breached",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
            > 0
    })
    .await;
    assert_eq!(w.deployment(id).await.state, "running");
    push(&w, "error_rate", 0.5).await;
    let d = w.wait_for_state(id, "rolled_back").await;
    assert!(
        d.reason
            .as_deref()
            .unwrap_or_default()
            .contains("values 0.5000"),
        "{:?}",
        d.reason
    );
    let fired: i64 = sqlx::query_scalar(
        "select count(*) from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
         where t.deployment_id = $1 and r.fired = 'rollback' and r.value = 0.5",
    )
    .bind(id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(fired, 1);

    // Nothing pushed for this metric: inconclusive readings, then a pause.
    let second = w.ready_release("1.1.0", &["dev"], &[]).await;
    let id = w
        .deploy(canary(
            second,
            "dev",
            json!([{ "weight": 10, "pause_seconds": 120 }]),
            json!([trigger("queue_depth", 100.0, 2, "pushed")]),
            0,
        ))
        .await;
    let d = w.wait_for_state(id, "paused").await;
    let why = d.pause_reason.unwrap_or_default();
    assert!(
        why.contains("queue_depth could not be read 3 times in a row")
            && why.contains("no value of queue_depth was pushed"),
        "{why}"
    );
    // value, breached, error, fired
    type Row = (Option<f64>, bool, Option<String>, Option<String>);
    let readings: Vec<Row> = sqlx::query_as(
        "select r.value, r.breached, r.error, r.fired from trigger_reading r
         join rollback_trigger t on t.id = r.trigger_id where t.deployment_id = $1 order by r.id",
    )
    .bind(id)
    .fetch_all(&w.app.pool)
    .await
    .unwrap();
    assert!(readings.len() >= 3, "{readings:?}");
    assert!(
        readings
            .iter()
            .all(|(value, breached, error, _)| value.is_none() && !breached && error.is_some()),
        "{readings:?}"
    );
    assert_eq!(
        readings
            .iter()
            .filter(|r| r.3.as_deref() == Some("pause"))
            .count(),
        1
    );
    let alerts = w.notifications(w.rm_id, "deployment_alert").await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].0, "Deployment paused: metrics inconclusive");
    let detail = w.detail(id).await;
    assert_eq!(detail["summary"]["state"], "paused");
    assert_eq!(detail["waiting_for_promotion"], false);
    assert!(detail["triggers"][0]["readings"][0]["value"].is_null());
    assert!(detail["triggers"][0]["readings"][0]["error"].is_string());
    assert_eq!(w.act(id, "abort").await.status, 200);
    engine.stop().await;
}

#[tokio::test]
async fn a_canary_step_waits_while_a_trigger_is_in_breach_and_goes_on_when_it_clears() {
    let w = world().await;
    w.command_target("dev", "/bin/true", &[]).await;
    let engine = engine(&w.app.pool);
    push(&w, "error_rate", 0.01).await;
    let release = w.ready_release("2.0.0", &["dev"], &[]).await;
    // 10 % for 2 s, then 50 % for 2 s; the trigger fires only after 600 s
    // of breach, so the hold is all that keeps traffic from rising.
    let id = w
        .deploy(canary(
            release,
            "dev",
            json!([{ "weight": 10, "pause_seconds": 2 }, { "weight": 50, "pause_seconds": 2 }]),
            json!([trigger("error_rate", 0.1, 600, "pushed")]),
            0,
        ))
        .await;
    let pool = w.app.pool.clone();
    eventually("the canary is at 10 %", || async {
        deployment(&pool, id).await.weight == 10
    })
    .await;
    push(&w, "error_rate", 0.5).await;
    eventually("a breached reading is taken", || async {
        sqlx::query_scalar::<_, bool>(
            "select exists(select 1 from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
             where t.deployment_id = $1 and r.breached)",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
    })
    .await;
    // Well past the 2 s pause: still at 10 %, running, and the log says why.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let held = deployment(&pool, id).await;
    assert_eq!(
        (held.state.as_str(), held.weight),
        ("running", 10),
        "{}",
        diagnostics(&pool, id).await
    );
    let log = diagnostics(&pool, id).await;
    assert!(log.contains("holding at 10 %"), "{log}");
    assert!(log.contains("error_rate 0.5000 > 0.1"), "{log}");
    // The breach clears: the canary goes on to 50 % and succeeds.
    push(&w, "error_rate", 0.01).await;
    let done = w.wait_for_state(id, "succeeded").await;
    assert_eq!(done.weight, 100, "{}", diagnostics(&pool, id).await);
    engine.stop().await;
}

// ---------------------------------------------------------------- the API

#[tokio::test]
async fn the_openapi_document_lists_the_execution_paths() {
    let w = world().await;
    let answer = get(&w.app, &w.eng, "/api/v1/openapi.json").await;
    assert_eq!(answer.status, 200);
    let paths = answer.body["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/v1/releases/{id}/gates", "post"),
        ("/api/v1/deployments", "post"),
        ("/api/v1/deployments", "get"),
        ("/api/v1/deployments/{id}", "get"),
        ("/api/v1/deployments/{id}/{action}", "post"),
        ("/api/v1/metrics", "post"),
        ("/api/v1/deploy-targets/{id}/simulation", "put"),
    ] {
        assert!(
            paths.get(path).is_some_and(|p| p.get(method).is_some()),
            "{method} {path} missing from {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    // Unknown deployments and bad input answer in the API's error shape.
    let missing = get(
        &w.app,
        &w.eng,
        &format!("/api/v1/deployments/{}", Uuid::new_v4()),
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error"]["code"], "not_found");
    let bad = post(&w.app, &w.eng, "/api/v1/metrics", &json!({ "samples": [] })).await;
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    assert_eq!(bad.body["error"]["code"], "validation");
    let release = w.ready_release("1.0.0", &["dev"], &[]).await;
    let invalid = post(
        &w.app,
        &w.rm,
        "/api/v1/deployments",
        &canary(
            release,
            "dev",
            json!([{ "weight": 50 }, { "weight": 20 }]),
            json!([]),
            0,
        ),
    )
    .await;
    assert_eq!(invalid.status, 422, "{:?}", invalid.body);
    assert!(invalid.body["error"]["fields"]["canary_steps"].is_string());
}

#[tokio::test]
async fn ci_reports_gates_by_service_and_version_without_looking_up_the_uuid() {
    let w = world().await;
    let release = w.planned_release("3.4.5", &["dev"], &[]).await;

    let reported = post(
        &w.app,
        &w.eng,
        "/api/v1/releases/api@3.4.5/gates",
        &json!({ "environment": "dev", "name": "Unit Tests", "status": "passed" }),
    )
    .await;
    let by_name = get(&w.app, &w.eng, "/api/v1/releases/api@3.4.5/gates").await;
    let by_id = get(&w.app, &w.eng, &format!("/api/v1/releases/{release}/gates")).await;
    let unknown = post(
        &w.app,
        &w.eng,
        "/api/v1/releases/api@9.9.9/gates",
        &json!({ "environment": "dev", "name": "Unit Tests", "status": "passed" }),
    )
    .await;

    assert_eq!(reported.status, 201, "{:?}", reported.body);
    assert_eq!(by_name.status, 200, "{:?}", by_name.body);
    assert_eq!(by_name.body, by_id.body);
    assert!(
        by_name.body.to_string().contains("passed"),
        "{:?}",
        by_name.body
    );
    assert_eq!(unknown.status, 404, "{:?}", unknown.body);
}

// ---------------------------------------------------------------- bake time, and after a rollback

#[tokio::test]
async fn a_deployment_in_its_bake_time_reads_as_baking_and_only_afterwards_as_succeeded() {
    let w = world().await;
    w.simulated_target("dev").await;
    let release = w.ready_release("1.0.0", &["dev"], &[]).await;
    let engine = engine(&w.app.pool);
    let bake: u32 = 600;
    let id = w
        .deploy(json!({
            "release": release,
            "environment": "dev",
            "strategy": "big_bang",
            "triggers": [trigger("error_rate", 0.1, 30, "auto")],
            "bake_seconds": bake,
        }))
        .await;

    // Every step is done: the machine says succeeded and the bake time runs.
    w.wait_for_state(id, "succeeded").await;
    let api = w.detail(id).await;
    let page: app::model::DeploymentDetail = outcome(
        w.app
            .server_fn(
                &w.approver.client,
                GetDeployment::PATH,
                &[("id", &id.to_string())],
            )
            .await,
    )
    .await
    .expect("the progress page's data");
    let options: app::model::DeployOptions = outcome(
        w.app
            .server_fn(
                &w.approver.client,
                DeploymentOptions::PATH,
                &[("release", &release.to_string())],
            )
            .await,
    )
    .await
    .expect("the release page's deployments");
    let listed = get(
        &w.app,
        &w.rm,
        &format!("/api/v1/deployments?release={release}"),
    )
    .await;

    let summary = &api["summary"];
    assert_eq!(summary["state"], "succeeded", "the machine's state is kept");
    let label = summary["label"].as_str().unwrap_or_default();
    assert!(
        label.starts_with("Baking · ") && label.ends_with(" left"),
        "{summary:?}"
    );
    let left = summary["phase"]["bake_left_seconds"]
        .as_u64()
        .unwrap_or_else(|| panic!("no bake time left in {summary:?}"));
    assert!(left > 0 && left <= u64::from(bake), "{left} s left");
    assert_eq!(summary["phase"]["bake_seconds"], bake);
    // The progress page, the release page and the history say the same.
    assert!(page.summary.phase.is_baking(), "{:?}", page.summary);
    assert_ne!(page.summary.label, "Succeeded");
    assert_eq!(page.summary.label, page.summary.phase.label());
    let on_release = options
        .deployments
        .iter()
        .find(|d| d.id == id)
        .expect("the deployment on its release's page");
    assert!(on_release.phase.is_baking(), "{on_release:?}");
    assert!(on_release.label.starts_with("Baking"), "{on_release:?}");
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert!(
        listed.body["deployments"][0]["label"]
            .as_str()
            .is_some_and(|l| l.starts_with("Baking")),
        "{:?}",
        listed.body
    );

    // Once the bake time is over, it has succeeded.
    sqlx::query("update deployment set bake_until = now() - interval '1 second' where id = $1")
        .bind(id)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let after = w.detail(id).await;
    assert_eq!(after["summary"]["state"], "succeeded");
    assert_eq!(after["summary"]["label"], "Succeeded");
    assert!(
        after["summary"]["phase"]["bake_left_seconds"].is_null(),
        "{:?}",
        after["summary"]
    );
    engine.stop().await;
}

#[tokio::test]
async fn after_an_automatic_rollback_the_change_request_says_so_and_what_it_may_do_next() {
    let w = world().await;
    let target = w.simulated_target("dev").await;
    sqlx::query("update deploy_target set live_version = '1.9.0' where id = $1")
        .bind(target)
        .execute(&w.app.pool)
        .await
        .unwrap();
    let (cr, _) = w.approved_cr(&["dev"], "normal").await;
    let release = w.ready_release("2.0.0", &["dev"], &[cr]).await;
    let engine = engine(&w.app.pool);
    let id = w
        .deploy(canary(
            release,
            "dev",
            json!([{ "weight": 10, "pause_seconds": 90 }]),
            json!([trigger("error_rate", 0.1, 2, "auto")]),
            60,
        ))
        .await;
    w.wait_until(id, "it pauses at 10 %", |d| {
        d.current_step == 2 && d.state == "running"
    })
    .await;
    let before = get(&w.app, &w.eng, &format!("/api/v1/change-requests/{cr}")).await;
    assert_eq!(before.status, 200, "{:?}", before.body);
    assert!(before.body["rolled_back"].is_null(), "{:?}", before.body);

    let raised = put(
        &w.app,
        &w.eng,
        &format!("/api/v1/deploy-targets/{target}/simulation"),
        &json!({ "error_rate": 0.5, "latency_p95": 0.25 }),
    )
    .await;
    assert!(raised.status.is_success(), "{:?}", raised.body);
    let d = w.wait_for_state(id, "rolled_back").await;

    // The requester's page: still implementing, with the rollback named.
    let after = get(&w.app, &w.eng, &format!("/api/v1/change-requests/{cr}")).await;
    assert_eq!(after.status, 200, "{:?}", after.body);
    assert_eq!(
        after.body["status"], "implementing",
        "a rollback does not move the change request by itself"
    );
    let rolled = &after.body["rolled_back"];
    assert_eq!(rolled["id"], id.to_string(), "{rolled:?}");
    assert_eq!(rolled["number"], d.number);
    assert_eq!(rolled["environment"], "dev");
    assert_eq!(rolled["version"], "2.0.0");
    assert_eq!(rolled["automatic"], true);
    assert!(
        rolled["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("Automatic rollback")),
        "{rolled:?}"
    );
    // What the workflow allows the requester from here.
    let actions: Vec<&str> = after.body["allowed_actions"]
        .as_array()
        .expect("allowed actions")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(actions.contains(&"cancel"), "{actions:?}");
    assert!(
        !actions.contains(&"rework"),
        "an approved change does not go back to draft: {actions:?}"
    );
    // The deployment's page lists the change request waiting on it.
    let detail = w.detail(id).await;
    let changes = detail["changes"].as_array().expect("changes");
    assert!(
        changes
            .iter()
            .any(|c| c["number"] == cr && c["status"] == "implementing"),
        "{changes:?}"
    );
    engine.stop().await;
}

//! Rollback triggers that read a real Prometheus server: a tiny exporter in
//! the test publishes `app_error_rate`, Debian's `prometheus` binary scrapes
//! it every second, and a job runner with the real deployment handlers
//! queries Prometheus's HTTP API — healthy readings, a breach that rolls the
//! deployment back by itself, and PromQL that does not parse, which pauses it.
//!
//! Needs `/usr/bin/prometheus` (`scripts/bootstrap.sh --test` installs it).

use crate::support::deploy::{deployment, diagnostics, readings, Deployment, ReadingRow};
use crate::support::http::{get, post};
use crate::support::runner::{engine_with, Running};
use crate::support::wait::{eventually, PATIENCE};
use crate::support::{outcome, Person, TestApp};
use app::server_fns::catalog::SaveService;
use app::server_fns::releases::ReleaseAction;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use leptos::server_fn::ServerFn;
use rookery::jobs::Registry;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

const PROMETHEUS_BIN: &str = "/usr/bin/prometheus";

/// The trigger's PromQL; the engine fills in the placeholders.
const QUERY: &str = r#"app_error_rate{service="{service}",environment="{environment}"}"#;

// ---------------------------------------------------------------- the exporter

/// The value the exporter publishes for web in qa; the test changes it.
type Gauge = Arc<Mutex<f64>>;

async fn metrics(State(gauge): State<Gauge>) -> impl axum::response::IntoResponse {
    let value = *gauge.lock().unwrap();
    // A decoy series for another environment: a query that ignored the
    // labels would read 0.9.
    let body = format!(
        "# HELP app_error_rate Share of requests that failed.\n\
         # TYPE app_error_rate gauge\n\
         app_error_rate{{service=\"web\",environment=\"prod\"}} 0.9\n\
         app_error_rate{{service=\"web\",environment=\"qa\"}} {value}\n"
    );
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}

/// Serves `/metrics` on 127.0.0.1; returns the gauge and `host:port`.
async fn exporter(initial: f64) -> (Gauge, String) {
    let gauge = Arc::new(Mutex::new(initial));
    let router = axum::Router::new()
        .route("/metrics", axum::routing::get(metrics))
        .with_state(gauge.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding the exporter");
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (gauge, address)
}

// ---------------------------------------------------------------- Prometheus

/// A Prometheus server of its own, killed (and its directory removed) on drop.
struct Prometheus {
    url: String,
    dir: PathBuf,
    child: tokio::process::Child,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Prometheus {
    /// Starts `/usr/bin/prometheus` scraping `target` every second and waits
    /// until its query API has a sample of `app_error_rate`.
    async fn start(target: &str) -> Self {
        assert!(
            Path::new(PROMETHEUS_BIN).is_file(),
            "{PROMETHEUS_BIN} is missing: this test runs a real Prometheus server. \
             Install it with `scripts/bootstrap.sh --test` (Debian's prometheus package)."
        );
        let dir = std::env::temp_dir().join(format!("rookery-prometheus-{}", Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("data")).expect("creating Prometheus's directory");
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['{target}']\n"
            ),
        )
        .expect("writing prometheus.yml");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("finding a free port")
            .port();
        let log = std::fs::File::create(dir.join("prometheus.log")).expect("creating the log");
        let child = tokio::process::Command::new(PROMETHEUS_BIN)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("cloning the log handle"))
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {PROMETHEUS_BIN}: {e}"));
        let mut prometheus = Self {
            url: format!("http://127.0.0.1:{port}"),
            dir,
            child,
        };
        prometheus.wait_for_a_sample().await;
        prometheus
    }

    /// Kills the server and waits for it (dropping it only kills it).
    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
    }

    async fn wait_for_a_sample(&mut self) {
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "prometheus exited ({status}) before it was ready:\n{}",
                    self.log()
                );
            }
            let answer = http
                .get(format!("{}/api/v1/query", self.url))
                .query(&[("query", "app_error_rate")])
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if let Ok(response) = answer {
                if let Ok(body) = response.json::<Value>().await {
                    if body["data"]["result"]
                        .as_array()
                        .is_some_and(|r| !r.is_empty())
                    {
                        return;
                    }
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "prometheus at {} had no sample of app_error_rate after 30 s:\n{}",
                self.url,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

// ---------------------------------------------------------------- the world

/// An app with the `web` service, a simulated target for it in qa, a
/// release manager (API token) and an approver (session).
struct World {
    app: TestApp,
    rm: String,
    approver: Person,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let admin = app.person("root@example.com", &["admin"]).await;
    let saved: Result<Uuid, app::error::AppError> = outcome(
        app.server_fn_json(
            &admin.client,
            SaveService::PATH,
            &json!({ "id": null, "input": { "key": "web", "name": "Web shop", "description": "" } }),
        )
        .await,
    )
    .await;
    let service_id = saved.expect("creating the web service");
    sqlx::query(
        "insert into deploy_target (id, service_id, environment, kind) values ($1, $2, 'qa', 'simulated')",
    )
    .bind(Uuid::new_v4())
    .bind(service_id)
    .execute(&app.pool)
    .await
    .expect("adding the qa target");
    let rm = app
        .create_user("rob@example.com", &["engineer", "release_manager"])
        .await;
    let approver = app.person("paul@example.com", &["approver"]).await;
    World {
        rm: app.api_token(rm.id).await,
        approver,
        app,
    }
}

impl World {
    /// An approved release of web to qa.
    async fn approved_release(&self, version: &str) -> Uuid {
        let created = post(
            &self.app,
            &self.rm,
            "/api/v1/releases",
            &json!({
                "service": "web",
                "version": version,
                "release_type": "minor",
                "title": format!("Web {version}"),
                "description": "",
                "environments": ["qa"],
                "planned_at": "2026-12-10T09:00",
                "changes": [],
            }),
        )
        .await;
        assert_eq!(
            created.status, 201,
            "creating a release: {:?}",
            created.body
        );
        let release: Uuid = created.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no release id in {:?}", created.body))
            .parse()
            .unwrap();
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
        release
    }

    /// Starts a canary of `release` to qa with one Prometheus trigger;
    /// `pause_seconds: None` waits for a person to promote.
    async fn deploy(&self, release: Uuid, pause_seconds: Option<u32>, query: &str) -> Uuid {
        let body = json!({
            "release": release,
            "environment": "qa",
            "strategy": "canary",
            "params": { "canary_steps": [{ "weight": 10, "pause_seconds": pause_seconds }] },
            "triggers": [{
                "metric": "app_error_rate", "operator": ">", "threshold": 0.1,
                "sustained_seconds": 3, "interval_seconds": 1,
                "action": "rollback", "cooldown_minutes": 5,
                "source": "prometheus", "query": query
            }],
            "bake_seconds": 0,
        });
        let started = post(&self.app, &self.rm, "/api/v1/deployments", &body).await;
        assert_eq!(
            started.status, 201,
            "starting a deployment: {:?}",
            started.body
        );
        started.body["summary"]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    async fn detail(&self, id: Uuid) -> Value {
        let answer = get(&self.app, &self.rm, &format!("/api/v1/deployments/{id}")).await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.body
    }

    /// Waits until `condition` holds for the deployment; on timeout the
    /// panic shows its log, readings and jobs.
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
                    "D-{}: timed out waiting until {what}; state {} step {} ({:?} / {:?})\n{}",
                    d.number,
                    d.state,
                    d.current_step,
                    d.reason,
                    d.pause_reason,
                    diagnostics(pool, id).await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_for_state(&self, id: Uuid, state: &str) -> Deployment {
        self.wait_until(id, &format!("it is {state}"), |d| d.state == state)
            .await
    }
}

// ---------------------------------------------------------------- the engine

/// A job runner with the real deployment handlers reading `prometheus`.
fn engine(pool: &PgPool, prometheus: &str) -> Running {
    let mut registry = Registry::new();
    rookery::deploy_executor::register(
        &mut registry,
        rookery::deploy_executor::Engine::new(pool.clone(), Some(prometheus.to_string())),
    );
    engine_with(pool, registry)
}

// ---------------------------------------------------------------- the tests

#[tokio::test]
async fn a_prometheus_trigger_reads_the_server_and_rolls_back_when_the_error_rate_rises() {
    let (gauge, target) = exporter(0.01).await;
    let prometheus = Prometheus::start(&target).await;
    let w = world().await;
    let pool = w.app.pool.clone();
    let engine = engine(&pool, &prometheus.url);

    let release = w.approved_release("2.0.0").await;
    let id = w.deploy(release, None, QUERY).await;

    // Waiting at 10 % for a person to promote, with readings from Prometheus.
    let d = w
        .wait_until(id, "it waits for promotion at 10 %", |d| {
            d.state == "paused" && d.weight == 10
        })
        .await;
    assert!(
        d.pause_reason
            .as_deref()
            .is_some_and(|r| r.contains("promote")),
        "{:?}",
        d.pause_reason
    );
    eventually("two healthy readings come from Prometheus", || async {
        readings(&pool, id)
            .await
            .iter()
            .filter(|r| r.0 == Some(0.01) && !r.1)
            .count()
            >= 2
    })
    .await;
    let so_far = readings(&pool, id).await;
    assert!(
        so_far
            .iter()
            .all(|(value, breached, error, fired)| *value == Some(0.01)
                && !breached
                && error.is_none()
                && fired.is_none()),
        "every reading is the exporter's qa value: {so_far:?}"
    );
    let detail = w.detail(id).await;
    assert_eq!(detail["waiting_for_promotion"], true);
    assert_eq!(detail["triggers"][0]["spec"]["source"], "prometheus");
    assert_eq!(detail["triggers"][0]["spec"]["query"], QUERY);
    assert_eq!(detail["triggers"][0]["readings"][0]["value"], 0.01);

    // The error rate rises; Prometheus scrapes it within a second and the
    // trigger, 3 s later, rolls the deployment back on its own.
    *gauge.lock().unwrap() = 0.5;
    let d = w.wait_for_state(id, "rolled_back").await;
    assert_eq!(d.weight, 0);
    let reason = d.reason.unwrap_or_default();
    assert!(
        reason.starts_with("Automatic rollback: app_error_rate > 0.1 sustained")
            && reason.contains("values 0.5000")
            && reason.contains("trigger action: rollback"),
        "{reason}"
    );
    let all = readings(&pool, id).await;
    let fired: Vec<&ReadingRow> = all
        .iter()
        .filter(|r| r.3.as_deref() == Some("rollback"))
        .collect();
    assert_eq!(fired.len(), 1, "{all:?}");
    assert_eq!(fired[0].0, Some(0.5));
    assert!(fired[0].1, "the fired reading breached: {all:?}");
    assert!(
        all.iter()
            .all(|r| r.2.is_none() && matches!(r.0, Some(v) if v == 0.01 || v == 0.5)),
        "only the qa series was read, and every query answered: {all:?}"
    );
    let breaching = all.iter().filter(|r| r.1).count();
    assert!(
        breaching >= 3,
        "fired after {breaching} breaching readings: {all:?}"
    );
    assert_eq!(
        w.app
            .audit_count("deployment.rolled_back", Some(&id.to_string()))
            .await,
        1
    );
    let detail = w.detail(id).await;
    assert_eq!(detail["summary"]["state"], "rolled_back");
    assert!(
        detail["triggers"][0]["readings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["fired"] == "rollback" && r["value"] == 0.5),
        "{detail}"
    );
    engine.stop().await;
    prometheus.stop().await;
}

#[tokio::test]
async fn promql_that_does_not_parse_is_inconclusive_and_pauses_the_deployment() {
    let (_gauge, target) = exporter(0.01).await;
    let prometheus = Prometheus::start(&target).await;
    let w = world().await;
    let pool = w.app.pool.clone();
    let engine = engine(&pool, &prometheus.url);

    let release = w.approved_release("3.0.0").await;
    // A timed pause keeps it running, so the inconclusive readings pause it.
    let id = w.deploy(release, Some(120), "rate(").await;
    let d = w.wait_for_state(id, "paused").await;
    let why = d.pause_reason.unwrap_or_default();
    assert!(
        why.contains("app_error_rate could not be read 3 times in a row")
            && why.contains("Prometheus: ")
            && why.contains("parse error"),
        "{why}"
    );
    let all = readings(&pool, id).await;
    assert!(all.len() >= 3, "{all:?}");
    assert!(
        all.iter().all(|(value, breached, error, _)| value.is_none()
            && !breached
            && error.as_deref().is_some_and(|e| e.contains("Prometheus"))),
        "{all:?}"
    );
    assert_eq!(
        all.iter()
            .filter(|r| r.3.as_deref() == Some("pause"))
            .count(),
        1,
        "{all:?}"
    );
    let detail = w.detail(id).await;
    assert_eq!(detail["summary"]["state"], "paused");
    assert_eq!(detail["waiting_for_promotion"], false);
    assert!(detail["triggers"][0]["readings"][0]["value"].is_null());
    assert!(detail["triggers"][0]["readings"][0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("Prometheus")));
    engine.stop().await;
    prometheus.stop().await;
}

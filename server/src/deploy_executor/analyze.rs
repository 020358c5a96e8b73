//! One analysis tick: every rollback trigger that is due is read (with no
//! transaction open), its reading recorded and evaluated, and a fired
//! trigger acts (roll back, alert, scale up); metrics that cannot be read
//! several times in a row pause the deployment for a person.

use super::{app_error, deployment_id, load, metrics, Engine, Loaded};
use crate::jobs::{Handler, JobContext, JobError};
use app::domain::deploy::{
    evaluate, DeploymentState, MetricSource, Operator, TriggerAction, TriggerSpec, Verdict,
};
use app::services::deployments::{self as service, WatchedTrigger};
use app::services::jobs;
use app::services::Actor;
use chrono::Utc;
use sqlx::PgConnection;
use std::sync::Arc;

/// The trigger's stored settings as the domain evaluates them.
fn spec(t: &WatchedTrigger) -> Result<TriggerSpec, JobError> {
    let bad = |e: String| JobError::Fatal(format!("stored trigger: {e}"));
    Ok(TriggerSpec {
        metric: t.metric.clone(),
        operator: Operator::parse(&t.operator).map_err(bad)?,
        threshold: t.threshold,
        sustained_seconds: t.sustained_seconds.max(0) as u32,
        interval_seconds: t.interval_seconds.max(1) as u32,
        action: TriggerAction::parse(&t.action).map_err(bad)?,
        cooldown_minutes: t.cooldown_minutes.max(0) as u32,
        source: MetricSource::parse(&t.source).map_err(bad)?,
        query: t.query.clone(),
    })
}

/// One analysis tick: read every trigger that is due, evaluate, act, and
/// schedule the next tick while the deployment runs or bakes.
pub(super) struct AnalyzeHandler(pub(super) Arc<Engine>);

#[async_trait::async_trait]
impl Handler for AnalyzeHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let engine = &self.0;
        let id = deployment_id(cx)?;
        let tick = cx.job.payload["tick"].as_i64().unwrap_or(0);
        let mut conn = engine.pool.acquire().await?;
        let d = load(&mut conn, id, false).await?;
        let watching = |d: &Loaded| match d.state() {
            DeploymentState::Running | DeploymentState::Paused => true,
            DeploymentState::Succeeded => d.bake_until.is_some_and(|b| b > Utc::now()),
            _ => false,
        };
        if !watching(&d) {
            return Ok(());
        }
        let triggers = service::watched_triggers(&mut conn, id).await?;
        drop(conn);
        let now = Utc::now();
        let subject = metrics::Subject {
            service: &d.service,
            environment: &d.environment,
            version: &d.version,
            fleet: d.fleet(),
        };
        // Read (no transaction open): only triggers whose interval is up.
        let mut readings = Vec::new();
        for t in &triggers {
            let spec = spec(t)?;
            let due = t.last_reading_at.is_none_or(|last| {
                now - last
                    >= chrono::Duration::milliseconds(i64::from(spec.interval_seconds) * 1000 - 250)
            });
            if due {
                let value = metrics::read(
                    &engine.pool,
                    &engine.http,
                    engine.prometheus.as_deref(),
                    &spec,
                    &subject,
                )
                .await;
                readings.push((t, spec, value));
            }
        }
        if cx.lease_lost() {
            return Err(JobError::LeaseLost);
        }

        let mut tx = engine.pool.begin().await?;
        let locked = load(&mut tx, id, true).await?;
        cx.complete_in(&mut tx).await?;
        let mut state = locked.state();
        for (t, spec, value) in &readings {
            let (value, error) = match value {
                Ok(v) => (Some(*v), None),
                Err(e) => (None, Some(e.clone())),
            };
            let breached = value.is_some_and(|v| spec.operator.holds(v, spec.threshold));
            let reading_id =
                service::record_reading(&mut tx, t.id, now, value, breached, error.as_deref())
                    .await?;
            let window =
                i64::from(spec.sustained_seconds) + 3 * i64::from(spec.interval_seconds) + 5;
            let history =
                service::reading_history(&mut tx, t.id, now - chrono::Duration::seconds(window))
                    .await?;
            let fired = match evaluate(spec, &history, t.last_fired_at, now) {
                Verdict::Fire { since, values } => {
                    let shown: Vec<String> = values
                        .iter()
                        .rev()
                        .take(5)
                        .rev()
                        .map(|v| format!("{v:.4}"))
                        .collect();
                    let reason = format!(
                        "{} {} {} sustained {} s since {} (values {}); trigger action: {}",
                        spec.metric,
                        spec.operator.as_str(),
                        spec.threshold,
                        (now - since).num_seconds(),
                        since.format("%H:%M:%S"),
                        shown.join(", "),
                        spec.action.as_str()
                    );
                    act_on_trigger(&mut tx, &locked, &mut state, spec.action, &reason).await?
                }
                // Exactly at the limit: a person who resumes after reading the
                // reason is asked again only after a fresh run of failures.
                Verdict::Inconclusive { in_a_row }
                    if in_a_row == locked.inconclusive_limit.max(1) as u32 =>
                {
                    if state == DeploymentState::Running {
                        let why = format!(
                            "{} could not be read {in_a_row} times in a row ({}); paused for a person to decide",
                            spec.metric,
                            error.clone().unwrap_or_default()
                        );
                        service::pause(&mut tx, id, &why).await.map_err(app_error)?;
                        service::log(&mut tx, id, "warn", &why).await?;
                        service::alert(
                            &mut tx,
                            id,
                            "Deployment paused: metrics inconclusive",
                            &why,
                        )
                        .await
                        .map_err(app_error)?;
                        state = DeploymentState::Paused;
                        Some("pause")
                    } else {
                        None
                    }
                }
                _ => None,
            };
            if let Some(fired) = fired {
                service::record_fired(&mut tx, reading_id, t.id, fired, now).await?;
            }
        }
        // Readings are pushed to the page like log lines.
        service::notify(&mut tx, id).await?;
        let still = matches!(state, DeploymentState::Running | DeploymentState::Paused)
            || state == DeploymentState::Succeeded
                && locked.bake_until.is_none_or(|b| b > Utc::now());
        if still && !triggers.is_empty() {
            let every = triggers
                .iter()
                .map(|t| t.interval_seconds.max(1))
                .min()
                .unwrap_or(10);
            let next = service::analyze_job(id, tick + 1)
                .at(now + chrono::Duration::seconds(i64::from(every)));
            jobs::enqueue(&mut tx, next).await?;
        }
        app::services::audit::commit(tx).await?;
        Ok(())
    }
}

/// Runs a fired trigger's action; returns what was done.
async fn act_on_trigger(
    tx: &mut PgConnection,
    d: &Loaded,
    state: &mut DeploymentState,
    action: TriggerAction,
    reason: &str,
) -> Result<Option<&'static str>, JobError> {
    match action {
        TriggerAction::Rollback => {
            if state.can_become(DeploymentState::RollingBack) {
                service::finish(
                    tx,
                    d.id,
                    DeploymentState::RollingBack,
                    &Actor::System,
                    &format!("Automatic rollback: {reason}"),
                )
                .await
                .map_err(app_error)?;
                *state = DeploymentState::RollingBack;
                Ok(Some("rollback"))
            } else {
                Ok(None)
            }
        }
        TriggerAction::Alert => {
            service::log(tx, d.id, "warn", &format!("Alert: {reason}")).await?;
            service::alert(tx, d.id, &format!("Alert on D-{}", d.number), reason)
                .await
                .map_err(app_error)?;
            Ok(Some("alert"))
        }
        TriggerAction::ScaleUp => {
            service::log(tx, d.id, "warn", &format!("Scaling up: {reason}")).await?;
            jobs::enqueue(tx, service::scale_up_job(d.id, reason)).await?;
            Ok(Some("scale_up"))
        }
    }
}

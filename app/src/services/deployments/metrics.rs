//! Metrics: values applications push (stored, and read back for pushed
//! rollback triggers) and the simulated fleet's settings, which its
//! triggers read.

use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One pushed metric value.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MetricPush {
    pub service: String,
    pub environment: String,
    #[serde(default)]
    pub version: Option<String>,
    pub metric: String,
    pub value: f64,
    /// When it was measured (default: now).
    #[serde(default)]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Stores pushed metric values (up to 1,000 per call).
pub async fn push_metrics(
    pool: &PgPool,
    user: &SessionUser,
    samples: &[MetricPush],
) -> Result<usize, AppError> {
    if !user.may(crate::domain::Permission::Deploy { protected: false }) {
        return Err(AppError::NotPermitted(
            "Only engineers, release managers and administrators push metrics.".into(),
        ));
    }
    let mut errors = BTreeMap::new();
    if samples.is_empty() || samples.len() > 1000 {
        errors.insert("samples".into(), "Send between 1 and 1,000 values.".into());
    }
    for (i, s) in samples.iter().enumerate() {
        if !s.value.is_finite() {
            errors.insert(
                format!("samples.{i}.value"),
                "Must be a finite number.".into(),
            );
        }
        for (field, text) in [
            ("service", &s.service),
            ("environment", &s.environment),
            ("metric", &s.metric),
        ] {
            if text.trim().is_empty() || text.len() > 100 {
                errors.insert(
                    format!("samples.{i}.{field}"),
                    "Required, at most 100 characters.".into(),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let column = |f: fn(&MetricPush) -> String| samples.iter().map(f).collect::<Vec<_>>();
    let services = column(|s| s.service.trim().to_string());
    let environments = column(|s| s.environment.trim().to_string());
    // Pushed values drive rollback triggers, so they are scoped like
    // deploying: protected environments only for those who deploy there.
    let protection: BTreeMap<String, bool> = sqlx::query!(
        "select key, protected from environment where key = any($1)",
        &environments
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.key, r.protected))
    .collect();
    for (i, environment) in environments.iter().enumerate() {
        match protection.get(environment) {
            None => {
                errors.insert(
                    format!("samples.{i}.environment"),
                    format!("There is no environment \"{environment}\"."),
                );
            }
            Some(&protected) if !user.may(crate::domain::Permission::Deploy { protected }) => {
                return Err(AppError::NotPermitted(format!(
                    "{environment} is protected: only release managers and administrators push metrics there."
                )));
            }
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let metrics = column(|s| s.metric.trim().to_string());
    let versions: Vec<Option<String>> = samples.iter().map(|s| s.version.clone()).collect();
    let values: Vec<f64> = samples.iter().map(|s| s.value).collect();
    let now = chrono::Utc::now();
    let ats: Vec<chrono::DateTime<chrono::Utc>> =
        samples.iter().map(|s| s.at.unwrap_or(now)).collect();
    sqlx::query!(
        "insert into metric_sample (service, environment, version, metric, value, at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::timestamptz[])",
        &services,
        &environments,
        // text[] with null elements, which the macro's check does not accept
        &versions as &[Option<String>],
        &metrics,
        &values,
        &ats
    )
    .execute(pool)
    .await?;
    Ok(samples.len())
}

/// The freshest value of `metric` pushed for `service` in `environment`
/// (for `version`, or for no version in particular) in the last
/// `window_seconds`, if any: a silent application is not a healthy one.
pub async fn latest_pushed(
    pool: &PgPool,
    service: &str,
    environment: &str,
    metric: &str,
    version: &str,
    window_seconds: f64,
) -> Result<Option<f64>, sqlx::Error> {
    sqlx::query_scalar!(
        "select value from metric_sample
         where service = $1 and environment = $2 and metric = $3
           and (version is null or version = $4) and at > now() - make_interval(secs => $5)
         order by at desc, id desc limit 1",
        service,
        environment,
        metric,
        version,
        window_seconds
    )
    .fetch_optional(pool)
    .await
}

/// Sets what a simulated fleet's metrics read (engineers, release managers,
/// administrators). Audited.
pub async fn set_fleet(
    pool: &PgPool,
    user: &SessionUser,
    target: Uuid,
    error_rate: f64,
    latency_p95: f64,
) -> Result<(), AppError> {
    if !user.may(crate::domain::Permission::Deploy { protected: false }) {
        return Err(AppError::NotPermitted(
            "Only engineers, release managers and administrators steer the simulated fleet.".into(),
        ));
    }
    let mut errors = BTreeMap::new();
    if !(0.0..=1.0).contains(&error_rate) {
        errors.insert(
            "error_rate".into(),
            "An error rate is between 0 and 1.".into(),
        );
    }
    if !(0.0..=600.0).contains(&latency_p95) {
        errors.insert(
            "latency_p95".into(),
            "Latency is between 0 and 600 seconds.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut tx = pool.begin().await?;
    let before = sqlx::query!(
        r#"select t.sim_error_rate, t.sim_latency_p95, t.environment,
                  coalesce(e.protected, true) as "protected!"
           from deploy_target t left join environment e on e.key = t.environment
           where t.id = $1 and t.kind = 'simulated' for update of t"#,
        target
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    // The fleet's numbers drive the rollback triggers of deployments there.
    if !user.may(crate::domain::Permission::Deploy {
        protected: before.protected,
    }) {
        return Err(AppError::NotPermitted(format!(
            "{} is protected: only release managers and administrators steer its simulated fleet.",
            before.environment
        )));
    }
    sqlx::query!(
        "update deploy_target set sim_error_rate = $2, sim_latency_p95 = $3, updated_at = now() where id = $1",
        target,
        error_rate,
        latency_p95
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "deploy_target.simulate",
            entity_type: "deploy_target",
            entity_id: Some(target.to_string()),
            before: Some(json!({ "error_rate": before.sim_error_rate, "latency_p95": before.sim_latency_p95 })),
            after: Some(json!({ "error_rate": error_rate, "latency_p95": latency_p95 })),
            request_id: None,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

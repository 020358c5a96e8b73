//! Environments and services as admins maintain them. Every change is
//! audited in its own transaction.

use super::audit::{self, AuditEntry};
use super::read_cache::UntilWrite;
use super::session::SessionUser;
use super::stored::parse;
use crate::domain::catalog::{EnvironmentSpec, ValidService};
use crate::domain::deploy::{MetricSource, Operator, TriggerAction, TriggerSpec};
use crate::error::AppError;
use crate::model::{EnvironmentTriggers, ServiceView};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Every environment with its full specification, promotion path first.
pub async fn environments(pool: &PgPool) -> Result<Vec<EnvironmentSpec>, AppError> {
    Ok(sqlx::query_as!(
        EnvironmentSpec,
        "select key, name, purpose, infrastructure, data_source, data_retention, data_backup, access,
                promotion_order, protected, required_approvals
         from environment order by promotion_order nulls last, key"
    )
    .fetch_all(pool)
    .await?)
}

/// Creates an environment (`original` empty) or updates the one keyed
/// `original`. Keys are permanent once created: change requests refer to them.
#[tracing::instrument(skip_all, fields(key = %spec.key), err(Debug))]
pub async fn save_environment(
    pool: &PgPool,
    user: &SessionUser,
    original: Option<&str>,
    spec: &EnvironmentSpec,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Administer)?;
    let mut tx = pool.begin().await?;
    let before = match original {
        Some(key) => {
            if key != spec.key {
                return Err(AppError::field(
                    "key",
                    "An environment's key cannot change.",
                ));
            }
            let before = sqlx::query_as!(
                EnvironmentSpec,
                "select key, name, purpose, infrastructure, data_source, data_retention, data_backup, access,
                        promotion_order, protected, required_approvals
                 from environment where key = $1 for update",
                key
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
            sqlx::query!(
                "update environment set name = $2, purpose = $3, infrastructure = $4, data_source = $5,
                        data_retention = $6, data_backup = $7, access = $8, promotion_order = $9,
                        protected = $10, required_approvals = $11, updated_at = now()
                 where key = $1",
                spec.key,
                spec.name,
                spec.purpose,
                &spec.infrastructure,
                spec.data_source,
                spec.data_retention,
                spec.data_backup,
                &spec.access,
                spec.promotion_order,
                spec.protected,
                spec.required_approvals,
            )
            .execute(&mut *tx)
            .await?;
            Some(before)
        }
        None => {
            let inserted = sqlx::query!(
                "insert into environment (id, key, name, purpose, infrastructure, data_source, data_retention,
                                          data_backup, access, promotion_order, protected, required_approvals)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 on conflict (key) do nothing",
                Uuid::new_v4(),
                spec.key,
                spec.name,
                spec.purpose,
                &spec.infrastructure,
                spec.data_source,
                spec.data_retention,
                spec.data_backup,
                &spec.access,
                spec.promotion_order,
                spec.protected,
                spec.required_approvals,
            )
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(AppError::field(
                    "key",
                    format!("There is already an environment \"{}\".", spec.key),
                ));
            }
            None
        }
    };
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: if before.is_some() {
                "environment.update"
            } else {
                "environment.create"
            },
            entity_type: "environment",
            entity_id: Some(spec.key.clone()),
            before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
            after: Some(serde_json::to_value(spec).unwrap_or_default()),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// A row of `environment_trigger`: its environment, then the trigger.
struct StoredTrigger {
    environment: String,
    metric: String,
    operator: String,
    threshold: f64,
    sustained_seconds: i32,
    interval_seconds: i32,
    action: String,
    cooldown_minutes: i32,
    source: String,
    query: String,
}

fn stored_trigger(row: StoredTrigger) -> Result<(String, TriggerSpec), AppError> {
    Ok((
        row.environment,
        TriggerSpec {
            metric: row.metric,
            operator: parse(&row.operator, Operator::parse)?,
            threshold: row.threshold,
            sustained_seconds: row.sustained_seconds.max(0) as u32,
            interval_seconds: row.interval_seconds.max(1) as u32,
            action: parse(&row.action, TriggerAction::parse)?,
            cooldown_minutes: row.cooldown_minutes.max(0) as u32,
            source: parse(&row.source, MetricSource::parse)?,
            query: row.query,
        },
    ))
}

/// Every environment's default rollback triggers, promotion path first. One
/// with none saved shows the seed's two, which is what a deployment there
/// starts with (`deployments::environment_triggers`).
pub async fn environment_triggers(pool: &PgPool) -> Result<Vec<EnvironmentTriggers>, AppError> {
    let keys: Vec<String> =
        sqlx::query_scalar!("select key from environment order by promotion_order nulls last, key")
            .fetch_all(pool)
            .await?;
    let rows = sqlx::query_as!(
        StoredTrigger,
        "select environment, metric, operator, threshold, sustained_seconds,
                interval_seconds, action, cooldown_minutes, source, query
         from environment_trigger order by environment, position"
    )
    .fetch_all(pool)
    .await?;
    let mut saved: std::collections::BTreeMap<String, Vec<TriggerSpec>> = Default::default();
    for row in rows {
        let (environment, spec) = stored_trigger(row)?;
        saved.entry(environment).or_default().push(spec);
    }
    Ok(keys
        .into_iter()
        .map(|environment| match saved.remove(&environment) {
            Some(triggers) => EnvironmentTriggers {
                environment,
                triggers,
                standard: false,
            },
            None => EnvironmentTriggers {
                environment,
                triggers: TriggerSpec::seed_defaults(),
                standard: true,
            },
        })
        .collect())
}

/// Replaces an environment's default rollback triggers (already checked by
/// `trigger_form::validate_defaults`). Deployments started afterwards get
/// them; running ones keep their own.
#[tracing::instrument(skip_all, fields(environment = %environment), err(Debug))]
pub async fn save_environment_triggers(
    pool: &PgPool,
    user: &SessionUser,
    environment: &str,
    triggers: &[TriggerSpec],
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Administer)?;
    let mut tx = pool.begin().await?;
    let known: Option<String> = sqlx::query_scalar!(
        "select key from environment where key = $1 for update",
        environment
    )
    .fetch_optional(&mut *tx)
    .await?;
    if known.is_none() {
        return Err(AppError::NotFound);
    }
    let rows = sqlx::query_as!(
        StoredTrigger,
        "select environment, metric, operator, threshold, sustained_seconds,
                interval_seconds, action, cooldown_minutes, source, query
         from environment_trigger where environment = $1 order by position",
        environment
    )
    .fetch_all(&mut *tx)
    .await?;
    let standard = rows.is_empty();
    let before = if standard {
        TriggerSpec::seed_defaults()
    } else {
        rows.into_iter()
            .map(|row| stored_trigger(row).map(|(_, spec)| spec))
            .collect::<Result<Vec<_>, _>>()?
    };
    sqlx::query!(
        "delete from environment_trigger where environment = $1",
        environment
    )
    .execute(&mut *tx)
    .await?;
    for (position, spec) in triggers.iter().enumerate() {
        sqlx::query!(
            "insert into environment_trigger (environment, position, metric, operator, threshold,
                 sustained_seconds, interval_seconds, action, cooldown_minutes, source, query)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            environment,
            position as i32,
            spec.metric.trim(),
            spec.operator.as_str(),
            spec.threshold,
            spec.sustained_seconds as i32,
            spec.interval_seconds as i32,
            spec.action.as_str(),
            spec.cooldown_minutes as i32,
            spec.source.as_str(),
            &spec.query
        )
        .execute(&mut *tx)
        .await?;
    }

    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "environment.triggers",
            entity_type: "environment",
            entity_id: Some(environment.to_string()),
            before: Some(json!({ "triggers": before, "standard": standard })),
            after: Some(json!({ "triggers": triggers, "standard": false })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// Every service with how many releases it has, kept until this process's
/// next write or for five seconds (every filter bar and release form lists
/// them), as the overview keeps its lists.
pub async fn services(pool: &PgPool) -> Result<Vec<ServiceView>, AppError> {
    static SERVICES: std::sync::LazyLock<UntilWrite<(), Vec<ServiceView>>> =
        std::sync::LazyLock::new(|| UntilWrite::new(4));
    SERVICES.get_or_load(pool, (), || read_services(pool)).await
}

async fn read_services(pool: &PgPool) -> Result<Vec<ServiceView>, AppError> {
    Ok(sqlx::query_as!(
        ServiceView,
        r#"select s.id, s.key, s.name, s.description,
                  (select count(*) from release r where r.service_id = s.id) as "release_count!"
           from service s order by s.key"#
    )
    .fetch_all(pool)
    .await?)
}

/// Creates a service (`id` none) or renames / redescribes one. The key is
/// permanent.
#[tracing::instrument(skip_all, fields(key = %service.key), err(Debug))]
pub async fn save_service(
    pool: &PgPool,
    user: &SessionUser,
    id: Option<Uuid>,
    service: &ValidService,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Administer)?;
    let mut tx = pool.begin().await?;
    let (id, before) = match id {
        Some(id) => {
            let before = sqlx::query!(
                "select key, name, description from service where id = $1 for update",
                id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
            if before.key != service.key {
                return Err(AppError::field("key", "A service's key cannot change."));
            }
            sqlx::query!(
                "update service set name = $2, description = $3, updated_at = now() where id = $1",
                id,
                service.name,
                service.description
            )
            .execute(&mut *tx)
            .await?;
            (
                id,
                Some(
                    json!({ "key": before.key, "name": before.name, "description": before.description }),
                ),
            )
        }
        None => {
            let id = Uuid::new_v4();
            let inserted = sqlx::query!(
                "insert into service (id, key, name, description) values ($1, $2, $3, $4)
                 on conflict (key) do nothing",
                id,
                service.key,
                service.name,
                service.description
            )
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(AppError::field(
                    "key",
                    format!("There is already a service \"{}\".", service.key),
                ));
            }
            (id, None)
        }
    };
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: if before.is_some() {
                "service.update"
            } else {
                "service.create"
            },
            entity_type: "service",
            entity_id: Some(id.to_string()),
            before,
            after: Some(serde_json::to_value(service).unwrap_or_default()),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

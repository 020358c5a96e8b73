//! Deploy targets: how each (service, environment) pair is reached.
//! Administrators configure them; the webhook secret is write-only.

use super::audit::{self, AuditEntry};
use super::session::SessionUser;
use crate::error::AppError;
use crate::model::{TargetInput, TargetView};
use serde_json::json;
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

pub async fn list(pool: &PgPool) -> Result<Vec<TargetView>, AppError> {
    let rows = sqlx::query!(
        "select t.id, s.key as service, t.environment, t.kind, t.program, t.args, t.url,
                t.secret is not null and t.secret <> '' as has_secret, t.timeout_seconds, t.health_url,
                t.health_status, t.health_command, t.live_version
         from deploy_target t join service s on s.id = t.service_id
         order by s.key, t.environment"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TargetView {
            id: r.id,
            service: r.service,
            environment: r.environment,
            kind: r.kind,
            program: r.program,
            args: r.args,
            url: r.url,
            has_secret: r.has_secret.unwrap_or(false),
            timeout_seconds: r.timeout_seconds,
            health_url: r.health_url,
            health_status: r.health_status,
            health_command: r.health_command,
            live_version: r.live_version,
        })
        .collect())
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

fn http_url(text: &str) -> bool {
    (text.starts_with("http://") || text.starts_with("https://")) && text.len() <= 2000
}

/// Creates or replaces the target of a (service, environment) pair.
pub async fn save(
    pool: &PgPool,
    user: &SessionUser,
    input: &TargetInput,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Administer)?;
    let mut errors = BTreeMap::new();
    let mut field = |name: &str, message: &str| {
        errors.insert(name.to_string(), message.to_string());
    };
    if !["command", "webhook", "simulated"].contains(&input.kind.as_str()) {
        field("kind", "Choose command, webhook or simulated.");
    }
    let timeout = match input.timeout_seconds.trim() {
        "" => 300,
        t => match t.parse::<i32>() {
            Ok(n) if (1..=86_400).contains(&n) => n,
            _ => {
                field("timeout_seconds", "Between 1 and 86,400 seconds.");
                300
            }
        },
    };
    let health_status = match input.health_status.trim() {
        "" => 200,
        t => match t.parse::<i32>() {
            Ok(n) if (100..=599).contains(&n) => n,
            _ => {
                field("health_status", "An HTTP status between 100 and 599.");
                200
            }
        },
    };
    let program = optional(&input.program);
    let url = optional(&input.url);
    let args: Vec<String> = input
        .args
        .lines()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect();
    if input.kind == "command" && program.is_none() {
        field("program", "A command target needs the program to run.");
    }
    if input.kind == "webhook" {
        match &url {
            Some(u) if http_url(u) => {}
            _ => field("url", "A webhook target needs an http(s) URL."),
        }
    }
    let health_url = optional(&input.health_url);
    if health_url.as_deref().is_some_and(|u| !http_url(u)) {
        field("health_url", "The health check URL must be http(s).");
    }
    let mut tx = pool.begin().await?;
    let service = sqlx::query_scalar!(
        "select id from service where key = $1",
        input.service.trim()
    )
    .fetch_optional(&mut *tx)
    .await?;
    if service.is_none() {
        field("service", "Choose a service.");
    }
    let env_known = sqlx::query_scalar!(
        r#"select exists(select 1 from environment where key = $1) as "e!""#,
        input.environment.trim()
    )
    .fetch_one(&mut *tx)
    .await?;
    if !env_known {
        field("environment", "Choose an environment.");
    }
    let existing = match service {
        Some(service) => sqlx::query!(
            "select id, secret from deploy_target where service_id = $1 and environment = $2 for update",
            service,
            input.environment.trim()
        )
        .fetch_optional(&mut *tx)
        .await?,
        None => None,
    };
    let secret =
        optional(&input.secret).or_else(|| existing.as_ref().and_then(|e| e.secret.clone()));
    if input.kind == "webhook" && secret.as_deref().is_none_or(|s| s.len() < 16) {
        field(
            "secret",
            "A webhook target needs a signing secret of at least 16 characters.",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let service = service.ok_or(AppError::NotFound)?;
    let id = existing.as_ref().map(|e| e.id).unwrap_or_else(Uuid::new_v4);
    sqlx::query!(
        "insert into deploy_target (id, service_id, environment, kind, program, args, url, secret, timeout_seconds,
                                    health_url, health_status, health_command)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (id) do update set kind = $4, program = $5, args = $6, url = $7, secret = $8,
             timeout_seconds = $9, health_url = $10, health_status = $11, health_command = $12, updated_at = now()",
        id,
        service,
        input.environment.trim(),
        input.kind,
        program,
        &args,
        url,
        secret,
        timeout,
        health_url,
        health_status,
        optional(&input.health_command),
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: if existing.is_some() { "deploy_target.update" } else { "deploy_target.create" },
            entity_type: "deploy_target",
            entity_id: Some(id.to_string()),
            before: None,
            // the secret is never written to the audit trail
            after: Some(json!({
                "service": input.service.trim(), "environment": input.environment.trim(), "kind": input.kind,
                "program": program, "args": args, "url": url, "timeout_seconds": timeout,
                "health_url": health_url, "health_status": health_status,
                "secret_changed": !input.secret.trim().is_empty(),
            })),
            request_id: None,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

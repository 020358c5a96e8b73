//! The job handlers of subscriber delivery: `status.notify` fans a notice
//! out into one `status.deliver` job per interested subscriber,
//! `status.deliver` sends one notice (or a confirmation) and records it,
//! and the maintenance tick moves a window along by the clock.

use super::{app_error, Delivery};
use crate::jobs::{Handler, JobContext, JobError, Registry};
use app::services::jobs::{self as queue, NewJob};
use app::services::status_page::{kinds, subscribers};
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

/// Fans a notice out into one delivery job per interested subscriber.
struct NotifyHandler(Arc<Delivery>);

#[async_trait::async_trait]
impl Handler for NotifyHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let payload = &cx.job.payload;
        let key = if let Some(id) = payload["incident_update"].as_str() {
            format!("incident_update:{id}")
        } else if let Some(id) = payload["maintenance_update"].as_str() {
            format!("maintenance_update:{id}")
        } else {
            return Err(JobError::Fatal("payload names no update".into()));
        };
        let Some(notice) = self.0.notice(&key).await? else {
            // deleted, or the incident went back to being non-public
            return Ok(());
        };
        let mut tx = cx.pool.begin().await?;
        let audience = subscribers::audience(&mut tx, &notice.components())
            .await
            .map_err(app_error)?;
        for subscriber in audience {
            queue::enqueue(
                &mut tx,
                NewJob::new(
                    kinds::DELIVER,
                    json!({ "subscriber": subscriber, "notice": key }),
                )
                .key(format!("deliver:{key}:{subscriber}"))
                .attempts(8),
            )
            .await?;
        }
        cx.complete_in(&mut tx).await?;
        app::services::audit::commit(tx).await?;
        Ok(())
    }
}

/// Sends one notice (or a confirmation) to one subscriber.
struct DeliverHandler(Arc<Delivery>);

#[async_trait::async_trait]
impl Handler for DeliverHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let payload = &cx.job.payload;
        let subscriber: Uuid = payload["subscriber"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| JobError::Fatal("payload names no subscriber".into()))?;
        if let Some(token) = payload["confirm"].as_str() {
            return self.0.confirm(subscriber, token).await;
        }
        let key = payload["notice"]
            .as_str()
            .ok_or_else(|| JobError::Fatal("payload names no notice".into()))?;
        let mut conn = cx.pool.acquire().await?;
        let Some(r) = subscribers::recipient(&mut conn, subscriber)
            .await
            .map_err(app_error)?
        else {
            return Ok(());
        };
        if !r.active
            || !r.confirmed
            || subscribers::was_delivered(&mut conn, subscriber, key)
                .await
                .map_err(app_error)?
        {
            return Ok(());
        }
        drop(conn);
        let Some(notice) = self.0.notice(key).await? else {
            return Ok(());
        };
        match r.kind.as_str() {
            "email" => self.0.send_email_notice(&r, &notice).await?,
            _ => self.0.send_webhook_notice(&r, &notice).await?,
        }
        let mut tx = cx.pool.begin().await?;
        subscribers::record_delivery(
            &mut tx,
            subscriber,
            key,
            notice.incident_id(),
            notice.maintenance_id(),
        )
        .await
        .map_err(app_error)?;
        cx.complete_in(&mut tx).await?;
        app::services::audit::commit(tx).await?;
        Ok(())
    }
}

/// Moves a maintenance window by the clock.
async fn maintenance_tick(pool: PgPool, cx: JobContext) -> Result<(), JobError> {
    let id: Uuid = cx.job.payload["maintenance"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| JobError::Fatal("payload names no maintenance".into()))?;
    app::services::status_page::maintenance::tick(&pool, id)
        .await
        .map_err(app_error)?;
    Ok(())
}

/// Registers the notify, deliver and maintenance-tick handlers.
pub fn register(registry: &mut Registry, delivery: Arc<Delivery>) {
    let pool = delivery.pool.clone();
    registry.add(kinds::NOTIFY, NotifyHandler(delivery.clone()));
    registry.add(kinds::DELIVER, DeliverHandler(delivery));
    registry.add_fn(kinds::MAINTENANCE_TICK, move |cx| {
        maintenance_tick(pool.clone(), cx)
    });
}

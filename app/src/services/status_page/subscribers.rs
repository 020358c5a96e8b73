//! Status-page subscribers: email (double opt-in) or webhook (signed), for
//! every component or some. Each message carries a one-click unsubscribe
//! link. Deliveries are recorded per subscriber and notice, so a notice
//! reaches a subscriber once.

use super::kinds;
use crate::domain::EmailAddress;
use crate::error::AppError;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::jobs::{self, NewJob};
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A confirmation mail per address at most this often.
const CONFIRM_EVERY_MINUTES: i64 = 10;

/// Sign-up attempts one client address may make in an hour.
pub const SIGNUPS_PER_HOUR: i64 = 10;

/// Counts a sign-up attempt from `client` and says whether it is within
/// `SIGNUPS_PER_HOUR`. Kept in PostgreSQL so every process counts the same
/// attempts; refused attempts are not counted, so the block lifts an hour
/// after the attempts it counted.
pub async fn allow_signup(pool: &PgPool, client: &str) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext('signup:' || $1))",
        client
    )
    .execute(&mut *tx)
    .await?;
    let recent = sqlx::query_scalar!(
        r#"select count(*) as "count!" from signup_attempt
           where client = $1 and created_at > now() - interval '1 hour'"#,
        client
    )
    .fetch_one(&mut *tx)
    .await?;
    if recent >= SIGNUPS_PER_HOUR {
        return Ok(false);
    }
    sqlx::query!("insert into signup_attempt (client) values ($1)", client)
        .execute(&mut *tx)
        .await?;
    crate::services::audit::commit(tx).await?;
    Ok(true)
}

/// Deletes sign-up attempts older than the hour they count for (hourly
/// housekeeping).
pub async fn prune_signup_attempts(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query!("delete from signup_attempt where created_at < now() - interval '1 hour'")
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}

fn token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Which components: `None` for all.
async fn check_components(pool: &PgPool, components: &Option<Vec<Uuid>>) -> Result<(), AppError> {
    if let Some(ids) = components {
        if ids.is_empty() {
            return Err(AppError::field(
                "components",
                "Choose at least one component, or all.",
            ));
        }
        let mut conn = pool.acquire().await?;
        super::existing_components(&mut conn, ids).await?;
    }
    Ok(())
}

/// Signs up an address and queues its confirmation mail. Answers the same
/// whether or not the address was already subscribed, so the form reveals
/// nothing about who is.
#[tracing::instrument(skip_all, err(Debug))]
pub async fn subscribe_email(
    pool: &PgPool,
    email: &str,
    components: Option<Vec<Uuid>>,
) -> Result<(), AppError> {
    let email = EmailAddress::parse(email).map_err(|e| AppError::field("email", e.to_string()))?;
    check_components(pool, &components).await?;
    let mut tx = pool.begin().await?;
    let existing = sqlx::query!(
        r#"select id, confirmed_at is not null as "confirmed!" from subscriber
         where kind = 'email' and lower(email) = lower($1) and unsubscribed_at is null for update"#,
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.id, r.confirmed));
    let confirm = token();
    let id = match existing {
        Some((_, true)) => {
            // Already confirmed: nothing to send, nothing to reveal.
            crate::services::audit::commit(tx).await?;
            return Ok(());
        }
        Some((id, false)) => {
            // A new link only when a new mail goes out (at most one per
            // address every few minutes), so the link already sent stays valid.
            if queue_confirmation(&mut tx, id, &confirm).await? {
                sqlx::query!(
                    "update subscriber set confirm_token_hash = $2, confirm_requested_at = now(), all_components = $3, components = $4
                     where id = $1",
                    id,
                    hash(&confirm),
                    components.is_none(),
                    components.as_deref().unwrap_or_default()
                )
                .execute(&mut *tx)
                .await?;
            }
            crate::services::audit::commit(tx).await?;
            return Ok(());
        }
        None => {
            // A sign-up for the same address at the same moment wins the
            // unique index; this one then has nothing left to do.
            let id: Option<Uuid> = sqlx::query_scalar!(
                "insert into subscriber (id, kind, email, all_components, components, confirm_token_hash,
                                         confirm_requested_at, unsubscribe_token)
                 values ($1, 'email', $2, $3, $4, $5, now(), $6)
                 on conflict (lower(email)) where kind = 'email' and unsubscribed_at is null do nothing
                 returning id",
                Uuid::new_v4(),
                email.as_str(),
                components.is_none(),
                components.as_deref().unwrap_or_default(),
                hash(&confirm),
                token()
            )
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                crate::services::audit::commit(tx).await?;
                return Ok(());
            };
            audit::record(
                &mut tx,
                AuditEntry {
                    actor: &Actor::Anonymous,
                    action: "subscriber.create",
                    entity_type: "subscriber",
                    entity_id: Some(id.to_string()),
                    before: None,
                    after: Some(json!({ "kind": "email", "all_components": components.is_none() })),
                    request_id: None,
                },
            )
            .await?;
            id
        }
    };
    queue_confirmation(&mut tx, id, &confirm).await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// Queues the confirmation mail carrying `token`; false when one was
/// already queued for this subscriber in the last few minutes.
async fn queue_confirmation(
    conn: &mut PgConnection,
    id: Uuid,
    token: &str,
) -> Result<bool, AppError> {
    let bucket = chrono::Utc::now().timestamp() / (CONFIRM_EVERY_MINUTES * 60);
    // The token travels in the job's payload to the mail; only its hash is
    // kept on the subscriber, and finished jobs are pruned.
    let queued = jobs::enqueue(
        conn,
        NewJob::new(
            kinds::DELIVER,
            json!({ "subscriber": id, "confirm": token }),
        )
        .key(format!("confirm:{id}:{bucket}")),
    )
    .await?;
    Ok(queued.is_some())
}

/// A webhook subscription, live at once. Not `Debug`: it holds the secret.
#[derive(Clone)]
pub struct WebhookSubscription {
    pub id: Uuid,
    /// The HMAC-SHA256 key; shown once.
    pub secret: String,
    pub unsubscribe_token: String,
}

/// Signs up a webhook URL; the secret signs every delivery.
pub async fn subscribe_webhook(
    pool: &PgPool,
    url: &str,
    components: Option<Vec<Uuid>>,
) -> Result<WebhookSubscription, AppError> {
    let url = url.trim();
    let parsed_ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2000
        && !url.contains(char::is_whitespace);
    if !parsed_ok {
        return Err(AppError::field(
            "url",
            "An http(s) URL of at most 2,000 characters.",
        ));
    }
    check_components(pool, &components).await?;
    let mut tx = pool.begin().await?;
    let subscription = WebhookSubscription {
        id: Uuid::new_v4(),
        secret: token(),
        unsubscribe_token: token(),
    };
    sqlx::query!(
        "insert into subscriber (id, kind, url, secret, all_components, components, confirmed_at, unsubscribe_token)
         values ($1, 'webhook', $2, $3, $4, $5, now(), $6)",
        subscription.id,
        url,
        &subscription.secret,
        components.is_none(),
        components.as_deref().unwrap_or_default(),
        &subscription.unsubscribe_token
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &Actor::Anonymous,
            action: "subscriber.create",
            entity_type: "subscriber",
            entity_id: Some(subscription.id.to_string()),
            before: None,
            after: Some(
                json!({ "kind": "webhook", "url": url, "all_components": components.is_none() }),
            ),
            request_id: None,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(subscription)
}

/// Confirms an email subscription from its link.
pub async fn confirm(pool: &PgPool, token: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let id: Option<Uuid> = sqlx::query_scalar!(
        "update subscriber set confirmed_at = now(), confirm_token_hash = null
         where confirm_token_hash = $1 and unsubscribed_at is null
           and confirm_requested_at > now() - interval '7 days'
         returning id",
        hash(token.trim())
    )
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &Actor::Anonymous,
            action: "subscriber.confirm",
            entity_type: "subscriber",
            entity_id: Some(id.to_string()),
            before: None,
            after: None,
            request_id: None,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// Ends a subscription from a message's link. Unsubscribing twice is fine.
pub async fn unsubscribe(pool: &PgPool, token: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"select id, unsubscribed_at is not null as "already!" from subscriber where unsubscribe_token = $1 for update"#,
        token.trim()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let (id, already) = (row.id, row.already);
    if !already {
        sqlx::query!(
            "update subscriber set unsubscribed_at = now() where id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            AuditEntry {
                actor: &Actor::Anonymous,
                action: "subscriber.unsubscribe",
                entity_type: "subscriber",
                entity_id: Some(id.to_string()),
                before: None,
                after: None,
                request_id: None,
            },
        )
        .await?;
    }
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// How a subscriber is reached.
/// Not `Debug`: it holds the webhook secret.
#[derive(Clone)]
pub struct Recipient {
    pub id: Uuid,
    pub kind: String,
    pub email: Option<String>,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub unsubscribe_token: String,
    pub confirmed: bool,
    pub active: bool,
}

pub async fn recipient(conn: &mut PgConnection, id: Uuid) -> Result<Option<Recipient>, AppError> {
    Ok(sqlx::query_as!(
        Recipient,
        r#"select id, kind, email, url, secret, unsubscribe_token,
                  confirmed_at is not null as "confirmed!", unsubscribed_at is null as "active!"
           from subscriber where id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// Confirmed, active subscribers who follow any of `components` (or all);
/// a notice about no particular component goes to everyone.
pub async fn audience(conn: &mut PgConnection, components: &[Uuid]) -> Result<Vec<Uuid>, AppError> {
    Ok(sqlx::query_scalar!(
        "select id from subscriber
         where confirmed_at is not null and unsubscribed_at is null
           and (all_components or cardinality($1::uuid[]) = 0 or components && $1)
         order by created_at",
        components as &[Uuid]
    )
    .fetch_all(conn)
    .await?)
}

/// Records that `notice` reached `subscriber`; false when it already had.
pub async fn record_delivery(
    conn: &mut PgConnection,
    subscriber: Uuid,
    notice: &str,
    incident: Option<Uuid>,
    maintenance: Option<Uuid>,
) -> Result<bool, AppError> {
    let inserted = sqlx::query!(
        "insert into subscriber_delivery (subscriber_id, notice, incident_id, maintenance_id)
         values ($1, $2, $3, $4) on conflict do nothing",
        subscriber,
        notice,
        incident,
        maintenance
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn was_delivered(
    conn: &mut PgConnection,
    subscriber: Uuid,
    notice: &str,
) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select exists(select 1 from subscriber_delivery where subscriber_id = $1 and notice = $2) as "exists!""#,
        subscriber,
        notice
    )
    .fetch_one(conn)
    .await?)
}

/// Confirmed, active subscribers, for the support view.
pub async fn count_active(pool: &PgPool) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "count!" from subscriber where confirmed_at is not null and unsubscribed_at is null"#,
    )
    .fetch_one(pool)

    .await?)
}

//! Telling subscribers: a `status.notify` job fans one notice out into a
//! `status.deliver` job per subscriber (keyed by notice and subscriber, so
//! never twice), which sends the email through SMTP or the signed webhook,
//! then records the delivery together with the job's completion.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use super::{html::esc, v2};
use crate::deploy_executor::target::sign;
use crate::jobs::{Handler, JobContext, JobError, Registry};
use app::domain::markdown;
use app::domain::status::{IncidentStatus, MaintenanceState};
use app::server::jobs::{self as queue, NewJob};
use app::server::status::public::{self, Notice, Subject};
use app::server::status::{kinds, subscribers};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How the status page reaches people.
#[derive(Clone)]
pub struct DeliverySettings {
    /// The page's name in subjects and payloads.
    pub name: String,
    /// Absolute base for links (`https://status.example.com`).
    pub base_url: String,
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required`, `smtps://…`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Whether webhooks may reach loopback and private addresses.
    pub private_webhooks: bool,
}

impl std::fmt::Debug for DeliverySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the SMTP URL may carry a password
        f.debug_struct("DeliverySettings")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<redacted>"))
            .field("mail_from", &self.mail_from)
            .field("private_webhooks", &self.private_webhooks)
            .finish()
    }
}

pub struct Delivery {
    pool: PgPool,
    settings: DeliverySettings,
    mailer: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Option<Mailbox>,
    http: reqwest::Client,
    /// Notices recently loaded, so a fan-out to many subscribers loads each once.
    cache: Mutex<HashMap<String, (Instant, Arc<Notice>)>>,
}

const CACHE_FOR: Duration = Duration::from_secs(30);

impl Delivery {
    pub fn new(pool: PgPool, settings: DeliverySettings) -> Arc<Self> {
        let mailer = settings.smtp_url.as_deref().and_then(|url| {
            match AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
                Ok(builder) => Some(builder.timeout(Some(Duration::from_secs(20))).build()),
                Err(e) => {
                    // the URL may hold a password: log the error only
                    tracing::error!(error = %e, "ROOKERY_SMTP_URL is not a usable SMTP URL; email is off");
                    None
                }
            }
        });
        let from = match settings.mail_from.parse::<Mailbox>() {
            Ok(from) => Some(from),
            Err(e) => {
                tracing::error!(error = %e, from = %settings.mail_from, "ROOKERY_MAIL_FROM is not an address; email is off");
                None
            }
        };
        let http = webhook_client(None);
        Arc::new(Self {
            pool,
            settings,
            mailer,
            from,
            http,
            cache: Mutex::new(HashMap::new()),
        })
    }

    async fn notice(&self, key: &str) -> Result<Option<Arc<Notice>>, JobError> {
        if let Ok(cache) = self.cache.lock() {
            if let Some((at, notice)) = cache.get(key) {
                if at.elapsed() < CACHE_FOR {
                    return Ok(Some(notice.clone()));
                }
            }
        }
        let loaded = public::notice(&self.pool, key).await.map_err(app_error)?;
        let loaded = loaded.map(Arc::new);
        if let (Some(notice), Ok(mut cache)) = (&loaded, self.cache.lock()) {
            cache.retain(|_, (at, _)| at.elapsed() < CACHE_FOR);
            cache.insert(key.to_string(), (Instant::now(), notice.clone()));
        }
        Ok(loaded)
    }

    fn unsubscribe_url(&self, token: &str) -> String {
        format!(
            "{}/status/unsubscribe?token={token}",
            self.settings.base_url
        )
    }

    async fn send_mail(&self, message: Message) -> Result<(), JobError> {
        let Some(mailer) = &self.mailer else {
            return Err(JobError::Fatal(
                "email is not configured (ROOKERY_SMTP_URL)".into(),
            ));
        };
        mailer
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| JobError::Retry(format!("SMTP: {e}")))
    }

    fn mail(
        &self,
        to: &str,
        subject: &str,
        text: String,
        html: String,
        unsubscribe: &str,
        message_id: &str,
    ) -> Result<Message, JobError> {
        let from = self
            .from
            .clone()
            .ok_or_else(|| JobError::Fatal("ROOKERY_MAIL_FROM is not an address".into()))?;
        let to: Mailbox = to
            .parse()
            .map_err(|e| JobError::Fatal(format!("subscriber address: {e}")))?;
        Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{message_id}@rookery>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{unsubscribe}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ))
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| JobError::Fatal(format!("building the message: {e}")))
    }

    /// The double opt-in mail.
    async fn confirm(&self, subscriber: Uuid, token: &str) -> Result<(), JobError> {
        let mut conn = self.pool.acquire().await?;
        let Some(r) = subscribers::recipient(&mut conn, subscriber)
            .await
            .map_err(app_error)?
        else {
            return Ok(());
        };
        drop(conn);
        let (Some(email), true, false) = (&r.email, r.active, r.confirmed) else {
            return Ok(());
        };
        let name = &self.settings.name;
        let link = format!(
            "{}/status/subscribe/confirm?token={token}",
            self.settings.base_url
        );
        let unsubscribe = self.unsubscribe_url(&r.unsubscribe_token);
        let text = format!(
            "Please confirm that you want {name} status updates at this address:\n\n{link}\n\n\
             If you did not ask for this, ignore this message and nothing more will be sent.\n\nUnsubscribe: {unsubscribe}\n"
        );
        let html = format!(
            "<p>Please confirm that you want {name} status updates at this address.</p>\
             <p><a href=\"{link}\">Confirm my subscription</a></p>\
             <p>If you did not ask for this, ignore this message and nothing more will be sent.</p>\
             <p style=\"color:#64748b;font-size:12px\"><a href=\"{unsubscribe}\">Unsubscribe</a></p>",
            name = esc(name),
            link = esc(&link),
            unsubscribe = esc(&unsubscribe),
        );
        let message = self.mail(
            email,
            &format!("[{name}] Confirm your subscription"),
            text,
            html,
            &unsubscribe,
            &format!("confirm-{subscriber}-{}", &token[..8.min(token.len())]),
        )?;
        self.send_mail(message).await
    }

    fn describe(&self, notice: &Notice) -> (String, String, String, String) {
        let base = &self.settings.base_url;
        match &notice.subject {
            Subject::Incident(i) => (
                i.title.clone(),
                IncidentStatus::label_of(&notice.update.status).to_string(),
                format!("{base}/status/incidents/{}", i.id),
                names(notice),
            ),
            Subject::Maintenance(m) => (
                format!("Maintenance: {}", m.title),
                MaintenanceState::label_of(&notice.update.status).to_string(),
                format!("{base}/status/maintenance/{}", m.id),
                names(notice),
            ),
        }
    }

    async fn send_email_notice(
        &self,
        r: &subscribers::Recipient,
        notice: &Notice,
    ) -> Result<(), JobError> {
        let Some(email) = &r.email else {
            return Err(JobError::Fatal(
                "email subscriber without an address".into(),
            ));
        };
        let name = &self.settings.name;
        let (title, status, link, affected) = self.describe(notice);
        let unsubscribe = self.unsubscribe_url(&r.unsubscribe_token);
        let plain = markdown::plain_text(&notice.update.body, 4000);
        let text = format!(
            "{title}\n\n{status}: {plain}\n\nAffects: {affected}\nDetails: {link}\n\n\
             You receive this because you subscribed to {name} status updates.\nUnsubscribe: {unsubscribe}\n"
        );
        let html = format!(
            "<h2 style=\"font-size:18px\">{title}</h2><p><strong>{status}</strong></p>{body}\
             <p style=\"color:#64748b\">Affects: {affected}</p><p><a href=\"{link}\">View on the status page</a></p>\
             <p style=\"color:#64748b;font-size:12px\">You receive this because you subscribed to {name} status updates. \
             <a href=\"{unsubscribe}\">Unsubscribe</a></p>",
            title = esc(&title),
            status = esc(&status),
            body = markdown::render(&notice.update.body),
            affected = esc(&affected),
            link = esc(&link),
            name = esc(name),
            unsubscribe = esc(&unsubscribe),
        );
        let message = self.mail(
            email,
            &format!("[{name}] {title}: {status}"),
            text,
            html,
            &unsubscribe,
            &format!("{}-{}", notice.key.replace(':', "-"), r.id),
        )?;
        self.send_mail(message).await
    }

    async fn send_webhook_notice(
        &self,
        r: &subscribers::Recipient,
        notice: &Notice,
    ) -> Result<(), JobError> {
        let (Some(url), Some(secret)) = (&r.url, &r.secret) else {
            return Err(JobError::Fatal(
                "webhook subscriber without a URL or secret".into(),
            ));
        };
        let (name, base) = (&self.settings.name, &self.settings.base_url);
        let (indicator, description) = super::html::indicator(&notice.data);
        let subject = match &notice.subject {
            Subject::Incident(i) => v2::incident_value(&notice.data, name, base, i),
            Subject::Maintenance(m) => v2::maintenance_value(&notice.data, name, base, m),
        };
        let payload = json!({
            "meta": {
                "unsubscribe": self.unsubscribe_url(&r.unsubscribe_token),
                "documentation": format!("{base}/status/subscribe"),
            },
            "page": { "id": "rookery", "status_indicator": indicator, "status_description": description },
            "incident": subject,
            "update": {
                "id": notice.update.id,
                "status": notice.update.status,
                "body": notice.update.body,
                "created_at": notice.update.created_at,
            },
        });
        let pinned;
        let http = if self.settings.private_webhooks {
            &self.http
        } else {
            let (host, address) = check_destination(url).await?;
            pinned = webhook_client(Some((&host, address)));
            &pinned
        };
        let body = serde_json::to_vec(&payload).map_err(|e| JobError::Fatal(e.to_string()))?;
        let signature = sign(secret, &body).map_err(JobError::Fatal)?;
        let response = http
            .post(url)
            .header("content-type", "application/json")
            .header("x-rookery-signature", signature)
            .header("x-rookery-event", &notice.key)
            .header("idempotency-key", format!("{}:{}", notice.key, r.id))
            .body(body)
            .send()
            .await
            .map_err(|e| JobError::Retry(format!("webhook: {e}")))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(JobError::Retry(format!(
                "webhook answered {}",
                response.status()
            )))
        }
    }
}

/// Whether `ip` is a public address (not loopback, private, link-local,
/// unspecified, CGNAT or unique-local).
fn is_public(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            // ::a.b.c.d (IPv4-compatible) and 64:ff9b::/96 (NAT64) carry an IPv4 address
            let embedded = (s[..6] == [0; 6] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]).then(|| {
                std::net::Ipv4Addr::new(
                    (s[6] >> 8) as u8,
                    s[6] as u8,
                    (s[7] >> 8) as u8,
                    s[7] as u8,
                )
            });
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| !is_public(v4.into()))
                || embedded.is_some_and(|v4| !is_public(v4.into())))
        }
    }
}

/// Refuses a webhook whose host resolves to an internal address: anyone
/// may subscribe one, so it must not become a way into the network. Returns
/// the host and the checked address the request must go to (so a second DNS
/// answer cannot point it elsewhere).
pub(crate) async fn check_destination(
    url: &str,
) -> Result<(String, std::net::SocketAddr), JobError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| JobError::Fatal(format!("webhook URL: {e}")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| JobError::Fatal("webhook URL has no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| JobError::Retry(format!("resolving the webhook host: {e}")))?
        .collect();
    match addresses.first() {
        Some(first) if addresses.iter().all(|a| is_public(a.ip())) => Ok((host, *first)),
        _ => Err(JobError::Fatal(format!(
            "the webhook host {host} is not a public address (set ROOKERY_WEBHOOKS_TO_PRIVATE_ADDRESSES to allow it)"
        ))),
    }
}

/// The client webhooks are sent with; `pin` sends a host to one address.
fn webhook_client(pin: Option<(&str, std::net::SocketAddr)>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Rookery-Status/1");
    if let Some((host, address)) = pin {
        builder = builder.resolve(host, address);
    }
    builder.build().unwrap_or_default()
}

fn names(notice: &Notice) -> String {
    let names: Vec<&str> = notice
        .components()
        .iter()
        .filter_map(|id| notice.data.components.iter().find(|c| c.id == *id))
        .map(|c| c.name.as_str())
        .collect();
    if names.is_empty() {
        "all services".into()
    } else {
        names.join(", ")
    }
}

fn app_error(e: app::error::AppError) -> JobError {
    JobError::Retry(format!("{e:?}"))
}

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
        tx.commit().await?;
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
        tx.commit().await?;
        Ok(())
    }
}

/// Moves a maintenance window by the clock.
async fn maintenance_tick(pool: PgPool, cx: JobContext) -> Result<(), JobError> {
    let id: Uuid = cx.job.payload["maintenance"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| JobError::Fatal("payload names no maintenance".into()))?;
    app::server::status::maintenance::tick(&pool, id)
        .await
        .map_err(app_error)?;
    Ok(())
}

pub fn register(registry: &mut Registry, delivery: Arc<Delivery>) {
    let pool = delivery.pool.clone();
    registry.add(kinds::NOTIFY, NotifyHandler(delivery.clone()));
    registry.add(kinds::DELIVER, DeliverHandler(delivery));
    registry.add_fn(kinds::MAINTENANCE_TICK, move |cx| {
        maintenance_tick(pool.clone(), cx)
    });
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "ff02::1",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}

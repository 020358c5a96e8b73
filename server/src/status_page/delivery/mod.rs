//! Telling subscribers: a `status.notify` job fans one notice out into a
//! `status.deliver` job per subscriber (keyed by notice and subscriber, so
//! never twice), which sends the email through SMTP or the signed webhook,
//! then records the delivery together with the job's completion.
//!
//! - here: [`DeliverySettings`] and [`Delivery`], the sender every job
//!   shares (SMTP transport, HTTP client, a short cache of notices).
//! - `email`: the confirmation mail and the notice mails.
//! - `webhook`: the signed JSON POST, and the check that keeps webhooks
//!   out of internal networks.
//! - `jobs`: the job handlers (fan-out, delivery, maintenance tick) and
//!   [`register`].

mod email;
mod jobs;
mod webhook;

pub use jobs::register;
pub(crate) use webhook::check_destination;

use crate::jobs::JobError;
use app::services::status_page::public::{self, Notice};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// Sends what the status page tells its subscribers, by email and by
/// webhook.
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
}

/// A job error from a service error: worth retrying.
fn app_error(e: app::error::AppError) -> JobError {
    JobError::Retry(format!("{e:?}"))
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

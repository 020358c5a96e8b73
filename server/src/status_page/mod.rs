//! The public status page, served from memory.
//!
//! [`StatusPage`] holds the last [`PublicData`] loaded from PostgreSQL with
//! its main page already rendered. A refresher LISTENs on `rookery_status`
//! (triggers on every status table notify it, so every `rookery` process
//! stays current), reloads on each notification and every 30 seconds (uptime
//! moves with the clock), and marks the snapshot stale when the database
//! cannot be reached. Pages, feeds, JSON and badges never query the
//! database, so they keep answering, with a "last updated" note, while it
//! is down.
//!
//! - [`routes`]: the HTTP routes, answered from the snapshot.
//! - [`html`]: the pages; [`feeds`]: Atom and RSS; [`badge`]: SVG badges;
//!   [`v2`]: Statuspage-compatible JSON; [`compress`]: gzip.
//! - [`delivery`]: email and webhooks to subscribers, as jobs.

pub mod badge;
pub mod compress;
pub mod delivery;
pub mod feeds;
pub mod html;
pub mod routes;
pub mod v2;

use app::services::status_page::public::{self, PublicData};
use axum::body::Bytes;
use axum::http::HeaderValue;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The NOTIFY channel the status tables' triggers use.
pub const CHANNEL: &str = "rookery_status";
const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// A rendered document with its validators, and for the hot main page a
/// gzip-compressed copy made once per snapshot (other documents are
/// compressed when served, see `routes::respond`). The validators' header
/// values are made here, once, so serving the main page builds nothing.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
    pub last_modified: DateTime<Utc>,
    pub gzip: Option<Bytes>,
    pub headers: Validators,
}

/// `ETag` (plain and compressed) and `Last-Modified` as header values.
#[derive(Clone, Debug)]
pub struct Validators {
    pub etag: HeaderValue,
    /// The compressed copy's tag: it is a different representation.
    pub gzip_etag: String,
    pub gzip_etag_value: HeaderValue,
    pub last_modified: HeaderValue,
}

impl Rendered {
    pub fn new(body: impl Into<Bytes>, last_modified: DateTime<Utc>) -> Self {
        let body = body.into();
        let digest = Sha256::digest(&body);
        let tag = &hex::encode(digest)[..20];
        let etag = format!("\"{tag}\"");
        let gzip_etag = format!("\"{tag}-gz\"");
        let value =
            |text: &str| HeaderValue::from_str(text).expect("hex and quotes are a valid header");
        let headers = Validators {
            etag: value(&etag),
            gzip_etag_value: value(&gzip_etag),
            gzip_etag,
            last_modified: value(
                &last_modified
                    .format("%a, %d %b %Y %H:%M:%S GMT")
                    .to_string(),
            ),
        };
        Self {
            etag,
            body,
            last_modified,
            gzip: None,
            headers,
        }
    }

    /// Adds the gzip-compressed copy.
    fn compressed(mut self) -> Self {
        self.gzip = compress::gzip(&self.body);
        self
    }
}

/// One load of the public data, with the main page rendered fresh and stale.
pub struct Snapshot {
    pub data: PublicData,
    index: [Rendered; 2],
}

impl Snapshot {
    /// The main page, rendered for a fresh or a stale snapshot.
    pub fn main_page(&self, stale: bool) -> &Rendered {
        &self.index[stale as usize]
    }

    fn build(data: PublicData, name: &str, previous: Option<&Snapshot>) -> Self {
        let render = |stale: bool| {
            let frame = html::Frame {
                name,
                loaded_at: data.loaded_at,
                stale,
            };
            let rendered = Rendered::new(html::index(&data, &frame), data.loaded_at);
            // unchanged content keeps its Last-Modified (and its compressed copy)
            match previous.map(|p| &p.index[stale as usize]) {
                Some(old) if old.etag == rendered.etag => old.clone(),
                _ => rendered.compressed(),
            }
        };
        let index = [render(false), render(true)];
        Self { data, index }
    }
}

#[derive(Clone, Debug)]
pub struct StatusSettings {
    /// The name on the page ("Acme" → "Acme Status").
    pub name: String,
    /// Whether email subscriptions are offered (SMTP is configured).
    pub email: bool,
    /// Whether webhooks may point at internal addresses
    /// (`ROOKERY_WEBHOOKS_TO_PRIVATE_ADDRESSES`); otherwise a sign-up for one
    /// is refused at once, with the reason, not only at delivery.
    pub private_webhooks: bool,
}

/// The shared, in-memory status page.
#[derive(Clone)]
pub struct StatusPage {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    settings: StatusSettings,
    current: RwLock<Option<Arc<Snapshot>>>,
    stale: AtomicBool,
}

impl StatusPage {
    /// Loads the first snapshot (a failure leaves the page empty and stale
    /// until the refresher succeeds).
    pub async fn start(pool: PgPool, settings: StatusSettings) -> Self {
        let page = Self {
            inner: Arc::new(Inner {
                pool,
                settings,
                current: RwLock::new(None),
                stale: AtomicBool::new(true),
            }),
        };
        page.reload().await;
        page
    }

    pub fn settings(&self) -> &StatusSettings {
        &self.inner.settings
    }

    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    /// The current snapshot, if one was ever loaded.
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.inner.current.read().ok().and_then(|s| s.clone())
    }

    pub fn is_stale(&self) -> bool {
        self.inner.stale.load(Ordering::Relaxed)
    }

    /// The snapshot whose main page should be served now, and which of its
    /// two renderings (fresh or stale) that is: see [`Snapshot::main_page`].
    pub fn index(&self) -> Option<(Arc<Snapshot>, bool)> {
        Some((self.snapshot()?, self.is_stale()))
    }

    /// Loads and renders a new snapshot; on failure keeps the old one and
    /// marks it stale.
    pub async fn reload(&self) -> bool {
        match public::load(&self.inner.pool).await {
            Ok(data) => {
                let previous = self.snapshot();
                let snapshot =
                    Snapshot::build(data, &self.inner.settings.name, previous.as_deref());
                if let Ok(mut current) = self.inner.current.write() {
                    *current = Some(Arc::new(snapshot));
                }
                if self.inner.stale.swap(false, Ordering::Relaxed) {
                    tracing::info!("status page is live again");
                }
                true
            }
            Err(e) => {
                self.mark_stale(&format!("{e:?}"));
                false
            }
        }
    }

    fn mark_stale(&self, why: &str) {
        if !self.inner.stale.swap(true, Ordering::Relaxed) {
            tracing::warn!(reason = why, "status page is serving its last snapshot");
        }
    }

    /// Keeps the snapshot current until `shutdown` resolves.
    pub async fn refresh(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::select! {
            _ = shutdown => {}
            _ = self.refresh_forever() => {}
        }
    }

    async fn refresh_forever(&self) {
        loop {
            let mut listener = match PgListener::connect_with(&self.inner.pool).await {
                Ok(listener) => listener,
                Err(e) => {
                    self.mark_stale(&e.to_string());
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(CHANNEL).await {
                self.mark_stale(&e.to_string());
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Anything missed while not listening is picked up here.
            self.reload().await;
            let mut tick = tokio::time::interval(REFRESH_EVERY);
            tick.tick().await;
            loop {
                tokio::select! {
                    received = listener.try_recv() => match received {
                        Ok(Some(_)) => {
                            // Let a burst of changes settle into one reload.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            while listener.next_buffered().is_some() {}
                            self.reload().await;
                        }
                        Ok(None) => {
                            self.mark_stale("the database connection was lost");
                            break;
                        }
                        Err(e) => {
                            self.mark_stale(&e.to_string());
                            break;
                        }
                    },
                    _ = tick.tick() => {
                        self.reload().await;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

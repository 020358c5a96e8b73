//! Building the router and serving it. `Application::build` binds first (port
//! 0 works), so tests learn the address before anything is served.

use crate::config::Config;
use crate::middleware::headers::{self, CspNonce, SecurityHeaders};
use crate::middleware::input;
use crate::middleware::metrics::{self, Metrics};
use crate::middleware::origin::{self, AllowedOrigins};
use crate::routes::{audit_csv, auth, calendar_feed, deployment_events, forms, health, rest};
use crate::session_store::PgSessionStore;
use crate::status_page::{self, StatusPage, StatusSettings};
use anyhow::{Context, Result};
use app::services::{AppState, AuthSettings};
use app::{shell, App};
use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{HeaderValue, Request};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

/// Re-exported from [`crate::state`], its home, for paths written before it
/// moved there.
pub use crate::state::ServerState;
use crate::state::Shared;

/// A bound, ready-to-serve Rookery.
pub struct Application {
    listener: TcpListener,
    router: Router,
    address: SocketAddr,
    session_store: PgSessionStore,
    pool: PgPool,
    failure_window: std::time::Duration,
    status: StatusPage,
}

impl Application {
    /// Builds the router and binds `config.addr`.
    pub async fn build(config: &Config, pool: PgPool, leptos: LeptosOptions) -> Result<Self> {
        let auth = AuthSettings {
            idle_timeout: config.idle_timeout(),
            absolute_lifetime: config.absolute_lifetime(),
            secure_cookies: config.secure_cookies(),
            trust_forwarded_for: config.trust_forwarded_for,
            ..AuthSettings::default()
        };
        let state = ServerState::new(Shared {
            leptos,
            app: AppState {
                pool: pool.clone(),
                auth,
                public_url: config
                    .public_url
                    .as_deref()
                    .map(|u| u.trim_end_matches('/').to_string()),
            },
            pool: pool.clone(),
            metrics: Metrics::new(),
            status: StatusPage::start(
                pool.clone(),
                StatusSettings {
                    name: config.status_name.clone(),
                    email: config.smtp_url.is_some(),
                    private_webhooks: config.webhooks_to_private_addresses,
                },
            )
            .await,
        });
        let status = state.status.clone();
        if config.smtp_url.is_some() && config.public_url.is_none() {
            tracing::warn!(
                "ROOKERY_SMTP_URL is set without ROOKERY_PUBLIC_URL: links in subscriber email point at {}",
                config.base_url()
            );
        }
        let failure_window = state.app.auth.failure_window;
        let session_store = PgSessionStore::new(pool.clone());
        let allowed = AllowedOrigins {
            public_origin: config.public_origin(),
        };
        let security = SecurityHeaders {
            hsts: config.secure_cookies(),
        };
        let router = router(state, session_store.clone(), allowed, security);
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {}", config.addr))?;
        let address = listener.local_addr()?;
        Ok(Self {
            listener,
            router,
            address,
            session_store,
            pool,
            failure_window,
            status,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use tower_sessions::session_store::ExpiredDeletion;
        let store = self.session_store.clone();
        let (pool, window) = (self.pool.clone(), self.failure_window);
        let cleanup = tokio::spawn(async move {
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "deleting expired sessions failed");
                }
                if let Err(e) = app::services::login::prune_attempts(&pool, window).await {
                    tracing::warn!(error = %e, "pruning old sign-in attempts failed");
                }
                if let Err(e) =
                    app::services::status_page::subscribers::prune_signup_attempts(&pool).await
                {
                    tracing::warn!(error = %e, "pruning old sign-up attempts failed");
                }
            }
        });
        let refresher = tokio::spawn(self.status.clone().refresh(std::future::pending::<()>()));
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        cleanup.abort();
        refresher.abort();
        result
    }
}

fn router(
    state: ServerState,
    store: PgSessionStore,
    allowed: AllowedOrigins,
    security: SecurityHeaders,
) -> Router {
    let auth = &state.app.auth;
    let idle = time::Duration::try_from(auth.idle_timeout).unwrap_or(time::Duration::hours(8));
    let sessions = SessionManagerLayer::new(store)
        .with_name(origin::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(auth.secure_cookies)
        .with_expiry(Expiry::OnInactivity(idle));

    let app_state = state.app.clone();
    let context = move || {
        // The nonce the security-headers layer put in the policy, so Leptos
        // puts the same one on the scripts it writes.
        if let Some(nonce) = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
        {
            provide_context(Nonce::from_value(nonce.0));
        }
        provide_context(app_state.clone());
        provide_context(app::services::context::UserCache::default());
        provide_context(app::services::context::RequestMemo::default());
    };
    let leptos = state.leptos.clone();
    let routes = generate_route_list(App);
    let pages = Router::new()
        .route("/login", post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/audit.csv", get(audit_csv::export))
        .route("/calendar/feed/{file}", get(calendar_feed::feed))
        .merge(rest::router())
        .route("/deployments/{id}/events", get(deployment_events::events))
        .merge(forms::router(context.clone()))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, shell))
        .layer(sessions)
        // Signed-in pages and API answers, brotli or gzip as the client
        // accepts; event streams are left alone (the default predicate), and
        // the public status page below keeps its own precomputed gzip.
        .layer(CompressionLayer::new());

    // Everything that can write, read a session or fail in an interesting
    // way: request ids, a span per request, cross-site refusal and the
    // server-function input checks.
    let full = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .merge(status_page::routes::subscriptions())
        .merge(pages)
        .layer(axum::middleware::from_fn(input::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            input::ServerFnInputs::from_registry(),
            input::check_body,
        ))
        .layer(axum::middleware::from_fn_with_state(
            allowed,
            origin::refuse_cross_site,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let request_id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    let route = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map(MatchedPath::as_str)
                        .unwrap_or("unmatched");
                    tracing::info_span!("request", method = %request.method(), route, request_id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
        .layer(axum::middleware::from_fn(drop_untrusted_request_id));

    // The public status page's reads and the bundle are answered from
    // memory or disk with nothing to trace: they pay only for the metrics
    // and the security headers every response gets (metrics outside the
    // Origin check, so refused requests are counted).
    Router::new()
        .merge(status_page::routes::reads())
        .merge(crate::site::bundle(&leptos))
        .merge(full)
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::record,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security,
            headers::security_headers,
        ))
        .with_state(state)
}

/// Request ids as random (version 4) UUIDs from the thread's CSPRNG, where
/// tower-http's `MakeRequestUuid` asks the OS for each one.
#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        HeaderValue::from_str(id.hyphenated().encode_lower(&mut text))
            .ok()
            .map(RequestId::new)
    }
}

/// Keeps a caller's `x-request-id` only when it looks like an id (at most 64
/// characters of letters, digits, `-`, `_`, `.`); otherwise a fresh one is
/// made. The id ends up in logs and audit rows.
async fn drop_untrusted_request_id(
    mut request: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let acceptable = request.headers().get("x-request-id").is_none_or(|v| {
        let bytes = v.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= 64
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !acceptable {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

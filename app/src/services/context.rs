//! Per-request context for server functions: state, session and request id.

use super::session::{self, SessionUser};
use super::state::AppState;
use crate::error::AppError;
use leptos::prelude::*;
use tower_sessions::Session;

/// Everything a server function needs to act on behalf of the caller.
pub struct RequestContext {
    pub state: AppState,
    pub session: Session,
    pub request_id: Option<String>,
    /// The client address, for throttling.
    pub client_ip: String,
    /// Where people reach Rookery, for absolute links.
    pub base_url: String,
}

impl RequestContext {
    /// Reads the context leptos_axum provides for the current request.
    pub async fn load() -> Result<Self, AppError> {
        let state = use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from server function context");
            AppError::Internal
        })?;
        let session = leptos_axum::extract::<Session>().await.map_err(|e| {
            tracing::error!(error = ?e, "session layer missing");
            AppError::Internal
        })?;
        let headers = leptos_axum::extract::<http::HeaderMap>()
            .await
            .map_err(|e| {
                tracing::error!(error = ?e, "request headers unavailable");
                AppError::Internal
            })?;
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .await
            .ok()
            .map(|info| info.0.ip());
        let client_ip = super::state::client_ip(&headers, peer, state.auth.trust_forwarded_for);
        let base_url = state.base_url(&headers);
        Ok(Self {
            state,
            session,
            request_id,
            client_ip,
            base_url,
        })
    }

    /// The context and its signed-in user (`Unauthorized` without one): how
    /// nearly every server function starts.
    pub async fn signed_in() -> Result<(Self, SessionUser), AppError> {
        let cx = Self::load().await?;
        let user = cx.require_user().await?;
        Ok((cx, user))
    }

    /// The request id, recorded on the audit events a request writes.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The signed-in user, or `None`. Looked up once per request: a page
    /// whose parts each ask costs one query.
    pub async fn user(&self) -> Result<Option<SessionUser>, AppError> {
        let cache = leptos::prelude::use_context::<UserCache>();
        if let Some(hit) = cache.as_ref().and_then(UserCache::get) {
            return Ok(hit);
        }
        let user = session::current_user(&self.session, &self.state).await?;
        if let Some(cache) = cache {
            cache.set(user.clone());
        }
        Ok(user)
    }

    /// The signed-in user, or `Unauthorized`; refused while the account
    /// still has to replace a one-time password.
    pub async fn require_user(&self) -> Result<SessionUser, AppError> {
        let user = self.require_user_pending_password().await?;
        if user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(user)
    }

    /// The signed-in user even with a one-time password (to change it).
    pub async fn require_user_pending_password(&self) -> Result<SessionUser, AppError> {
        self.user().await?.ok_or(AppError::Unauthorized)
    }

    /// The signed-in user with `permission`, else `Unauthorized` /
    /// `NotPermitted`.
    pub async fn require(
        &self,
        permission: crate::domain::Permission,
    ) -> Result<SessionUser, AppError> {
        let user = self.require_user().await?;
        user.require(permission)?;
        Ok(user)
    }
}

/// The signed-in user of the request being served, provided fresh for every
/// request by the router (so it never outlives one request).
#[derive(Clone, Default)]
pub struct UserCache(std::sync::Arc<std::sync::Mutex<Option<Option<SessionUser>>>>);

impl UserCache {
    fn get(&self) -> Option<Option<SessionUser>> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }

    fn set(&self, user: Option<SessionUser>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(user);
        }
    }
}

/// Results of server functions already computed for the request being
/// served. Server-side rendering walks the view tree more than once (nested
/// `Suspense`s resolve their children again), which creates a page's
/// resources again; with this, each distinct call runs once per request.
#[derive(Clone, Default)]
pub struct RequestMemo(
    std::sync::Arc<
        std::sync::Mutex<
            std::collections::HashMap<String, std::sync::Arc<dyn std::any::Any + Send + Sync>>,
        >,
    >,
);

impl RequestContext {
    /// Runs `load` once per request for `key` (name and arguments); later
    /// and concurrent calls with the same key share its result.
    pub async fn memo<T, F, Fut>(&self, key: String, load: F) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        let Some(memo) = leptos::prelude::use_context::<RequestMemo>() else {
            return load().await;
        };
        let cell = {
            let Ok(mut cells) = memo.0.lock() else {
                return load().await;
            };
            cells
                .entry(key)
                .or_insert_with(|| {
                    std::sync::Arc::new(tokio::sync::OnceCell::<Result<T, AppError>>::new())
                })
                .clone()
        };
        match cell.downcast::<tokio::sync::OnceCell<Result<T, AppError>>>() {
            Ok(cell) => cell.get_or_init(load).await.clone(),
            Err(_) => load().await,
        }
    }
}

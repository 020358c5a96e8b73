//! [`ServerState`], what every plain axum handler can extract with `State`.
//! Its own module so that the routers (`routes`, `status_page`) and
//! `startup`, which assembles them, all import it without importing each
//! other.

use crate::middleware::metrics::Metrics;
use crate::status_page::StatusPage;
use app::services::AppState;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// Everything handlers can extract with `State`, behind one `Arc`: axum
/// clones the state for every request (and `from_fn_with_state` for every
/// layer), and cloning the fields themselves (the Leptos options alone are
/// a dozen strings) was 14 % of the public status page's CPU time.
#[derive(Clone)]
pub struct ServerState(Arc<Shared>);

/// What [`ServerState`] shares.
pub struct Shared {
    pub leptos: LeptosOptions,
    pub app: AppState,
    pub pool: PgPool,
    pub metrics: Metrics,
    pub status: StatusPage,
}

impl ServerState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for ServerState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// `State<T>` for each shared part, as `#[derive(FromRef)]` gave a struct
/// of them.
macro_rules! parts {
    ($($field:ident: $ty:ty),* $(,)?) => {$(
        impl FromRef<ServerState> for $ty {
            fn from_ref(state: &ServerState) -> Self {
                state.$field.clone()
            }
        }
    )*};
}

parts! {
    leptos: LeptosOptions,
    app: AppState,
    pool: PgPool,
    metrics: Metrics,
    status: StatusPage,
}

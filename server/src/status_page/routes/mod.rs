//! HTTP for the public status page: every GET is answered from the
//! in-memory snapshot with ETag / Last-Modified / Cache-Control; the
//! subscription forms are the only routes that write.
//!
//! - `respond`: validators, conditional requests, compression, and the
//!   snapshot-or-503 / 404 answers every handler shares.
//! - `pages`: the HTML pages (status, history, incidents, maintenance,
//!   uptime, changelog).
//! - `machine`: what other programs read: badges, feeds, the v2 JSON API.
//! - `subscribe`: sign-up, confirmation and unsubscribing.

mod machine;
mod pages;
mod respond;
mod subscribe;

use super::compress;
use crate::state::ServerState;
use axum::routing::get;
use axum::Router;
use machine::{api_v2, changelog_atom, component_badge, history_atom, history_rss, overall_badge};
use pages::{changelog, changelog_entry, component_uptime, history, incident, index, maintenance};
use subscribe::{confirm, confirm_page, subscribe, subscribe_form, unsubscribe, unsubscribe_page};

/// The public status page's pages, feeds, badges and v2 API: GETs answered
/// from the in-memory snapshot, which change nothing and read no session,
/// so they are served outside the signed-in stack (see `startup::router`).
/// Answers without validators are gzip-compressed where the client accepts
/// it.
pub fn reads() -> Router<ServerState> {
    Router::new()
        .route("/status", get(index))
        .route("/status/history", get(history))
        .route("/status/incidents/{id}", get(incident))
        .route("/status/maintenance/{id}", get(maintenance))
        .route("/status/components/{id}/uptime", get(component_uptime))
        .route("/status/components/{id}", get(component_badge))
        .route("/status/badge.svg", get(overall_badge))
        .route("/history.atom", get(history_atom))
        .route("/history.rss", get(history_rss))
        .route("/changelog", get(changelog))
        .route("/changelog.atom", get(changelog_atom))
        .route("/changelog/{id}", get(changelog_entry))
        .route("/api/v2/{*path}", get(api_v2))
        .layer(axum::middleware::from_fn(compress::gzip_responses))
}

/// Signing up, confirming and unsubscribing: forms that write, so they go
/// through the full stack (cross-site refusal, request ids, tracing).
pub fn subscriptions() -> Router<ServerState> {
    Router::new()
        .route("/status/subscribe", get(subscribe_form).post(subscribe))
        .route("/status/subscribe/confirm", get(confirm_page).post(confirm))
        .route(
            "/status/unsubscribe",
            get(unsubscribe_page).post(unsubscribe),
        )
        .layer(axum::middleware::from_fn(compress::gzip_responses))
}

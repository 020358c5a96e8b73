//! Plain axum routes beside the Leptos app.
//!
//! - [`rest`]: the REST API under `/api/v1/` (bearer tokens).
//! - [`forms`]: plain form posts for pages used before hydration.
//! - the rest: sign-in and sign-out, the audit CSV, the calendar feed,
//!   deployment event streams, health and metrics.

pub mod audit_csv;
pub mod auth;
pub mod calendar_feed;
pub mod deployment_events;
pub mod forms;
pub mod health;
pub mod rest;

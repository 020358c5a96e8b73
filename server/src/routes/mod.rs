//! Plain axum routes beside the Leptos app.

pub mod api_execution;
pub mod api_planning;
pub mod api_v1;
pub mod audit_csv;
pub mod auth;
pub mod calendar_feed;
pub mod deployment_events;
pub mod forms;
pub mod health;

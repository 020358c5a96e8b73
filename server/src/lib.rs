//! The `rookery` server: configuration, telemetry, the embedded PostgreSQL,
//! startup and the plain HTTP routes around the Leptos app.

#![recursion_limit = "256"]

pub mod cli;
pub mod config;
pub mod db;
pub mod deploy_executor;
pub mod embedded;
pub mod job_handlers;
pub mod jobs;
pub mod middleware;
pub mod routes;
pub mod session_store;
pub mod site;
pub mod startup;
pub mod state;
pub mod status_page;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;

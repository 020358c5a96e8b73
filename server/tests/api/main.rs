//! The integration tests, as one binary (one link of the whole app instead
//! of one per file): one module per area, over the [`support`] library.
//! Every test gets a fresh database on the one test cluster and the real
//! app on port 0, so tests share nothing but the process.
//!
//! Tests that need a process of their own live beside this folder:
//! `embedded.rs` (starts and stops an embedded cluster of its own) and
//! `cli.rs` (runs the `rookery` binary).

mod support;

mod authorization;
mod basics;
mod calendar_feed;
mod changes;
mod deployments;
mod jobs;
mod notifications;
mod offline_queries;
mod planning;
mod prometheus;
mod releases;
mod security;
mod status;

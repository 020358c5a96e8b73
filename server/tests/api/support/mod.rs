//! The integration-test support library, split by purpose: spawning the app
//! on the shared test cluster ([`spawn`]), HTTP helpers ([`http`]), people
//! and tokens ([`people`]), the audit trail ([`audit`]), waiting for
//! something to happen ([`wait`]), the job-runner fixture ([`runner`]),
//! change requests ([`changes`]) and deployments as stored ([`deploy`]).
//!
//! The most used names are re-exported here, so `support::TestApp` and
//! friends read as they always have.

// Each binary that includes this library uses only part of it.
#![allow(dead_code, unused_imports)]

pub mod audit;
pub mod changes;
pub mod deploy;
pub mod http;
pub mod people;
pub mod runner;
pub mod spawn;
pub mod wait;

pub use http::{field_errors, location, outcome};
pub use people::{Person, PASSWORD};
pub use spawn::{client, default_config, rookery_command, TestApp};

//! Rookery's shared crate: domain rules, server functions and the UI, compiled
//! for the server (`ssr`) and the browser (`hydrate`).

pub mod api;
pub mod domain;
pub mod error;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

pub use ui::{shell, App};

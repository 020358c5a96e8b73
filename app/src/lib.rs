//! Rookery's shared crate: domain rules, server functions and the UI, compiled
//! for the server (`ssr`) and the browser (`hydrate`).

// Leptos view types nest deeply; the optimised browser build needs room.
#![recursion_limit = "256"]

pub mod domain;
pub mod error;
pub mod model;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod services;
pub mod ui;

pub use ui::{shell, App};

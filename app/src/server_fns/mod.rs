//! Thin server functions: load the request context, parse input into domain
//! types, call one service, return a typed error. One feature per file.

pub mod account;
pub mod audit;
pub mod catalog;
pub mod change_requests;
pub mod deployments;
pub mod forms;
pub mod notifications;
pub mod overview;
#[cfg(feature = "ssr")]
pub mod registry;
pub mod releases;
pub mod session;
pub mod status_page;
pub mod tokens;
pub mod users;

//! One module per page.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod changes;
pub mod deployments;
pub mod jobs;
pub mod login;
pub mod not_found;
pub mod notifications;
pub mod overview;
pub mod releases;
pub mod status_page;
pub mod targets;
pub mod templates;
pub mod tokens;
pub mod users;

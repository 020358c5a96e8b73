//! Everything that touches the database or secrets: repositories, services
//! (transaction + permission check + audit) and authentication. Server only.

pub mod audit;
pub mod audit_log;
pub mod calendar;
pub mod catalog;
pub mod change_requests;
pub mod context;
pub mod deployments;
pub mod environments;
pub mod freezes;
pub mod jobs;
pub mod kept_forms;
pub mod list_query;
pub mod login;
pub mod notifications;
pub mod overview;
pub mod password;
pub mod read_cache;
pub mod releases;
pub mod session;
pub mod state;
pub mod status_page;
pub mod stored;
pub mod targets;
pub mod templates;
pub mod tokens;
pub mod user_record;
pub mod users;

/// The old name of [`read_cache`], kept so paths written before the rename
/// still resolve.
pub use audit::Actor;
pub use state::{AppState, AuthSettings};

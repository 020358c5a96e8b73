//! Release pages: the list, the form and the release plan.

pub mod detail;
pub mod list;
pub mod new;

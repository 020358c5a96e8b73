//! Tower middleware around every route.

pub mod headers;
pub mod input;
pub mod metrics;
pub mod origin;

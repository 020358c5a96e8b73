//! Tower middleware around every route.

pub mod metrics;
pub mod origin;

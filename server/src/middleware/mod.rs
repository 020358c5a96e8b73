//! Tower middleware around every route.

pub mod input;
pub mod metrics;
pub mod origin;

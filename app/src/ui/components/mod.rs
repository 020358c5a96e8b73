//! Pieces several pages use.

pub mod icons;
pub mod shell;
pub mod status;

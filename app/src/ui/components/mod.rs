//! Pieces several pages use.

pub mod form;
pub mod icons;
pub mod shell;
pub mod status;

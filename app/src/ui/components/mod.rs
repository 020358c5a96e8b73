//! Pieces several pages use.

pub mod access;
pub mod form;
pub mod icons;
pub mod loaded;
pub mod shell;
pub mod status;

//! Pieces several pages use.

pub mod access;
#[cfg(feature = "ssr")]
pub mod built_once;
pub mod field;
pub mod filter_bar;
pub mod form;
pub mod icons;
pub mod kept_html;
pub mod kept_json;
pub mod loaded;
pub mod page_header;
pub mod pager;
pub mod query_link;
pub mod risk_matrix;
pub mod shell;
pub mod state_badge;
pub mod timeline;
pub mod trigger_row;

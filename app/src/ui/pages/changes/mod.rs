//! Change-request pages: the list, the form and the page of one request.

pub mod detail;
pub mod list;
pub mod new;

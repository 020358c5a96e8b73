//! The public pages as plain HTML: no JavaScript, one inline stylesheet,
//! every value escaped and every markdown body through the shared renderer.
//!
//! - [`layout`]: the frame around every page and its stylesheet.
//! - [`index`]: `/status`, with the banner and the uptime bars.
//! - [`incident`]: one incident's or maintenance window's timeline.
//! - [`history`]: the incident history and a component's uptime calendar.
//! - [`changelog`]: published release notes.
//! - [`subscribe`]: the sign-up form and the short message pages.
//! - `parts`: fragments several pages share.

mod changelog;
mod history;
mod incident;
mod index;
mod layout;
mod parts;
mod subscribe;
#[cfg(test)]
mod tests;

pub use changelog::{changelog, changelog_entry};
pub use history::{component_uptime, history};
pub use incident::{incident, maintenance};
pub use index::{index, indicator};
pub use layout::page;
pub use subscribe::{message, subscribe_form};

use chrono::{DateTime, NaiveDate, Utc};

/// Days on the uptime bars.
pub const BAR_DAYS: u32 = 90;
/// Days the bars show on a narrow screen, as Statuspage does: 90 bars do
/// not fit a phone.
pub const NARROW_BAR_DAYS: u32 = 30;
/// The window width up to which the bars show [`NARROW_BAR_DAYS`].
const NARROW_MAX_WIDTH_PX: u32 = 600;
/// SVG units per day on the bars: a bar 3 wide and a gap of 2.
const BAR_PITCH: u32 = 5;
/// Months per page of history and uptime history.
pub const MONTHS_PER_PAGE: u32 = 3;

/// Every value on these pages goes through the shared escaping helper.
pub use app::domain::html::escape as esc;

/// A moment as the pages show it: "Mar 5, 2026 14:02 UTC".
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%b %-d, %Y %H:%M UTC").to_string()
}

/// A day as the pages show it: "Mar 5, 2026".
fn day(date: NaiveDate) -> String {
    date.format("%b %-d, %Y").to_string()
}

/// What every page needs besides its own content.
pub struct Frame<'a> {
    pub name: &'a str,
    pub loaded_at: DateTime<Utc>,
    /// The database is unreachable: say how old the page is.
    pub stale: bool,
}

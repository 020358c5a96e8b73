//! The links under a list to the page before and after it.

use super::query_link::QueryLink;
use leptos::prelude::*;

/// The words of a pager's two links.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PagerWords {
    /// "← Newer" and "Older →", for lists newest first.
    #[default]
    NewerOlder,
    /// "← Previous" and "Next →".
    PreviousNext,
}

/// `<nav class="pager">`: an optional summary, then a link to page
/// `page - 1` when there is one and to `page + 1` when `more`; both are
/// `link` with its `page` value changed.
#[component]
pub fn Pager(
    /// The page shown, from 1.
    page: i64,
    /// Whether a page follows.
    more: bool,
    /// The list's address with its current filters.
    link: QueryLink,
    /// "12 releases · page 1 of 2", before the links.
    #[prop(optional, into)]
    summary: Option<String>,
    #[prop(optional)] words: PagerWords,
) -> impl IntoView {
    let (before, after) = match words {
        PagerWords::NewerOlder => ("← Newer", "Older →"),
        PagerWords::PreviousNext => ("← Previous", "Next →"),
    };
    let previous = (page > 1).then(|| link.href_with("page", (page - 1).to_string()));
    let next = more.then(|| link.href_with("page", (page + 1).to_string()));
    view! {
        <nav class="pager" aria-label="Pages">
            {summary.map(|s| view! { <span class="muted small">{s}</span> })}
            {previous.map(|href| view! { <a class="btn btn-ghost btn-small" href=href>{before}</a> })}
            {next.map(|href| view! { <a class="btn btn-ghost btn-small" href=href>{after}</a> })}
        </nav>
    }
}

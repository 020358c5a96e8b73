//! The filter form above a list: a plain GET form, so a filtered view is a
//! link people can share. Its links to other pages of the same view are
//! built with [`QueryLink`](super::query_link::QueryLink).

use leptos::prelude::*;

/// `<form class="card filters">` posting its fields (the children) to
/// `action` by GET, with a "Filter" button last.
#[component]
pub fn FilterBar(
    /// The list's path (`/changes`).
    action: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <form class="card filters" method="get" action=action>
            {children()}
            <button type="submit" class="btn btn-ghost">"Filter"</button>
        </form>
    }
}

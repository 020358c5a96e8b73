//! The header at the top of a page: where it sits, its title, a line about
//! it, and its actions.

use leptos::prelude::*;

/// `<header class="page-header">` with an eyebrow, the `<h1>`, a muted lede,
/// and the children (buttons, links) beside them. Every part is required:
/// with an absent lede or no actions (an `Option` left `None` inside this
/// component) the release build's hydration met a different tree than the
/// server sent, on every page that used it so; such pages write their header
/// out (`<header class="page-header">`).
#[component]
pub fn PageHeader(
    /// The section the page belongs to ("Planning").
    #[prop(into)]
    eyebrow: String,
    #[prop(into)] title: String,
    /// One muted line under the title.
    #[prop(into)]
    lede: String,
    /// The page's actions, after the title block.
    children: Children,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">{eyebrow}</p>
                <h1>{title}</h1>
                <p class="muted">{lede}</p>
            </div>
            {children()}
        </header>
    }
}

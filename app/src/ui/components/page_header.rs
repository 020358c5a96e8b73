//! The header at the top of a page: where it sits, its title, a line about
//! it, and its actions.

use leptos::prelude::*;

/// `<header class="page-header">` with an eyebrow, the `<h1>`, an optional
/// muted lede, and the children (buttons, links) beside them.
#[component]
pub fn PageHeader(
    /// The section the page belongs to ("Planning").
    #[prop(into)]
    eyebrow: String,
    #[prop(into)] title: String,
    /// One muted line under the title.
    #[prop(optional, into)]
    lede: Option<String>,
    /// The page's actions, after the title block.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">{eyebrow}</p>
                <h1>{title}</h1>
                {lede.map(|l| view! { <p class="muted">{l}</p> })}
            </div>
            {children.map(|c| c())}
        </header>
    }
}

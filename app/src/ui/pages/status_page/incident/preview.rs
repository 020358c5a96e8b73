//! A live preview of an incident message.

use crate::domain::markdown;
use leptos::prelude::*;

/// A live preview of a markdown message with the same renderer the public page uses.
#[component]
pub(super) fn Preview(body: RwSignal<String>) -> impl IntoView {
    view! { <div class="rendered preview" data-testid="preview" inner_html=move || markdown::render(&body.get())></div> }
}

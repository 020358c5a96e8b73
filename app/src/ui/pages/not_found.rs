use crate::ui::components::icons::Logo;
use leptos::prelude::*;
use leptos_meta::Title;

/// The page for unknown addresses, served with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <div class="standalone">
            <div class="standalone-card">
                <Logo />
                <p class="eyebrow">"404"</p>
                <h1>"We couldn't find that page"</h1>
                <p class="muted">"The address may be mistyped, or the page may have moved."</p>
                <a class="btn btn-primary" href="/">"Go to the overview"</a>
            </div>
        </div>
    }
}

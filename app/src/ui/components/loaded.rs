//! Data a page loads, shown in place: the view once it has loaded, or why it
//! could not load.
//!
//! Errors are rendered here rather than thrown to an `ErrorBoundary`: the
//! server renders a boundary's fallback while the browser hydrates its
//! children first, so an error from a resource made the two trees differ and
//! hydration panicked (a refused admin page, for a viewer).

use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;

/// Renders what `load` produces once it resolves; an error becomes an alert
/// where the data would have been, identically on the server and in the
/// browser.
pub fn loaded<V, F>(load: F) -> Suspend<AnyView>
where
    F: Future<Output = Result<V, AppError>> + Send + 'static,
    V: IntoView + Send + 'static,
    V: RenderHtml,
{
    Suspend::new(async move {
        match load.await {
            Ok(view) => view.into_any(),
            Err(error) => view! { <LoadError error /> }.into_any(),
        }
    })
}

/// The usual child of a `Suspense`: what `load` produces, shown with
/// [`loaded`], built once per response on the server
/// ([`once_per_response`]) and again in the browser whenever what `load`
/// reads changes.
pub fn loads<F, Fut, V>(load: F) -> impl IntoView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<V, AppError>> + Send + 'static,
    V: IntoView + Send + 'static + RenderHtml,
{
    once_per_response(move || loaded(load()))
}

/// Why something could not be shown.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    let (title, hint) = match &error {
        AppError::Forbidden | AppError::NotPermitted(_) => ("You can't see this.", None),
        AppError::NotFound => ("Not found.", None),
        _ => (
            "This could not load.",
            Some("Reload the page to try again. If it keeps happening, tell your administrator the time it happened."),
        ),
    };
    view! {
        <div class="alert alert-error" role="alert" data-testid="load-error">
            <strong>{title}</strong>
            <p>{error.to_string()}</p>
            {hint.map(|h| view! { <p class="small">{h}</p> })}
        </div>
    }
}

/// A reactive child of a `Suspense` (a closure returning, say, [`loaded`])
/// that the server builds once per response.
///
/// A server-side Suspense walks its children three times (to find the
/// resources they read, to check again, and to render) and calls a closure
/// on each walk, so the calendar's month grid was built three times to be
/// rendered once (a quarter of the page's server time in a profile). The
/// server keeps the first build ([`BuiltOnce`](super::built_once)); the
/// browser keeps the closure, which runs again when what it reads changes.
/// Both render the same HTML.
pub fn once_per_response<F, V>(child: F) -> impl IntoView
where
    F: Fn() -> V + Send + Sync + 'static,
    V: IntoView + RenderHtml + 'static,
    V::AsyncOutput: Send + 'static,
{
    #[cfg(feature = "ssr")]
    {
        super::built_once::BuiltOnce::new(child())
    }
    #[cfg(not(feature = "ssr"))]
    {
        child
    }
}

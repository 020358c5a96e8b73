//! Change-request pages: the list, the form and the page of one request.

pub mod after_rollback;
pub mod detail;
pub mod list;
pub mod new;

/// The change-request number in the route (`/changes/:number…`), 0 when it
/// is not a number (the page then shows "Not found").
pub(crate) fn route_number() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        use leptos::prelude::With;
        params.with(|p| {
            p.get("number")
                .and_then(|n| n.parse::<i64>().ok())
                .unwrap_or(0)
        })
    }
}

#![recursion_limit = "256"]
//! The browser bundle: hydrates the server-rendered page and nothing else.
//! Pages are lazily loaded routes (app/src/ui/routes.rs), so hydration waits
//! for the shown page's chunk (`hydrate_lazy`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}

//! The files of the shown page's split module, as `<link rel="preload">` in
//! the page's head, so the browser fetches them alongside the first chunk
//! rather than after it has run.
//!
//! Leptos writes these links itself only when a lazy view is called after
//! it has set up the response's list of them, which depends on how soon the
//! page's data is ready: the same page had 164 links on one response and
//! none on the next. The lazy routes call this instead, on the server.

use leptos::prelude::*;
use leptos_meta::Link;

/// Registers the preload links for split module `module` with the page's
/// meta context (server only: the browser has the files by then).
pub fn preload(module: &str) {
    // What `HydrationScripts` read from cargo-leptos' split manifest, once
    // per process: the package path, each module's files (without
    // extension) and the split loader's script.
    let Some(manifest) = use_context::<leptos::WasmSplitManifest>() else {
        return;
    };
    manifest.0.with_value(|(pkg, modules, loader)| {
        let Some(files) = modules.get(module) else {
            return;
        };
        for file in files {
            _ = view! {
                <Link
                    rel="preload"
                    href=format!("{pkg}/{file}.wasm")
                    as_="fetch"
                    type_="application/wasm"
                    crossorigin="anonymous"
                />
            }
            .to_html();
        }
        _ = view! { <Link rel="modulepreload" href=format!("{pkg}/{loader}") crossorigin="anonymous" /> }
            .to_html();
    });
}

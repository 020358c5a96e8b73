//! The built site the server hands to browsers: where it is, and `/pkg`, the
//! browser bundle.
//!
//! `cargo leptos build --release --precompress` (scripts/env.sh `build_site`)
//! names the bundle's files by content hash (`hash-files` in Cargo.toml,
//! listed in `hash.txt` beside the binary) and stores brotli (`.br`) and gzip
//! (`.gz`) copies next to each. `/pkg` serves the copy the browser accepts,
//! with `Vary: Accept-Encoding`, and a year-long immutable cache because a
//! changed file gets a new name.
//!
//! The options are built here rather than read from variables cargo-leptos
//! sets at compile time, so any build of this binary (`cargo bench` builds one
//! into the same `target/release/`) serves the same bundle names.

use axum::Router;
use http::header::{CACHE_CONTROL, VARY};
use http::{HeaderValue, Response};
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use tower::ServiceBuilder;
use tower_http::services::fs::ServeFileSystemResponseBody;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The bundle's base name (`output-name` in Cargo.toml's Leptos metadata).
pub const OUTPUT_NAME: &str = "rookery";

/// The file, beside the binary, that lists the bundle's content hashes.
const HASH_FILE: &str = "hash.txt";

/// Where the built site is (`LEPTOS_SITE_ROOT`, `target/site` by default,
/// relative to the working directory) and whether its bundle names carry
/// hashes: a `hash.txt` beside the running binary (cargo-leptos writes it
/// there) or in the site root (`build_site` copies it there, so a binary
/// built by plain cargo, as the test build's is, serves the same bundle).
pub fn leptos_options() -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let hashes = hash_file(Path::new(&site_root));
    // Leptos joins `hash_file` to the binary's directory; an absolute path
    // stands on its own.
    let hash_file = hashes
        .as_ref()
        .map(|path| path.to_string_lossy().into_owned())
        .unwrap_or_else(|| HASH_FILE.to_string());
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .hash_file(std::sync::Arc::from(hash_file))
        .hash_files(hashes.is_some())
        .build()
}

fn hash_file(site_root: &Path) -> Option<PathBuf> {
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(HASH_FILE)));
    let in_site = std::path::absolute(site_root.join(HASH_FILE)).ok();
    [beside_binary, in_site]
        .into_iter()
        .flatten()
        .find(|path| path.is_file())
}

/// `/pkg/*`: the precompressed bundle. Hashed names are cached for a year;
/// unhashed ones (a debug build) are revalidated each time.
pub fn bundle<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache = if options.hash_files {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    };
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let service = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            move |response: &Response<ServeFileSystemResponseBody>| {
                response.status().is_success().then(|| cache.clone())
            },
        ))
        .layer(SetResponseHeaderLayer::appending(
            VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
        .service(files);
    Router::new().nest_service(&format!("/{}", options.site_pkg_dir), service)
}

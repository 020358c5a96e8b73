# Sourced by the other scripts: paths and pinned tool versions.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_LEPTOS_VERSION=0.3.10
export WASM_BINDGEN_VERSION=0.2.130
# wasm-opt: native binaryen from the `wasm-opt` crate (cargo install). It
# comes before anything else on PATH: Debian's wasm-opt 108 silently breaks
# release bundles.
export WASM_OPT_VERSION=0.116.1 # binaryen 116
export PATH="$HOME/.cargo/bin:$PATH"
# Builds check queries against the committed .sqlx/, never a live database.
export SQLX_OFFLINE=true

# The release site: server binary plus the browser bundle, split into a chunk
# per page (app/src/ui/routes.rs), its files named by content hash
# (`hash-files` in Cargo.toml) and stored brotli and gzip compressed beside
# the originals (served as they are, see server/src/site.rs). cargo-leptos
# writes its .gz at a fast level; gzip -9 makes them ~15 % smaller.
# `build_site --frontend-only` builds only the bundle (the tests serve it
# from the debug binary their own build made). The hash list is copied into
# the site, where a binary cargo-leptos did not build finds it.
build_site() {
  cargo leptos build --release --precompress --split "$@" || return 1
  local f
  for f in "$ROOT"/target/site/pkg/*.{wasm,js,css}; do
    [[ -f "$f" ]] && gzip -9 -n -k -f "$f"
  done
  cp "$ROOT/target/release/hash.txt" "$ROOT/target/site/hash.txt" || return 1
  return 0
}

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

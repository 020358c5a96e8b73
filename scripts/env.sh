# Sourced by the other scripts: paths and pinned tool versions.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_LEPTOS_VERSION=0.3.10
export WASM_BINDGEN_VERSION=0.2.130
export BINARYEN_VERSION=132.0.0
# npm's binaryen goes first: Debian's wasm-opt 108 silently breaks release bundles.
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Builds check queries against the committed .sqlx/, never a live database.
export SQLX_OFFLINE=true

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

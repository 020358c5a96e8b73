#!/usr/bin/env bash
# Installs whatever is missing to build Rookery (and, with --test, to test
# it), at the versions pinned in scripts/env.sh. Safe to run repeatedly.
set -euo pipefail
source "$(dirname "$0")/env.sh"

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

apt_packages=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  apt_packages+=(postgresql)
fi
if $want_test && [[ ! -x /usr/bin/chromium ]]; then
  apt_packages+=(chromium)
fi
if $want_test && [[ ! -x /usr/bin/prometheus ]]; then
  apt_packages+=(prometheus) # server/tests/prometheus.rs runs the real server
fi
if ((${#apt_packages[@]})); then
  log "installing Debian packages: ${apt_packages[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (several minutes the first time)"
  # Built without LTO, at opt-level 1 and in many codegen units: what it does in
  # process (CSS, wasm-bindgen, splitting) takes seconds either way, and the
  # install is the largest part of a new machine's bootstrap.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_INCREMENTAL=0 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile wants a webpki-roots version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Native binaryen, built once (~8.5 min alone on 2 cores): a release build
# runs wasm-opt once per split chunk (about a thousand), and npm's binaryen,
# compiled to JavaScript, paid ~0.7 s of Node start-up for each of them
# (609-870 s per build, against seconds here).
if ! "$HOME/.cargo/bin/wasm-opt" --version 2>/dev/null | grep -q "version_$(cut -d. -f2 <<<"$WASM_OPT_VERSION")"; then
  log "installing wasm-opt $WASM_OPT_VERSION (native binaryen; several minutes the first time)"
  cargo install wasm-opt --version "$WASM_OPT_VERSION" --locked
fi

if $want_test && [[ ! -d "$ROOT/end2end/node_modules/playwright-core" ]]; then
  log "installing Playwright (no browser download; Debian's chromium is used)"
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
fi

# The security suite's tools (Schemathesis), pinned in
# end2end/security/requirements.txt; reinstalled when that file changes.
if $want_test; then
  venv="$ROOT/.tools/venv"
  requirements="$ROOT/end2end/security/requirements.txt"
  if [[ ! -x "$venv/bin/schemathesis" ]] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    log "installing the security suite's Python tools into .tools/venv"
    python=$(command -v python3.11 || command -v python3)
    rm -rf "$venv"
    mkdir -p "$ROOT/.tools"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
  fi
fi

#!/usr/bin/env bash
# Installs what is missing, builds the release bundle and starts Rookery at
# http://127.0.0.1:3000 (embedded PostgreSQL in ./data unless DATABASE_URL is set).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
log "building (release)"
cargo leptos build --release
log "starting rookery"
exec "$ROOT/target/release/rookery" serve "$@"

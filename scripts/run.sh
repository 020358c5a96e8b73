#!/usr/bin/env bash
# Installs what is missing, builds the release bundle and starts Rookery at
# http://127.0.0.1:3000 (embedded PostgreSQL in ./data unless DATABASE_URL is set).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"
log "building (release)"
build_site
# As root, PostgreSQL runs as the `postgres` user, which must be able to reach
# the data directory; under a private home (/root is mode 700) it cannot.
if [[ $(id -u) -eq 0 && -z "${DATABASE_URL:-}" && -z "${ROOKERY_DATA_DIR:-}" ]] && id postgres >/dev/null 2>&1 \
   && ! runuser -u postgres -- test -x "$ROOT"; then
  export ROOKERY_DATA_DIR=/var/lib/rookery
  log "$ROOT is not reachable by the postgres user; keeping data in $ROOKERY_DATA_DIR"
fi
log "starting rookery"
exec "$ROOT/target/release/rookery" serve "$@"

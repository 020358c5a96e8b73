#!/usr/bin/env bash
# Figures for closing notes: release build time (warm, after touching the
# app crate), WASM/JS bundle sizes, time from `rookery serve` to /readyz 200
# on a new and on a warm data directory, and idle memory (RSS).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"

touch app/src/lib.rs
started=$(date +%s.%N)
build_site >/dev/null 2>&1
echo "release build, warm (app crate touched): $(echo "$(date +%s.%N) - $started" | bc) s"

wasm=target/site/pkg/rookery.wasm
js=target/site/pkg/rookery.js
css=target/site/pkg/rookery.css
for f in "$wasm" "$js" "$css"; do
  printf '%-28s %8d bytes raw, %8d bytes gzip\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done

data=$(mktemp -d "${TMPDIR:-/tmp}/rookery-measure.XXXXXX")
chmod 755 "$data"
port=${ROOKERY_MEASURE_PORT:-3300}
pid=
start_and_time() {
  local started
  started=$(date +%s.%N)
  ROOKERY_DATA_DIR="$data/db" ROOKERY_ADDR="127.0.0.1:$port" ROOKERY_LOG=warn \
    target/release/rookery serve >>"$data/log" 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "rookery exited:"; cat "$data/log"; exit 1; }
    sleep 0.02
  done
  echo "$1: $(echo "$(date +%s.%N) - $started" | bc) s to /readyz 200"
}
start_and_time "new data directory (initdb included)"
kill -TERM "$pid"; wait "$pid" || true
start_and_time "warm data directory"
sleep 5
echo "idle RSS of rookery: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
postmaster=$(head -n 1 "$data/db/postgres/postmaster.pid")
pg_rss=$( (ps -o rss= -p "$postmaster"; ps -o rss= --ppid "$postmaster") | awk '{s+=$1} END {print s}')
echo "embedded PostgreSQL processes, RSS sum: ${pg_rss:-?} kB"
kill -TERM "$pid"; wait "$pid" || true
rm -rf "$data"

#!/usr/bin/env bash
# The public status page benchmark: a release build of Rookery with 20
# components and 90 days of history, and nginx (Debian package) serving the
# same HTML saved as a static file, both measured with wrk at 50 connections
# in one run. Goal: Rookery >= 60 % of nginx's requests/s and p99 < 5 ms.
# Then PostgreSQL is stopped and the page is measured again: every response
# must be a 200 (with the "last updated" note).
#
# Environment: BENCH_DURATION (seconds per run, default 20), BENCH_PORT
# (default 3300; nginx uses the next port), SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
unset DATABASE_URL

duration=${BENCH_DURATION:-20}
port=${BENCH_PORT:-3300}
nginx_port=$((port + 1))
url="http://127.0.0.1:$port"

"$ROOT/scripts/bootstrap.sh"
for tool in wrk nginx; do
  if ! command -v "$tool" >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    log "installing $tool (Debian package)"
    apt-get install -y "$tool" >/dev/null
  fi
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "release build"
  build_site
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/rookery-bench-status.XXXXXX")
chmod 755 "$data"
server=""
nginx_pid=""
cleanup() {
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null
  [[ -n "$server" ]] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

log "starting rookery on a fresh embedded database"
ROOKERY_DATA_DIR="$data/db" ROOKERY_ADDR="127.0.0.1:$port" ROOKERY_LOG="warn" \
  "$ROOT/target/release/rookery" serve >"$data/rookery.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$data/rookery.log"; exit 1; }
  sleep 0.5
done

log "seeding 20 components with 90 days of history"
pg_user=()
[[ $(id -u) -eq 0 ]] && pg_user=(runuser -u postgres --)
"${pg_user[@]}" psql -q -v ON_ERROR_STOP=1 -h "$data/db/run" -U postgres -d rookery -f "$ROOT/bench/status-seed.sql"
# The snapshot follows the database through LISTEN/NOTIFY.
for _ in $(seq 1 40); do
  curl -fsS "$url/status" | grep -q "Component 20" && break
  sleep 0.25
done
curl -fsS "$url/status" >"$data/status.html"
grep -q "Component 20" "$data/status.html" || { echo "the status page does not show the seeded components"; exit 1; }
size=$(wc -c <"$data/status.html")

mkdir -p "$data/nginx/html" "$data/nginx/tmp"
cp "$data/status.html" "$data/nginx/html/status.html"
# Browsers ask for gzip: nginx serves a copy compressed ahead (gzip_static),
# as Rookery does from its snapshot.
gzip -k -6 "$data/nginx/html/status.html"
cat >"$data/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $data/nginx/nginx.pid;
error_log $data/nginx/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $data/nginx/tmp;
  proxy_temp_path $data/nginx/tmp;
  fastcgi_temp_path $data/nginx/tmp;
  uwsgi_temp_path $data/nginx/tmp;
  scgi_temp_path $data/nginx/tmp;
  types { text/html html; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $data/nginx/html;
    gzip_static on;
  }
}
CONF
"$nginx_bin" -c "$data/nginx/nginx.conf" -p "$data/nginx" &
nginx_pid=$!
for _ in $(seq 1 40); do
  curl -fsS "http://127.0.0.1:$nginx_port/status.html" >/dev/null 2>&1 && break
  sleep 0.25
done

measure() { # name url [header] → "req/s p50 p99 non2xx requests"
  local extra=()
  [[ -n "${3:-}" ]] && extra=(-H "$3")
  wrk -t2 -c50 -d3s "${extra[@]}" "$2" >/dev/null # warm-up
  local out
  out=$(wrk -t2 -c50 -d"${duration}s" --latency "${extra[@]}" "$2")
  printf '%-26s %12s %10s %10s %10s %12s\n' "$1" \
    "$(awk '/Requests\/sec/ { print $2 }' <<<"$out")" \
    "$(awk '$1 == "50%" { print $2 }' <<<"$out")" \
    "$(awk '$1 == "99%" { print $2 }' <<<"$out")" \
    "$(awk '/Non-2xx/ { print $NF }' <<<"$out" | grep . || echo 0)" \
    "$(awk '/requests in/ { print $1 }' <<<"$out")"
}

mkdir -p "$ROOT/target/bench"
results="$ROOT/target/bench/status.txt"
{
  echo "Rookery status page benchmark, $(date -u +%FT%TZ), $(nproc) cores"
  echo "page: $size bytes, 20 components, 90-day bars; wrk -t2 -c50 -d${duration}s"
  printf '%-26s %12s %10s %10s %10s %12s\n' server "req/s" "p50" "p99" "non-2xx" "requests"
} >"$results"
measure "nginx (static file)" "http://127.0.0.1:$nginx_port/status.html" >>"$results"
measure "rookery /status" "$url/status" >>"$results"
gz_size=$(curl -s -H 'Accept-Encoding: gzip' "$url/status" | wc -c)
measure "nginx, gzip ($gz_size B)" "http://127.0.0.1:$nginx_port/status.html" "Accept-Encoding: gzip" >>"$results"
measure "rookery /status, gzip" "$url/status" "Accept-Encoding: gzip" >>"$results"

log "stopping PostgreSQL"
"${pg_user[@]}" /usr/lib/postgresql/*/bin/pg_ctl -D "$data/db/postgres" -m fast stop >/dev/null
for _ in $(seq 1 40); do
  curl -fsS "$url/status" | grep -q 'data-stale="true"' && break
  sleep 0.25
done
curl -fsS "$url/status" | grep -q 'data-stale="true"' || { echo "no stale note while the database is down"; exit 1; }
measure "rookery /status (db down)" "$url/status" >>"$results"
measure "rookery, gzip (db down)" "$url/status" "Accept-Encoding: gzip" >>"$results"
cp "$data/rookery.log" "$ROOT/target/bench/status-rookery.log"
cat "$results"

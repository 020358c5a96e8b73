#!/usr/bin/env bash
# The planning benchmark: a release build of Rookery on a fresh embedded
# PostgreSQL, seeded with 10,000 change requests and 2,000 releases, then wrk
# against the change-request list, the calendar month and the dashboard as a
# signed-in person. Goal on a 2-core machine: >= 1,500 requests/s and
# p99 < 50 ms for each page. Prints a table; writes target/bench/results.txt.
#
# Environment: BENCH_DURATION (seconds per page, default 20),
# BENCH_CONNECTIONS (default 16), BENCH_PORT (default 3200), SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
unset DATABASE_URL

duration=${BENCH_DURATION:-20}
connections=${BENCH_CONNECTIONS:-16}
port=${BENCH_PORT:-3200}
url="http://127.0.0.1:$port"

"$ROOT/scripts/bootstrap.sh"
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  apt-get install -y wrk >/dev/null
fi
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "release build"
  build_site
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/rookery-bench.XXXXXX")
chmod 755 "$data"
server=""
cleanup() {
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

email=bench@example.com
password=bench-password-123
echo "$password" | ROOKERY_DATA_DIR="$data/db" ROOKERY_LOG=warn "$ROOT/target/release/rookery" \
  user create --email "$email" --name "Bench Person" \
  --role engineer --role approver --role release_manager >/dev/null

log "seeding 10,000 change requests and 2,000 releases"
psql_user=()
[[ $(id -u) -eq 0 ]] && psql_user=(runuser -u postgres --)
started=$SECONDS
"${psql_user[@]}" psql -q -v ON_ERROR_STOP=1 -h "$data/db/run" -U postgres -d rookery -f "$ROOT/bench/seed.sql"
counts=$("${psql_user[@]}" psql -tA -h "$data/db/run" -U postgres -d rookery \
  -c "select (select count(*) from change_request) || ' change requests, ' || (select count(*) from release) || ' releases'")
log "seeded $counts in $((SECONDS - started)) s"

jar="$data/cookies"
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" \
  --data-urlencode "email=$email" --data-urlencode "password=$password" "$url/login")
[[ "$status" == 303 ]] || { echo "sign-in failed with HTTP $status"; exit 1; }
cookie=$(awk '$6 == "rookery_session" { print "rookery_session=" $7 }' "$jar")
[[ -n "$cookie" ]] || { echo "no session cookie"; exit 1; }

month=$(date -u +%Y-%m)
pages=("/changes" "/calendar?month=$month" "/")
names=("change-request list" "calendar month" "dashboard")
mkdir -p "$ROOT/target/bench"
results="$ROOT/target/bench/results.txt"
{
  echo "Rookery planning benchmark, $(date -u +%FT%TZ), $(nproc) cores"
  echo "data: $counts; wrk -t1 -c$connections -d${duration}s, signed in"
  printf '%-22s %12s %10s %10s %10s\n' page "req/s" "p50" "p99" "non-2xx"
} >"$results"
for i in "${!pages[@]}"; do
  page=${pages[$i]}
  # Check the page really renders signed in before measuring it.
  body=$(curl -fsS -H "Cookie: $cookie" "$url$page")
  grep -q 'data-testid="current-user"' <<<"$body" || { echo "$page did not render signed in"; exit 1; }
  wrk -t1 -c"$connections" -d3s -H "Cookie: $cookie" "$url$page" >/dev/null # warm-up
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency -H "Cookie: $cookie" "$url$page")
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
  printf '%-22s %12s %10s %10s %10s\n' "${names[$i]}" "$rps" "$p50" "$p99" "${non2xx:-0}" >>"$results"
done
cat "$results"

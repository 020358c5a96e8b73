#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests against a PostgreSQL
# the harness starts itself, and the Playwright journeys in Debian's
# Chromium against a real `rookery serve` on an embedded PostgreSQL.
# Prints a summary; exits non-zero if anything failed.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
unset DATABASE_URL
# Incremental caches double target/ for a one-off run; CI has no use for them.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

"$ROOT/scripts/bootstrap.sh" --test || { echo "bootstrap failed"; exit 1; }
cd "$ROOT"

results=("      tools (scripts/bootstrap.sh --test) ($SECONDS s)")
failed=0
# `scripts/test.sh e2e` (or unit, integration, build, fmt) runs only those steps.
only=" $* "
step() {
  local key=$1 name=$2; shift 2
  if [[ "$only" != "  " && "$only" != *" $key "* ]]; then return 0; fi
  local started=$SECONDS
  log "$name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - started)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - started)) s)")
    failed=1
  fi
}

pg_test_root="${TMPDIR:-/tmp}/rookery-test-pg-$(id -u)"
stop_test_cluster() {
  local pg_ctl
  pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$pg_ctl" && -d "$pg_test_root/postgres" ]] || return 0
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$(stat -c %U "$pg_test_root/postgres")" -- "$pg_ctl" -D "$pg_test_root/postgres" -m immediate stop >/dev/null 2>&1 || true
  else
    "$pg_ctl" -D "$pg_test_root/postgres" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pg_test_root"
}

# The server the journeys run against: the release build. (The integration
# build's debug binary was tried: it saves the release build of the server,
# but unoptimized it rendered so slowly that 50 of the 56 specs took 15
# minutes and the hydration walk 2.1 to 2.4 minutes per role.)
rookery="$ROOT/target/release/rookery"
# Failed journeys, one line each, repeated in the summary (CI shows its end).
e2e_failures="${TMPDIR:-/tmp}/rookery-e2e-failures-$$.txt"

e2e() {
  local data port url logfile server status
  data=$(mktemp -d "${TMPDIR:-/tmp}/rookery-e2e.XXXXXX")
  chmod 755 "$data"
  port=${ROOKERY_E2E_PORT:-3100}
  url="http://127.0.0.1:$port"
  logfile="$data/rookery.log"
  ROOKERY_DATA_DIR="$data/db" ROOKERY_ADDR="127.0.0.1:$port" ROOKERY_LOG="info,sqlx=warn" \
    "$rookery" serve >"$logfile" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
  done
  if ! curl -fsS "$url/readyz" >/dev/null 2>&1; then
    echo "rookery did not become ready; its log:"; cat "$logfile"
    kill "$server" 2>/dev/null; return 1
  fi
  # The first start prints the administrator's one-time password once.
  local admin_password
  admin_password=$(grep -o 'one_time_password=[a-z0-9-]*' "$logfile" | head -n 1 | cut -d= -f2)
  if [[ -z "$admin_password" ]]; then
    echo "no one-time administrator password in the log"; cat "$logfile"
    kill "$server"; return 1
  fi
  # People made with the CLI while the server runs (same embedded cluster).
  local person p_email p_name p_role
  for person in "engineer@example.com|Erin Engineer|engineer" "reviewer@example.com|Rita Reviewer|engineer" \
      "approver1@example.com|Paul Approver|approver" "approver2@example.com|Petra Approver|approver" \
      "release@example.com|Rob Release|release_manager" "platform@example.com|Pat Platform|admin" \
      "support@example.com|Sam Support|support" "viewer@example.com|Vera Viewer|viewer"; do
    IFS='|' read -r p_email p_name p_role <<<"$person"
    echo "e2e-password-123" | ROOKERY_DATA_DIR="$data/db" ROOKERY_LOG=warn "$rookery" \
      user create --email "$p_email" --name "$p_name" --role "$p_role" >/dev/null || { kill "$server"; return 1; }
  done

  : >"$e2e_failures"
  (cd "$ROOT/end2end" && ROOKERY_URL="$url" ROOKERY_ADMIN_EMAIL=admin@rookery.local \
    ROOKERY_ADMIN_PASSWORD="$admin_password" ROOKERY_E2E_FAILURES="$e2e_failures" \
    npx playwright test ${ROOKERY_E2E_ONLY:-})
  status=$?
  if ((status)); then
    echo "Playwright failed; the server's warnings and errors:"; grep -E '"level":"(WARN|ERROR)"| WARN | ERROR ' "$logfile" | grep -v one_time_password | tail -n 40
  fi
  # ROOKERY_SCREENSHOTS=/dir: the key pages at desktop and phone width.
  if [[ -n "${ROOKERY_SCREENSHOTS:-}" ]]; then
    (cd "$ROOT/end2end" && ROOKERY_URL="$url" npx playwright test -c playwright.screens.config.ts) || status=1
  fi
  # ROOKERY_E2E_ONLY="nojs forms" runs just those spec files (while working
  # on them); the full run below adds the security checks.
  if [[ -n "${ROOKERY_E2E_ONLY:-}" ]]; then
    kill -TERM "$server"; wait "$server"; rm -rf "$data"; return "$status"
  fi

  # Black-box security checks (end2end/security/) against the same server:
  # headers, cross-site refusal, hostile input, Schemathesis per token.
  local admin_token viewer_token python=python3
  [[ -x "$ROOT/.tools/venv/bin/python" ]] && python="$ROOT/.tools/venv/bin/python"
  admin_token=$(echo | ROOKERY_DATA_DIR="$data/db" ROOKERY_LOG=warn "$rookery" \
    token create --user platform@example.com --name "security suite (admin)")
  viewer_token=$(echo | ROOKERY_DATA_DIR="$data/db" ROOKERY_LOG=warn "$rookery" \
    token create --user viewer@example.com --name "security suite (viewer)")
  if [[ -z "$admin_token" || -z "$viewer_token" ]]; then
    echo "could not create the API tokens for the security checks"; status=1
  elif ! "$python" "$ROOT/end2end/security/run.py" --url "$url" \
      --admin-token "$admin_token" --viewer-token "$viewer_token" \
      --email platform@example.com --password e2e-password-123; then
    echo "security checks failed (end2end/security/run.py)"; status=1
  fi

  kill -TERM "$server"
  if ! wait "$server"; then
    echo "rookery did not shut down cleanly; its log:"; tail -n 30 "$logfile"; status=1
  fi
  if grep -q 'one_time_password' <(grep -v 'created the first administrator' "$logfile"); then
    echo "a one-time password was logged twice"; status=1
  fi
  rm -rf "$data"
  return $status
}

step fmt "cargo fmt --check" cargo fmt --all -- --check
step unit "unit tests (domain, services)" cargo test -p app --features ssr --lib
step unit "unit tests (server)" cargo test -p rookery --lib
step integration "integration tests (real PostgreSQL)" cargo test -p rookery --test api --test embedded --test cli
stop_test_cluster
# SKIP_BUILD=1 tests the release build already in target/ (while working).
[[ "${SKIP_BUILD:-0}" == 1 ]] || step e2e "release build (cargo leptos build --release --precompress --split)" build_site
step e2e "end-to-end (Playwright, Chromium)" e2e

echo
echo "Summary"
printf '  %s\n' "${results[@]}"
if [[ -s "$e2e_failures" ]]; then
  echo "  failed journeys:"
  sed 's/^/    /' "$e2e_failures"
fi
rm -f "$e2e_failures"
echo "  total: $((SECONDS / 60)) min $((SECONDS % 60)) s"
# CI's disk is small and shared; say what the run left behind.
echo "  target/: $(du -sh "$ROOT/target" 2>/dev/null | cut -f1), free on disk: $(df -h "$ROOT" | awk 'NR==2 {print $4}')"
if ((failed)); then
  echo "FAILED"
  exit 1
fi
echo "All passed."

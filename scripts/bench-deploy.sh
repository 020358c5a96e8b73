#!/usr/bin/env bash
# The deployment benchmark (server/benches/deploy.rs): time from a sustained
# breach to the rollback's start, 100 healthy canaries with ±2 % noise (no
# rollback), and 200 rolling deployments run by `rookery worker` processes
# killed with SIGKILL every few seconds (none lost, no step done twice).
# Prints the figures; writes target/bench/deploy.txt.
#
# Environment: BENCH_DATABASE_URL (a scratch database; unset, a fresh
# embedded PostgreSQL), BENCH_CRASH_DEPLOYMENTS, BENCH_HEALTHY,
# BENCH_KILL_EVERY_MS.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
unset DATABASE_URL
[[ -n "${BENCH_DATABASE_URL:-}" ]] && export DATABASE_URL="$BENCH_DATABASE_URL"

"$ROOT/scripts/bootstrap.sh"
log "building the worker binary (release)"
cargo build --release -p rookery --bin rookery
log "deployment benchmark"
ROOKERY_BIN="$ROOT/target/release/rookery" cargo bench -p rookery --bench deploy

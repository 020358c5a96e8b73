#!/usr/bin/env bash
# The job-runner benchmark (server/benches/jobs.rs): two runners with 8 slots
# each; pickup latency from enqueue commit to handler start at a steady 200
# jobs/s for 20 s (goal p50 <= 10 ms, p99 <= 50 ms), then the throughput of
# 20,000 trivial jobs, each enqueued in its own transaction (goal >= 2,000
# jobs/s). Prints the numbers; writes target/bench/jobs.txt.
#
# Environment: BENCH_DATABASE_URL (a scratch database to use; unset, a fresh
# embedded PostgreSQL with fsync on starts in a temporary directory),
# BENCH_RATE (default 200), BENCH_SECONDS (20), BENCH_JOBS (20000).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
unset DATABASE_URL
[[ -n "${BENCH_DATABASE_URL:-}" ]] && export DATABASE_URL="$BENCH_DATABASE_URL"

"$ROOT/scripts/bootstrap.sh"
log "job-runner benchmark (release build)"
cargo bench -p rookery --bench jobs

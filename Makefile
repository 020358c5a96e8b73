# The two set-up commands are `make run` and `make test`; see README.md.
.PHONY: run test lint sqlx measure bench bench-jobs bench-deploy bench-status

run:
	./scripts/run.sh

test:
	./scripts/test.sh

lint:
	. scripts/env.sh && cargo fmt --all -- --check && \
	cargo clippy -p app --features ssr --all-targets -- -D warnings && \
	cargo clippy -p rookery --all-targets -- -D warnings && \
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Regenerates .sqlx/ (needs DATABASE_URL pointing at a migrated database).
sqlx:
	cargo sqlx prepare --workspace -- -p rookery --all-targets

measure:
	./scripts/measure.sh

# The planning benchmark (10,000 change requests, 2,000 releases, wrk).
bench:
	./scripts/bench.sh

# The job-runner benchmark (pickup latency at 200 jobs/s, throughput).
bench-jobs:
	./scripts/bench-jobs.sh

# The deployment benchmark (breach to rollback, false alarms, crash test).
bench-deploy:
	./scripts/bench-deploy.sh

# The public status page against nginx serving the same HTML, and with the database stopped.
bench-status:
	./scripts/bench-status.sh

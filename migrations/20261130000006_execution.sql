-- Execution: the job runner, deploy targets, deployments with their steps,
-- logs and rollback triggers, pushed metrics and reported testing gates.

-- Jobs. `queued` waits for run_at; `running` holds a lease; `failed` is an
-- attempt that failed and waits (run_at) for its retry; `dead` is out of
-- attempts or failed fatally; `succeeded` is done.
create table job (
    id bigint generated always as identity primary key,
    kind text not null,
    payload jsonb not null default '{}',
    status text not null default 'queued',
    run_at timestamptz not null default now(),
    attempt integer not null default 0,
    max_attempts integer not null default 5,
    timeout_seconds integer not null default 300,
    lease_expires_at timestamptz,
    locked_by text,
    idempotency_key text,
    last_error text,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    constraint job_status_check check (status in ('queued', 'running', 'failed', 'dead', 'succeeded')),
    constraint job_kind_check check (length(kind) between 1 and 100),
    constraint job_attempts_check check (max_attempts between 1 and 100),
    constraint job_timeout_check check (timeout_seconds between 1 and 86400)
);

create unique index job_idempotency_key on job (idempotency_key) where idempotency_key is not null;
-- The claim walks this index: runnable jobs in run_at order.
create index job_runnable_idx on job (run_at, id) where status in ('queued', 'failed');
create index job_lease_idx on job (lease_expires_at) where status = 'running';
create index job_status_idx on job (status, created_at desc);

-- How a service reaches an environment.
create table deploy_target (
    id uuid primary key,
    service_id uuid not null references service (id),
    environment text not null,
    kind text not null,
    -- command: program and arguments
    program text,
    args text[] not null default '{}',
    -- webhook: URL and the HMAC-SHA256 signing secret
    url text,
    secret text,
    timeout_seconds integer not null default 300,
    -- health check between steps: HTTP GET with an expected status, or a command
    health_url text,
    health_status integer not null default 200,
    health_command text,
    -- simulated fleet: what its metrics read (a person or a test sets them)
    sim_error_rate double precision not null default 0.01,
    sim_latency_p95 double precision not null default 0.25,
    sim_noise double precision not null default 0.02,
    -- the version the target last deployed (the next rollback's destination)
    live_version text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint deploy_target_kind_check check (kind in ('command', 'webhook', 'simulated')),
    constraint deploy_target_command_check check (kind <> 'command' or length(program) > 0),
    constraint deploy_target_webhook_check check (kind <> 'webhook' or (length(url) > 0 and length(secret) > 0)),
    constraint deploy_target_timeout_check check (timeout_seconds between 1 and 86400),
    constraint deploy_target_health_status_check check (health_status between 100 and 599),
    constraint deploy_target_sim_check check (sim_error_rate between 0 and 1 and sim_latency_p95 >= 0 and sim_noise between 0 and 1)
);

create unique index deploy_target_pair_key on deploy_target (service_id, environment);

-- Rollback trigger defaults per environment (the seed's two).
create table environment_trigger (
    environment text not null,
    position integer not null,
    metric text not null,
    operator text not null,
    threshold double precision not null,
    sustained_seconds integer not null,
    interval_seconds integer not null default 10,
    action text not null,
    cooldown_minutes integer not null default 5,
    source text not null default 'auto',
    query text not null default '',
    primary key (environment, position)
);

insert into environment_trigger (environment, position, metric, operator, threshold, sustained_seconds, interval_seconds, action, cooldown_minutes)
select key, 0, 'error_rate', '>', 0.1, 300, 10, 'rollback', 5 from environment
union all
select key, 1, 'response_time_p95', '>', 5, 180, 10, 'alert', 5 from environment;

create table deployment (
    id uuid primary key,
    number bigint generated always as identity,
    release_id uuid not null references release (id),
    service_id uuid not null references service (id),
    environment text not null,
    strategy text not null,
    params jsonb not null default '{}',
    -- the step plan computed from the strategy when the deployment was made
    steps jsonb not null default '[]',
    state text not null default 'pending',
    -- steps finished; the next step to run has this position
    current_step integer not null default 0,
    weight integer not null default 0,
    -- bumped by resume and promote, so their step jobs are new jobs
    generation integer not null default 0,
    version text not null,
    previous_version text,
    target_id uuid references deploy_target (id),
    pause_reason text,
    reason text,
    bake_seconds integer not null default 300,
    bake_until timestamptz,
    inconclusive_limit integer not null default 3,
    freeze_override_cr uuid references change_request (id),
    acknowledged_gates text[] not null default '{}',
    started_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz not null default now(),
    constraint deployment_strategy_check check (strategy in ('big_bang', 'rolling_update', 'blue_green', 'canary', 'feature_flag')),
    constraint deployment_state_check check (state in ('pending', 'waiting_for_gates', 'running', 'paused', 'succeeded', 'failed', 'rolling_back', 'rolled_back', 'aborted')),
    constraint deployment_weight_check check (weight between 0 and 100)
);

create unique index deployment_number_key on deployment (number);
create index deployment_release_idx on deployment (release_id, created_at desc);
create index deployment_history_idx on deployment (service_id, environment, created_at desc);
create index deployment_active_idx on deployment (state) where state in ('pending', 'waiting_for_gates', 'running', 'paused', 'rolling_back');
-- One deployment in flight per service and environment.
create unique index deployment_in_flight_key on deployment (service_id, environment)
    where state in ('pending', 'waiting_for_gates', 'running', 'paused', 'rolling_back');

-- Each step's record; `done` is written once, in the transaction that
-- completes the step's job.
create table deployment_step (
    deployment_id uuid not null references deployment (id) on delete cascade,
    position integer not null,
    kind text not null,
    weight integer not null default 0,
    status text not null default 'pending',
    started_at timestamptz,
    finished_at timestamptz,
    primary key (deployment_id, position),
    constraint deployment_step_status_check check (status in ('pending', 'running', 'done', 'failed', 'skipped'))
);

create table deployment_log (
    id bigint generated always as identity primary key,
    deployment_id uuid not null references deployment (id) on delete cascade,
    at timestamptz not null default now(),
    stream text not null default 'info',
    line text not null,
    constraint deployment_log_stream_check check (stream in ('info', 'stdout', 'stderr', 'warn', 'error'))
);

create index deployment_log_idx on deployment_log (deployment_id, id);

create table rollback_trigger (
    id uuid primary key,
    deployment_id uuid not null references deployment (id) on delete cascade,
    position integer not null,
    metric text not null,
    operator text not null,
    threshold double precision not null,
    sustained_seconds integer not null,
    interval_seconds integer not null,
    action text not null,
    cooldown_minutes integer not null,
    -- auto (simulated fleet, else pushed), pushed, or prometheus (query below)
    source text not null default 'auto',
    query text not null default '',
    last_fired_at timestamptz,
    constraint rollback_trigger_operator_check check (operator in ('>', '<', '>=', '<=', '==', '!=')),
    constraint rollback_trigger_action_check check (action in ('rollback', 'alert', 'scale_up')),
    constraint rollback_trigger_source_check check (source in ('auto', 'pushed', 'prometheus')),
    constraint rollback_trigger_numbers_check check (sustained_seconds between 0 and 86400 and interval_seconds between 1 and 3600 and cooldown_minutes between 0 and 1440)
);

create unique index rollback_trigger_position_key on rollback_trigger (deployment_id, position);

-- Every evaluation: the value read (null when the query failed), whether it
-- breached, and what was done.
create table trigger_reading (
    id bigint generated always as identity primary key,
    trigger_id uuid not null references rollback_trigger (id) on delete cascade,
    at timestamptz not null default now(),
    value double precision,
    breached boolean not null default false,
    error text,
    fired text
);

create index trigger_reading_idx on trigger_reading (trigger_id, at);

-- Values applications push to POST /api/v1/metrics.
create table metric_sample (
    id bigint generated always as identity primary key,
    service text not null,
    environment text not null,
    version text,
    metric text not null,
    value double precision not null,
    at timestamptz not null default now()
);

create index metric_sample_idx on metric_sample (service, environment, metric, at desc);

-- Gate results reported by CI (or expired by Rookery when unreported).
create table gate_result (
    id bigint generated always as identity primary key,
    release_id uuid not null references release (id) on delete cascade,
    environment text not null,
    name text not null,
    status text not null,
    url text,
    reported_by uuid references app_user (id),
    reported_at timestamptz not null default now(),
    constraint gate_result_status_check check (status in ('passed', 'failed', 'expired'))
);

create index gate_result_idx on gate_result (release_id, environment, name, reported_at desc);

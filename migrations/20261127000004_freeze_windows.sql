-- Freeze windows: periods when deployments to some environments are blocked
-- (emergency changes excepted).

create table freeze_window (
    id uuid primary key,
    environments text[] not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    reason text not null,
    created_by uuid not null references app_user (id),
    created_at timestamptz not null default now(),
    constraint freeze_window_period_check check (ends_at > starts_at),
    constraint freeze_window_environments_check check (cardinality(environments) > 0),
    constraint freeze_window_reason_check check (length(btrim(reason)) between 1 and 500)
);

create index freeze_window_period_idx on freeze_window (starts_at, ends_at);

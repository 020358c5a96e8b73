-- Releases per service with their plans, standard-change templates, in-app
-- notifications and calendar feed tokens.

create table release (
    id uuid primary key,
    service_id uuid not null references service (id),
    version text not null,
    -- semver core, for ordering without parsing
    version_major bigint not null,
    version_minor bigint not null,
    version_patch bigint not null,
    -- pre-release precedence as text (see Version::precedence_key); "~" for a release
    version_sort text not null default '~',
    release_type text not null,
    title text not null,
    description text not null default '',
    environments text[] not null,
    planned_at timestamptz,
    status text not null default 'planned',
    created_by uuid not null references app_user (id),
    -- risk assessment (impact × likelihood); null until assessed
    risk_impact text,
    risk_likelihood text,
    risk_mitigations text[] not null default '{}',
    risk_contingencies text[] not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint release_type_check check (release_type in ('major', 'minor', 'patch', 'hotfix')),
    constraint release_status_check check (status in ('planned', 'approved', 'deploying', 'deployed', 'rolled_back', 'failed')),
    constraint release_title_check check (length(btrim(title)) between 1 and 200),
    constraint release_version_check check (length(version) between 5 and 128),
    constraint release_environments_check check (cardinality(environments) > 0),
    constraint release_risk_impact_check check (risk_impact in ('low', 'medium', 'high', 'critical')),
    constraint release_risk_likelihood_check check (risk_likelihood in ('low', 'medium', 'high'))
);

create unique index release_service_version_key on release (service_id, version);
create index release_status_idx on release (status, updated_at desc);
create index release_service_idx on release (service_id, version_major desc, version_minor desc, version_patch desc, version_sort collate "C" desc);
create index release_planned_idx on release (planned_at) where planned_at is not null;
create index release_updated_idx on release (updated_at desc);

-- Change requests shipped by a release.
create table release_change (
    release_id uuid not null references release (id) on delete cascade,
    cr_id uuid not null references change_request (id),
    primary key (release_id, cr_id)
);

create index release_change_cr_idx on release_change (cr_id);

create table release_approval (
    release_id uuid not null references release (id) on delete cascade,
    approver_id uuid not null references app_user (id),
    created_at timestamptz not null default now(),
    primary key (release_id, approver_id)
);

create table release_event (
    id bigint generated always as identity primary key,
    release_id uuid not null references release (id) on delete cascade,
    actor_id uuid references app_user (id),
    actor_label text not null,
    action text not null,
    from_status text,
    to_status text,
    note text,
    occurred_at timestamptz not null default now()
);

create index release_event_release_idx on release_event (release_id, occurred_at);

create table release_prerequisite (
    release_id uuid not null references release (id) on delete cascade,
    position integer not null,
    kind text not null,
    description text not null,
    status text not null default 'pending',
    owner text not null default '',
    deadline timestamptz,
    primary key (release_id, position),
    constraint release_prerequisite_kind_check check (kind in ('database', 'infrastructure', 'third_party', 'compliance')),
    constraint release_prerequisite_status_check check (status in ('pending', 'completed', 'failed'))
);

create index release_prerequisite_deadline_idx on release_prerequisite (deadline) where status = 'pending';

create table release_rollback_step (
    release_id uuid not null references release (id) on delete cascade,
    position integer not null,
    description text not null,
    command text,
    verification text not null default '',
    timeout_minutes integer not null,
    on_failure text not null,
    primary key (release_id, position),
    constraint release_rollback_step_timeout_check check (timeout_minutes between 1 and 1440),
    constraint release_rollback_step_on_failure_check check (on_failure in ('stop', 'continue', 'manual_intervention'))
);

create table release_communication (
    release_id uuid not null references release (id) on delete cascade,
    position integer not null,
    audience text not null,
    channel text not null,
    timing text not null,
    message text not null default '',
    primary key (release_id, position)
);

-- The gates a deployment of this release to an environment needs.
create table release_gate (
    release_id uuid not null references release (id) on delete cascade,
    position integer not null,
    environment text not null,
    name text not null,
    suites text[] not null default '{}',
    required boolean not null default true,
    timeout_minutes integer not null,
    on_failure text not null,
    primary key (release_id, position),
    constraint release_gate_timeout_check check (timeout_minutes between 1 and 1440),
    constraint release_gate_on_failure_check check (on_failure in ('block', 'warn', 'ignore'))
);

create unique index release_gate_name_key on release_gate (release_id, environment, name);

-- Pre-approved standard changes, maintained by admins.
create table cr_template (
    id uuid primary key,
    name text not null,
    title text not null,
    description text not null default '',
    change_type text not null,
    impact text not null,
    risk text not null,
    environments text[] not null,
    duration_minutes integer not null,
    implementation_plan text not null,
    rollback_plan text not null,
    testing_plan text not null default '',
    archived boolean not null default false,
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint cr_template_name_check check (length(btrim(name)) between 1 and 100),
    constraint cr_template_type_check check (change_type in ('enhancement', 'bug_fix', 'security', 'infrastructure')),
    constraint cr_template_impact_check check (impact in ('none', 'low', 'medium', 'high', 'system_wide')),
    constraint cr_template_risk_check check (risk in ('low', 'medium', 'high', 'critical')),
    constraint cr_template_environments_check check (cardinality(environments) > 0),
    constraint cr_template_duration_check check (duration_minutes between 1 and 20160)
);

create unique index cr_template_name_key on cr_template (lower(name));

alter table change_request add column template_id uuid references cr_template (id);

-- In-app notifications. One row per recipient and event; `channel` leaves
-- room for email and webhooks, whose deliveries will be tracked alongside.
create table notification (
    id uuid primary key,
    recipient_id uuid not null references app_user (id),
    kind text not null,
    title text not null,
    body text not null default '',
    link text not null,
    channel text not null default 'in_app',
    created_at timestamptz not null default now(),
    read_at timestamptz,
    constraint notification_channel_check check (channel in ('in_app'))
);

create index notification_recipient_idx on notification (recipient_id, created_at desc);
create index notification_unread_idx on notification (recipient_id) where read_at is null;

-- Secret calendar-feed URLs: only the SHA-256 of the token is kept.
create table calendar_feed (
    user_id uuid primary key references app_user (id),
    token_hash bytea not null,
    created_at timestamptz not null default now()
);

create unique index calendar_feed_token_key on calendar_feed (token_hash);

create index change_request_updated_idx on change_request (updated_at desc, number desc);
create index change_request_emergency_started_idx on change_request (implementation_started_at) where class = 'emergency';
create index change_request_template_idx on change_request (template_id) where template_id is not null;

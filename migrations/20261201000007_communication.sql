-- Communication: status-page components, incidents, scheduled maintenance,
-- subscribers and release notes.

-- What an automatic rollback in this environment does on the status page:
-- nothing, a draft incident for a person to publish, or a published one.
alter table environment add column rollback_incident text not null default 'draft'
    constraint environment_rollback_incident_check check (rollback_incident in ('off', 'draft', 'publish'));

create table status_component (
    id uuid primary key,
    name text not null,
    description text not null default '',
    group_name text not null default '',
    position integer not null default 0,
    -- service keys whose incidents (automatic rollbacks) affect this component
    services text[] not null default '{}',
    status text not null default 'operational',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint status_component_name_check check (length(btrim(name)) between 1 and 100),
    constraint status_component_group_check check (length(group_name) <= 100),
    constraint status_component_status_check check (status in ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'))
);

create unique index status_component_name_key on status_component (lower(name));

-- Every status a component has been in, and for how long: uptime is computed
-- from these. The open interval (ended_at null) is the current status.
create table component_status_interval (
    id bigint generated always as identity primary key,
    component_id uuid not null references status_component (id) on delete cascade,
    status text not null,
    started_at timestamptz not null,
    ended_at timestamptz,
    constraint component_status_interval_status_check check (status in ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
    constraint component_status_interval_order_check check (ended_at is null or ended_at >= started_at)
);

create index component_status_interval_idx on component_status_interval (component_id, started_at);
create unique index component_status_interval_open_key on component_status_interval (component_id) where ended_at is null;

create table incident (
    id uuid primary key,
    number bigint generated always as identity,
    title text not null,
    impact text not null,
    status text not null default 'investigating',
    -- drafts are not public; discarded drafts are kept for the record
    visibility text not null default 'published',
    deployment_id uuid references deployment (id),
    release_id uuid references release (id),
    automated boolean not null default false,
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    published_at timestamptz,
    resolved_at timestamptz,
    updated_at timestamptz not null default now(),
    search tsvector generated always as (to_tsvector('english', title)) stored,
    constraint incident_title_check check (length(btrim(title)) between 1 and 200),
    constraint incident_impact_check check (impact in ('none', 'minor', 'major', 'critical')),
    constraint incident_status_check check (status in ('investigating', 'identified', 'monitoring', 'resolved', 'postmortem')),
    constraint incident_visibility_check check (visibility in ('draft', 'published', 'discarded'))
);

create unique index incident_number_key on incident (number);
create index incident_public_idx on incident (visibility, created_at desc);
create index incident_search_idx on incident using gin (search);
-- one incident per deployment: an automatic rollback opens at most one
create unique index incident_deployment_key on incident (deployment_id) where deployment_id is not null;

-- Components an incident affects, with the status it sets each to.
create table incident_component (
    incident_id uuid not null references incident (id) on delete cascade,
    component_id uuid not null references status_component (id) on delete cascade,
    status text not null,
    primary key (incident_id, component_id),
    constraint incident_component_status_check check (status in ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'))
);

create index incident_component_component_idx on incident_component (component_id);

-- Change requests behind an incident (those the rolled-back release shipped).
create table incident_change (
    incident_id uuid not null references incident (id) on delete cascade,
    cr_id uuid not null references change_request (id),
    primary key (incident_id, cr_id)
);

create table incident_update (
    id uuid primary key,
    incident_id uuid not null references incident (id) on delete cascade,
    status text not null,
    body text not null,
    author_id uuid references app_user (id),
    author_name text not null,
    created_at timestamptz not null default now(),
    search tsvector generated always as (to_tsvector('english', body)) stored,
    constraint incident_update_status_check check (status in ('investigating', 'identified', 'monitoring', 'resolved', 'postmortem')),
    constraint incident_update_body_check check (length(body) between 1 and 20000)
);

create index incident_update_incident_idx on incident_update (incident_id, created_at);
create index incident_update_search_idx on incident_update using gin (search);

create table maintenance (
    id uuid primary key,
    number bigint generated always as identity,
    title text not null,
    description text not null default '',
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    state text not null default 'scheduled',
    change_request_id uuid references change_request (id),
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    started_at timestamptz,
    completed_at timestamptz,
    updated_at timestamptz not null default now(),
    constraint maintenance_title_check check (length(btrim(title)) between 1 and 200),
    constraint maintenance_window_check check (ends_at > starts_at),
    constraint maintenance_state_check check (state in ('scheduled', 'in_progress', 'verifying', 'completed', 'cancelled'))
);

create unique index maintenance_number_key on maintenance (number);
create index maintenance_window_idx on maintenance (starts_at desc);

create table maintenance_component (
    maintenance_id uuid not null references maintenance (id) on delete cascade,
    component_id uuid not null references status_component (id) on delete cascade,
    primary key (maintenance_id, component_id)
);

create index maintenance_component_component_idx on maintenance_component (component_id);

create table maintenance_update (
    id uuid primary key,
    maintenance_id uuid not null references maintenance (id) on delete cascade,
    state text not null,
    body text not null,
    author_id uuid references app_user (id),
    author_name text not null,
    created_at timestamptz not null default now(),
    constraint maintenance_update_state_check check (state in ('scheduled', 'in_progress', 'verifying', 'completed', 'cancelled'))
);

create index maintenance_update_idx on maintenance_update (maintenance_id, created_at);

-- People and systems told about incidents and maintenance.
create table subscriber (
    id uuid primary key,
    kind text not null,
    email text,
    url text,
    -- webhook signing secret (HMAC-SHA256)
    secret text,
    all_components boolean not null default true,
    components uuid[] not null default '{}',
    -- sha256 of the confirmation token; null once confirmed
    confirm_token_hash text,
    -- when that token was sent; it is good for 7 days
    confirm_requested_at timestamptz,
    confirmed_at timestamptz,
    -- carried by every message's one-click unsubscribe link
    unsubscribe_token text not null,
    created_at timestamptz not null default now(),
    unsubscribed_at timestamptz,
    constraint subscriber_kind_check check (kind in ('email', 'webhook')),
    constraint subscriber_target_check check ((kind = 'email' and email is not null) or (kind = 'webhook' and url is not null and secret is not null))
);

create unique index subscriber_email_key on subscriber (lower(email)) where kind = 'email' and unsubscribed_at is null;
create unique index subscriber_unsubscribe_key on subscriber (unsubscribe_token);
create unique index subscriber_confirm_key on subscriber (confirm_token_hash) where confirm_token_hash is not null;

-- One row per subscriber and notice sent: no notice reaches a subscriber twice.
create table subscriber_delivery (
    subscriber_id uuid not null references subscriber (id) on delete cascade,
    -- `incident_update:<id>` or `maintenance_update:<id>`
    notice text not null,
    incident_id uuid references incident (id) on delete cascade,
    maintenance_id uuid references maintenance (id) on delete cascade,
    delivered_at timestamptz not null default now(),
    primary key (subscriber_id, notice)
);

create index subscriber_delivery_incident_idx on subscriber_delivery (incident_id) where incident_id is not null;

-- Release notes: every save is a revision; publishing points at one.
create table release_note (
    release_id uuid primary key references release (id) on delete cascade,
    latest_revision integer not null default 0,
    published_revision integer,
    published_at timestamptz,
    published_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index release_note_published_idx on release_note (published_at desc) where published_revision is not null;

create table release_note_revision (
    release_id uuid not null references release_note (release_id) on delete cascade,
    revision integer not null,
    -- {"features": "...", "fixes": "...", "technical": "...", "migration": "...", "security": "..."}
    sections jsonb not null,
    author_id uuid references app_user (id),
    created_at timestamptz not null default now(),
    primary key (release_id, revision)
);

-- Anything on the public status page changed: every rookery process rebuilds
-- its snapshot. Statement-level, and identical notifications in one
-- transaction are folded into one by PostgreSQL.
create function notify_status_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('rookery_status', tg_table_name);
    return null;
end $$;

create trigger status_component_changed after insert or update or delete on status_component
    for each statement execute function notify_status_changed();
create trigger incident_changed after insert or update or delete on incident
    for each statement execute function notify_status_changed();
create trigger incident_component_changed after insert or update or delete on incident_component
    for each statement execute function notify_status_changed();
create trigger incident_update_changed after insert or update or delete on incident_update
    for each statement execute function notify_status_changed();
create trigger maintenance_changed after insert or update or delete on maintenance
    for each statement execute function notify_status_changed();
create trigger maintenance_component_changed after insert or update or delete on maintenance_component
    for each statement execute function notify_status_changed();
create trigger maintenance_update_changed after insert or update or delete on maintenance_update
    for each statement execute function notify_status_changed();
create trigger release_note_changed after insert or update or delete on release_note
    for each statement execute function notify_status_changed();

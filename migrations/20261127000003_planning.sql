-- Environments, services and change requests with their approval workflow.

create table environment (
    id uuid primary key,
    key text not null,
    name text not null,
    purpose text not null default '',
    infrastructure text[] not null default '{}',
    data_source text not null default '',
    data_retention text not null default '',
    data_backup text not null default '',
    access text[] not null default '{}',
    -- position on the promotion path (dev 1 → staging 2 → prod 3); null beside it
    promotion_order integer,
    protected boolean not null default false,
    required_approvals integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint environment_key_check check (key ~ '^[a-z][a-z0-9_-]{0,31}$'),
    constraint environment_approvals_check check (required_approvals between 0 and 10)
);

create unique index environment_key_key on environment (key);

insert into environment (id, key, name, purpose, infrastructure, data_source, data_retention, data_backup, access, promotion_order, protected, required_approvals) values
    (gen_random_uuid(), 'local', 'Local development', 'Developer machines', '{localhost}', 'Synthetic data', 'None', 'None', '{"Developers: full access"}', null, false, 0),
    (gen_random_uuid(), 'dev', 'Development', 'Feature development and testing',
        '{"VPS: 2 vCPUs, 4GB RAM","Database: dev instance","Storage: local file system","Networking: internal only"}',
        'Synthetic/anonymized data', '30 days', 'Daily snapshots',
        '{"Developers: full access","QA: read-only access","Security: automated scanning"}', 1, false, 0),
    (gen_random_uuid(), 'qa', 'QA / Testing', 'Dedicated test runs', '{}', 'Synthetic data', '30 days', 'Daily snapshots', '{"QA: full access"}', null, false, 0),
    (gen_random_uuid(), 'staging', 'Staging', 'Pre-production validation',
        '{"VPS: 4 vCPUs, 8GB RAM","Database: staging instance","Storage: cloud storage with CDN","Networking: restricted external access"}',
        'Production-like data (anonymized)', '90 days', 'Hourly snapshots',
        '{"Developers: limited access","QA: full testing access","Product: demo access","Security: full monitoring"}', 2, true, 1),
    (gen_random_uuid(), 'prod', 'Production', 'Live user-facing system',
        '{"VPS: 8-16 vCPUs, 32-64GB RAM (auto-scaling)","Database: production cluster","Storage: geo-redundant cloud storage","Networking: global CDN with WAF"}',
        'Live user data', 'Per data classification policy', 'Continuous replication',
        '{"Users: application access","Support: limited debugging access","Operations: administrative access","Security: 24/7 monitoring"}', 3, true, 2),
    (gen_random_uuid(), 'dr', 'Disaster recovery', 'Standby for production', '{}', 'Replica of production', 'Per data classification policy', 'Continuous replication', '{"Operations: administrative access"}', null, true, 2);

create table service (
    id uuid primary key,
    key text not null,
    name text not null,
    description text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint service_key_check check (key ~ '^[a-z][a-z0-9_-]{0,63}$')
);

create unique index service_key_key on service (key);

create type cr_status as enum (
    'draft', 'submitted', 'in_review', 'approved', 'scheduled',
    'implementing', 'validating', 'closed', 'rejected', 'cancelled'
);

create table change_request (
    id uuid primary key,
    number bigint generated always as identity,
    title text not null,
    description text not null default '',
    change_type text not null,
    priority text not null,
    impact text not null,
    risk text not null,
    class text not null default 'normal',
    status cr_status not null default 'draft',
    requester_id uuid not null references app_user (id),
    environments text[] not null,
    services text[] not null default '{}',
    planned_start timestamptz,
    duration_minutes integer not null,
    maintenance boolean not null default false,
    implementation_plan text not null default '',
    rollback_plan text not null default '',
    testing_plan text not null default '',
    required_approvals integer not null default 1,
    reviewer_id uuid references app_user (id),
    closure_notes text,
    review_root_cause text,
    review_prevention text,
    implementation_started_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint change_request_title_check check (length(btrim(title)) between 1 and 200),
    constraint change_request_type_check check (change_type in ('enhancement', 'bug_fix', 'security', 'infrastructure')),
    constraint change_request_priority_check check (priority in ('low', 'medium', 'high', 'critical')),
    constraint change_request_impact_check check (impact in ('none', 'low', 'medium', 'high', 'system_wide')),
    constraint change_request_risk_check check (risk in ('low', 'medium', 'high', 'critical')),
    constraint change_request_class_check check (class in ('standard', 'normal', 'emergency')),
    constraint change_request_environments_check check (cardinality(environments) > 0),
    constraint change_request_duration_check check (duration_minutes between 1 and 20160)
);

create unique index change_request_number_key on change_request (number);
create index change_request_status_idx on change_request (status, updated_at desc);
create index change_request_requester_idx on change_request (requester_id, updated_at desc);
create index change_request_planned_idx on change_request (planned_start) where planned_start is not null;
create index change_request_environments_idx on change_request using gin (environments);

create table cr_approval (
    cr_id uuid not null references change_request (id) on delete cascade,
    approver_id uuid not null references app_user (id),
    created_at timestamptz not null default now(),
    primary key (cr_id, approver_id)
);

-- The timeline: who moved a change request, when, and why.
create table cr_event (
    id bigint generated always as identity primary key,
    cr_id uuid not null references change_request (id) on delete cascade,
    actor_id uuid references app_user (id),
    actor_label text not null,
    action text not null,
    from_status cr_status,
    to_status cr_status,
    note text,
    occurred_at timestamptz not null default now()
);

create index cr_event_cr_idx on cr_event (cr_id, occurred_at);

create table cr_comment (
    id uuid primary key,
    cr_id uuid not null references change_request (id) on delete cascade,
    author_id uuid not null references app_user (id),
    body text not null,
    created_at timestamptz not null default now(),
    constraint cr_comment_body_check check (length(btrim(body)) between 1 and 10000)
);

create index cr_comment_cr_idx on cr_comment (cr_id, created_at);

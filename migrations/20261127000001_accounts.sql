-- Accounts, personal API tokens, sign-in throttling and the audit trail.

create table app_user (
    id uuid primary key,
    email text not null,
    display_name text not null,
    password_hash text not null,
    roles text[] not null,
    disabled boolean not null default false,
    must_change_password boolean not null default false,
    -- bumped on password change and disable; sessions carrying an older value are void
    session_version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint app_user_email_check check (email = lower(email) and position('@' in email) > 1),
    constraint app_user_display_name_check check (length(btrim(display_name)) between 1 and 100),
    constraint app_user_roles_check check (
        cardinality(roles) > 0
        and roles <@ array['admin', 'release_manager', 'approver', 'engineer', 'support', 'viewer']
    )
);

create unique index app_user_email_key on app_user (lower(email));

create table api_token (
    id uuid primary key,
    user_id uuid not null references app_user (id) on delete cascade,
    name text not null,
    -- sha-256 of the token; the token itself is shown once and never stored
    token_hash bytea not null,
    -- the first characters of the token, so people can tell their tokens apart
    prefix text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);

create unique index api_token_hash_key on api_token (token_hash);
create unique index api_token_active_name_key on api_token (user_id, lower(name)) where revoked_at is null;
create index api_token_user_idx on api_token (user_id, created_at desc);

create table login_attempt (
    id bigint generated always as identity primary key,
    email text not null,
    ip text not null,
    created_at timestamptz not null default now()
);

create index login_attempt_email_idx on login_attempt (email, created_at);
create index login_attempt_ip_idx on login_attempt (ip, created_at);

create type actor_kind as enum ('user', 'cli', 'system', 'anonymous');

create table audit_event (
    id bigint generated always as identity primary key,
    occurred_at timestamptz not null default now(),
    actor_kind actor_kind not null,
    actor_id uuid references app_user (id),
    actor_label text not null,
    action text not null,
    entity_type text not null,
    entity_id text,
    before jsonb,
    after jsonb,
    request_id text
);

create index audit_event_occurred_idx on audit_event (occurred_at desc);
create index audit_event_actor_idx on audit_event (actor_id, occurred_at desc);
create index audit_event_entity_idx on audit_event (entity_type, entity_id, occurred_at desc);
create index audit_event_action_idx on audit_event (action, occurred_at desc);

create function audit_event_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_event is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_event_no_update_or_delete
    before update or delete on audit_event
    for each row execute function audit_event_refuse_change();

create trigger audit_event_no_truncate
    before truncate on audit_event
    for each statement execute function audit_event_refuse_change();

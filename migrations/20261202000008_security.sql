-- Status-page sign-up attempts per client address, counted in the database
-- so every rookery process shares one limit (was per-process memory).
create table signup_attempt (
    id bigint generated always as identity primary key,
    client text not null,
    created_at timestamptz not null default now()
);

create index signup_attempt_client_idx on signup_attempt (client, created_at);

-- Sign-in throttling now counts failures per account and address.
create index login_attempt_email_ip_idx on login_attempt (email, ip, created_at);

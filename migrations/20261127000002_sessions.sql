-- Browser sessions, in the layout tower-sessions' PostgresStore reads and writes.

create table web_session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);

create index web_session_expiry_idx on web_session (expiry_date);

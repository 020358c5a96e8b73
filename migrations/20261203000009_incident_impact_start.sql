-- When customers began to be affected, which support sets on opening or
-- publishing an incident; the public incident page, the history and the
-- Statuspage JSON's started_at show it (the publish time said when people
-- were told, not when the trouble began). An automatic rollback's incident
-- starts at the rollback: the default, its transaction's time.
alter table incident add column impact_started_at timestamptz;

update incident set impact_started_at = created_at;

alter table incident alter column impact_started_at set default now();
alter table incident alter column impact_started_at set not null;

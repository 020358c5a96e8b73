-- The status-page benchmark's data: 20 components in 4 groups with 90 days
-- of status history (an outage or a degradation every few days), 30
-- resolved incidents and one open one, and two maintenance windows.
begin;

insert into status_component (id, name, description, group_name, position, created_at)
select gen_random_uuid(), 'Component ' || n, 'Benchmark component number ' || n,
       (array['Core platform', 'Storefront', 'Payments', 'Integrations'])[1 + (n - 1) / 5],
       n, now() - interval '100 days'
from generate_series(1, 20) n;

-- Per component and day: operational, with a short degraded or outage spell
-- on some days.
with days as (
    select c.id, c.position, d
    from status_component c, generate_series(0, 99) d
    where c.description like 'Benchmark component%'
),
spells as (
    select id, date_trunc('day', now()) - make_interval(days => 99 - d) as day_start,
           case when (d + position) % 7 = 0 then 'partial_outage'
                when (d + position) % 11 = 0 then 'degraded_performance'
                when (d + position) % 29 = 0 then 'major_outage' end as bad
    from days
),
pieces as (
    select id, 'operational' as status, day_start as s, day_start + interval '10 hours' as e from spells
    union all
    select id, coalesce(bad, 'operational'), day_start + interval '10 hours', day_start + interval '11 hours' from spells
    union all
    select id, 'operational', day_start + interval '11 hours', day_start + interval '1 day' from spells
)
insert into component_status_interval (component_id, status, started_at, ended_at)
select id, status, s, case when e > now() then null else e end
from pieces where s < now()
order by id, s;

-- Exactly one open interval per component: close all but the last.
update component_status_interval i set ended_at = now() - interval '1 second'
where ended_at is null
  and component_id in (select id from status_component where description like 'Benchmark component%')
  and exists (select 1 from component_status_interval j where j.component_id = i.component_id and j.started_at > i.started_at);
delete from component_status_interval where started_at >= now()
  and component_id in (select id from status_component where description like 'Benchmark component%');

insert into incident (id, title, impact, status, visibility, published_at, resolved_at, created_at, updated_at)
select gen_random_uuid(), 'Benchmark incident ' || n, (array['minor', 'major', 'critical'])[1 + n % 3],
       'resolved', 'published', now() - make_interval(days => n * 3), now() - make_interval(days => n * 3) + interval '2 hours',
       now() - make_interval(days => n * 3), now() - make_interval(days => n * 3) + interval '2 hours'
from generate_series(1, 30) n;

insert into incident_update (id, incident_id, status, body, author_name, created_at)
select gen_random_uuid(), i.id, s.status, 'We are **' || s.status || '** this problem. Details follow.', 'Bench', i.created_at + s.at
from incident i,
     (values ('investigating', interval '0'), ('identified', interval '30 minutes'), ('resolved', interval '2 hours')) s(status, at);

insert into incident_component (incident_id, component_id, status)
select i.id, c.id, 'partial_outage'
from incident i join status_component c on c.position = 1 + (abs(hashtext(i.title)) % 20);

insert into maintenance (id, title, description, starts_at, ends_at, state)
values (gen_random_uuid(), 'Database upgrade', 'Short read-only period.', now() + interval '3 days', now() + interval '3 days 2 hours', 'scheduled'),
       (gen_random_uuid(), 'Network maintenance', 'Brief reconnects.', now() + interval '9 days', now() + interval '9 days 1 hour', 'scheduled');

insert into maintenance_component (maintenance_id, component_id)
select m.id, c.id from maintenance m join status_component c on c.position in (1, 2, 3);

insert into maintenance_update (id, maintenance_id, state, body, author_name)
select gen_random_uuid(), id, 'scheduled', description, 'Bench' from maintenance;

commit;

-- Benchmark data: 10,000 change requests and 2,000 releases spread over a
-- year around today, with requesters, services, approvals, timelines,
-- plans and a few freeze windows. Run against an empty migrated database
-- that already has the benchmark user (made with `rookery user create`).

begin;

insert into app_user (id, email, display_name, password_hash, roles)
select gen_random_uuid(), format('person%s@bench.example', i), format('Person %s', i),
       '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0$0000000000000000000000000000000000000000000',
       array['engineer']
from generate_series(1, 40) i;

insert into service (id, key, name, description)
select gen_random_uuid(), format('svc%s', i), format('Service %s', i), 'Benchmark service'
from generate_series(1, 20) i;

with people as (select array_agg(id) ids from app_user),
     envs as (select array['dev', 'qa', 'staging', 'prod'] keys)
insert into change_request (id, title, description, change_type, priority, impact, risk, class, status,
                            requester_id, environments, services, planned_start, duration_minutes,
                            implementation_plan, rollback_plan, testing_plan, required_approvals,
                            created_at, updated_at)
select gen_random_uuid(),
       format('Change %s: %s', i, (array['rotate keys', 'upgrade database', 'tune cache', 'ship feature', 'patch library'])[1 + i % 5]),
       'Seeded for the benchmark',
       (array['enhancement', 'bug_fix', 'security', 'infrastructure'])[1 + i % 4],
       (array['low', 'medium', 'high', 'critical'])[1 + i % 4],
       (array['none', 'low', 'medium', 'high', 'system_wide'])[1 + i % 5],
       (array['low', 'medium', 'high', 'critical'])[1 + (i / 3) % 4],
       (array['normal', 'normal', 'normal', 'standard', 'emergency'])[1 + i % 5],
       ((array['draft', 'submitted', 'in_review', 'approved', 'scheduled', 'scheduled', 'implementing',
                'validating', 'closed', 'closed', 'rejected', 'cancelled'])[1 + i % 12])::cr_status,
       people.ids[1 + i % cardinality(people.ids)],
       array[envs.keys[1 + i % 4]],
       array[format('svc%s', 1 + i % 20)],
       date_trunc('hour', now()) + make_interval(hours => ((i * 7919) % 8760) - 4380),
       30 + (i % 8) * 15,
       'Deploy, then verify dashboards', 'Redeploy the previous version', 'Smoke tests',
       case when i % 4 = 3 then 2 else 1 end,
       now() - make_interval(mins => i),
       now() - make_interval(mins => i)
from generate_series(1, 10000) i, people, envs;

insert into cr_event (cr_id, actor_id, actor_label, action, from_status, to_status, occurred_at)
select c.id, c.requester_id, 'Seed', 'create', null, 'draft', c.created_at from change_request c;

insert into release (id, service_id, version, version_major, version_minor, version_patch, release_type, title,
                     description, environments, planned_at, status, created_by, risk_impact, risk_likelihood,
                     created_at, updated_at)
select gen_random_uuid(), s.id, format('%s.%s.%s', 1 + v / 50, (v / 10) % 5, v % 10), 1 + v / 50, (v / 10) % 5, v % 10,
       (array['major', 'minor', 'patch', 'hotfix'])[1 + v % 4],
       format('%s release %s', s.name, v), '', array['staging', 'prod'],
       date_trunc('hour', now()) + make_interval(hours => ((v * 97 + s.n * 13) % 4380)::int - 2190),
       (array['planned', 'approved', 'deploying', 'deployed', 'deployed', 'failed', 'rolled_back'])[1 + v % 7],
       (select id from app_user order by created_at limit 1),
       'medium', 'low', now() - make_interval(mins => v), now() - make_interval(mins => v)
from (select id, name, row_number() over (order by key) n from service) s, generate_series(0, 99) v;

insert into release_change (release_id, cr_id)
select r.id, c.id
from (select id, row_number() over (order by id) n from release) r
join (select id, row_number() over (order by number) n from change_request) c on c.n in (r.n * 5, r.n * 5 - 1);

insert into release_gate (release_id, position, environment, name, suites, required, timeout_minutes, on_failure)
select id, 0, 'staging', 'Integration Tests', array['api-tests'], true, 20, 'block' from release;

insert into freeze_window (id, environments, starts_at, ends_at, reason, created_by)
select gen_random_uuid(), array['prod'], now() + make_interval(days => d), now() + make_interval(days => d, hours => 48),
       'Benchmark freeze', (select id from app_user order by created_at limit 1)
from generate_series(-60, 60, 30) d;

commit;
-- As autovacuum would leave a settled database: statistics and the
-- visibility map (so counts can be index-only scans).
vacuum analyze;

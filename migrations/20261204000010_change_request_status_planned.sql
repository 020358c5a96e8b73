-- The overview's "scheduled this week" list: scheduled changes by planned
-- start, read on every dashboard load (make bench: 0.73 -> 0.53 ms for the
-- whole overview statement on 10,000 change requests).
create index change_request_status_planned_idx on change_request (status, planned_start)
    where planned_start is not null;

-- The write path, second version: a send writes rows that carry meaning once. What was kept per
-- person and rewritten for every message (the inbox row's last message and unread count, the
-- person's event sequence and unread total, one event row per person) is now derived from the rows
-- a send writes anyway, and the live feed is one row per write.

-- The thread row carries its last message: it is updated by every reply (the one row a send locks).
alter table threads add column last_message_id uuid;
update threads t
   set last_message_id = m.id, last_message_at = m.created_at
  from (select distinct on (thread_id) thread_id, id, created_at
          from messages order by thread_id, created_at desc, id desc) m
 where m.thread_id = t.id;

-- thread_participants is membership only: written when someone joins a thread or leaves it, never
-- per message. A person's inbox order, snippet and unread counts are derived from threads, messages
-- and their own message_recipients rows.
alter table thread_participants add column joined_at timestamptz not null default now();
drop index thread_participants_inbox_idx;
alter table thread_participants drop column last_message_id, drop column last_message_at, drop column unread_count;
create index thread_participants_person_idx on thread_participants (user_id, thread_id);

-- One row per write (a message, a read, a leave): the durable form of the one live event, read by
-- catch-up. A row's position is the pair (xid, seq): xid is its transaction's id, and catch-up lists
-- only rows whose transaction is older than every transaction still running
-- (pg_snapshot_xmin(pg_current_snapshot())), so a transaction that commits late is never skipped.
-- audience: who may hear of the write (the sender or reader, the recipients or senders, the staff on
-- the thread), so catch-up filters a company's rows without a join.
create sequence changes_seq;
create table changes (
  seq         bigint not null default nextval('changes_seq'),
  xid         xid8 not null default pg_current_xact_id(),
  company_id  uuid not null,
  thread_id   uuid not null,
  kind        text not null check (kind in ('message', 'read', 'left')),
  actor_id    uuid not null,
  message_id  uuid,
  audience    uuid[] not null,
  data        jsonb,
  created_at  timestamptz not null default now()
);
alter sequence changes_seq owned by changes.seq;
create index changes_position_idx on changes (company_id, xid, seq);
create index changes_created_brin on changes using brin (created_at);

-- The newest position a company's pruning has deleted: a cursor at or before it answers "resync".
create table changes_pruned (
  company_id  uuid primary key,
  xid         xid8 not null,
  seq         bigint not null
);

drop table events;
alter table users drop column last_event_seq, drop column unread_count;
alter table users reset (fillfactor);

-- Notification emails: one job per message (kind 'message', no recipient), expanded when the
-- company's delay has passed into one 'notification' row per recipient who has not read it. The
-- expansion takes the thread's other waiting jobs with it, found through this index.
create index outbox_jobs_thread_idx on outbox ((payload->>'threadId')) where status = 'pending' and kind = 'message';

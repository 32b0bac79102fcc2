-- Index upkeep on the hot tables, cut to what queries use. Every index is written for every row a
-- send inserts (about forty per message across these tables) and for every update that is not HOT.
--
-- thread_participants_unread_idx: the inbox query's unread filter is `(not $2 or unread_count > 0)`,
--   which a prepared statement's generic plan cannot match to a partial index; the inbox walks
--   thread_participants_inbox_idx and filters. The index also named unread_count, so lowering the
--   count when someone reads could never be a HOT update.
drop index thread_participants_unread_idx;

-- thread_participants_thread_idx: the thread's people are looked up by thread; with the primary key
--   turned to (thread_id, user_id) the key serves that and every (user, thread) lookup, and each
--   inbox row written (one per person per message, never a HOT update) maintains one index fewer.
alter table thread_participants drop constraint thread_participants_pkey;
alter table thread_participants add primary key (thread_id, user_id);
drop index thread_participants_thread_idx;

-- message_recipients_thread_idx: no query looks recipients up by thread alone; marking read uses
--   (user_id, thread_id) where read_at is null, the thread view goes through the message.
drop index message_recipients_thread_idx;

-- events_created_idx: only the pruner reads events by age, and rows arrive in time order, so a
--   block-range index answers it at a fraction of a B-tree's cost per insert.
drop index events_created_idx;
create index events_created_brin on events using brin (created_at);

-- users: advancing a person's event sequence and unread total touches no indexed column, so it can
--   be a HOT update when the page has room; leave room.
alter table users set (fillfactor = 80);

-- The first answer of each send and reply made with an Idempotency-Key header, so that a retry of it
-- answers the same instead of making a second message. A row is written in the same transaction as
-- its message: a send that committed but whose answer was lost is found by the retry, and a send that
-- was rolled back leaves no row. Keys belong to one person; rows are pruned after 24 hours.
create table idempotency_keys (
  user_id       uuid not null,
  key           text not null check (length(key) between 1 and 200),
  request_hash  bytea not null,
  thread_id     uuid not null,
  message_id    uuid not null,
  created_at    timestamptz not null default now(),
  primary key (user_id, key)
);
-- only the pruner reads rows by age, and rows arrive in time order
create index idempotency_keys_created_brin on idempotency_keys using brin (created_at);

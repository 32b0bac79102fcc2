-- Reply addresses of Convenience Mode emails: reply+<token>@<reply domain>, one per recipient and thread.
create table reply_tokens (
  id          bytea primary key check (length(id) = 8),
  company_id  uuid not null references companies(id),
  user_id     uuid not null references users(id),
  thread_id   uuid not null references threads(id),
  created_at  timestamptz not null default now(),
  unique (user_id, thread_id)
);

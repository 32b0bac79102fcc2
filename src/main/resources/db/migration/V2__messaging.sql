-- Threads, messages, per-recipient read state, per-user inbox rows, events and the outbox.

create table threads (
  id               uuid primary key default gen_random_uuid(),
  company_id       uuid not null references companies(id),
  subject          text not null,
  created_by       uuid not null references users(id),
  created_at       timestamptz not null default now(),
  last_message_at  timestamptz not null default now()
);
create index threads_company_idx on threads (company_id);

create table messages (
  id            uuid primary key default gen_random_uuid(),
  company_id    uuid not null references companies(id),
  thread_id     uuid not null references threads(id),
  sender_id     uuid not null references users(id),
  body_html     text not null,
  body_text     text not null,
  source        text not null default 'web' check (source in ('web', 'email')),
  read_receipt  boolean not null default false,
  note          text,
  created_at    timestamptz not null default clock_timestamp(),
  search        tsvector generated always as (to_tsvector('simple', body_text)) stored
);
create index messages_thread_idx on messages (thread_id, created_at, id);
create index messages_search_idx on messages using gin (search);

create table message_recipients (
  message_id  uuid not null references messages(id),
  user_id     uuid not null references users(id),
  thread_id   uuid not null references threads(id),
  kind        text not null check (kind in ('to', 'cc', 'bcc')),
  read_at     timestamptz,
  primary key (message_id, user_id)
);
create index message_recipients_user_thread_idx on message_recipients (user_id, thread_id) where read_at is null;
create index message_recipients_thread_idx on message_recipients (thread_id);

-- One row per user and thread the user can see something of: the inbox, projected per viewer.
create table thread_participants (
  thread_id        uuid not null references threads(id),
  user_id          uuid not null references users(id),
  company_id       uuid not null references companies(id),
  last_message_id  uuid not null references messages(id),
  last_message_at  timestamptz not null,
  unread_count     integer not null default 0 check (unread_count >= 0),
  left_at          timestamptz,
  primary key (user_id, thread_id)
);
create index thread_participants_inbox_idx on thread_participants (user_id, last_message_at desc, thread_id desc);
create index thread_participants_unread_idx on thread_participants (user_id, last_message_at desc, thread_id desc) where unread_count > 0;
create index thread_participants_thread_idx on thread_participants (thread_id);

create index threads_subject_search_idx on threads using gin (to_tsvector('simple', subject));

-- Per-user live feed; seq is users.last_event_seq, handed out under that user's row lock.
create table events (
  user_id     uuid not null references users(id),
  seq         bigint not null,
  type        text not null,
  data        jsonb not null,
  created_at  timestamptz not null default now(),
  primary key (user_id, seq)
);
create index events_created_idx on events (created_at);

-- Emails to send, written in the same transaction as the domain rows they announce.
create table outbox (
  id               uuid primary key default gen_random_uuid(),
  company_id       uuid not null references companies(id),
  kind             text not null,
  recipient_id     uuid references users(id),
  payload          jsonb not null,
  status           text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts         integer not null default 0,
  next_attempt_at  timestamptz not null default now(),
  last_error       text,
  message_id       text,
  created_at       timestamptz not null default now(),
  sent_at          timestamptz
);
create index outbox_due_idx on outbox (next_attempt_at) where status = 'pending';

create table canned_responses (
  id          uuid primary key default gen_random_uuid(),
  company_id  uuid not null references companies(id),
  owner_id    uuid not null references users(id),
  title       text not null check (length(title) between 1 and 200),
  body_html   text not null,
  shared      boolean not null default false,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index canned_responses_company_idx on canned_responses (company_id, owner_id);

-- The mailbox: archive, mark unread and drafts, each written per person by that person's own action.
-- A send still writes nothing per person: whether a thread is archived for someone is derived.

-- A thread is archived for a person when archived_at is set and no message the person may see is
-- newer than it, so a new message brings it back to the inbox without the send touching this row.
alter table thread_participants add column archived_at timestamptz;

-- "Mark unread" is the reader's own state, apart from read_at (which the sender sees as "Read <time>"
-- and which never moves). It is set on the reader's recipient rows from the chosen message down, or,
-- when the reader has none there, on the membership row (the thread then counts one unread). Opening
-- the thread clears both.
alter table message_recipients add column marked_unread boolean not null default false;
alter table thread_participants add column marked_unread boolean not null default false;

-- The partial index of a person's unread rows now holds the marked ones too: every unread count reads
-- exactly these rows.
drop index message_recipients_user_thread_idx;
create index message_recipients_user_thread_idx on message_recipients (user_id, thread_id)
  where read_at is null or marked_unread;
create index thread_participants_marked_unread_idx on thread_participants (user_id) where marked_unread;

-- Drafts: one row per person and draft, rewritten by each autosave (last writer wins). The ids are
-- stored as given; a send validates them.
create table drafts (
  id              uuid primary key,
  company_id      uuid not null references companies(id),
  user_id         uuid not null references users(id),
  thread_id       uuid references threads(id),
  to_ids          uuid[] not null default '{}',
  cc_ids          uuid[] not null default '{}',
  subject         text not null default '',
  body_html       text not null default '',
  attachment_ids  uuid[] not null default '{}',
  created_at      timestamptz not null,
  updated_at      timestamptz not null
);
create index drafts_person_idx on drafts (user_id, updated_at desc, id desc);

-- The changes of a person's own mailbox actions, heard only by that person (their other browsers). A
-- draft that answers no thread has no thread.
alter table changes drop constraint changes_kind_check;
alter table changes add constraint changes_kind_check
  check (kind in ('message', 'read', 'left', 'archived', 'unarchived', 'unread', 'draft'));
alter table changes alter column thread_id drop not null;

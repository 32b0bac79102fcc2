-- Attachments: a file's description (who uploaded it, the message that names it) and its bytes,
-- stored apart in chunks so that neither an upload nor a download ever holds a whole file.

create table attachments (
  id            uuid primary key,
  company_id    uuid not null references companies(id),
  uploader_id   uuid not null references users(id),
  -- null until a send or reply claims it; an unclaimed file is deleted after a day
  message_id    uuid references messages(id) deferrable initially deferred,
  name          text not null,
  content_type  text,
  size          bigint not null default 0,
  -- false while its bytes are being stored, detected and scanned: it cannot be claimed or downloaded
  ready         boolean not null default false,
  created_at    timestamptz not null default now()
);
create index attachments_message_idx on attachments (message_id) where message_id is not null;
create index attachments_unclaimed_idx on attachments (created_at) where message_id is null;

-- The default store of the bytes (files.PgFileStore): about 256 KiB a row, in order.
create table file_chunks (
  file_id  uuid not null,
  seq      integer not null,
  data     bytea not null,
  primary key (file_id, seq)
);

-- Set when the message is written, so that the inbox's paperclip costs no join.
alter table messages add column has_attachments boolean not null default false;

-- Inbound mail: where the IMAP reader stands, which emails were already taken, webhook replays and
-- the throttle on "reply not delivered" emails. (One node reads the mailbox at a time: it holds a
-- PostgreSQL advisory lock on a connection of its own.)

-- Per mailbox (user@host:port/folder): UIDVALIDITY and the last UID fully processed.
create table inbound_mailboxes (
  mailbox       text primary key,
  uid_validity  bigint not null,
  last_uid      bigint not null default 0,
  updated_at    timestamptz not null default now()
);

-- One row per email taken, keyed by its Message-ID within the company ('sha256:<hex>' of the raw
-- message when it has none). 'claimed' is held only while the reply is being posted; a claim older
-- than a minute (or an IMAP claim met again by the IMAP reader) was left by a worker that died.
create table inbound_emails (
  company_id   uuid not null references companies(id),
  message_key  text not null,
  raw_hash     text not null,
  status       text not null check (status in ('claimed', 'posted', 'refused')),
  channel      text not null check (channel in ('imap', 'webhook')),
  user_id      uuid references users(id),
  thread_id    uuid references threads(id),
  message_id   uuid references messages(id),
  reason       text,
  claimed_at   timestamptz not null default now(),
  done_at      timestamptz,
  primary key (company_id, message_key)
);

-- Signatures of webhook requests seen within the accepted clock skew: a replay is refused.
create table inbound_webhook_signatures (
  signature  text primary key,
  seen_at    timestamptz not null default now()
);
create index inbound_webhook_signatures_seen_idx on inbound_webhook_signatures (seen_at);

-- When an address was last told that its emailed reply was not delivered.
create table inbound_refusals (
  address       text primary key,
  last_sent_at  timestamptz not null
);


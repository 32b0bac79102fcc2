-- Account security: an address is unique within its company only (so one company's admin cannot learn
-- that an address exists at another), password links, two-factor sign-in (TOTP) and the profile.

alter table users drop constraint users_email_key;
alter table users add constraint users_company_email_key unique (company_id, email);
create index users_email_idx on users (email);

alter table users
  add column time_zone            text check (time_zone is null or length(time_zone) between 1 and 64),
  add column email_notifications  boolean not null default true,
  -- base32 TOTP secret: pending while being enrolled, then confirmed (never shown again)
  add column totp_pending_secret  text,
  add column totp_secret          text,
  -- the last time step a code was accepted for: a code of that step or an earlier one is refused
  add column totp_last_step       bigint not null default 0;

alter table companies add column require_totp_for_staff boolean not null default false;

-- One-time links that set a password ("forgot password", or sent by an admin). The token itself is
-- never stored: only its SHA-256.
create table password_links (
  id          uuid primary key default gen_random_uuid(),
  user_id     uuid not null references users(id),
  token_hash  bytea not null unique,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz
);
create index password_links_user_idx on password_links (user_id, created_at desc);

-- Ten one-time recovery codes per person with TOTP, stored as SHA-256.
create table totp_recovery_codes (
  user_id    uuid not null references users(id),
  code_hash  bytea not null,
  used_at    timestamptz,
  primary key (user_id, code_hash)
);

-- The second step of a sign-in: handed out once the password was right, good for one code.
create table sign_in_tickets (
  id          uuid primary key default gen_random_uuid(),
  user_id     uuid not null references users(id),
  token_hash  bytea not null unique,
  expires_at  timestamptz not null,
  used_at     timestamptz,
  failures    integer not null default 0
);
create index sign_in_tickets_user_idx on sign_in_tickets (user_id);

-- A session that may only reach the enrolment endpoints until its person has TOTP (the company
-- requires it for staff).
alter table sessions add column enrol_only boolean not null default false;

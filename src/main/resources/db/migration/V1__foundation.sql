-- Tenants, people, groups, sessions and the append-only audit log.

create table companies (
  id                uuid primary key default gen_random_uuid(),
  name              text not null check (length(name) between 1 and 200),
  convenience_mode  boolean not null default false,
  created_at        timestamptz not null default now()
);

create table users (
  id              uuid primary key default gen_random_uuid(),
  company_id      uuid not null references companies(id),
  email           text not null check (email = lower(email) and length(email) <= 254),
  name            text not null check (length(name) between 1 and 200),
  role            text not null check (role in ('admin', 'staff', 'client', 'prospect')),
  coordinator_id  uuid references users(id),
  active          boolean not null default true,
  password_hash   text,
  -- per-user event sequence: bumped under this row's lock in every transaction that writes events
  last_event_seq  bigint not null default 0,
  unread_count    integer not null default 0 check (unread_count >= 0),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (email),
  unique (company_id, id)
);
create index users_company_idx on users (company_id, lower(name));

create table groups (
  id          uuid primary key default gen_random_uuid(),
  company_id  uuid not null references companies(id),
  kind        text not null check (kind in ('circle', 'team')),
  name        text not null check (length(name) between 1 and 200),
  created_at  timestamptz not null default now(),
  unique (company_id, kind, name)
);

create table group_members (
  group_id  uuid not null references groups(id) on delete cascade,
  user_id   uuid not null references users(id),
  primary key (group_id, user_id)
);
create index group_members_user_idx on group_members (user_id);

create table sessions (
  id            uuid primary key default gen_random_uuid(),
  user_id       uuid not null references users(id),
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  expires_at    timestamptz not null,
  revoked_at    timestamptz
);
create index sessions_user_idx on sessions (user_id) where revoked_at is null;

create table audit_log (
  id          bigserial primary key,
  company_id  uuid,
  actor_id    uuid,
  action      text not null,
  target      text,
  detail      jsonb not null default '{}'::jsonb,
  address     text,
  at          timestamptz not null default now()
);
create index audit_log_company_idx on audit_log (company_id, at desc);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();

-- Messaging settings (who contacts may write to, who hears of reads).
create table messaging_settings (
  company_id                        uuid primary key references companies(id),
  restrict_contacts_to_coordinator  boolean not null default false,
  designated_enabled                boolean not null default false,
  updated_at                        timestamptz not null default now()
);

create table designated_staff (
  company_id  uuid not null references companies(id),
  user_id     uuid references users(id),
  group_id    uuid references groups(id) on delete cascade,
  check ((user_id is null) <> (group_id is null))
);
create unique index designated_staff_user_idx on designated_staff (company_id, user_id) where user_id is not null;
create unique index designated_staff_group_idx on designated_staff (company_id, group_id) where group_id is not null;

create table notify_on_read (
  company_id  uuid not null references companies(id),
  user_id     uuid not null references users(id),
  primary key (company_id, user_id)
);

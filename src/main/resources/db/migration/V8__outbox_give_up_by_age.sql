-- Outbox rows give up by age, not by attempts: queued_at is when a row last entered the queue (its
-- creation, or an admin sending it again), and a row still undelivered a configured time after that
-- is marked failed. Only unsent rows need their true value; sent ones keep the migration's time.
alter table outbox add column queued_at timestamptz not null default now();
update outbox set queued_at = created_at where status <> 'sent';

-- The admin's list of undelivered email, per company, newest first.
create index outbox_failed_idx on outbox (company_id, created_at desc, id desc) where status = 'failed';

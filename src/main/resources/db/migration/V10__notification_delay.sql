-- Notification emails wait for the reader: a company's delay (seconds, 0 = at once) sets when a new
-- message's notification becomes due; a row that waits is skipped when its recipient has read the
-- message by then, and the waiting rows of one recipient and thread go out as one email.
alter table companies add column notification_delay_seconds integer not null default 120
  check (notification_delay_seconds between 0 and 3600);

alter table outbox add column waits_for_reader boolean not null default false;

alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check check (status in ('pending', 'sent', 'failed', 'skipped'));

-- The claim finds the other waiting rows of a recipient's thread through this index.
create index outbox_waiting_idx on outbox (recipient_id, (payload->>'threadId'))
  where status = 'pending' and waits_for_reader;

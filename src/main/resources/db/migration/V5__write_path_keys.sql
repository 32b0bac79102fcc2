-- Foreign keys the write path satisfies by construction, dropped from its hot tables. Each was checked
-- once per inserted or updated row (a lookup, and a key-share lock on the referenced row: on `users`,
-- rows the same transaction also locks, which PostgreSQL then records as a multixact), that is about
-- sixty checks per message sent. Every row below is written in the same transaction as, and right
-- after, the row it names:
--   events.user_id                        the person's row was just locked and its sequence advanced;
--   thread_participants.last_message_id   the message was inserted by the same write;
--   message_recipients.message_id         likewise;
--   message_recipients.thread_id          the thread was created or locked by the same write;
--   outbox.recipient_id, outbox.company_id  the people and company the same write validated.
-- The keys that guard what a request names are kept: message_recipients.user_id, messages' keys,
-- and those of a new thread_participants row.
alter table events drop constraint events_user_id_fkey;
alter table thread_participants drop constraint thread_participants_last_message_id_fkey;
alter table message_recipients drop constraint message_recipients_message_id_fkey;
alter table message_recipients drop constraint message_recipients_thread_id_fkey;
alter table outbox drop constraint outbox_recipient_id_fkey;
alter table outbox drop constraint outbox_company_id_fkey;

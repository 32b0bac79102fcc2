-- A send locks one row, its thread. The foreign keys below were checked for every message and every
-- recipient row: each check is an index lookup and a KEY SHARE lock on the referenced row, so a
-- message to ten people locked thirteen rows it never changes (ten people, the sender, the company
-- and the thread, the people's rows shared by every concurrent send to them, which PostgreSQL records
-- as multixacts). Parley never deletes a company, a person (people are deactivated) or a thread, and
-- the write path names only what it has just read in the same transaction: the thread it locked, the
-- sender it authenticated, the recipients it checked (recipient ids named by a request are validated
-- against the directory first, and an unknown id is refused with 400 before anything is written).
alter table messages drop constraint messages_company_id_fkey;
alter table messages drop constraint messages_thread_id_fkey;
alter table messages drop constraint messages_sender_id_fkey;
alter table message_recipients drop constraint message_recipients_user_id_fkey;

-- The admin's audit log screen: newest first, a page at a time after a (time, id) cursor, filtered
-- by action or by the person who acted. Each filter gets an index in that order, so that a page
-- reads only its own rows however large the log grows; the (time, id) index replaces the one on
-- time alone.
create index audit_log_company_at_id_idx on audit_log (company_id, at desc, id desc);
create index audit_log_company_action_idx on audit_log (company_id, action, at desc, id desc);
create index audit_log_company_actor_idx on audit_log (company_id, actor_id, at desc, id desc);
drop index audit_log_company_idx;


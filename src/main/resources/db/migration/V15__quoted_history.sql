-- What a reply by email quoted or signed below its new text (the quoted history, the signature), kept
-- sanitized with the message so that the thread can show it on request: nothing the person sent is
-- out of reach, though only the new text is the message.
alter table messages add column quoted_html text;

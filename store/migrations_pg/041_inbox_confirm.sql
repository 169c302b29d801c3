-- Every change once, from every door, and every change confirmed.
--
-- The inbox now records button clicks and form submissions as well as typed
-- commands (kind, and payload: what the click or form asks for, as JSON),
-- each under the identity of the request that brought it (delivery: a
-- signed request's signature, a Socket Mode envelope id), so that a request
-- replayed or redelivered is answered from its record (reply: the
-- confirmation, as a message in JSON) and not applied again.
--
-- An item is 'done' once its change is committed, and confirmed once the
-- person has been told (confirmed_at). An item done but not confirmed when
-- the bot stopped is confirmed at the next start. Its text and payload are
-- kept until then, and cleared after: the audit trail keeps what was done.
ALTER TABLE inbox ADD COLUMN kind TEXT COLLATE "C" NOT NULL DEFAULT 'command';
ALTER TABLE inbox ADD COLUMN payload TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN reply TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN confirmed_at TEXT COLLATE "C";
-- What was done before this migration was answered then, or never will be.
UPDATE inbox SET confirmed_at = done_at WHERE state = 'done';
CREATE INDEX inbox_unconfirmed ON inbox (id) WHERE state = 'done' AND confirmed_at IS NULL;
CREATE INDEX inbox_received ON inbox (received_at);

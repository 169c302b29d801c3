-- A queued message of kind 'update' is not posted: it replaces in place
-- (chat.update) the message the bot posted earlier as the outbox row it
-- names here, once that one is delivered. Redacting a note queues one for
-- every message that showed it, so that Slack's copy loses the text too,
-- through restarts and outages as any post does.
ALTER TABLE outbox ADD COLUMN updates INTEGER;

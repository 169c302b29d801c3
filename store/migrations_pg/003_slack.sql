-- The Slack adapter's records.
--
-- slack_deliveries remembers the deliveries already acted on (Events API
-- event ids, Socket Mode envelope ids) until they expire, so that a retry or
-- redelivery, even after a restart, is not acted on twice.
--
-- The outbox gains the conversation a message was posted to (for a direct
-- message, the D… channel opened with the person) and the instant its posting
-- began. A message is 'sending' from then until Slack's answer is recorded;
-- one still 'sending' after a crash or an unanswered request is looked for in
-- the conversation's history (each post carries its outbox key as message
-- metadata) before it is posted again, so it is neither lost nor sent twice.

CREATE TABLE slack_deliveries (
    id         TEXT COLLATE "C" PRIMARY KEY,
    seen_at    TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX slack_deliveries_expiry ON slack_deliveries (expires_at);

ALTER TABLE outbox ADD COLUMN remote_channel TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_at TEXT COLLATE "C";
CREATE INDEX outbox_recipient ON outbox (recipient, state, id);
CREATE INDEX outbox_remote ON outbox (remote_channel, remote_ref);

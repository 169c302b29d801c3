-- Who each queued message belongs to: 'slack' for a message queued by a
-- process that posts through Slack (the bot, remind/digest beside it, the
-- CLI), or 'console:<run>' for one queued by a console run, which only
-- shows it in its own output. The Slack sender takes only Slack's messages
-- and a console run only its own, so a console started on the bot's
-- database never prints, nor marks sent, what the bot still has to post.
-- Messages queued before this column existed were queued for Slack.
ALTER TABLE outbox ADD COLUMN owner TEXT COLLATE "C" NOT NULL DEFAULT 'slack';
CREATE INDEX outbox_owner ON outbox (owner, state, next_attempt_at);

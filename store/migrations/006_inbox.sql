-- Changes typed as slash commands, recorded before Slack is answered: a
-- change is acknowledged at once and made just after, so a crash in
-- between must not lose it. An item is completed in the same transaction
-- as the change it asks for, so it is made exactly once; on start, the
-- items still pending are made. Its text is cleared when it is completed:
-- the audit trail keeps what was done.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,
    delivery     TEXT    NOT NULL DEFAULT '',
    user_id      TEXT    NOT NULL,
    channel_id   TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    response_url TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending',
    done_at      TEXT,
    CHECK (state IN ('pending', 'done'))
);
CREATE UNIQUE INDEX inbox_delivery ON inbox (delivery) WHERE delivery <> '';
CREATE INDEX inbox_pending ON inbox (state, id);

-- The reminder ledger and the record of daily digests. A row here is written
-- in the same transaction as the messages it queues in the outbox, so each
-- step of an action's reminders, and each working day's digest, goes out
-- exactly once whatever crashes, restarts or concurrent sweeps happen.

-- One row per step of an action's reminders, keyed by (action, step,
-- deadline): a moved deadline starts a new ladder. step is "before:28"
-- (28 days before the deadline), "overdue:3" (the third weekly reminder
-- after it) or "checkin:2" (the second check-in of an ongoing action since
-- its last update, whose date and time stand in deadline). A step is 'sent'
-- when its messages were queued, or 'superseded' when a later step went out
-- in its place after downtime or a snooze, so that it never goes out late.
CREATE TABLE reminder_ledger (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES actions (id),
    step        TEXT    NOT NULL,
    deadline    TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    send_on     TEXT    NOT NULL,
    messages    INTEGER NOT NULL DEFAULT 0,
    recorded_at TEXT    NOT NULL,
    UNIQUE (action_id, step, deadline),
    CHECK (state IN ('sent', 'superseded'))
);

-- One row per working day whose digest was queued, with the period it
-- covers: the next digest covers from covers_to on.
CREATE TABLE digests (
    day         TEXT    PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    channel     TEXT    NOT NULL,
    covers_from TEXT    NOT NULL,
    covers_to   TEXT    NOT NULL,
    outbox_key  TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL
);
CREATE INDEX digests_covers_to ON digests (covers_to);

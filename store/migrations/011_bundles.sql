-- Reminders people act on (issue 11): a coordinator's confirmation of a
-- deadline that falls before its plan year, each person's choice of how
-- often to hear from the bot, and the notices a plan gets once it has
-- ended.

-- A deadline before the plan's period is kept out of the weekly overdue
-- reminders until it is moved into the period or confirmed here. The
-- confirmation is of that deadline: moving it again needs no new one.
CREATE TABLE deadline_confirmations (
    action_id    INTEGER NOT NULL REFERENCES actions (id),
    deadline     TEXT    NOT NULL,
    confirmed_by TEXT    NOT NULL,
    confirmed_at TEXT    NOT NULL,
    PRIMARY KEY (action_id, deadline)
);

-- How often a person gets their reminders: 'daily' (the default, for
-- people with no row) or 'weekly' (on the week's first working day only).
CREATE TABLE reminder_prefs (
    user_id    TEXT NOT NULL PRIMARY KEY,
    mode       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (mode IN ('daily', 'weekly'))
);

-- Notices sent once per plan: the year-end review ('year-end'), and the
-- weekly "the plan has ended" notice ('ended:<first day of the week>').
-- Written in the same transaction as the messages they queue.
CREATE TABLE plan_notices (
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    kind        TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (plan_id, kind)
);

-- Where each step stands in its ladder, so that a sweep can tell in one
-- lookup per action whether a later step already went out (then an earlier
-- one never will): before:N is -N, overdue:N and checkin:N are N.
ALTER TABLE reminder_ledger ADD COLUMN ordinal INTEGER;
UPDATE reminder_ledger SET ordinal = CASE
    WHEN step LIKE 'before:%'  THEN -CAST(substr(step, 8) AS INTEGER)
    WHEN step LIKE 'overdue:%' THEN CAST(substr(step, 9) AS INTEGER)
    WHEN step LIKE 'checkin:%' THEN CAST(substr(step, 9) AS INTEGER)
END;
CREATE INDEX reminder_ledger_latest ON reminder_ledger (action_id, deadline, ordinal);

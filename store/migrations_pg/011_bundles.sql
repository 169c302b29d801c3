-- Reminders people act on (issue 11): a coordinator's confirmation of a
-- deadline that falls before its plan year, each person's choice of how
-- often to hear from the bot, and the notices a plan gets once it has
-- ended. The PostgreSQL text of migrations/011_bundles.sql.

CREATE TABLE deadline_confirmations (
    action_id    BIGINT NOT NULL REFERENCES actions (id),
    deadline     TEXT COLLATE "C"    NOT NULL,
    confirmed_by TEXT COLLATE "C"    NOT NULL,
    confirmed_at TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (action_id, deadline)
);

CREATE TABLE reminder_prefs (
    user_id    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    mode       TEXT COLLATE "C" NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    CHECK (mode IN ('daily', 'weekly'))
);

CREATE TABLE plan_notices (
    plan_id     BIGINT NOT NULL REFERENCES plans (id),
    kind        TEXT COLLATE "C"    NOT NULL,
    day         TEXT COLLATE "C"    NOT NULL,
    recorded_at TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (plan_id, kind)
);

ALTER TABLE reminder_ledger ADD COLUMN ordinal BIGINT;
UPDATE reminder_ledger SET ordinal = CASE
    WHEN step LIKE 'before:%'  THEN -CAST(substr(step, 8) AS BIGINT)
    WHEN step LIKE 'overdue:%' THEN CAST(substr(step, 9) AS BIGINT)
    WHEN step LIKE 'checkin:%' THEN CAST(substr(step, 9) AS BIGINT)
END;
CREATE INDEX reminder_ledger_latest ON reminder_ledger (action_id, deadline, ordinal);

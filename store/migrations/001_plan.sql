-- The plan of record: plans, priorities and their success measures, agencies
-- and their members, actions, the audit trail, and the outbox of messages.
-- Timestamps are UTC text in a fixed-width format so that they sort; dates
-- are ISO text. Kept to SQL that PostgreSQL also accepts.

CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    period_start TEXT    NOT NULL,
    period_end   TEXT    NOT NULL,
    is_current   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (period_start, period_end)
);

CREATE TABLE plan_imports (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id),
    at       TEXT    NOT NULL,
    actor    TEXT    NOT NULL,
    source   TEXT    NOT NULL,
    summary  TEXT    NOT NULL
);

CREATE TABLE priorities (
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    number  INTEGER NOT NULL,
    title   TEXT    NOT NULL,
    channel TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE measures (
    plan_id  INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    text     TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    target   REAL,
    PRIMARY KEY (plan_id, priority, n),
    FOREIGN KEY (plan_id, priority) REFERENCES priorities (plan_id, number)
);

CREATE TABLE agencies (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE agency_aliases (
    alias TEXT PRIMARY KEY,
    code  TEXT NOT NULL REFERENCES agencies (code)
);

CREATE TABLE actions (
    id               INTEGER PRIMARY KEY,
    plan_id          INTEGER NOT NULL REFERENCES plans (id),
    ref              TEXT    NOT NULL,
    sort_key         TEXT    NOT NULL,
    priority         INTEGER NOT NULL,
    text             TEXT    NOT NULL,
    by_when          TEXT    NOT NULL,
    due              TEXT,
    ongoing          INTEGER NOT NULL,
    original_by_when TEXT    NOT NULL,
    original_due     TEXT,
    original_ongoing INTEGER NOT NULL,
    funding          TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'open',
    reason           TEXT    NOT NULL DEFAULT '',
    progress         INTEGER NOT NULL DEFAULT 0,
    review           TEXT    NOT NULL DEFAULT '',
    snoozed_until    TEXT,
    last_activity    TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    UNIQUE (plan_id, ref),
    FOREIGN KEY (plan_id, priority) REFERENCES priorities (plan_id, number),
    CHECK (progress BETWEEN 0 AND 100),
    CHECK (status IN ('open', 'at_risk', 'blocked', 'done'))
);
CREATE INDEX actions_plan_sort ON actions (plan_id, sort_key);
CREATE INDEX actions_plan_due ON actions (plan_id, due);

CREATE TABLE action_parties (
    action_id INTEGER NOT NULL REFERENCES actions (id),
    kind      TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    agency    TEXT    NOT NULL REFERENCES agencies (code),
    role      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (action_id, kind, position),
    CHECK (kind IN ('lead', 'partner'))
);
CREATE INDEX action_parties_agency ON action_parties (agency, kind);

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions (id),
    at        TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    verb      TEXT    NOT NULL,
    note      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_action ON audit (action_id, id);
CREATE INDEX audit_at ON audit (at);

CREATE TABLE audit_changes (
    audit_id   INTEGER NOT NULL REFERENCES audit (id),
    position   INTEGER NOT NULL,
    field      TEXT    NOT NULL,
    from_value TEXT    NOT NULL,
    to_value   TEXT    NOT NULL,
    PRIMARY KEY (audit_id, position)
);

CREATE TABLE members (
    user_id  TEXT NOT NULL,
    agency   TEXT NOT NULL REFERENCES agencies (code),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (user_id, agency)
);
CREATE INDEX members_agency ON members (agency);

CREATE TABLE coordinators (
    user_id  TEXT PRIMARY KEY,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);

-- Changes to who may do what (members, coordinators, channels) are audited
-- here; changes to actions in audit.
CREATE TABLE admin_audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    what    TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    remote_ref      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);

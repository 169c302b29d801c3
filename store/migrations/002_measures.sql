-- Figures recorded for the plan's success measures (crime reductions,
-- satisfaction rates...): each a value as of a date, with its source.
CREATE TABLE measure_values (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    value    REAL    NOT NULL,
    as_of    TEXT    NOT NULL,
    source   TEXT    NOT NULL DEFAULT '',
    actor    TEXT    NOT NULL,
    at       TEXT    NOT NULL,
    FOREIGN KEY (plan_id, priority, n) REFERENCES measures (plan_id, priority, n)
);
CREATE INDEX measure_values_measure ON measure_values (plan_id, priority, n, as_of, id);

-- The quarterly monitoring papers made: one per plan and quarter, recorded
-- in the transaction that queues its headline, so that the scheduled post
-- goes out once however often the job runs.
CREATE TABLE quarterly_reports (
    plan_id     BIGINT NOT NULL REFERENCES plans (id),
    quarter     TEXT COLLATE "C"    NOT NULL, -- "2012-Q3"
    channel     TEXT COLLATE "C"    NOT NULL DEFAULT '',
    file        TEXT COLLATE "C"    NOT NULL DEFAULT '',
    recorded_at TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (plan_id, quarter)
);

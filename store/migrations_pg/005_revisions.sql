-- A counter bumped in the same transaction as any change to a plan's
-- definition (import, priorities' channels, agencies). Each process keeps
-- the current plan, its priorities and the agency directory in memory and
-- reloads them when the counter has moved, whichever process moved it.
CREATE TABLE revisions (
    name TEXT COLLATE "C" PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO revisions (name, n) VALUES ('plan', 0);

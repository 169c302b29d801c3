-- One row that the health check rewrites, to prove the database can still be
-- written (GET /healthz answers 503 when it cannot).
CREATE TABLE health (
    id         BIGINT  PRIMARY KEY CHECK (id = 1),
    checked_at TEXT COLLATE "C"    NOT NULL
);
INSERT INTO health (id, checked_at) VALUES (1, '');

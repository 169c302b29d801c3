-- An action carried into a later plan from an incomplete one of an earlier
-- plan (issue 11). The PostgreSQL text of migrations/012_carried_from.sql.
ALTER TABLE actions ADD COLUMN carried_from TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN carried_from_id BIGINT REFERENCES actions (id);

-- An action carried into a later plan from an incomplete one of an earlier
-- plan (issue 11): carried_from says where it came from, as people write it
-- ("2012-13/1.3"), and carried_from_id is that action, whose history stays
-- readable from the new one. Set by a coordinator's /action admin carry.
ALTER TABLE actions ADD COLUMN carried_from TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN carried_from_id INTEGER REFERENCES actions (id);

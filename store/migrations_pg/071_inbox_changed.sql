-- Whether an inbox item's change was made (changed = 1), or refused. A click
-- or a form made before a stop is shown again where it came from, by
-- replacing what its first showing replaced; a refusal is not written into
-- the message it came from.
ALTER TABLE inbox ADD COLUMN changed BIGINT NOT NULL DEFAULT 0;

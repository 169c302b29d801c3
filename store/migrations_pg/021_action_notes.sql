-- The plan's own columns beyond the bot's (an outcome, a RAG the plan keeps,
-- its own ids) are kept with each action as notes, one per line, so that
-- importing a real plan drops nothing it says.
ALTER TABLE actions ADD COLUMN notes TEXT COLLATE "C" NOT NULL DEFAULT '';

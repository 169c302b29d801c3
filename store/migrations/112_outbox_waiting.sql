-- The sender's read of the outbox (OutboxHeads: each conversation's oldest
-- message still to deliver) asked, for every message waiting, whether an
-- older one waits for the same conversation: under a burst of changes, each
-- announced in its task group's channel and paced at one post a second per
-- channel, the sender read thousands of rows every time a change woke it,
-- and read them again at the next change (issue 25: 58% of the bot's CPU in
-- the load tool's changes). outbox_waiting holds only the messages still
-- waiting, by owner and conversation, so the read steps from one
-- conversation to the next and takes each one's first: as many index seeks
-- as there are conversations waiting. It replaces outbox_recipient, whose
-- only reader was that question, and which every message entered for good.
DROP INDEX outbox_recipient;
CREATE INDEX outbox_waiting ON outbox (owner, recipient, id) WHERE state IN ('pending', 'sending');

-- Fewer pages written by a change (issue 25). A change made before its ack
-- writes its inbox record already done and confirmed, and each index the
-- record enters is one more page for the WAL and the checkpoint to write:
--
-- inbox_pending now holds only the records still to make, the only ones
-- PendingInbox asks for, so a record written done never enters it and one
-- made later leaves it;
--
-- inbox_received is dropped: PruneInbox, its only user, forgets the records
-- in order of id (on PostgreSQL, the order of a sequence: a record given an
-- id before another committed after it is at worst forgotten at a later
-- prune) up to the first received at or after its instant.
DROP INDEX inbox_pending;
CREATE INDEX inbox_pending ON inbox (id) WHERE state = 'pending';
DROP INDEX inbox_received;

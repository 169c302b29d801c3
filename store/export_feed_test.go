package store

import "time"

// CountersReadAt is when the DB last asked the database for its change
// counters (a test of ListenForChanges counts the asking).
func (db *DB) CountersReadAt() time.Time {
	db.watch.mu.Lock()
	defer db.watch.mu.Unlock()
	return db.watch.checkedAt
}

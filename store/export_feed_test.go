package store

import "time"

// CountersReadAt is when the DB last asked the database for its change
// counters (a test of ListenForChanges counts the asking).
func (db *DB) CountersReadAt() time.Time {
	db.watch.mu.Lock()
	defer db.watch.mu.Unlock()
	return db.watch.checkedAt
}

// FeedReady reports whether the DB trusts its counters without asking and
// hears at least peers other replicas (asking for pings while it does not).
func (db *DB) FeedReady(peers int) bool {
	f := &db.feed
	trusted := f.trusted()
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, at := range f.peers {
		if mono()-at < liveFor {
			n++
		}
	}
	return trusted && n >= peers
}

// HoldFeed stops the DB's listener before the next notice it takes, as a
// loaded machine may, until release is called.
func (db *DB) HoldFeed() (release func()) {
	db.feed.hold.Lock()
	return db.feed.hold.Unlock
}

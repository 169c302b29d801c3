package store

import "context"

// WriterTempStore is the writer connection's temp_store (2: memory).
func WriterTempStore(db *DB) (int, error) {
	var n int
	err := db.rw.GetContext(context.Background(), &n, `PRAGMA temp_store`)
	return n, err
}

// WriterCheckpointPages is the writer connection's wal_autocheckpoint.
func WriterCheckpointPages(db *DB) (int, error) {
	var n int
	err := db.rw.GetContext(context.Background(), &n, `PRAGMA wal_autocheckpoint`)
	return n, err
}

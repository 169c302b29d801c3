package store_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// The writer checkpoints the WAL every 4,000 pages, not SQLite's 1,000
// (writer.go): the pages every change writes again are copied to the
// database once in four times as many changes.
func TestTheWriterCheckpointsEvery4000Pages(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	if db.Postgres() {
		t.Skip("SQLite's")
	}
	if n, err := store.WriterCheckpointPages(db); err != nil || n != 4000 {
		t.Fatalf("the writer's wal_autocheckpoint = %d, %v; want 4000", n, err)
	}
}

package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestBackupIsAConsistentCopyWhileWritersRun(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	for i := range 50 {
		mustApply(t, db, clock, "5.2", actionbot.Op{Verb: actionbot.VerbNote, Note: "before " + string(rune('a'+i%26))}, "U1")
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // writers carry on during the backup
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := db.UpdateAction(ctx, p.ID, "3.3", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
				return a.Apply(actionbot.Op{Verb: actionbot.VerbNote, Note: fmt.Sprintf("during %d", n)}, "U2", clock.Now())
			}, nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %o, want 600", st.Mode().Perm())
	}
	copyDB := store.NewDB(path)
	if err := copyDB.Open(); err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	cp := mustPlan(t, copyDB)
	if n, _ := copyDB.AuditCount(ctx, cp.ID, "5.2"); n != 50 {
		t.Fatalf("backup has %d entries for 5.2, want 50", n)
	}
	// Every audit entry in the copy belongs to a committed change: the count
	// of 3.3's entries matches its history exactly.
	h, err := copyDB.History(ctx, cp.ID, "3.3", 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := copyDB.AuditCount(ctx, cp.ID, "3.3"); n != len(h) {
		t.Fatalf("inconsistent copy: %d vs %d", n, len(h))
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Fatal("a backup over an existing file must be refused")
	}
}

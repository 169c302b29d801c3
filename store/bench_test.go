package store_test

import (
	"fmt"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// The store's own cost of a lookup and of an update, on whichever backend
// the tests use (ACTIONBOT_TEST_POSTGRES): BENCHMARKS.md quotes both.
// RecheckEvery is 0, as serve sets it on PostgreSQL, so every lookup asks
// the database whether anything changed, as a replica must.

func BenchmarkLookup(b *testing.B) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(b, clock)
	p := mustPlan(b, db)
	for b.Loop() {
		if _, err := db.FindAction(ctx, p.ID, "5.2"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdate(b *testing.B) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(b, clock)
	p := mustPlan(b, db)
	i := 0
	for b.Loop() {
		i++
		if _, _, err := db.UpdateAction(ctx, p.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(actionbot.Op{Verb: actionbot.VerbNote, Note: fmt.Sprint("benchmark note ", i)}, "U1", clock.Now())
		}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

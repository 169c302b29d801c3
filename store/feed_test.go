package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// Replicas on PostgreSQL learn of each other's changes by notice
// (ListenForChanges): a lookup while nothing changes asks the database
// nothing, and a change made through one replica is seen through another
// as soon as that one hears the notice, which the first waits to hear
// itself before it answers (within milliseconds; here, on a loaded test
// machine, within a second).
func TestListeningReplicasAskNothingUntilAChangeAndThenSeeIt(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.HowToRunPostgres)
	}
	clock := storetest.NewClock(storetest.PlanStart)
	a := mustOpenWriting(t, clock)
	p := mustPlan(t, a)
	b := store.NewDB(a.Path)
	b.Now = clock.Now
	b.ConfiguredCoordinators = testWriters
	if err := b.Open(); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, db := range []*store.DB{a, b} {
		if err := db.ListenForChanges(lctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.FindAction(ctx, p.ID, "5.2"); err != nil {
		t.Fatal(err)
	}
	asked := b.CountersReadAt()
	for range 20 {
		if _, err := b.FindAction(ctx, p.ID, "5.2"); err != nil {
			t.Fatal(err)
		}
	}
	if b.CountersReadAt() != asked {
		t.Fatal("lookups asked the database for its counters though nothing had changed")
	}
	for _, pct := range []int{30, 55} {
		mustApply(t, a, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: pct}, "U1")
		deadline := time.Now().Add(time.Second)
		for {
			x, err := b.FindAction(ctx, p.ID, "5.2")
			if err != nil {
				t.Fatal(err)
			}
			if x.Progress == pct {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a second after 5.2 went to %d%% through one replica, the other reads %d%%", pct, x.Progress)
			}
			time.Sleep(time.Millisecond) // waiting for another connection's notice
		}
	}
}

// On SQLite, ListenForChanges does nothing and fails nothing.
func TestListenForChangesOnSQLiteIsANoOp(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) != "" {
		t.Skip("on SQLite only")
	}
	db := mustOpenWriting(t, storetest.NewClock(storetest.PlanStart))
	if err := db.ListenForChanges(ctx); err != nil {
		t.Fatal(err)
	}
}

// A change that queues messages wakes whoever asked (the Slack sender),
// after its commit; one that queues none does not.
func TestAChangeThatQueuesMessagesWakesTheSender(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	woken := 0
	db.WakeOnQueue(func() {
		if n, err := db.OutboxHeads(ctx, clock.Now(), 10); err != nil || len(n) == 0 {
			t.Errorf("woken before the message was committed: %d queued (%v)", len(n), err)
		}
		woken++
	})
	apply := func(pct int, announce bool) {
		t.Helper()
		if _, _, err := db.UpdateAction(ctx, p.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: pct}, "U1", clock.Now())
		}, func(a *actionbot.Action, e *actionbot.AuditEntry) []*actionbot.Outgoing {
			if !announce {
				return nil
			}
			return []*actionbot.Outgoing{{Key: "announce:" + a.Ref + ":" + time.Now().String(), Kind: "announce", To: "C1", Message: actionbot.Simple("moved")}}
		}); err != nil {
			t.Fatal(err)
		}
	}
	apply(20, false)
	if woken != 0 {
		t.Fatalf("a change that queued nothing woke the sender %d times", woken)
	}
	apply(30, true)
	if woken != 1 {
		t.Fatalf("a change that queued a message woke the sender %d times, want 1", woken)
	}
	db.WakeOnQueue(nil)
	apply(40, true)
	if woken != 1 {
		t.Fatal("woken after WakeOnQueue(nil)")
	}
}

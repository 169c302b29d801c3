package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// listeningReplicas opens two DBs on one PostgreSQL database, both
// listening, and returns them once each trusts its counters and hears the
// other (each asks for pings while it does not: polling the listeners).
func listeningReplicas(t *testing.T, clock *storetest.Clock) (a, b *store.DB, planID int64) {
	t.Helper()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.HowToRunPostgres)
	}
	a = mustOpenWriting(t, clock)
	p := mustPlan(t, a)
	b = store.NewDB(a.Path)
	b.Now = clock.Now
	b.ConfiguredCoordinators = testWriters
	if err := b.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	lctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	for _, db := range []*store.DB{a, b} {
		if err := db.ListenForChanges(lctx); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for !a.FeedReady(1) || !b.FeedReady(1) {
		if time.Now().After(deadline) {
			t.Fatal("30 s after listening, the replicas neither trust their counters nor hear each other")
		}
		time.Sleep(5 * time.Millisecond) // waiting for the listeners' pings
	}
	return a, b, p.ID
}

// Replicas on PostgreSQL learn of each other's changes by notice
// (ListenForChanges): a lookup while nothing changes asks the database
// nothing, and a change made through one replica is seen through the other
// by the very next lookup, because the change returns only once the other
// has heard of it.
func TestListeningReplicasAskNothingUntilAChangeAndThenSeeIt(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	a, b, planID := listeningReplicas(t, clock)
	if _, err := b.FindAction(ctx, planID, "5.2"); err != nil {
		t.Fatal(err)
	}
	// A run of lookups that asks nothing: the replica trusts its counters
	// while its pings come back within a second, which a loaded machine
	// may miss now and then (a lookup then asks: slower, never stale).
	quiet := false
	for try := 0; try < 5 && !quiet; try++ {
		for !b.FeedReady(1) {
			time.Sleep(time.Millisecond) // waiting for the listener's ping
		}
		asked := b.CountersReadAt()
		for range 20 {
			if _, err := b.FindAction(ctx, planID, "5.2"); err != nil {
				t.Fatal(err)
			}
		}
		quiet = b.CountersReadAt() == asked
	}
	if !quiet {
		t.Fatal("lookups asked the database for its counters though nothing had changed, five times out of five")
	}
	for _, pct := range []int{30, 55} {
		mustApply(t, a, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: pct}, "U1")
		x, err := b.FindAction(ctx, planID, "5.2")
		if err != nil {
			t.Fatal(err)
		}
		if x.Progress != pct {
			t.Fatalf("right after 5.2 went to %d%% through one replica, the other reads %d%%", pct, x.Progress)
		}
	}
}

// A replica that has not heard a change (its listener held up, as on a
// loaded machine) does not answer from before it: the change waits for it
// a while, and by the time the change returns the replica no longer trusts
// its counters, so its next lookup asks the database.
func TestAReplicaThatHasNotHeardAChangeAsksBeforeItAnswers(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	a, b, planID := listeningReplicas(t, clock)
	if _, err := b.FindAction(ctx, planID, "5.2"); err != nil {
		t.Fatal(err)
	}
	release := b.HoldFeed()
	mustApply(t, a, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 35}, "U1")
	x, err := b.FindAction(ctx, planID, "5.2")
	release()
	if err != nil {
		t.Fatal(err)
	}
	if x.Progress != 35 {
		t.Fatalf("right after 5.2 went to 35%% through one replica, the other, which had not heard, reads %d%%", x.Progress)
	}
	// Heard again, it is waited for again.
	for !a.FeedReady(1) || !b.FeedReady(1) {
		time.Sleep(time.Millisecond) // waiting for the listeners' pings
	}
	mustApply(t, a, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 45}, "U1")
	if x, err := b.FindAction(ctx, planID, "5.2"); err != nil {
		t.Fatal(err)
	} else if x.Progress != 45 {
		t.Fatalf("right after 5.2 went to 45%% through one replica, the other reads %d%%", x.Progress)
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
		if n, err := db.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10); err != nil || len(n) == 0 {
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

// A change wakes the sender only when a message it queued is
// the first waiting for its conversation: one queued behind another
// cannot go before it, and the sender, pacing that conversation, reads
// the outbox again once it has sent the one ahead. Under a burst of
// announcements to a few channels the sender read the outbox after every
// commit to find each channel paced (issue 25).
func TestAChangeWakesTheSenderOnlyForAConversationsFirstMessage(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	woken := 0
	db.WakeOnQueue(func() { woken++ })
	n := 0
	announce := func(to ...string) {
		t.Helper()
		n++
		if _, _, err := db.UpdateAction(ctx, p.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: n}, "U1", clock.Now())
		}, func(a *actionbot.Action, e *actionbot.AuditEntry) []*actionbot.Outgoing {
			var out []*actionbot.Outgoing
			for _, ch := range to {
				out = append(out, &actionbot.Outgoing{Key: fmt.Sprintf("announce:%d:%s", e.ID, ch), Kind: "announce", To: ch, Message: actionbot.Simple("moved")})
			}
			return out
		}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(w int, why string) {
		t.Helper()
		if woken != w {
			t.Fatalf("%s: woken %d times, want %d", why, woken, w)
		}
	}
	announce("C1")
	want(1, "the first message to C1")
	announce("C1")
	want(1, "a second message to C1, behind the first")
	announce("C1", "C2")
	want(2, "a change announced in C1 (behind) and C2 (first)")
	heads, err := db.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
	if err != nil || len(heads) != 2 {
		t.Fatalf("heads = %v, %v", keys(heads), err)
	}
	for _, m := range heads { // both sent: C1's second is its head now
		if err := db.ClaimOutgoing(ctx, store.SlackOwner, m.ID, m.To, time.Time{}, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkSent(ctx, m.ID, m.To, "1.1"); err != nil {
			t.Fatal(err)
		}
	}
	announce("C2")
	want(3, "a message to C2 once its last was sent")
	announce("C1")
	want(3, "a message to C1, two still waiting ahead of it")
}

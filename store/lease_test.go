package store_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestOneReplicaAtATimeDeliversTheOutbox(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	a := mustOpenWriting(t, clock)
	b := mustOpenAt(t, a.Path, clock)
	if _, err := a.Enqueue(ctx, &actionbot.Outgoing{Key: "lease:1", Kind: "announce", To: "C0SPEED", Message: actionbot.Message{Text: "hello"}}); err != nil {
		t.Fatal(err)
	}
	first, err := a.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("the first replica to read the outbox gets %d messages, %v; want 1", len(first), err)
	}
	second, err := b.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if !storetest.OnPostgres() {
		// One file, one bot: nothing to share.
		if len(second) != 1 {
			t.Fatalf("SQLite: a second handle gets %d messages, want 1", len(second))
		}
		return
	}
	if len(second) != 0 {
		t.Fatalf("a second replica gets %d messages while the first delivers", len(second))
	}
	if err := a.Close(); err != nil { // the first replica stops
		t.Fatal(err)
	}
	third, err := b.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
	if err != nil || len(third) != 1 || third[0].Key != "lease:1" {
		t.Fatalf("after the first replica stopped, the second gets %v, %v; want lease:1", third, err)
	}
}

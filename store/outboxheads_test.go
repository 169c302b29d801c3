package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// OutboxHeads gives each conversation's oldest message still to deliver,
// when it is due: a message sent or failed no longer holds its
// conversation, one not yet due (backing off) or claimed by a sender
// whose lease holds does, and another owner's message never does. Many
// conversations, each with a backlog behind its head, as under a burst of
// changes announced in their task groups' channels.
func TestOutboxHeadsAreEachConversationsOldestWaitingMessage(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	var con *store.DB // a console run on the same file (SQLite's)
	if !db.Postgres() {
		con = store.NewDB(db.Path)
		con.Now = clock.Now
		con.Owner = store.ConsoleOwner()
		if err := con.Open(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { con.Close() })
	}

	queued := map[string]int{}
	queue := func(on *store.DB, to string, n int, next time.Time) []*actionbot.Outgoing {
		t.Helper()
		var ms []*actionbot.Outgoing
		for range n {
			i := queued[on.Owner+to]
			queued[on.Owner+to]++
			ms = append(ms, &actionbot.Outgoing{Key: fmt.Sprintf("announce:%s:%s:%d", on.Owner, to, i), Kind: "announce", To: to,
				Message: actionbot.Simple(fmt.Sprintf("%s %d", to, i)), NextAttempt: next})
		}
		if q, err := on.Enqueue(ctx, ms...); err != nil || q != n {
			t.Fatalf("queued %d of %d to %s: %v", q, n, to, err)
		}
		return ms
	}
	later := clock.Now().Add(time.Hour)
	sent := queue(db, "CSENT", 2, time.Time{})     // its first sent: the second is its head
	backing := queue(db, "CBACK", 1, later)        // its head backs off for an hour…
	queue(db, "CBACK", 3, time.Time{})             // …and holds these back
	claimed := queue(db, "CCLAIM", 3, time.Time{}) // its head being sent
	failed := queue(db, "CFAIL", 3, time.Time{})   // its first failed: the second is its head
	var consoles []*actionbot.Outgoing
	if con != nil {
		consoles = queue(con, "CSENT", 1, time.Time{})
	}
	for i := range 20 { // a conversation with a long backlog, queued last
		queue(db, fmt.Sprintf("CBUSY%02d", i%4), 50, time.Time{})
	}
	if err := db.ClaimOutgoing(ctx, store.SlackOwner, sent[0].ID, "CSENT", time.Time{}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, sent[0].ID, "CSENT", "1.1"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, failed[0].ID, "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimOutgoing(ctx, store.SlackOwner, claimed[0].ID, "CCLAIM", time.Time{}, clock.Now()); err != nil {
		t.Fatal(err)
	}

	heads := func(on *store.DB, owner string, limit int) []string {
		t.Helper()
		got, err := on.OutboxHeads(ctx, owner, clock.Now(), limit)
		if err != nil {
			t.Fatal(err)
		}
		return keys(got)
	}
	busy := func(i int) string { return fmt.Sprintf("announce::CBUSY%02d:0", i) }
	want := []string{sent[1].Key, failed[1].Key, busy(0), busy(1), busy(2), busy(3)}
	if got := heads(db, store.SlackOwner, 100); !slices.Equal(got, want) {
		t.Fatalf("heads = %v, want %v", got, want)
	}
	if got := heads(db, store.SlackOwner, 2); !slices.Equal(got, want[:2]) {
		t.Fatalf("the first 2 heads = %v, want %v", got, want[:2])
	}
	if con != nil {
		if got := heads(con, con.Owner, 100); !slices.Equal(got, []string{consoles[0].Key}) {
			t.Fatalf("the console's heads = %v, want its own message", got)
		}
	}

	// The claim lapses: its message is a head again, still 'sending'.
	clock.Advance(store.SendingLease)
	want = []string{sent[1].Key, claimed[0].Key, failed[1].Key, busy(0), busy(1), busy(2), busy(3)}
	if got := heads(db, store.SlackOwner, 100); !slices.Equal(got, want) {
		t.Fatalf("heads once the claim lapsed = %v, want %v", got, want)
	}
	// The backing-off message falls due: it, not what it held back.
	clock.Set(later)
	want = []string{sent[1].Key, backing[0].Key, claimed[0].Key, failed[1].Key, busy(0), busy(1), busy(2), busy(3)}
	if got := heads(db, store.SlackOwner, 100); !slices.Equal(got, want) {
		t.Fatalf("heads once the backoff ended = %v, want %v", got, want)
	}
}

// The writer keeps its savepoints' journals in memory (writer.go): a group
// of changes never writes its pages to a temporary file.
func TestTheWriterKeepsItsJournalsInMemory(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	if db.Postgres() {
		t.Skip("SQLite's")
	}
	if n, err := store.WriterTempStore(db); err != nil || n != 2 {
		t.Fatalf("the writer's temp_store = %d, %v; want 2 (memory)", n, err)
	}
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func mustReceive(tb testing.TB, db *store.DB, delivery, text string) *store.InboxItem {
	tb.Helper()
	it := &store.InboxItem{Delivery: delivery, UserID: "U1", ChannelID: "C1", Text: text, ResponseURL: "https://hooks.example/r"}
	if _, fresh, err := db.Receive(context.Background(), it); err != nil || !fresh {
		tb.Fatalf("receive %q: fresh %v, %v", delivery, fresh, err)
	}
	return it
}

// A request's delivery id is recorded once: the same request again is not
// a new change, and finds the first one's record and confirmation.
func TestReceiveKnowsARequestSeenBefore(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	ctx := context.Background()
	it := mustReceive(t, db, "sig:v0=abc", "5.2 note once")
	again := &store.InboxItem{Delivery: "sig:v0=abc", UserID: "U1", Text: "5.2 note once"}
	if id, fresh, err := db.Receive(ctx, again); err != nil || fresh || id != 0 {
		t.Fatalf("the same request again: id %d, fresh %v, %v", id, fresh, err)
	}
	found, err := db.InboxByDelivery(ctx, "sig:v0=abc")
	if err != nil || found.ID != it.ID || found.Reply != nil || found.State != "pending" {
		t.Fatalf("found %+v, %v", found, err)
	}
	if ok, err := db.FinishInbox(ctx, it.ID, actionbot.Simple("✅ Note added"), false, true); err != nil || !ok {
		t.Fatalf("finish: %v %v", ok, err)
	}
	found, err = db.InboxByDelivery(ctx, "sig:v0=abc")
	if err != nil || found.Reply == nil || found.Reply.Text != "✅ Note added" || found.ConfirmedAt.IsZero() || found.Text != "" {
		t.Fatalf("after finishing: %+v, %v", found, err)
	}
	if _, err := db.InboxByDelivery(ctx, "sig:v0=other"); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Errorf("an unknown request: %v", err)
	}
}

// FinishInbox records an outcome once: a second run of the same item (two
// starts racing) does not overwrite it, and a refusal is not recorded over
// a change another run made.
func TestFinishInboxRecordsOneOutcome(t *testing.T) {
	tests := []struct {
		name      string
		committed bool // the change completed the item in its transaction
		first     bool // FinishInbox was called before (another run)
		want      bool
	}{
		{"a refusal of a pending item", false, false, true},
		{"a change its transaction completed", true, false, true},
		{"a refusal after another run made the change", false, true, false},
		{"a second outcome of a change", true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
			ctx := context.Background()
			it := mustReceive(t, db, "envelope:1", "5.2 note x")
			if tc.committed || tc.first {
				// As UpdateActionSteps does in the change's transaction.
				if err := db.CompleteInbox(ctx, it.ID); err != nil {
					t.Fatal(err)
				}
			}
			if tc.first {
				if ok, err := db.FinishInbox(ctx, it.ID, actionbot.Simple("first"), true, false); err != nil || !ok {
					t.Fatalf("first outcome: %v %v", ok, err)
				}
			}
			ok, err := db.FinishInbox(ctx, it.ID, actionbot.Simple("second"), tc.committed, false)
			if err != nil || ok != tc.want {
				t.Fatalf("FinishInbox = %v, %v; want %v", ok, err, tc.want)
			}
			got, err := db.Inbox(ctx, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := "second"
			if tc.first {
				want = "first"
			}
			if got.Reply == nil || got.Reply.Text != want || got.State != "done" {
				t.Errorf("reply %+v, state %s; want %q, done", got.Reply, got.State, want)
			}
		})
	}
}

// Until it is confirmed a change is left for the next start to confirm;
// confirming by direct message queues the message once.
func TestUnconfirmedChangesAndTheirDirectMessage(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	ctx := context.Background()
	a := mustReceive(t, db, "sig:a", "5.2 note a")
	b := mustReceive(t, db, "sig:b", "5.2 note b")
	mustReceive(t, db, "sig:c", "5.2 note c") // never made
	for _, it := range []*store.InboxItem{a, b} {
		if ok, err := db.FinishInbox(ctx, it.ID, actionbot.Simple("✅ "+it.Text), false, false); err != nil || !ok {
			t.Fatal(ok, err)
		}
	}
	un, err := db.UnconfirmedInbox(ctx)
	if err != nil || len(un) != 2 || un[0].ID != a.ID || un[1].ID != b.ID || un[0].Text != "5.2 note a" {
		t.Fatalf("unconfirmed %+v, %v", un, err)
	}
	if err := db.ConfirmInbox(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	dm := &actionbot.Outgoing{Key: "confirm:b", Kind: "confirmation", To: "U1", Message: actionbot.Simple("✅ b")}
	for range 2 {
		if err := db.ConfirmInboxByMessage(ctx, b.ID, dm); err != nil {
			t.Fatal(err)
		}
	}
	if un, err := db.UnconfirmedInbox(ctx); err != nil || len(un) != 0 {
		t.Fatalf("unconfirmed after confirming: %+v, %v", un, err)
	}
	out, err := db.Outgoing(ctx, "", 10)
	if err != nil || len(out) != 1 || out[0].To != "U1" || out[0].Message.Text != "✅ b" {
		t.Fatalf("outbox %+v, %v", out, err)
	}
	if p, err := db.PendingInbox(ctx); err != nil || len(p) != 1 || p[0].Text != "5.2 note c" {
		t.Fatalf("pending %+v, %v", p, err)
	}
}

// Confirmed changes are forgotten after the given instant; those still to
// make or to confirm never are.
func TestPruneInboxForgetsOnlyConfirmedChanges(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	old := mustReceive(t, db, "sig:old", "old")
	if _, err := db.FinishInbox(ctx, old.ID, actionbot.Simple("✅"), false, true); err != nil {
		t.Fatal(err)
	}
	mustReceive(t, db, "sig:pending", "pending")
	unconfirmed := mustReceive(t, db, "sig:unconfirmed", "unconfirmed")
	if _, err := db.FinishInbox(ctx, unconfirmed.ID, actionbot.Simple("✅"), false, false); err != nil {
		t.Fatal(err)
	}
	clock.Advance(25 * time.Hour)
	recent := mustReceive(t, db, "sig:recent", "recent")
	if _, err := db.FinishInbox(ctx, recent.ID, actionbot.Simple("✅"), false, true); err != nil {
		t.Fatal(err)
	}
	n, err := db.PruneInbox(ctx, clock.Now().Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if size, _ := db.InboxSize(ctx); size != 3 {
		t.Errorf("inbox holds %d; want 3", size)
	}
	if _, err := db.InboxByDelivery(ctx, "sig:old"); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Errorf("the old confirmed change is still there: %v", err)
	}
}

// With every record older than the instant, every confirmed one is
// forgotten, and those still to make or to confirm are kept.
func TestPruneInboxForgetsAllConfirmedWhenAllAreOld(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	for _, d := range []string{"sig:a", "sig:b"} {
		it := mustReceive(t, db, d, d)
		if _, err := db.FinishInbox(ctx, it.ID, actionbot.Simple("✅"), false, true); err != nil {
			t.Fatal(err)
		}
	}
	mustReceive(t, db, "sig:pending", "pending")
	unconfirmed := mustReceive(t, db, "sig:unconfirmed", "unconfirmed")
	if _, err := db.FinishInbox(ctx, unconfirmed.ID, actionbot.Simple("✅"), false, false); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PruneInbox(ctx, clock.Now().Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if p, err := db.PendingInbox(ctx); err != nil || len(p) != 1 || p[0].Delivery != "sig:pending" {
		t.Errorf("pending %+v, %v", p, err)
	}
	if u, err := db.UnconfirmedInbox(ctx); err != nil || len(u) != 1 || u[0].Delivery != "sig:unconfirmed" {
		t.Errorf("unconfirmed %+v, %v", u, err)
	}
	if n, err := db.PruneInbox(ctx, clock.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("pruned %d again, %v; want 0", n, err)
	}
}

// A record received after the instant is never forgotten, even with an
// older one after it (the clock stepped back between them): the older one
// waits for a later prune.
func TestPruneInboxNeverForgetsARecordTooEarly(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	confirmed := func(d string) {
		t.Helper()
		it := mustReceive(t, db, d, d)
		if _, err := db.FinishInbox(ctx, it.ID, actionbot.Simple("✅"), false, true); err != nil {
			t.Fatal(err)
		}
	}
	start := clock.Now()
	confirmed("sig:old")
	clock.Set(start.Add(48 * time.Hour))
	confirmed("sig:new")
	clock.Set(start)
	confirmed("sig:stepped-back")
	before := start.Add(24 * time.Hour)
	if n, err := db.PruneInbox(ctx, before); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	for _, d := range []string{"sig:new", "sig:stepped-back"} {
		if _, err := db.InboxByDelivery(ctx, d); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
	if n, err := db.PruneInbox(ctx, start.Add(72*time.Hour)); err != nil || n != 2 {
		t.Errorf("pruned %d later, %v; want 2", n, err)
	}
}

// A confirmation sent is recorded by the first write to commit after it,
// whatever that write is, not only by its own (which may wait its turn
// behind a burst of writers).
func TestSentConfirmationRidesOnTheNextWrite(t *testing.T) {
	tests := []struct {
		name  string
		write func(t *testing.T, db *store.DB, other *store.InboxItem)
	}{
		{"a new request", func(t *testing.T, db *store.DB, _ *store.InboxItem) {
			mustReceive(t, db, "sig:next", "5.3 note next")
		}},
		{"the outcome of another change", func(t *testing.T, db *store.DB, other *store.InboxItem) {
			if _, err := db.FinishInbox(context.Background(), other.ID, actionbot.Simple("refused"), false, false); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
			ctx := context.Background()
			it := mustReceive(t, db, "sig:first", "5.2 note first")
			other := mustReceive(t, db, "sig:other", "5.4 note other")
			if _, err := db.FinishInbox(ctx, it.ID, actionbot.Simple("✅"), false, false); err != nil {
				t.Fatal(err)
			}
			store.NoteSent(db, it.ID)
			tc.write(t, db, other)
			got, err := db.Inbox(ctx, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ConfirmedAt.IsZero() || got.Text != "" {
				t.Errorf("not recorded as confirmed by the next write: %+v", got)
			}
		})
	}
}

package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestFirstDelivery(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	steps := []struct {
		advance time.Duration
		id      string
		first   bool
	}{
		{0, "event:Ev1", true},
		{time.Minute, "event:Ev1", false},    // Slack's retry
		{0, "event:Ev2", true},               // another event
		{23 * time.Hour, "event:Ev1", false}, // still remembered
		{2 * time.Hour, "event:Ev1", true},   // forgotten after a day
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		first, err := db.FirstDelivery(ctx, s.id, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if first != s.first {
			t.Errorf("step %d: FirstDelivery(%s) = %v, want %v", i, s.id, first, s.first)
		}
	}
	if _, err := db.FirstDelivery(ctx, "", time.Hour); err == nil {
		t.Error("an empty id was accepted")
	}
}

func TestOutboxHeads(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	var ids []int64
	for _, m := range []struct{ key, to string }{{"a1", "C1"}, {"a2", "C1"}, {"b1", "C2"}, {"c1", "U3"}, {"c2", "U3"}} {
		o := &actionbot.Outgoing{Key: m.key, Kind: "announce", To: m.to, Message: actionbot.Simple(m.key)}
		if _, err := db.Enqueue(ctx, o); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	heads := func() string {
		ds, err := db.OutboxHeads(ctx, clock.Now(), 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, d := range ds {
			keys = append(keys, fmt.Sprintf("%s:%s", d.Key, d.State))
		}
		return fmt.Sprint(keys)
	}
	if got, want := heads(), "[a1:pending b1:pending c1:pending]"; got != want {
		t.Fatalf("heads %s, want %s", got, want)
	}
	// a1 is being posted; C1 waits for its outcome.
	if err := db.ClaimOutgoing(ctx, ids[0], "C1", db.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimOutgoing(ctx, ids[0], "C1", db.Now()); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Errorf("claimed twice: %v", err)
	}
	// b1 is rate limited for 30 s: C2 has no head until then.
	if err := db.ReleaseOutgoing(ctx, ids[2], "rate limited", clock.Now().Add(30*time.Second), false); err != nil {
		t.Fatal(err)
	}
	// c1 failed for good: U3's next message comes forward.
	if err := db.MarkFailed(ctx, ids[3], "user_not_found"); err != nil {
		t.Fatal(err)
	}
	// a1 is being posted (by this sender or another): nobody else takes
	// it until the claim has lapsed.
	if got, want := heads(), "[c2:pending]"; got != want {
		t.Errorf("heads %s, want %s", got, want)
	}
	clock.Advance(store.SendingLease)
	if got, want := heads(), "[a1:sending b1:pending c2:pending]"; got != want {
		t.Errorf("once the claim has lapsed, heads %s, want %s", got, want)
	}
	if err := db.MarkDelivered(ctx, ids[0], "C1", "1333357200.000100"); err != nil {
		t.Fatal(err)
	}
	if got, want := heads(), "[a2:pending b1:pending c2:pending]"; got != want {
		t.Errorf("heads %s, want %s", got, want)
	}
	d, err := db.SentMessage(ctx, "C1", "1333357200.000100")
	if err != nil || d.ID != ids[0] || d.Channel != "C1" || d.RemoteRef != "1333357200.000100" || d.State != actionbot.OutboxSent {
		t.Fatalf("SentMessage = %+v, %v", d, err)
	}
	if _, err := db.SentMessage(ctx, "C1", "1.2"); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Errorf("SentMessage of an unknown ts: %v", err)
	}
	b, _ := db.OutboxHeads(ctx, clock.Now(), 10)
	if b[1].Attempts != 0 {
		t.Errorf("a rate limit counted as an attempt: %d", b[1].Attempts)
	}
	revised, err := db.ReviseSentMessage(ctx, ids[0], func(m *actionbot.Message) bool {
		m.Blocks = append(m.Blocks, actionbot.Context("✅ done"))
		return true
	})
	if err != nil || len(revised.Blocks) != 2 {
		t.Fatalf("revise: %v", err)
	}
	if d, _ := db.SentMessage(ctx, "C1", "1333357200.000100"); len(d.Message.Blocks) != 2 {
		t.Errorf("the revision was not kept")
	}
}

// A claim's lease runs on the clock of the sender that claimed it, not on
// the store's: a `remind --as-of 2012-… --post` run's store records the
// plan year, and a serving bot on the wall clock must still see that run's
// claim as fresh for SendingLease.
func TestAClaimIsDatedByTheSendersClockNotTheStores(t *testing.T) {
	wall := time.Date(2026, time.December, 6, 22, 0, 0, 0, time.UTC)
	claims := []struct {
		name  string
		to    string
		claim func(db *store.DB, d *store.Delivery) error
		heads func(db *store.DB, now time.Time) ([]*store.Delivery, error)
	}{
		{"Slack", "U1", func(db *store.DB, d *store.Delivery) error {
			return db.ClaimOutgoing(ctx, d.ID, "D1", wall)
		}, func(db *store.DB, now time.Time) ([]*store.Delivery, error) { return db.OutboxHeads(ctx, now, 10) }},
		{"e-mail", "a@x.org", func(db *store.DB, d *store.Delivery) error {
			return db.ClaimMail(ctx, d.ID, d.State, d.ClaimedAt, wall)
		}, func(db *store.DB, now time.Time) ([]*store.Delivery, error) { return db.MailHeads(ctx, now, 10) }},
	}
	for _, c := range claims {
		t.Run(c.name, func(t *testing.T) {
			db := mustOpenWriting(t, storetest.NewClock(storetest.PlanStart)) // the as-of run's clock
			if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "k", Kind: "reminder", To: c.to, Message: actionbot.Simple("one")}); err != nil {
				t.Fatal(err)
			}
			heads, err := c.heads(db, wall)
			if err != nil || len(heads) != 1 {
				t.Fatalf("heads %v, %v", heads, err)
			}
			if err := c.claim(db, heads[0]); err != nil {
				t.Fatal(err)
			}
			if h, err := c.heads(db, wall.Add(store.SendingLease-time.Second)); err != nil || len(h) != 0 {
				t.Errorf("a serving sender on the wall clock is given the claimed message within its lease: %v, %v", h, err)
			}
			if h, err := c.heads(db, wall.Add(store.SendingLease)); err != nil || len(h) != 1 {
				t.Errorf("after the lease the interrupted message is not given again: %v, %v", h, err)
			}
		})
	}
}

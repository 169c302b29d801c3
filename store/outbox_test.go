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
		ds, err := db.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
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
	if err := db.ClaimOutgoing(ctx, store.SlackOwner, ids[0], "C1", time.Time{}, db.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimOutgoing(ctx, store.SlackOwner, ids[0], "C1", time.Time{}, db.Now()); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
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
	if err := db.MarkSent(ctx, ids[0], "C1", "1333357200.000100"); err != nil {
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
	b, _ := db.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
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
		owner string
	}{
		{"Slack", "U1", store.SlackOwner},
		{"e-mail", "a@x.org", store.MailOwner},
	}
	for _, c := range claims {
		t.Run(c.name, func(t *testing.T) {
			db := mustOpenWriting(t, storetest.NewClock(storetest.PlanStart)) // the as-of run's clock
			if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "k", Kind: "reminder", To: c.to, Message: actionbot.Simple("one")}); err != nil {
				t.Fatal(err)
			}
			heads, err := db.OutboxHeads(ctx, c.owner, wall, 10)
			if err != nil || len(heads) != 1 {
				t.Fatalf("heads %v, %v", heads, err)
			}
			if err := db.ClaimOutgoing(ctx, c.owner, heads[0].ID, "D1", heads[0].ClaimedAt, wall); err != nil {
				t.Fatal(err)
			}
			if h, err := db.OutboxHeads(ctx, c.owner, wall.Add(store.SendingLease-time.Second), 10); err != nil || len(h) != 0 {
				t.Errorf("a serving sender on the wall clock is given the claimed message within its lease: %v, %v", h, err)
			}
			if h, err := db.OutboxHeads(ctx, c.owner, wall.Add(store.SendingLease), 10); err != nil || len(h) != 1 {
				t.Errorf("after the lease the interrupted message is not given again: %v, %v", h, err)
			}
		})
	}
}

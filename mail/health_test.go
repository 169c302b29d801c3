package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// TestHealthSaysWhenEMailIsHeldUp: /healthz's detail says nothing while
// e-mail flows, and says so when it waits for a failing server or failed.
func TestHealthSaysWhenEMailIsHeldUp(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpen(t, clock)
	health := mail.Health(db, clock.Now)
	if got := health(ctx); len(got) != 0 {
		t.Errorf("an empty queue: %v", got)
	}
	db.Enqueue(ctx, &actionbot.Outgoing{Key: "k1", Kind: "reminder", To: "a@kent.police.uk", Message: actionbot.Simple("x")},
		&actionbot.Outgoing{Key: "k2", Kind: "reminder", To: "b@kent.police.uk", Message: actionbot.Simple("y")})
	if got := health(ctx); len(got) != 0 {
		t.Errorf("e-mail just queued: %v", got)
	}
	heads, _ := db.OutboxHeads(ctx, store.MailOwner, clock.Now(), 10)
	db.ReleaseOutgoing(ctx, heads[0].ID, "dial tcp 10.1.2.3:587: connect: connection refused (retrying)", clock.Now().Add(time.Minute), true)
	db.MarkFailed(ctx, heads[1].ID, "550 no such user")
	got := strings.Join(health(ctx), "\n")
	if !strings.Contains(got, "mail: 1 e-mail queued, the oldest since 2012-04-02 08:00 UTC; the mail server is failing") ||
		!strings.Contains(got, "mail: 1 e-mail failed") || strings.Contains(got, "10.1.2.3") {
		t.Errorf("health:\n%s", got)
	}
}

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

// A console run on the bot's database takes only the messages it queued
// itself: Slack's messages (queued by the bot, paced or waiting out an
// outage) are neither listed for it nor marked sent by it, and its own are
// never given to the Slack sender nor hold Slack's conversation back.
func TestConsoleRunTakesOnlyItsOwnMessages(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	bot := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()

	con := store.NewDB(bot.Path)
	con.Now = clock.Now
	con.Owner = store.ConsoleOwner()
	if err := con.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { con.Close() })
	if other := store.ConsoleOwner(); other == con.Owner {
		t.Fatalf("two console runs share the owner %q", other)
	}

	var forSlack []*actionbot.Outgoing
	for i := range 3 {
		forSlack = append(forSlack, &actionbot.Outgoing{Key: fmt.Sprintf("announce:slack:%d", i), Kind: "announce", To: "CTASK",
			Message: actionbot.Simple(fmt.Sprintf("for Slack %d", i))})
	}
	if n, err := bot.Enqueue(ctx, forSlack...); err != nil || n != 3 {
		t.Fatalf("bot queued %d, %v", n, err)
	}
	// The console queues to the same conversation after the bot.
	own := &actionbot.Outgoing{Key: "announce:console:0", Kind: "announce", To: "CTASK", Message: actionbot.Simple("the console's")}
	if n, err := con.Enqueue(ctx, own); err != nil || n != 1 {
		t.Fatalf("console queued %d, %v", n, err)
	}
	if n, err := con.QueuedForSlack(ctx); err != nil || n != 3 {
		t.Fatalf("queued for Slack = %d, %v; want 3", n, err)
	}

	// The console sees, claims and marks its own message only.
	got, err := con.OutboxHeads(ctx, con.Owner, clock.Now(), 100)
	if err != nil || len(got) != 1 || got[0].Key != own.Key {
		t.Fatalf("console's pending = %v, %v; want only its own", keys(got), err)
	}
	for _, m := range forSlack {
		if err := con.ClaimOutgoing(ctx, con.Owner, m.ID, "", time.Time{}, con.Now()); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
			t.Errorf("console claiming Slack's %s = %v, want ECONFLICT", m.Key, err)
		}
	}
	if err := con.ClaimOutgoing(ctx, con.Owner, own.ID, "", time.Time{}, con.Now()); err != nil {
		t.Fatal(err)
	}
	if err := con.MarkSent(ctx, own.ID, "", "console"); err != nil {
		t.Fatal(err)
	}

	// The Slack sender is given Slack's messages only, one conversation's
	// oldest first, and cannot claim the console's.
	if err := bot.ClaimOutgoing(ctx, store.SlackOwner, own.ID, "CTASK", time.Time{}, bot.Now()); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Errorf("claiming the console's message = %v, want ECONFLICT", err)
	}
	if got, err := bot.Outgoing(ctx, actionbot.OutboxPending, 100); err != nil || len(got) != 3 {
		t.Fatalf("Slack's pending = %v, %v; want its 3", keys(got), err)
	}
	for _, m := range forSlack {
		heads, err := bot.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 100)
		if err != nil || len(heads) != 1 || heads[0].Key != m.Key {
			t.Fatalf("heads = %v, %v; want %s", heads, err, m.Key)
		}
		if err := bot.ClaimOutgoing(ctx, store.SlackOwner, m.ID, "CTASK", time.Time{}, bot.Now()); err != nil {
			t.Fatal(err)
		}
		if err := bot.MarkSent(ctx, m.ID, "CTASK", fmt.Sprint(m.ID)); err != nil {
			t.Fatal(err)
		}
	}

	// A console message left pending (due later, when the run ended) never
	// reaches Slack, nor holds back what Slack queues after it.
	late := &actionbot.Outgoing{Key: "announce:console:1", Kind: "announce", To: "CTASK", Message: actionbot.Simple("left behind")}
	if _, err := con.Enqueue(ctx, late); err != nil {
		t.Fatal(err)
	}
	next := &actionbot.Outgoing{Key: "announce:slack:3", Kind: "announce", To: "CTASK", Message: actionbot.Simple("for Slack 3")}
	if _, err := bot.Enqueue(ctx, next); err != nil {
		t.Fatal(err)
	}
	heads, err := bot.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 100)
	if err != nil || len(heads) != 1 || heads[0].Key != next.Key {
		t.Fatalf("heads = %v, %v; want %s only", heads, err, next.Key)
	}
	if n, _ := con.QueuedForSlack(ctx); n != 1 {
		t.Fatalf("queued for Slack = %d, want 1", n)
	}
}

func keys(os []*actionbot.Outgoing) []string {
	var k []string
	for _, o := range os {
		k = append(k, o.Key)
	}
	return k
}

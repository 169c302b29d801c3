package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// The console is a transport of the one delivery loop whose "API" prints:
// it prints its own run's posts once, in the order they were queued across
// conversations too (a sender's pass takes one message per conversation),
// marks them sent, and never touches the posts queued for Slack.
func TestTheConsolePrintsItsOwnPostsOnceInTheOrderQueued(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2012, time.June, 1, 10, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "slack:1", Kind: "announce", To: "CTASK", Message: actionbot.Simple("for Slack")}); err != nil {
		t.Fatal(err)
	}
	db.Owner = store.ConsoleOwner()
	for _, m := range []struct{ key, to, text string }{{"c:1", "CTASK", "first"}, {"c:2", "CTASK", "second"}, {"c:3", "U0CSU1", "third"}} {
		if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: m.key, Kind: "announce", To: m.to, Message: actionbot.Simple(m.text)}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	c := &console.Console{Out: &out}
	if err := c.DeliverOnce(ctx, db, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := c.DeliverOnce(ctx, db, clock.Now()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	first, second, third := strings.Index(got, "first"), strings.Index(got, "second"), strings.Index(got, "third")
	if first < 0 || !(first < second && second < third) || strings.Count(got, "── posted to") != 3 {
		t.Errorf("the console printed, out of order or not once each:\n%s", got)
	}
	if !strings.Contains(got, "── posted to @U0CSU1 (direct message) (announce) ──") || strings.Contains(got, "for Slack") {
		t.Errorf("the console printed:\n%s", got)
	}
	all, err := db.Outgoing(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		want := actionbot.OutboxSent
		if o.Key == "slack:1" {
			want = actionbot.OutboxPending
		}
		if o.State != want {
			t.Errorf("%s is %s, want %s", o.Key, o.State, want)
		}
	}
}

// Serve answers its input, runs the jobs beside it until the input ends,
// and prints what the last command queued before it returns.
func TestServePrintsWhatTheLastCommandQueued(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2012, time.June, 1, 10, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	db.Owner = store.ConsoleOwner()
	var out bytes.Buffer
	c := &console.Console{In: strings.NewReader(""), Out: &out}
	var besideEnded bool
	beside := func(ctx context.Context) func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			<-ctx.Done()
			// The last command's post, queued as the input ends.
			if _, err := db.Enqueue(context.Background(), &actionbot.Outgoing{Key: "c:1", Kind: "announce", To: "CTASK", Message: actionbot.Simple("last words")}); err != nil {
				t.Error(err)
			}
		}()
		return func() { <-done; besideEnded = true }
	}
	if err := c.Serve(ctx, db, clock.Now, beside); err != nil {
		t.Fatal(err)
	}
	if !besideEnded || !strings.Contains(out.String(), "last words") {
		t.Errorf("beside ended %v; the console printed:\n%s", besideEnded, out.String())
	}
}

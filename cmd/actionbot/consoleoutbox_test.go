package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/store"
)

// Announcements the Slack bot queued before a stop (paced, or waiting out
// an outage) all reach Slack after console runs on the same database: the
// console neither prints them nor marks them sent, and says they wait.
func TestConsoleLeavesSlacksQueueToTheSlackBot(t *testing.T) {
	iv := newInvocation(t)
	iv.mustInit(t)
	path := iv.env["ACTIONBOT_DB"]
	ctx := context.Background()

	// Queued as the bot queues them: through a DB of no console run.
	texts := []string{"5.2 Speedwatch: 60% done", "7.6 Street lighting review: blocked", "4.1 Night-time economy: done"}
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	for i, text := range texts {
		m := &actionbot.Outgoing{Key: fmt.Sprintf("announce:before-stop:%d", i), Kind: "announce", To: "CTASKGROUP", Message: actionbot.Simple(text)}
		if _, err := db.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	// The console, twice: actionbot with no Slack settings, making a change
	// whose announcement it prints as its own, and serve with its input at
	// an end.
	for _, args := range [][]string{nil, {"serve"}} {
		stdin := "/action admin channel 5 #C0SPEED\n/action 5.2 progress 30\n/quit\n"
		if args != nil {
			stdin = ""
		}
		code, out, errs := iv.run(t, stdin, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if args == nil && (!strings.Contains(out, "── posted to #C0SPEED (announce) ──") || !strings.Contains(out, "@UCONSOLE updated 5.2 to 30%")) {
			t.Errorf("the console did not show its own announcement:\n%s", out)
		}
		for _, text := range texts {
			if strings.Contains(out, text) {
				t.Errorf("%v: the console printed Slack's message %q:\n%s", args, text, out)
			}
		}
		if !strings.Contains(out, "3 messages in this database are queued for Slack: the Slack bot (serve with Slack settings) will send them") {
			t.Errorf("%v: the console does not say that 3 messages wait for Slack:\n%s", args, out)
		}
	}

	db = store.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending, err := db.Outgoing(ctx, actionbot.OutboxPending, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != len(texts) {
		t.Fatalf("after the console, %d messages are pending, want %d", len(pending), len(texts))
	}
	for i, p := range pending {
		if p.Message.Text != texts[i] || p.Attempts != 0 || p.RemoteRef != "" {
			t.Errorf("Slack's message %d after the console: %q, %d attempts, ref %q", i, p.Message.Text, p.Attempts, p.RemoteRef)
		}
	}

	// The Slack bot's sender then delivers all three, in order.
	fs := fakeslack.New(t)
	sender := bot.NewSender(db, slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL())), "", db.Now, time.Nanosecond, nil)
	for range 10 {
		if _, err := sender.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Slack gets the three, and not the console's own announcement.
	posts := fs.Requests("chat.postMessage")
	if len(posts) != len(texts) {
		t.Fatalf("Slack got %d posts, want %d", len(posts), len(texts))
	}
	for i, p := range posts {
		if got := p.Param("text"); !strings.Contains(got, texts[i]) || p.Param("channel") != "CTASKGROUP" {
			t.Errorf("post %d is %q to %s, want %q to CTASKGROUP", i, got, p.Param("channel"), texts[i])
		}
	}
	if left, _ := db.Outgoing(ctx, actionbot.OutboxPending, 100); len(left) != 0 {
		t.Errorf("%d messages still pending after the sender", len(left))
	}
}

// A console on a database with nothing queued for Slack says nothing of it.
func TestConsoleSaysNothingOfAnEmptySlackQueue(t *testing.T) {
	iv := newInvocation(t)
	iv.mustInit(t)
	code, out, errs := iv.run(t, "/action 5.2\n/quit\n")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "queued for Slack") {
		t.Errorf("the console speaks of a Slack queue that is empty:\n%s", out)
	}
}

// A console started on the database a Slack bot uses (here, one whose
// digest Slack has answered) runs no reminders or digest: run there, they
// would be recorded as sent, printed to the console, and never reach Slack.
func TestConsoleOnASlackBotsDatabaseSendsNoRemindersOrDigest(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	ctx := context.Background()
	db := store.NewDB(c.db)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "announce:sent-by-slack", Kind: "announce", To: "CTASKGROUP", Message: actionbot.Simple("5.2 at 60%")}); err != nil {
		t.Fatal(err)
	}
	queued, err := db.Outgoing(ctx, actionbot.OutboxPending, 10)
	if err != nil || len(queued) != 1 {
		t.Fatalf("queued %v %v", queued, err)
	}
	if err := db.MarkSent(ctx, queued[0].ID, "CTASKGROUP", "1352106000.000100"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errs := c.run("/next\n", "-as-of", "2012-11-05T09:05")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "A Slack bot uses this database: the console runs no reminders or digest here") {
		t.Errorf("the console does not say it leaves the reminders to the bot:\n%s", out)
	}
	if strings.Contains(out, "posted to #CCONSOLE (digest)") || strings.Contains(out, "(reminder) ──") {
		t.Errorf("the console sent the bot's digest or reminders:\n%s", out)
	}
}

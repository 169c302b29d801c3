package outbox_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// fakeSlack is a transport that takes every message, or none (fail).
type fakeSlack struct {
	fail string
	sent []string
}

func (f *fakeSlack) Owner() string { return "slack" }
func (f *fakeSlack) Name() string  { return "fake slack" }
func (f *fakeSlack) Send(_ context.Context, m *actionbot.Outgoing, channel string) (outbox.Sent, *outbox.Failure) {
	if f.fail != "" {
		return outbox.Sent{}, &outbox.Failure{Cause: f.fail}
	}
	f.sent = append(f.sent, m.Key)
	return outbox.Sent{Channel: channel, Ref: "ts-" + m.Key}, nil
}

// queued is a database on a test clock holding n messages for Slack, and a
// sender through tr whose waits move the clock on.
func queued(t *testing.T, tr outbox.Transport, n int) (*store.DB, *outbox.Sender, []int64) {
	t.Helper()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	var ids []int64
	for i := range n {
		o := &actionbot.Outgoing{Key: "k" + string(rune('a'+i)), Kind: "reminder", To: "C0TASKING", Message: actionbot.Simple("hello")}
		if _, err := db.Enqueue(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	s := &outbox.Sender{Store: db, Transport: tr, Now: clock.Now, Logger: slog.New(slog.DiscardHandler), BaseBackoff: time.Minute, MaxBackoff: time.Hour,
		After: func(d time.Duration) <-chan time.Time {
			clock.Advance(d)
			c := make(chan time.Time, 1)
			c <- clock.Now()
			return c
		}}
	return db, s, ids
}

var slackWords = outbox.Words{Who: "Slack", Short: "Slack", Noun: "message"}

func TestDeliverNowSendsEveryMessageAndSaysSo(t *testing.T) {
	tr := &fakeSlack{}
	db, s, ids := queued(t, tr, 2)
	var out bytes.Buffer
	if err := outbox.DeliverNow(context.Background(), &out, db, s, slackWords, ids, 5*time.Second, 100*time.Millisecond); err != nil {
		t.Fatalf("DeliverNow: %v\n%s", err, out.String())
	}
	if got := out.String(); got != "Slack accepted 2 of 2 messages.\n" || len(tr.sent) != 2 {
		t.Errorf("account %q, sent %v", got, tr.sent)
	}
}

// A transport that takes nothing is given up after the wait, on the
// sender's clock, and what is left stays queued for the serving bot.
func TestDeliverNowGivesUpOnATransportThatTakesNothing(t *testing.T) {
	db, s, ids := queued(t, &fakeSlack{fail: "slack is down"}, 1)
	var out bytes.Buffer
	err := outbox.DeliverNow(context.Background(), &out, db, s, slackWords, ids, time.Second, 250*time.Millisecond)
	if actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Errorf("err %v, want EINVALID", err)
	}
	want := "Slack accepted 0 of 1 message.\nSlack took no message for 1s (last: slack is down (retrying)), so this gave up: 1 still queued; a running bot, or the next --post, sends them.\n"
	if out.String() != want {
		t.Errorf("account:\n%s\nwant:\n%s", out.String(), want)
	}
	left, err := db.OutgoingByID(context.Background(), ids)
	if err != nil || len(left) != 1 || (left[0].State != actionbot.OutboxPending && left[0].State != actionbot.OutboxSending) {
		t.Errorf("after giving up: %+v, %v", left, err)
	}
}

func TestSummariseNamesWhatFailedAndWhatIsLeft(t *testing.T) {
	out := []*actionbot.Outgoing{
		{To: "C0TASKING", State: actionbot.OutboxSent},
		{To: "C0GONE", State: actionbot.OutboxFailed, LastError: "channel_not_found"},
		{To: "U0LEAD", State: actionbot.OutboxPending, LastError: "ratelimited"},
	}
	var w bytes.Buffer
	err := outbox.Summarise(&w, outbox.Words{Who: "The mail server (smtp.example.org:587)", Short: "The mail server", Noun: "e-mail"}, out, false, time.Second)
	if err == nil {
		t.Error("no error with messages undelivered")
	}
	for _, want := range []string{
		"The mail server (smtp.example.org:587) accepted 1 of 3 e-mails.",
		"1 could not be delivered (/action admin failed lists them): ",
		"channel_not_found",
		"1 still queued (The mail server asked to wait, or failed for now; last: ratelimited)",
	} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("the account lacks %q:\n%s", want, w.String())
		}
	}
}

// A route without its settings sends nothing and says so; the others go.
func TestDeliverRoutesSaysWhatHadNowhereToGo(t *testing.T) {
	tr := &fakeSlack{}
	db, s, ids := queued(t, tr, 1)
	var w bytes.Buffer
	err := outbox.DeliverRoutes(context.Background(), &w, db, []outbox.Route{
		{IDs: ids, Sender: func() *outbox.Sender { return s }, Words: slackWords},
		{IDs: []int64{99}, Words: outbox.Words{Noun: "e-mail"}, Missing: "Not sent, for want of a mail server: %s, left queued.\n"},
		{Words: outbox.Words{Noun: "fax"}, Missing: "never said: %s\n"},
	}, time.Second)
	if err == nil {
		t.Error("no error with an e-mail left queued")
	}
	if want := "Slack accepted 1 of 1 message.\nNot sent, for want of a mail server: 1 e-mail, left queued.\n"; w.String() != want {
		t.Errorf("account %q, want %q", w.String(), want)
	}
}

// A --post's routes: Slack's messages one way, e-mails the other, and a
// transport without its settings says its messages stay queued.
func TestPostRoutesSplitSlackFromEMail(t *testing.T) {
	tr := &fakeSlack{}
	db, s, ids := queued(t, tr, 2)
	msgs := []*actionbot.Outgoing{{ID: ids[0]}, nil, {ID: 0}, {ID: ids[1]}, {ID: 99, To: "jo@example.org"}}
	if !msgs[4].IsEmail() {
		t.Fatal("the test's e-mail is not one")
	}
	routes := outbox.PostRoutes(msgs, func() *outbox.Sender { return s }, nil, "smtp.example.org:587")
	if len(routes) != 2 || len(routes[0].IDs) != 2 || len(routes[1].IDs) != 1 || routes[1].IDs[0] != 99 {
		t.Fatalf("routes %+v", routes)
	}
	var w bytes.Buffer
	if err := outbox.DeliverRoutes(context.Background(), &w, db, routes, time.Second); err == nil {
		t.Error("no error with an e-mail left queued")
	}
	if want := "Slack accepted 2 of 2 messages.\nNot sent, for want of a mail server (ACTIONBOT_SMTP_URL): 1 e-mail, left queued.\n"; w.String() != want {
		t.Errorf("account %q, want %q", w.String(), want)
	}
}

// waker is the store's wake hook, as RunAll sets it.
type waker struct {
	mu   sync.Mutex
	wake func()
}

func (w *waker) WakeOnQueue(f func()) { w.mu.Lock(); w.wake = f; w.mu.Unlock() }
func (w *waker) hook() func()         { w.mu.Lock(); defer w.mu.Unlock(); return w.wake }

// signalling is a transport that says on sent what it took.
type signalling struct{ sent chan string }

func (f *signalling) Owner() string { return "slack" }
func (f *signalling) Name() string  { return "signalling slack" }
func (f *signalling) Send(_ context.Context, m *actionbot.Outgoing, channel string) (outbox.Sent, *outbox.Failure) {
	f.sent <- m.Key
	return outbox.Sent{Channel: channel, Ref: "ts-" + m.Key}, nil
}

// RunAll sends what is queued, is woken by the store's hook when a change
// queues more (its senders' own waits never end here), leaves a nil sender
// out, and returns once ctx is done, taking its hook back.
func TestRunAllWakesItsSendersAndStops(t *testing.T) {
	tr := &signalling{sent: make(chan string, 2)}
	db, s, _ := queued(t, tr, 1)
	s.After = func(time.Duration) <-chan time.Time { return nil }
	var w waker
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); outbox.RunAll(ctx, &w, s, nil) }()
	if got := <-tr.sent; got != "ka" {
		t.Fatalf("sent %q first", got)
	}
	if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "kb", Kind: "reminder", To: "C0TASKING", Message: actionbot.Simple("hello")}); err != nil {
		t.Fatal(err)
	}
	w.hook()()
	if got := <-tr.sent; got != "kb" {
		t.Fatalf("sent %q after the wake", got)
	}
	cancel()
	<-done
	if w.hook() != nil {
		t.Error("RunAll left its wake hook with the store")
	}
}

// A --post takes on what was queued before it and is still undelivered,
// for Slack or e-mail, oldest first and its own messages last; never a
// message delivered or failed, nor a console run's (shown, never posted).
func TestWithEarlierTakesOnWhatIsLeftUndelivered(t *testing.T) {
	ctx := context.Background()
	tr := &fakeSlack{}
	db, s, ids := queued(t, tr, 3) // ka, kb, kc to C0TASKING
	if err := db.MarkSent(ctx, ids[0], "C0TASKING", "1.1"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, ids[1], "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	mail := &actionbot.Outgoing{Key: "mail", Kind: "digest", To: "lead@example.org", Message: actionbot.Simple("hello")}
	if _, err := db.Enqueue(ctx, mail); err != nil {
		t.Fatal(err)
	}
	db.Owner = store.ConsoleOwner()
	if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "console", Kind: "digest", To: "C0DIGEST", Message: actionbot.Simple("hi")}); err != nil {
		t.Fatal(err)
	}
	db.Owner = ""
	own := &actionbot.Outgoing{Key: "own", Kind: "digest", To: "C0DIGEST", Message: actionbot.Simple("today")}
	if _, err := db.Enqueue(ctx, own); err != nil {
		t.Fatal(err)
	}

	var w strings.Builder
	all, err := outbox.WithEarlier(ctx, &w, db, []*actionbot.Outgoing{own}, true, true)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range all {
		keys = append(keys, o.Key)
	}
	if got, want := strings.Join(keys, " "), "kc mail own"; got != want {
		t.Errorf("a --post delivers %q; want %q", got, want)
	}
	if got, want := w.String(), "Also delivering 2 messages queued earlier and not yet delivered.\n"; got != want {
		t.Errorf("it says %q; want %q", got, want)
	}

	// Once everything is delivered, the next --post has nothing earlier,
	// and says nothing of it.
	if err := outbox.DeliverNow(ctx, io.Discard, db, s, slackWords, []int64{ids[2], own.ID}, time.Minute, time.Second); err != nil {
		t.Fatal(err)
	}
	w.Reset()
	all, err = outbox.WithEarlier(ctx, &w, db, nil, true, true)
	if err != nil || len(all) != 1 || all[0].Key != "mail" || !strings.HasPrefix(w.String(), "Also delivering 1 message ") {
		t.Errorf("after Slack's were delivered: %d left (%v), said %q", len(all), err, w.String())
	}

	// A --post without a mail server leaves the e-mail for the process
	// that has one, and is not failed for it.
	w.Reset()
	if all, err = outbox.WithEarlier(ctx, &w, db, nil, true, false); err != nil || len(all) != 0 || w.Len() != 0 {
		t.Errorf("without a mail server: %d taken on (%v), said %q", len(all), err, w.String())
	}
}

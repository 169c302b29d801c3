package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func (e *testEnv) sender() *outbox.Sender {
	return NewSender(e.db, e.api, e.bot.Command, e.clock.Now, 0, e.bot.Logger)
}

// mustEnqueue queues messages and returns their ids.
func (e *testEnv) mustEnqueue(tb testing.TB, msgs ...*actionbot.Outgoing) []int64 {
	tb.Helper()
	if n, err := e.db.Enqueue(context.Background(), msgs...); err != nil || n != len(msgs) {
		tb.Fatalf("enqueue: %d, %v", n, err)
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}

func announce(key, to, text string) *actionbot.Outgoing {
	return &actionbot.Outgoing{Key: key, Kind: "announce", To: to, Message: actionbot.Message{
		Text: text, Blocks: []actionbot.Block{actionbot.Section(actionbot.UserRef(uCSU), " "+text)}, Public: true}}
}

func reminder(key, to, ref string) *actionbot.Outgoing {
	return &actionbot.Outgoing{Key: key, Kind: "reminder", To: to, Message: actionbot.Message{
		Text: "Reminder: " + ref + " is due in 7 days",
		Blocks: []actionbot.Block{
			actionbot.Section("⏰ ", actionbot.B(ref), " Promote Speedwatch is due in 7 days."),
			actionbot.Buttons(actionbot.CardButtons(1, ref, true)...),
		}}}
}

// outgoing reads one queued message back.
func (e *testEnv) outgoing(tb testing.TB, id int64) *actionbot.Outgoing {
	tb.Helper()
	all, err := e.db.Outgoing(context.Background(), "", 1000)
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range all {
		if o.ID == id {
			return o
		}
	}
	tb.Fatalf("no outgoing %d", id)
	return nil
}

func step(tb testing.TB, s *outbox.Sender) int {
	tb.Helper()
	n, err := s.Step(context.Background())
	if err != nil {
		tb.Fatalf("step: %v", err)
	}
	return n
}

func TestSenderPostsToChannelsAndPeople(t *testing.T) {
	e := mustEnv(t)
	s := e.sender()
	ids := e.mustEnqueue(t, announce("announce:1", "C0TASK5", "marked 5.2 done <for real>"), reminder("reminder:5.2:7", uCSU, "5.2"), reminder("reminder:1.7:7", uCSU, "1.7"))
	if n := step(t, s); n != 2 {
		t.Fatalf("first pass handled %d; want the channel's and the person's first", n)
	}
	posts := e.slack.Requests("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("%d posts", len(posts))
	}
	ch := posts[0]
	if ch.Param("channel") != "C0TASK5" || ch.Param("text") != "marked 5.2 done &lt;for real&gt;" || ch.Token != testBotToken {
		t.Errorf("channel post: channel %q text %q", ch.Param("channel"), ch.Param("text"))
	}
	if !strings.Contains(ch.Param("metadata"), `"key":"announce:1"`) || !strings.Contains(ch.Param("metadata"), `"event_type":"actionbot_outbox"`) {
		t.Errorf("metadata %s", ch.Param("metadata"))
	}
	if got := blocksText(decodeAny(t, ch.Param("blocks"))); got != "<@UCSU1> marked 5.2 done &lt;for real&gt;\n" {
		t.Errorf("blocks %s", ch.Param("blocks"))
	}
	opens := e.slack.Requests("conversations.open")
	if len(opens) != 1 || opens[0].Param("users") != uCSU {
		t.Fatalf("conversations.open: %v", opens)
	}
	if dm := posts[1]; dm.Param("channel") != "DCSU1" {
		t.Errorf("direct message posted to %q; want the D channel conversations.open gave", dm.Param("channel"))
	}
	sent := e.outgoing(t, ids[0])
	if sent.State != actionbot.OutboxSent || sent.RemoteRef == "" || sent.Attempts != 1 {
		t.Errorf("announcement %+v", sent)
	}
	if d, err := e.db.SentMessage(context.Background(), "DCSU1", e.outgoing(t, ids[1]).RemoteRef); err != nil || d.ID != ids[1] {
		t.Errorf("reminder not found by its channel and ts: %v", err)
	}
	e.clock.Advance(time.Second)
	step(t, s)
	if got := e.slack.Requests("chat.postMessage"); len(got) != 3 || got[2].Param("channel") != "DCSU1" {
		t.Fatalf("second reminder: %d posts", len(got))
	}
	if n := len(e.slack.Requests("conversations.open")); n != 1 {
		t.Errorf("conversations.open called %d times; the conversation is remembered", n)
	}
}

func TestSenderPacesOnePostPerSecondPerChannelInOrder(t *testing.T) {
	e := mustEnv(t)
	s := e.sender()
	e.mustEnqueue(t, announce("a1", "C1", "first"), announce("a2", "C1", "second"), announce("b1", "C2", "other"), announce("a3", "C1", "third"))
	want := []struct {
		advance time.Duration
		posts   []string
	}{
		{0, []string{"C1 first", "C2 other"}},
		{0, nil},
		{999 * time.Millisecond, nil},
		{time.Millisecond, []string{"C1 second"}},
		{500 * time.Millisecond, nil},
		{500 * time.Millisecond, []string{"C1 third"}},
		{time.Hour, nil},
	}
	seen := 0
	for i, w := range want {
		e.clock.Advance(w.advance)
		step(t, s)
		posts := e.slack.Requests("chat.postMessage")
		var got []string
		for _, p := range posts[seen:] {
			got = append(got, p.Param("channel")+" "+p.Param("text"))
		}
		seen = len(posts)
		if fmt.Sprint(got) != fmt.Sprint(w.posts) {
			t.Errorf("pass %d (+%s): posted %v, want %v", i, w.advance, got, w.posts)
		}
	}
}

func TestSenderHonoursRetryAfter(t *testing.T) {
	e := mustEnv(t)
	s := e.sender()
	e.slack.Script("chat.postMessage", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.RateLimited(30 * time.Second) })
	ids := e.mustEnqueue(t, announce("a1", "C1", "first"), announce("a2", "C1", "second"))
	start := e.clock.Now()
	step(t, s)
	o := e.outgoing(t, ids[0])
	if o.State != actionbot.OutboxPending || o.Attempts != 0 || !o.NextAttempt.Equal(start.Add(30*time.Second)) || !strings.Contains(o.LastError, "rate limited") {
		t.Fatalf("after a 429: %s, %d attempts, next %s (%s)", o.State, o.Attempts, o.NextAttempt.Sub(start), o.LastError)
	}
	for _, at := range []time.Duration{time.Second, 10 * time.Second, 29 * time.Second} {
		e.clock.Set(start.Add(at))
		step(t, s)
		if n := len(e.slack.Requests("chat.postMessage")); n != 1 {
			t.Fatalf("at +%s: %d posts; the channel waits until Retry-After (later messages too)", at, n)
		}
	}
	e.clock.Set(start.Add(30 * time.Second))
	step(t, s)
	posts := e.slack.Requests("chat.postMessage")
	if len(posts) != 2 || posts[1].Param("text") != "first" {
		t.Fatalf("after Retry-After: %d posts", len(posts))
	}
	if o := e.outgoing(t, ids[0]); o.State != actionbot.OutboxSent || o.Attempts != 1 {
		t.Errorf("after the retry: %s, %d attempts", o.State, o.Attempts)
	}
	e.clock.Advance(time.Second)
	step(t, s)
	if posts := e.slack.Requests("chat.postMessage"); len(posts) != 3 || posts[2].Param("text") != "second" {
		t.Errorf("the second message did not follow")
	}
}

func TestSenderRecordsPermanentFailures(t *testing.T) {
	tests := []struct {
		name, code, to string
		method         string
	}{
		{"channel_not_found", "channel_not_found", "C0GONE", "chat.postMessage"},
		{"not_in_channel", "not_in_channel", "C0PRIV", "chat.postMessage"},
		{"is_archived", "is_archived", "C0OLD", "chat.postMessage"},
		{"invalid_auth", "invalid_auth", "C0TASK", "chat.postMessage"},
		{"user_not_found on opening a DM", "user_not_found", "U0LEFT", "conversations.open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			s := e.sender()
			e.slack.Always(tc.method, func(fakeslack.Request) *fakeslack.Reply { return fakeslack.Error(tc.code) })
			ids := e.mustEnqueue(t, announce("x1", tc.to, "lost"), announce("x2", tc.to, "next"))
			step(t, s)
			o := e.outgoing(t, ids[0])
			if o.State != actionbot.OutboxFailed || !strings.HasPrefix(o.LastError, tc.code+": ") || o.Attempts != 1 {
				t.Fatalf("%s, %d attempts, %q", o.State, o.Attempts, o.LastError)
			}
			calls := len(e.slack.Requests(tc.method))
			// Not retried: later passes move on to the next message and never
			// come back to this one.
			for i := 0; i < 5; i++ {
				e.clock.Advance(time.Hour)
				step(t, s)
			}
			if got := len(e.slack.Requests(tc.method)); got != calls+1 {
				t.Errorf("%d more calls after the failure; want 1 (the next message)", got-calls)
			}
			if o := e.outgoing(t, ids[0]); o.State != actionbot.OutboxFailed || o.Attempts != 1 {
				t.Errorf("retried: %s, %d attempts", o.State, o.Attempts)
			}
			// A coordinator sees it.
			msg := e.bot.Handler.Handle(context.Background(), commands.Request{UserID: uCoord, Text: "admin failed"})
			if text := blocksText(render(t, msg, MaxMessageBlocks)); !strings.Contains(text, tc.code) || !strings.Contains(text, fmt.Sprintf("#%d", ids[0])) {
				t.Errorf("/action admin failed does not show it:\n%s", text)
			}
		})
	}
}

func TestSenderRetriesTransientFailuresWithBackoff(t *testing.T) {
	e := mustEnv(t)
	s := e.sender()
	s.MaxAttempts = 4
	e.slack.Always("chat.postMessage", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.Error("internal_error") })
	ids := e.mustEnqueue(t, announce("a1", "C1", "first"))
	start := e.clock.Now()
	waits := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second}
	at := start
	for i, w := range waits {
		step(t, s)
		o := e.outgoing(t, ids[0])
		if o.State != actionbot.OutboxPending || o.Attempts != i+1 || !o.NextAttempt.Equal(at.Add(w)) {
			t.Fatalf("attempt %d: %s, %d attempts, next +%s; want pending, next +%s", i+1, o.State, o.Attempts, o.NextAttempt.Sub(at), w)
		}
		e.clock.Set(at.Add(w - time.Millisecond))
		step(t, s)
		if n := len(e.slack.Requests("chat.postMessage")); n != i+1 {
			t.Fatalf("retried before the backoff: %d posts", n)
		}
		at = at.Add(w)
		e.clock.Set(at)
	}
	step(t, s)
	if o := e.outgoing(t, ids[0]); o.State != actionbot.OutboxFailed || !strings.Contains(o.LastError, "gave up after 4 attempts") {
		t.Errorf("after %d attempts: %s %q", s.MaxAttempts, o.State, o.LastError)
	}
}

// failingOutbox loses the record of deliveries, as a crash between Slack
// accepting a post and the database recording it would.
type failingOutbox struct {
	*store.DB
	failDelivered int
}

func (f *failingOutbox) MarkSent(ctx context.Context, id int64, channel, ts string) error {
	if f.failDelivered > 0 {
		f.failDelivered--
		return errors.New("killed before recording")
	}
	return f.DB.MarkSent(ctx, id, channel, ts)
}

func TestSenderNeverPostsTwice(t *testing.T) {
	tests := []struct {
		name string
		// crash sets up an interrupted delivery of message id.
		crash func(t *testing.T, e *testEnv, id int64)
		posts int // posts in all, once recovered
	}{
		{"killed after Slack accepted the post", func(t *testing.T, e *testEnv, id int64) {
			s := e.sender()
			s.Store = &failingOutbox{DB: e.db, failDelivered: 1}
			step(t, s)
		}, 1},
		{"Slack posted but answered 500", func(t *testing.T, e *testEnv, id int64) {
			e.slack.Script("chat.postMessage", func(r fakeslack.Request) *fakeslack.Reply {
				e.slack.AddHistory(fakeslack.Message{Channel: r.Param("channel"), Text: r.Param("text"),
					Metadata: &fakeslack.Metadata{EventType: OutboxMetadataType, EventPayload: map[string]any{"key": "reminder:5.2:7"}}})
				return fakeslack.ServerError()
			})
			step(t, e.sender())
		}, 1},
		{"killed after claiming, before posting", func(t *testing.T, e *testEnv, id int64) {
			if err := e.db.ClaimOutgoing(context.Background(), store.SlackOwner, id, "DCSU1", time.Time{}, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, 1},
		{"Slack answered 500 and did not post", func(t *testing.T, e *testEnv, id int64) {
			e.slack.Script("chat.postMessage", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.ServerError() })
			step(t, e.sender())
		}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			ids := e.mustEnqueue(t, reminder("reminder:5.2:7", uCSU, "5.2"))
			tc.crash(t, e, ids[0])
			if o := e.outgoing(t, ids[0]); o.State != actionbot.OutboxSending {
				t.Fatalf("after the interruption the message is %s; want sending", o.State)
			}
			// A new process (a new sender, nothing in memory) starts later.
			e.clock.Advance(time.Minute)
			step(t, e.sender())
			if n := len(e.slack.Requests("conversations.history")); n != 1 {
				t.Errorf("%d history checks; want 1 before deciding", n)
			} else if h := e.slack.Requests("conversations.history")[0]; h.Param("channel") != "DCSU1" || h.Param("include_all_metadata") == "" {
				t.Errorf("history of %q", h.Param("channel"))
			}
			o := e.outgoing(t, ids[0])
			if o.State != actionbot.OutboxSent || o.RemoteRef == "" {
				t.Fatalf("after recovery: %s %q", o.State, o.LastError)
			}
			if n := len(e.slack.Requests("chat.postMessage")); n != tc.posts {
				t.Errorf("%d posts; want %d", n, tc.posts)
			}
			var withKey int
			for _, m := range e.slack.History("DCSU1") {
				if m.Metadata != nil && m.Metadata.EventPayload["key"] == "reminder:5.2:7" {
					withKey++
				}
			}
			if withKey != 1 {
				t.Errorf("the reminder is in the conversation %d times", withKey)
			}
			for i := 0; i < 3; i++ {
				e.clock.Advance(time.Hour)
				step(t, e.sender())
			}
			if n := len(e.slack.Requests("chat.postMessage")); n != tc.posts {
				t.Errorf("posted again later: %d", n)
			}
		})
	}
}

func TestSenderRunStopsAndWakes(t *testing.T) {
	e := mustEnv(t)
	s := e.sender()
	tick := make(chan time.Time)
	s.After = func(time.Duration) <-chan time.Time { return tick }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	e.mustEnqueue(t, announce("a1", "C1", "hello"))
	s.Notify()
	e.slack.Wait(t, "chat.postMessage", 1)
	e.mustEnqueue(t, announce("b1", "C2", "again"))
	tick <- e.clock.Now()
	e.slack.Wait(t, "chat.postMessage", 2)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(fakeslack.WaitTimeout):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestSenderCannotCheckAnInterruptedPost(t *testing.T) {
	e := mustEnv(t)
	ids := e.mustEnqueue(t, reminder("reminder:5.2:7", uCSU, "5.2"))
	if err := e.db.ClaimOutgoing(context.Background(), store.SlackOwner, ids[0], "DCSU1", time.Time{}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.slack.Always("conversations.history", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.Error("missing_scope") })
	e.clock.Advance(time.Minute) // the claim has lapsed
	step(t, e.sender())
	o := e.outgoing(t, ids[0])
	if o.State != actionbot.OutboxFailed || !strings.Contains(o.LastError, "missing_scope") || !strings.Contains(o.LastError, "check the conversation before retrying") {
		t.Errorf("%s %q", o.State, o.LastError)
	}
	if n := len(e.slack.Requests("chat.postMessage")); n != 0 {
		t.Errorf("posted %d times without knowing whether it had been", n)
	}
}

// A `remind --as-of … --post` run dates what it records on the plan year's
// clock, while its sender and a serving bot's post on the wall clock. The
// claim on a message being posted is dated by the sender that claims it:
// dated on the run's clock (years ago), the serving bot took it for an
// abandoned claim, found nothing yet in the conversation, and posted the
// message a second time while the run's own post was in flight.
func TestSenderDoesNotTakeAPostInFlightFromARunOnTheAsOfClock(t *testing.T) {
	e := mustEnv(t) // the store's clock: 20 June 2012, as an as-of run's
	wall := storetest.NewClock(time.Date(2026, time.December, 6, 22, 0, 0, 0, time.UTC))
	ids := e.mustEnqueue(t, reminder("reminder:5.2:7", uCSU, "5.2"))

	inFlight, release := make(chan struct{}), make(chan struct{})
	e.slack.Script("chat.postMessage", func(fakeslack.Request) *fakeslack.Reply {
		close(inFlight)
		<-release
		return nil // then posted as Slack would
	})
	run := e.sender()
	run.Now = wall.Now
	done := make(chan error, 1)
	go func() { _, err := run.Step(context.Background()); done <- err }()
	<-inFlight

	// The serving bot, on the wall clock, reads the outbox while the run's
	// post is in flight: the message is claimed, not abandoned.
	serving := e.sender()
	serving.Now = wall.Now
	n, err := serving.Step(context.Background())
	close(release)
	if err != nil {
		t.Fatalf("serving step: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("run step: %v", err)
	}
	if n != 0 {
		t.Errorf("the serving bot handled %d messages while another sender was posting it; want 0", n)
	}
	if got := len(e.slack.Requests("chat.postMessage")); got != 1 {
		t.Errorf("%d posts of one reminder; want 1", got)
	}
	if o := e.outgoing(t, ids[0]); o.State != actionbot.OutboxSent {
		t.Errorf("the reminder is %s; want sent", o.State)
	}
}

// A message left 'sending' by a process killed before it posted is taken
// up again once its claim has lapsed, by whichever sender reads it first:
// on SQLite a serving bot and a `remind --post` run may both read it. Both
// look in the conversation and find nothing; only one may post it.
// TestCrashAndRestart found it posted twice this way.
func TestTwoSendersRecoveringOneLapsedClaimPostItOnce(t *testing.T) {
	e := mustEnv(t)
	ids := e.mustEnqueue(t, reminder("reminder:5.2:7", uCSU, "5.2"))
	if err := e.db.ClaimOutgoing(context.Background(), store.SlackOwner, ids[0], "DCSU1", time.Time{}, e.clock.Now()); err != nil {
		t.Fatal(err) // then killed before posting
	}
	e.clock.Advance(store.SendingLease + time.Second)

	// The first sender's look in the conversation finds it empty, and is
	// answered only after the second sender, which found it empty too, has
	// done all it does with the message.
	second := e.sender()
	var secondHandled int
	e.slack.Script("conversations.history", func(fakeslack.Request) *fakeslack.Reply {
		n, err := second.Step(context.Background())
		if err != nil {
			t.Errorf("second sender: %v", err)
		}
		secondHandled = n
		return &fakeslack.Reply{Status: http.StatusOK, Body: map[string]any{"ok": true, "messages": []any{}, "has_more": false}}
	})
	if _, err := e.sender().Step(context.Background()); err != nil {
		t.Fatalf("first sender: %v", err)
	}
	if secondHandled != 1 {
		t.Fatalf("the second sender handled %d messages; want the lapsed one", secondHandled)
	}
	if got := len(e.slack.Requests("chat.postMessage")); got != 1 {
		t.Errorf("the reminder was posted %d times; want once", got)
	}
	if o := e.outgoing(t, ids[0]); o.State != actionbot.OutboxSent {
		t.Errorf("the reminder is %s; want sent", o.State)
	}
}

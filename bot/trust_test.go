package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store"
)

// restart is a new start of the bot on the same database file: nothing of
// the old bot's memory is used again, only what it committed.
func (e *testEnv) restart(tb testing.TB) {
	tb.Helper()
	db := store.NewDB(e.db.Path)
	db.Now = e.clock.Now
	if err := db.Open(); err != nil {
		tb.Fatalf("reopen database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	old := e.bot
	db.ConfiguredCoordinators = e.db.ConfiguredCoordinators // coordinators by the wiring's word
	h := &commands.Handler{Store: db, Now: e.clock.Now, Location: old.Handler.Location, Logger: old.Logger}
	e.db = db
	e.bot = &Bot{Handler: h, Store: db, API: e.api, Logger: old.Logger, Now: e.clock.Now, SyncChanges: old.SyncChanges, ResponseURLs: old.ResponseURLs}
	tb.Cleanup(e.bot.Wait)
	e.srv = nil
}

// mustRecover runs RecoverInbox, as a start does, and waits for its work.
func (e *testEnv) mustRecover(tb testing.TB) {
	tb.Helper()
	if err := e.bot.RecoverInbox(context.Background()); err != nil {
		tb.Fatal(err)
	}
	e.bot.Wait()
}

// mustNothingLeft fails unless every recorded change is made and confirmed.
func (e *testEnv) mustNothingLeft(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	pending, err := e.db.PendingInbox(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	unconfirmed, err := e.db.UnconfirmedInbox(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if len(pending)+len(unconfirmed) != 0 {
		tb.Fatalf("%d changes left to make and %d to confirm", len(pending), len(unconfirmed))
	}
}

// trustCase is one change arriving through one door of the bot.
type trustCase struct {
	name string
	sync int // the bot's SyncChanges
	ref  string
	// body is the request Slack sends (a form over HTTP); payload the same
	// as a Socket Mode envelope's.
	body    func(e *testEnv) []byte
	payload func(e *testEnv) (typ string, payload any)
	// inAck: the change is confirmed in the acknowledgement itself, not
	// through the response_url.
	inAck bool
}

func trustCases() []trustCase {
	slash := func(user, text string) (func(*testEnv) []byte, func(*testEnv) (string, any)) {
		return func(e *testEnv) []byte { return e.slashForm(user, text, "r1") },
			func(e *testEnv) (string, any) { return "slash_commands", e.slashPayload(user, text, "r1") }
	}
	click := func(e *testEnv, button string) map[string]any {
		return e.blockAction(uCoord, button, "5.2", "actions:5.2", "r1", ephemeralContainer("C0CHAN"))
	}
	form := func(e *testEnv) map[string]any {
		a := e.mustAction(e.tb, "5.2")
		o := origin{Ref: "5.2", Channel: "C0CHAN", Ephemeral: true, ResponseURL: e.slack.ResponseURL("r1")}
		return submission(uCSU, o, strconv.Itoa(a.Progress), string(a.Status), "replay-test by form")
	}
	noteBody, notePayload := slash(uCSU, "5.2 note replay-test")
	snoozeBody, snoozePayload := slash(uCoord, "5.2 snooze 3")
	return []trustCase{
		{name: "a typed note made before its ack", sync: 16, ref: "5.2", body: noteBody, payload: notePayload, inAck: true},
		{name: "a typed note made after its ack", sync: 0, ref: "5.2", body: noteBody, payload: notePayload},
		{name: "a typed snooze", sync: 16, ref: "5.2", body: snoozeBody, payload: snoozePayload, inAck: true},
		{name: "a Mark done click", sync: 16, ref: "5.2",
			body:    func(e *testEnv) []byte { return interactionForm(e.tb, click(e, actionbot.ButtonDone)) },
			payload: func(e *testEnv) (string, any) { return "interactive", click(e, actionbot.ButtonDone) }},
		{name: "a Snooze click", sync: 16, ref: "5.2",
			body:    func(e *testEnv) []byte { return interactionForm(e.tb, click(e, actionbot.ButtonSnooze)) },
			payload: func(e *testEnv) (string, any) { return "interactive", click(e, actionbot.ButtonSnooze) }},
		{name: "a progress form with a note", sync: 16, ref: "5.2",
			body:    func(e *testEnv) []byte { return interactionForm(e.tb, form(e)) },
			payload: func(e *testEnv) (string, any) { return "interactive", form(e) }},
	}
}

// The same signed request posted three times within its five minutes (a
// replay, by Slack or by anyone who saw it) makes its change once, with one
// confirmation; the repeats are answered from the record. A restart between
// them changes nothing: the record is in the database.
func TestSignedChangePostedThreeTimesIsAppliedOnce(t *testing.T) {
	for _, tc := range trustCases() {
		for _, restart := range []bool{false, true} {
			name := tc.name
			if restart {
				name += ", with a restart between"
			}
			t.Run(name, func(t *testing.T) {
				e := mustEnv(t)
				e.bot.SyncChanges = tc.sync
				body := tc.body(e)
				before := e.mustAuditCount(t, tc.ref)
				var acks []string
				for i := range 3 {
					if restart && i == 2 {
						e.restart(t)
						e.mustRecover(t)
					}
					status, ack := e.signed(t, "/slack/commands", formType, body, nil)
					if status != http.StatusOK {
						t.Fatalf("post %d: status %d %s", i+1, status, ack)
					}
					e.bot.Wait()
					acks = append(acks, string(ack))
				}
				if n := e.mustAuditCount(t, tc.ref) - before; n != 1 {
					t.Errorf("applied %d times; want once", n)
				}
				confirmations := len(e.slack.Requests("response:r1"))
				if tc.inAck {
					if !strings.Contains(acks[0], "✅") || confirmations != 0 {
						t.Fatalf("not confirmed in the ack: %q, %d replies through the response_url", acks[0], confirmations)
					}
					for i, a := range acks[1:] {
						if a != acks[0] {
							t.Errorf("repeat %d answered %q; want the original confirmation %q", i+2, a, acks[0])
						}
					}
				} else if confirmations != 1 {
					t.Errorf("%d confirmations through the response_url; want 1", confirmations)
				}
				e.mustNothingLeft(t)
			})
		}
	}
}

// A Socket Mode envelope carrying a change, delivered twice (Slack
// redelivers when an ack is late), is acked twice and applied once.
func TestSocketModeChangeEnvelopeDeliveredTwiceIsAppliedOnce(t *testing.T) {
	for _, tc := range trustCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			e.bot.SyncChanges = tc.sync
			r := e.runSocket(t)
			typ, payload := tc.payload(e)
			before := e.mustAuditCount(t, tc.ref)
			r.sock.Envelope(t, "env-twice", typ, payload, 0)
			first := r.sock.Ack(t, "env-twice")
			e.bot.Wait()
			r.sock.Envelope(t, "env-twice", typ, payload, 1)
			second := r.sock.Ack(t, "env-twice")
			e.bot.Wait()
			if n := e.mustAuditCount(t, tc.ref) - before; n != 1 {
				t.Errorf("applied %d times; want once", n)
			}
			if tc.inAck && string(second) != string(first) {
				t.Errorf("redelivery acked with %s; want the original confirmation %s", second, first)
			}
			if n := len(e.slack.Requests("response:r1")); !tc.inAck && n != 1 {
				t.Errorf("%d confirmations through the response_url; want 1", n)
			}
			e.mustNothingLeft(t)
		})
	}
}

// A click or a form is recorded before it is acked. When the bot is killed
// between the ack and the commit, nothing is lost: the next start makes
// the change, once, and confirms it.
func TestClickOrFormKilledBetweenAckAndCommitIsMadeAtNextStart(t *testing.T) {
	for _, tc := range trustCases() {
		if !strings.Contains(tc.name, "click") && !strings.Contains(tc.name, "form") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			ctx := context.Background()
			before := e.mustAuditCount(t, tc.ref)
			// What serveSlack does with the request up to its ack; the
			// process then dies, before the work that follows the ack.
			form, err := url.ParseQuery(string(tc.body(e)))
			if err != nil {
				t.Fatal(err)
			}
			var ic slack.InteractionCallback
			if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
				t.Fatal(err)
			}
			rep := e.bot.interaction(ctx, &ic, "sig:v0=killed")
			if rep.body != nil || rep.later == nil {
				t.Fatalf("ack %s; want an empty ack with work after it", rep.body)
			}
			if n := e.mustAuditCount(t, tc.ref) - before; n != 0 {
				t.Fatalf("changed before the ack: %d", n)
			}
			e.restart(t)
			e.mustRecover(t)
			if n := e.mustAuditCount(t, tc.ref) - before; n != 1 {
				t.Fatalf("applied %d times after the restart; want once", n)
			}
			if n := len(e.slack.Requests("response:r1")); n != 1 {
				t.Errorf("%d confirmations; want 1", n)
			}
			e.mustNothingLeft(t)
			// A second start finds nothing to do.
			e.restart(t)
			e.mustRecover(t)
			if n := e.mustAuditCount(t, tc.ref) - before; n != 1 || len(e.slack.Requests("response:r1")) != 1 {
				t.Errorf("a second start did more: %d changes, %d confirmations", n, len(e.slack.Requests("response:r1")))
			}
		})
	}
}

// A change committed just before the bot was killed, and never confirmed,
// is confirmed at the next start: through its response_url while that
// lives (thirty minutes), by direct message after, saying when it was made.
func TestChangeCommittedButNotConfirmedIsConfirmedAfterRestart(t *testing.T) {
	tests := []struct {
		name      string
		downtime  time.Duration
		withReply bool // the outcome was recorded before the kill
		wantURL   bool // confirmed through the response_url, else by DM
		want      string
	}{
		{"killed after the commit, back at once", 10 * time.Second, false, true, "Your change was made: /action 5.2 note confirm-me"},
		{"killed after the commit, back in 10 minutes", 10 * time.Minute, false, true, "🕒 This change was made at 10:00 on Wed 20 Jun."},
		{"killed after recording the reply, back in 10 minutes", 10 * time.Minute, true, true, "Note added to *5.2*"},
		{"back after the response_url expired", 45 * time.Minute, true, false, "🕒 This change was made at 10:00 on Wed 20 Jun."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			ctx := context.Background()
			e.clock.Set(time.Date(2012, time.June, 20, 10, 0, 0, 0, e.bot.location()))
			it := &store.InboxItem{Delivery: "sig:v0=confirm", UserID: uCSU, ChannelID: "C0CHAN", Text: "5.2 note confirm-me", ResponseURL: e.slack.ResponseURL("r1")}
			if _, _, err := e.db.Receive(ctx, it); err != nil {
				t.Fatal(err)
			}
			cmd, err := commands.Parse(it.Text)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := e.bot.Handler.Do(ctx, commands.Request{UserID: it.UserID, ChannelID: it.ChannelID, Text: it.Text, Inbox: it.ID}, cmd)
			if err != nil {
				t.Fatal(err)
			}
			if tc.withReply {
				if ok, err := e.db.FinishInbox(ctx, it.ID, msg, true, false); err != nil || !ok {
					t.Fatalf("finish: %v %v", ok, err)
				}
			}
			// Killed here. The bot comes back after the downtime.
			e.clock.Advance(tc.downtime)
			e.restart(t)
			e.mustRecover(t)
			e.mustNothingLeft(t)
			urls := e.slack.Requests("response:r1")
			outbox, err := e.db.Outgoing(ctx, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			var dms []*actionbot.Outgoing
			for _, o := range outbox {
				if o.Kind == KindConfirmation {
					dms = append(dms, o)
				}
			}
			var text string
			switch {
			case tc.wantURL && len(urls) == 1 && len(dms) == 0:
				text = blocksText(urls[0].JSON["blocks"])
			case !tc.wantURL && len(urls) == 0 && len(dms) == 1 && dms[0].To == uCSU:
				text = Fallback(dms[0].Message) + "\n" + blocksText(decodeAny(t, string(mustJSON(t, slackBlocks(dms[0].Message, MaxMessageBlocks)))))
			default:
				t.Fatalf("%d confirmations through the response_url and %d direct messages; want one through the %s",
					len(urls), len(dms), map[bool]string{true: "response_url", false: "direct message"}[tc.wantURL])
			}
			if !strings.Contains(text, tc.want) {
				t.Errorf("confirmation %q; want it to say %q", text, tc.want)
			}
			if strings.Contains(text, RepeatedConfirmation) != tc.withReply {
				t.Errorf("confirmation %q: says it may be a repeat: %v, want %v (its reply was recorded before the kill)", text, !tc.withReply, tc.withReply)
			}
			late := tc.downtime > lateAfter
			if strings.Contains(text, "This change was made at") != late {
				t.Errorf("confirmation %q: says when the change was made: %v, want %v", text, !late, late)
			}
			// Another start confirms nothing again.
			e.restart(t)
			e.mustRecover(t)
			if n := len(e.slack.Requests("response:r1")); n != len(urls) {
				t.Errorf("a second start confirmed again: %d", n)
			}
		})
	}
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// A running bot forgets confirmed changes once their requests can no
// longer come again (DeliveryTTL), at most once an hour, without a restart.
func TestRunningBotForgetsOldConfirmedChanges(t *testing.T) {
	e := mustEnv(t)
	e.bot.SyncChanges = 16
	ctx := context.Background()
	e.mustRecover(t) // a start prunes, and starts the hour
	if status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 note first", "r1"), nil); status != 200 || !strings.Contains(string(body), "✅") {
		t.Fatalf("first change: %d %s", status, body)
	}
	e.clock.Advance(25 * time.Hour)
	if status, _ := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 note second", "r2"), nil); status != 200 {
		t.Fatalf("second change: %d", status)
	}
	e.bot.Wait()
	if n, err := e.db.InboxSize(ctx); err != nil || n != 1 {
		t.Fatalf("the inbox holds %d (%v); want only the second change", n, err)
	}
	// Within the hour, no second pruning.
	e.clock.Advance(30 * time.Minute)
	e.bot.DeliveryTTL = time.Minute
	if status, _ := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 note third", "r3"), nil); status != 200 {
		t.Fatal("third change")
	}
	e.bot.Wait()
	if n, _ := e.db.InboxSize(ctx); n != 2 {
		t.Errorf("the inbox holds %d; want 2 (pruned again within the hour)", n)
	}
}

// writeCounter counts the bot's writes to the records of requests.
type writeCounter struct {
	Store
	writes atomic.Int64
}

func (c *writeCounter) Receive(ctx context.Context, it *store.InboxItem) (int64, bool, error) {
	c.writes.Add(1)
	return c.Store.Receive(ctx, it)
}

func (c *writeCounter) FirstDelivery(ctx context.Context, id string, ttl time.Duration) (bool, error) {
	c.writes.Add(1)
	return c.Store.FirstDelivery(ctx, id, ttl)
}

// Look-ups pay nothing for exactly-once changes: a signed query, even
// repeated, and a View click over HTTP record nothing; they are answered
// again.
func TestLookupsRecordNothing(t *testing.T) {
	e := mustEnv(t)
	counter := &writeCounter{Store: e.bot.Store}
	e.bot.Store = counter
	body := e.slashForm(uCSU, "5.2", "r1")
	for i := range 3 {
		status, ack := e.signed(t, "/slack/commands", formType, body, nil)
		if status != 200 || !strings.Contains(blocksText(decode(t, ack)["blocks"]), "5.2 Promote Speedwatch") {
			t.Fatalf("query %d: %d %s", i+1, status, ack)
		}
	}
	view := interactionForm(t, e.blockAction(uCSU, actionbot.ButtonView, "5.2", "actions:5.2", "r2", ephemeralContainer("C0CHAN")))
	for range 2 {
		if status, _ := e.signed(t, "/slack/interactivity", formType, view, nil); status != 200 {
			t.Fatalf("view: %d", status)
		}
		e.bot.Wait()
	}
	if n := len(e.slack.Requests("response:r2")); n != 2 {
		t.Errorf("the View click was answered %d times; want each time (2)", n)
	}
	if n := counter.writes.Load(); n != 0 {
		t.Errorf("look-ups wrote %d records", n)
	}
	if n, _ := e.db.InboxSize(context.Background()); n != 0 {
		t.Errorf("the inbox holds %d", n)
	}
}

// A click killed before its commit and made at a late restart is confirmed
// saying when it was made: on its card while the response_url lives, by
// direct message after.
func TestClickMadeAtALateRestartSaysWhen(t *testing.T) {
	tests := []struct {
		name     string
		downtime time.Duration
		wantDM   bool
	}{
		{"back in ten minutes", 10 * time.Minute, false},
		{"back after the response_url expired", 45 * time.Minute, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			ctx := context.Background()
			var ic slack.InteractionCallback
			if err := json.Unmarshal(mustJSON(t, e.blockAction(uCoord, actionbot.ButtonSnooze, "5.2", "actions:5.2", "r1", ephemeralContainer("C0CHAN"))), &ic); err != nil {
				t.Fatal(err)
			}
			if rep := e.bot.interaction(ctx, &ic, "sig:v0=late"); rep.later == nil {
				t.Fatal("no work after the ack")
			}
			made := e.clock.Now().Add(tc.downtime)
			e.clock.Set(made)
			e.restart(t)
			e.mustRecover(t)
			e.mustNothingLeft(t)
			want := "🕒 This change was made at " + made.In(e.bot.location()).Format("15:04 on Mon 2 Jan") + "."
			urls := e.slack.Requests("response:r1")
			out, err := e.db.Outgoing(ctx, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			var dms []*actionbot.Outgoing
			for _, o := range out {
				if o.Kind == KindConfirmation {
					dms = append(dms, o)
				}
			}
			switch {
			case tc.wantDM && len(dms) == 1 && len(urls) == 0:
				if dms[0].To != uCoord || !strings.Contains(dms[0].Message.Text, want) || !strings.Contains(dms[0].Message.Text, "snoozed") {
					t.Errorf("direct message to %s: %q", dms[0].To, dms[0].Message.Text)
				}
			case !tc.wantDM && len(urls) == 1 && len(dms) == 0:
				if text := urls[0].JSON["text"].(string); !strings.Contains(text, want) || urls[0].JSON["replace_original"] != true {
					t.Errorf("confirmation %v", urls[0].JSON)
				}
			default:
				t.Fatalf("%d confirmations on the card, %d direct messages", len(urls), len(dms))
			}
		})
	}
}

// A recorded click that cannot be read (a damaged record) changes nothing,
// and the person is told so rather than left waiting.
func TestUnreadableRecordedClickIsToldAndDropped(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	before := e.mustAuditCount(t, "5.2")
	it := &store.InboxItem{Delivery: "sig:v0=damaged", Kind: store.InboxClick, UserID: uCSU, ChannelID: "C0CHAN",
		Payload: `{"origin":`, ResponseURL: e.slack.ResponseURL("r1")}
	if _, _, err := e.db.Receive(ctx, it); err != nil {
		t.Fatal(err)
	}
	e.mustRecover(t)
	e.mustNothingLeft(t)
	if n := e.mustAuditCount(t, "5.2"); n != before {
		t.Errorf("changed: %d audit entries, want %d", n, before)
	}
	got := e.slack.Wait(t, "response:r1", 1)[0]
	if text, _ := got.JSON["text"].(string); !strings.HasPrefix(text, "❌") {
		t.Errorf("told %q", text)
	}
}

// A replay cannot pass for a new request by writing its signature's hex
// digits in upper case, which the signature check accepts.
func TestReplayWithTheSignatureInUpperCaseIsAppliedOnce(t *testing.T) {
	e := mustEnv(t)
	e.bot.SyncChanges = 16
	body := e.slashForm(uCSU, "5.2 note replay-test", "r1")
	before := e.mustAuditCount(t, "5.2")
	ts, sig := Sign(testSigningSecret, e.clock.Now(), body)
	for _, s := range []string{sig, "v0=" + strings.ToUpper(strings.TrimPrefix(sig, "v0="))} {
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", s)
		if status, ack := e.raw(t, http.MethodPost, "/slack/commands", formType, body, h); status != http.StatusOK || !strings.Contains(string(ack), "✅") {
			t.Fatalf("signature %.12s…: %d %s", s, status, ack)
		}
	}
	if n := e.mustAuditCount(t, "5.2") - before; n != 1 {
		t.Errorf("applied %d times; want once", n)
	}
}

// A click or a form whose confirmation reached Slack just before a kill,
// before the bot recorded that it had, is shown again at the next start the
// way it was shown first: by replacing the card it came from, or revising
// the message the bot posted. Replacing is idempotent, so the person still
// sees one confirmation: nothing is posted as a new message, and nothing
// says it may be a repeat.
func TestClickOrFormConfirmedJustBeforeAKillIsShownAgainInPlace(t *testing.T) {
	type shown struct {
		responses, replacing, updates, posts int
	}
	tests := []struct {
		name    string
		request func(e *testEnv) any
		want    shown
	}{
		{"a Mark done click on an ephemeral card",
			func(e *testEnv) any {
				return e.blockAction(uCoord, actionbot.ButtonDone, "5.2", "actions:5.2", "r1", ephemeralContainer("C0CHAN"))
			},
			shown{responses: 2, replacing: 2}},
		{"a progress form from an ephemeral card",
			func(e *testEnv) any {
				a := e.mustAction(e.tb, "5.2")
				o := origin{Ref: "5.2", Channel: "C0CHAN", Ephemeral: true, ResponseURL: e.slack.ResponseURL("r1")}
				return submission(uCSU, o, strconv.Itoa(a.Progress), string(a.Status), "shown once by form")
			},
			shown{responses: 2, replacing: 2}},
		{"a Mark done click on a posted reminder",
			func(e *testEnv) any {
				ch, ts := e.postedReminder(e.tb, "5.2")
				return e.blockAction(uCSU, actionbot.ButtonDone, "5.2", "actions:1", "r1", messageContainer(ch, ts))
			},
			shown{updates: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			ctx := context.Background()
			e.clock.Set(time.Date(2012, time.June, 20, 10, 0, 0, 0, e.bot.location()))
			before := e.mustAuditCount(t, "5.2")
			var ic slack.InteractionCallback
			if err := json.Unmarshal(mustJSON(t, tc.request(e)), &ic); err != nil {
				t.Fatal(err)
			}
			rep := e.bot.interaction(ctx, &ic, "sig:v0=shown-once")
			if rep.later == nil {
				t.Fatalf("ack %s; want work after it", rep.body)
			}
			// The work after the ack is made and shown; the bot is killed the
			// moment Slack has it, before it records that it was shown: its
			// database is closed under it, so nothing more is written, and
			// what was committed is what the next start finds.
			dying := e.db
			for _, m := range []string{"response:r1", "chat.update"} {
				e.slack.Script(m, func(fakeslack.Request) *fakeslack.Reply {
					dying.Close()
					return nil
				})
			}
			rep.later(ctx)
			e.clock.Advance(5 * time.Second)
			e.restart(t)
			e.mustRecover(t)
			e.mustNothingLeft(t)
			if n := e.mustAuditCount(t, "5.2") - before; n < 1 {
				t.Fatalf("the change was not made")
			}
			var got shown
			for _, r := range e.slack.Requests("response:r1") {
				got.responses++
				if r.JSON["replace_original"] == true {
					got.replacing++
				}
				if strings.Contains(blocksText(r.JSON["blocks"]), RepeatedConfirmation) || strings.Contains(r.Param("text"), RepeatedConfirmation) {
					t.Errorf("a replacement says it may be a repeat: %v", r.JSON)
				}
			}
			got.updates = len(e.slack.Requests("chat.update"))
			got.posts = len(e.slack.Requests("chat.postEphemeral")) + len(e.slack.Requests("chat.postMessage")) - map[bool]int{true: 1, false: 0}[tc.want.updates > 0]
			if got != tc.want {
				t.Errorf("shown %+v; want %+v (twice in place, the same both times, and nothing new)", got, tc.want)
			}
			if ups := e.slack.Requests("chat.update"); len(ups) == 2 && ups[0].Param("blocks") != ups[1].Param("blocks") {
				t.Errorf("shown differently the second time:\n%s\n%s", ups[0].Param("blocks"), ups[1].Param("blocks"))
			}
			// A second start shows nothing again.
			sent := len(e.slack.Requests(""))
			e.restart(t)
			e.mustRecover(t)
			if n := len(e.slack.Requests("")) - sent; n != 0 {
				t.Errorf("a second start sent %d more requests to Slack", n)
			}
		})
	}
}

// A person whose change was made but whose ack never came (the bot was
// killed between the two, and Slack showed them an error) types it again:
// the note is not added twice. The second is answered with when the first
// was added; a different note, or the same one later, is added as usual.
func TestANoteTypedAgainAfterALostAckIsNotAddedTwice(t *testing.T) {
	e := mustEnv(t)
	e.bot.SyncChanges = 16
	ctx := context.Background()
	e.clock.Set(time.Date(2012, time.June, 20, 10, 0, 0, 0, e.bot.location()))
	before := e.mustAuditCount(t, "5.2")
	// Made through the inbox as the first request was; its ack was lost.
	it := &store.InboxItem{Delivery: "sig:v0=lost-ack", UserID: uCSU, ChannelID: "C0CHAN", Text: "5.2 note DVLA data request sent", ResponseURL: e.slack.ResponseURL("r1")}
	if _, _, err := e.db.Receive(ctx, it); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.bot.makeCommand(ctx, it, true); !ok {
		t.Fatal("the first request was not made")
	}
	e.clock.Advance(90 * time.Second)
	status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 note DVLA data request sent", "r2"), nil)
	if status != 200 || !strings.Contains(string(body), "You added that note to 5.2 a minute ago. Nothing was changed.") {
		t.Fatalf("typed again: %d %s", status, body)
	}
	if n := e.mustAuditCount(t, "5.2") - before; n != 1 {
		t.Fatalf("the note is in the audit trail %d times, want once", n)
	}
	for _, tc := range []struct {
		after time.Duration
		text  string
	}{
		{time.Minute, "5.2 note DVLA data received"},
		{actionbot.RetypeWindow, "5.2 note DVLA data received"},
	} {
		e.clock.Advance(tc.after)
		n := e.mustAuditCount(t, "5.2")
		status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, tc.text, "r3"), nil)
		if status != 200 || !strings.Contains(string(body), "Note added to *5.2*") || e.mustAuditCount(t, "5.2") != n+1 {
			t.Errorf("%q %s later: %d %s", tc.text, tc.after, status, body)
		}
	}
}

// A click or form made just before a kill, whose outcome was not recorded,
// is confirmed after the restart with what it changed, not only "made".
func TestARecoveredClickOrFormSaysWhatItChanged(t *testing.T) {
	e := mustEnv(t)
	for _, tc := range []struct {
		kind, payload, want string
	}{
		{store.InboxClick, `{"origin":{"ref":"5.2"},"steps":[{"verb":"snooze","ref":"5.2","days":7}]}`, "✅ Your change was made: /action 5.2 snooze 7"},
		{store.InboxForm, `{"origin":{"ref":"5.2"},"steps":[{"verb":"progress","ref":"5.2","progress":60},{"verb":"note","ref":"5.2","text":"two schemes"}]}`,
			"✅ Your change was made: /action 5.2 progress 60%; 5.2 note two schemes"},
		{store.InboxClick, `{"origin":`, "✅ Your change was made."},
	} {
		msg := e.bot.confirmation(&store.InboxItem{Kind: tc.kind, Payload: tc.payload, ReceivedAt: e.clock.Now()}, false)
		if msg.Text != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.kind, tc.payload, msg.Text, tc.want)
		}
	}
}

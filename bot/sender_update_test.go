package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/store"
)

// heldNote is personal data the guard does not catch (described, not
// written), as a lead might type it.
const heldNote = "the family at the end of the close say their lad was clipped by a speeding van outside the school gates"

// slash runs /action text as user through the HTTP door and returns what
// the person was told: the acknowledgement's body and any reply posted to
// the response URL.
func (e *testEnv) slash(t *testing.T, user, text, responseID string) string {
	t.Helper()
	status, body := e.signed(t, "/slack/commands", formType, e.slashForm(user, text, responseID), nil)
	if status != 200 {
		t.Fatalf("%s: HTTP %d %s", text, status, body)
	}
	e.bot.Wait()
	out := string(body)
	for _, r := range e.slack.Requests("response:" + responseID) {
		out += "\n" + string(r.Body)
	}
	return out
}

// Redacting a note updates, in place, every message the bot posted with
// it: the announcement in the task group's channel and a reminder in a
// direct message, each by chat.update at the channel and ts Slack gave it,
// through the outbox, so that an outage and a restart between the two
// leave nothing behind.
func TestRedactingANoteUpdatesTheMessagesSlackHas(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	if err := e.db.SetPriorityChannel(ctx, 5, "C0TASK5", uCoord); err != nil {
		t.Fatal(err)
	}
	if got := e.slash(t, uCSU, "5.2 progress 40 "+heldNote, "r1"); !strings.Contains(got, "5.2 is now at 40%") {
		t.Fatalf("progress: %s", got)
	}
	// A reminder showing the start of the note, as reminders do.
	e.mustEnqueue(t, &actionbot.Outgoing{Key: "reminder:test", Kind: "reminder", To: uCSU, Message: actionbot.Message{
		Text: "Reminder: 5.2 is due", Blocks: []actionbot.Block{actionbot.Section("⏰ ", actionbot.B("5.2"), " latest: “", actionbot.Span{Text: actionbot.Clip(heldNote, 40)}, "”")}}})
	s := e.sender()
	for range 2 {
		step(t, s)
	}
	posts := e.slack.Requests("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posted %d messages, want the announcement and the reminder", len(posts))
	}
	where := map[string]string{} // channel → ts
	for _, ch := range []string{"C0TASK5", "DCSU1"} {
		for _, m := range e.slack.History(ch) {
			where[ch] = m.TS
		}
		if where[ch] == "" {
			t.Fatalf("nothing posted to %s", ch)
		}
	}
	if !strings.Contains(posts[0].Param("text")+posts[0].Param("blocks"), "the family at the end of the close") {
		t.Fatalf("the announcement did not show the note: %s", posts[0].Param("text"))
	}

	// The history numbers it note 1; the coordinator redacts it.
	if h := e.slash(t, uCoord, "5.2 history", "r2"); !strings.Contains(h, "note 1") {
		t.Fatalf("history: %s", h)
	}
	if got := e.slash(t, uCSU, "5.2 redact note 1", "r3"); !strings.Contains(got, "Only a coordinator can redact a note") {
		t.Fatalf("a lead's redaction: %s", got)
	}
	e.clock.Set(time.Date(2026, time.December, 6, 10, 0, 0, 0, time.UTC))
	got := e.slash(t, uCoord, "5.2 redact note 1", "r4")
	if !strings.Contains(got, "Note 1 of 5.2 is redacted") || !strings.Contains(got, "2 messages I posted on Slack are being updated") {
		t.Fatalf("redaction: %s", got)
	}
	const marker = "[redacted by @UCOORD1 on 6 Dec 2026]"

	// Slack is down for the first update; the sender that tried it stops.
	e.slack.Script("chat.update", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.ServerError() })
	step(t, s)
	if n := len(e.slack.Requests("chat.update")); n == 0 {
		t.Fatal("no chat.update was tried")
	}
	// A new sender (a restart) finishes the job once the backoff is over.
	s = e.sender()
	for i := 0; i < 10 && e.pendingCount(t) > 0; i++ {
		e.clock.Advance(time.Minute)
		step(t, s)
	}
	if n := e.pendingCount(t); n != 0 {
		t.Fatalf("%d messages still queued", n)
	}
	done := map[string]bool{}
	for _, r := range e.slack.Requests("chat.update") {
		body := r.Param("text") + r.Param("blocks")
		if strings.Contains(body, "family") || strings.Contains(body, "speeding van") {
			t.Errorf("chat.update to %s still holds the note: %s", r.Param("channel"), body)
		}
		if !strings.Contains(body, marker) {
			t.Errorf("chat.update to %s does not say it was redacted: %s", r.Param("channel"), body)
		}
		if ts := where[r.Param("channel")]; ts == "" || r.Param("ts") != ts {
			t.Errorf("chat.update to %s at %s, want the posted message %s", r.Param("channel"), r.Param("ts"), ts)
		}
		done[r.Param("channel")] = true
	}
	if n := len(e.slack.Requests("chat.update")); n != 3 {
		t.Errorf("%d chat.update requests, want 3: one refused by the outage, then one per message", n)
	}
	if !done["C0TASK5"] || !done["DCSU1"] {
		t.Errorf("updated %v, want the announcement's channel and the reminder's conversation", done)
	}
	if n := len(e.slack.Requests("chat.postMessage")); n != 2 {
		t.Errorf("the redaction posted %d new messages; it should only update", n-2)
	}
	if strings.Contains(e.logs.String(), "family") {
		t.Errorf("the logs hold the note:\n%s", e.logs.String())
	}
}

// pendingCount counts the messages still to deliver.
func (e *testEnv) pendingCount(tb testing.TB) int {
	tb.Helper()
	n, err := e.db.QueuedForSlack(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// An update has nothing to do when its message never reached Slack (its
// post failed after the redaction was queued) or is gone from it; Slack's
// refusal to edit a message is recorded for a coordinator.
func TestAnUpdateSettlesWhenThereIsNothingToUpdate(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	if _, _, err := e.db.UpdateAction(ctx, e.plan.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(actionbot.Op{Verb: actionbot.VerbNote, Note: heldNote}, uCSU, e.clock.Now())
	}, nil); err != nil {
		t.Fatal(err)
	}
	// Three messages with the note: one whose post will fail after the
	// redaction, one Slack has deleted, one Slack will not let be edited.
	ids := e.mustEnqueue(t,
		announce("announce:a", "C0A", "note: “"+heldNote+"”"),
		announce("announce:b", "C0B", "note: “"+heldNote+"”"),
		announce("announce:c", "C0C", "note: “"+heldNote+"”"))
	if err := e.db.ClaimOutgoing(ctx, store.SlackOwner, ids[0], "C0A", time.Time{}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for i, ch := range []string{"C0B", "C0C"} {
		if err := e.db.ClaimOutgoing(ctx, store.SlackOwner, ids[i+1], ch, time.Time{}, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if err := e.db.MarkSent(ctx, ids[i+1], ch, "1349082000.00010"+string(rune('0'+i))); err != nil {
			t.Fatal(err)
		}
	}
	res, err := e.db.RedactNote(ctx, e.plan.ID, "5.2", 1, uCoord, actionbot.RedactionMarker(uCoord, e.clock.Now()))
	if err != nil || res.Updates != 3 {
		t.Fatalf("redaction: %+v, %v; want 3 updates", res, err)
	}
	if err := e.db.MarkFailed(ctx, ids[0], "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	e.slack.Always("chat.update", func(r fakeslack.Request) *fakeslack.Reply {
		if r.Param("channel") == "C0B" {
			return fakeslack.Error("message_not_found")
		}
		return fakeslack.Error("cant_update_message")
	})
	s := e.sender()
	for range 3 {
		step(t, s)
	}
	updated := map[string]bool{}
	for _, r := range e.slack.Requests("chat.update") {
		updated[r.Param("channel")] = true
	}
	if updated["C0A"] || !updated["C0B"] || !updated["C0C"] {
		t.Errorf("chat.update went to %v; want C0B and C0C only", updated)
	}
	if n := e.pendingCount(t); n != 0 {
		t.Errorf("%d still queued", n)
	}
	failed, err := e.db.Outgoing(ctx, actionbot.OutboxFailed, 100)
	if err != nil {
		t.Fatal(err)
	}
	var stuck int
	for _, o := range failed {
		if o.Kind == actionbot.OutboxUpdate {
			stuck++
			if !strings.Contains(o.LastError, "cant_update_message") {
				t.Errorf("failed update says %q", o.LastError)
			}
		}
	}
	if stuck != 1 {
		t.Errorf("%d failed updates, want the one Slack would not make", stuck)
	}
}

package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// personal is a note that should never have been stored; reason is a
// blocked reason that should not have been either.
const (
	personal = "Spoke to Mrs Jones at 12 Swanley Road, she says the lads from flat 3b are behind it"
	reason   = "Waiting on DI Walker to confirm the Smith family's consent"
)

// change applies op to ref as actor, queuing msgs (made from the entry).
func change(t *testing.T, db *store.DB, ref string, op actionbot.Op, actor string, msgs func(*actionbot.Action, *actionbot.AuditEntry) []*actionbot.Outgoing) *actionbot.AuditEntry {
	t.Helper()
	ctx := context.Background()
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, e, err := db.UpdateAction(ctx, plan.ID, ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(op, actor, db.Now())
	}, msgs)
	if err != nil {
		t.Fatalf("%s %s: %v", ref, op.Verb, err)
	}
	return e
}

// everyText is every text the database keeps that could hold a note: the
// audit trail, actions' reasons, the outbox and the inbox.
func everyText(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	plan, _ := db.CurrentPlan(ctx)
	for _, ref := range []string{"5.2", "4.2"} {
		es, err := db.History(ctx, plan.ID, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			b.WriteString(e.Note + "\n")
			for _, c := range e.Changes {
				b.WriteString(c.From + "\n" + c.To + "\n")
			}
		}
		a, err := db.FindAction(ctx, plan.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(a.Reason + "\n")
		if a.LastUpdate != nil {
			b.WriteString(a.LastUpdate.Note + "\n")
		}
	}
	out, err := db.Outgoing(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		j, _ := json.Marshal(o.Message)
		var m actionbot.Message
		json.Unmarshal(j, &m)
		b.WriteString(m.Text + "\n")
		for _, bl := range m.Blocks {
			b.WriteString(bl.Text.Plain() + "\n")
		}
	}
	items, err := db.PendingInbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		b.WriteString(it.Text + "\n" + it.Payload + "\n")
	}
	return b.String()
}

func line(ref, note string) *actionbot.Outgoing {
	text := "@U0POL1 updated " + ref + " — Promote Speedwatch: “" + actionbot.Clip(note, 200) + "”"
	return &actionbot.Outgoing{Kind: "announce", To: "CTASK", Message: actionbot.Message{Text: text,
		Blocks: []actionbot.Block{actionbot.Section(actionbot.UserRef("U0POL1"), " updated ", actionbot.B(ref), ": “", actionbot.Clip(note, 200), "”")}}}
}

func TestRedactNoteRemovesTheTextEverywhereAndQueuesSlackUpdates(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, 10, 1, 9, 0, 0, 0, time.UTC))
	db := storetest.MustOpen(t, clock)
	db.ConfiguredCoordinators = []string{"U0COORD"}
	ctx := context.Background()
	if err := db.AddMember(ctx, "U0POL1", "POLICE", "U0COORD"); err != nil {
		t.Fatal(err)
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The command that carried the note, recorded before it was run.
	if _, _, err := db.Receive(ctx, &store.InboxItem{Delivery: "env:1", UserID: "U0POL1", ChannelID: "C1", Text: "5.2 progress 40 " + personal, ResponseURL: "https://hooks.slack.com/x", ReceivedAt: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	// Note 1: harmless. Note 2: progress with the personal note, announced
	// and delivered to Slack; a second message showing it is still queued.
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbNote, Note: "Speedwatch kit ordered"}, "U0POL1", nil)
	clock.Advance(time.Hour)
	var sent, queued *actionbot.Outgoing
	e := change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 40, Note: personal}, "U0POL1",
		func(a *actionbot.Action, e *actionbot.AuditEntry) []*actionbot.Outgoing {
			sent, queued = line(a.Ref, e.Note), line(a.Ref, e.Note)
			sent.Key, queued.Key = "announce:test:1", "reminder:test:1"
			queued.To = "U0POL1"
			return []*actionbot.Outgoing{sent, queued}
		})
	if err := db.ClaimOutgoing(ctx, store.SlackOwner, sent.ID, "CTASK", time.Time{}, db.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, sent.ID, "CTASK", "1349082000.000100"); err != nil {
		t.Fatal(err)
	}
	// Note 3: blocked with a reason, then unblocked (the reason is in both
	// entries' changes); on another action the same words stay.
	clock.Advance(time.Hour)
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbBlocked, Note: reason}, "U0POL1", nil)
	clock.Advance(time.Hour)
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbUnblock, Note: "sorted"}, "U0POL1", nil)
	change(t, db, "4.2", actionbot.Op{Verb: actionbot.VerbNote, Note: "Unrelated note on 4.2"}, "U0POL1", nil)

	clock.Set(time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC))
	marker := actionbot.RedactionMarker("U0COORD", clock.Now())

	// Refusals change nothing.
	if _, err := db.RedactNote(ctx, plan.ID, "5.2", 2, "U0POL1", marker); actionbot.ErrorCode(err) != actionbot.EUNAUTHORIZED {
		t.Fatalf("a lead redacting: %v", err)
	}
	if _, err := db.RedactNote(ctx, plan.ID, "5.2", 5, "U0COORD", marker); actionbot.ErrorCode(err) != actionbot.ENOTFOUND ||
		!strings.Contains(actionbot.ErrorMessage(err), "5.2 has 4 notes; say `/action 5.2 history` to see them") {
		t.Fatalf("note 5 of 4: %v", err)
	}
	if _, err := db.RedactNote(ctx, plan.ID, "5.2", 0, "U0COORD", marker); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Fatalf("note 0: %v", err)
	}
	if _, err := db.RedactNote(ctx, plan.ID, "9.9", 1, "U0COORD", marker); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Fatalf("no action 9.9: %v", err)
	}

	res, err := db.RedactNote(ctx, plan.ID, "5.2", 2, "U0COORD", marker)
	if err != nil {
		t.Fatal(err)
	}
	if res.Entry.ID != e.ID || res.Entry.Note != marker || res.Messages != 2 || res.Updates != 1 || res.Inbox != 1 {
		t.Errorf("redaction = %+v, want entry %d, 2 messages rewritten, 1 Slack update, 1 command", res, e.ID)
	}
	res3, err := db.RedactNote(ctx, plan.ID, "5.2", 3, "U0COORD", marker)
	if err != nil {
		t.Fatal(err)
	}
	if res3.AuditRows != 3 { // the note, the block's reason, the unblock's
		t.Errorf("redacting the reason rewrote %d audit rows, want 3", res3.AuditRows)
	}

	all := everyText(t, db)
	for _, secret := range []string{"Mrs Jones", "Swanley", "DI Walker", "Smith family"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q is still in the database:\n%s", secret, all)
		}
	}
	for _, kept := range []string{"Speedwatch kit ordered", "sorted", "Unrelated note on 4.2", "[redacted by @U0COORD on 6 Dec 2026]"} {
		if !strings.Contains(all, kept) {
			t.Errorf("%q is gone:\n%s", kept, all)
		}
	}
	// The numbers stand: the notes are where they were.
	trail, err := db.History(ctx, plan.ID, "5.2", 0)
	if err != nil {
		t.Fatal(err)
	}
	notes := actionbot.Notes(trail)
	if len(notes) != 4 || notes[0].Note != "Speedwatch kit ordered" || notes[1].Note != marker || notes[2].Note != marker || notes[3].Note != "sorted" {
		t.Errorf("notes after = %v", notes)
	}
	if c, ok := notes[1].Changed("progress"); !ok || c.To != "40" {
		t.Errorf("the progress change went with the note: %v", notes[1].Changes)
	}

	// Again: already redacted, nothing more queued.
	if _, err := db.RedactNote(ctx, plan.ID, "5.2", 2, "U0COORD", marker); actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
		t.Errorf("a second redaction: %v, want EUNCHANGED", err)
	}

	// The update for Slack's copy: queued to the same conversation, after
	// the message, naming where it is.
	updates, err := db.Outgoing(ctx, actionbot.OutboxPending, 100)
	if err != nil {
		t.Fatal(err)
	}
	var upd *actionbot.Outgoing
	for _, o := range updates {
		if o.Kind == actionbot.OutboxUpdate {
			if upd != nil {
				t.Fatalf("two updates queued: %v", keys(updates))
			}
			upd = o
		}
	}
	if upd == nil || upd.To != "CTASK" {
		t.Fatalf("queued = %v, want one update to CTASK", keys(updates))
	}
	target, err := db.UpdateTarget(ctx, upd.ID)
	if err != nil {
		t.Fatal(err)
	}
	if target.ID != sent.ID || target.Channel != "CTASK" || target.RemoteRef != "1349082000.000100" ||
		strings.Contains(target.Message.Text, "Jones") || !strings.Contains(target.Message.Text, marker) {
		t.Errorf("update target = %+v", target)
	}
	if _, err := db.UpdateTarget(ctx, queued.ID); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Errorf("UpdateTarget of a message that is no update: %v", err)
	}

	// Audited: who, which note; never the text.
	log, err := db.AdminLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, l := range log {
		if l.What == "redact note" {
			found++
			if l.Actor != "U0COORD" || !strings.HasPrefix(l.Subject, "5.2 note ") {
				t.Errorf("admin audit = %+v", l)
			}
			if strings.Contains(l.Detail, "Jones") || strings.Contains(l.Detail, "Walker") {
				t.Errorf("the admin audit holds the text: %q", l.Detail)
			}
		}
	}
	if found != 2 {
		t.Errorf("admin audit has %d redactions, want 2", found)
	}
}

// A redacted note's action shows the marker at once, in its card's latest
// update, though no audit entry was added.
func TestRedactNoteRefreshesTheActionsInMemory(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, 10, 1, 9, 0, 0, 0, time.UTC))
	db := storetest.MustOpen(t, clock)
	db.ConfiguredCoordinators = []string{"U0COORD"}
	ctx := context.Background()
	if err := db.AddMember(ctx, "U0POL1", "POLICE", "U0COORD"); err != nil {
		t.Fatal(err)
	}
	plan, _ := db.CurrentPlan(ctx)
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbBlocked, Note: reason}, "U0POL1", nil)
	a, err := db.FindAction(ctx, plan.ID, "5.2")
	if err != nil || a.Reason != reason {
		t.Fatalf("before: %v, %v", a, err)
	}
	marker := actionbot.RedactionMarker("U0COORD", clock.Now())
	if _, err := db.RedactNote(ctx, plan.ID, "5.2", 1, "U0COORD", marker); err != nil {
		t.Fatal(err)
	}
	a, err = db.FindAction(ctx, plan.ID, "5.2")
	if err != nil {
		t.Fatal(err)
	}
	if a.Reason != marker || a.LastUpdate == nil || a.LastUpdate.Note != marker {
		t.Errorf("after: reason %q, latest %+v", a.Reason, a.LastUpdate)
	}
	blocked, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID, Statuses: []actionbot.Status{actionbot.StatusBlocked}})
	if err != nil || len(blocked) != 1 || blocked[0].Reason != marker {
		t.Errorf("blocked list after: %v, %v", blocked, err)
	}
}

// A redaction made from a console run on the bot's database asks Slack to
// update the messages Slack has — the update is Slack's to deliver, not
// the console's to print — and none for the console's own messages,
// which never reached Slack.
func TestRedactNoteFromAConsoleLeavesTheUpdatesToSlack(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, 10, 1, 9, 0, 0, 0, time.UTC))
	bot := storetest.MustOpen(t, clock)
	ctx := context.Background()
	con := store.NewDB(bot.Path)
	con.Now = clock.Now
	con.Owner = store.ConsoleOwner()
	con.ConfiguredCoordinators = []string{"UCONSOLE"}
	if err := con.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { con.Close() })
	plan, _ := con.CurrentPlan(ctx)

	e := change(t, con, "5.2", actionbot.Op{Verb: actionbot.VerbNote, Note: personal}, "UCONSOLE", nil)
	forSlack, forConsole := line("5.2", e.Note), line("5.2", e.Note)
	forSlack.Key, forConsole.Key = "announce:slack", "announce:console"
	if _, err := bot.Enqueue(ctx, forSlack); err != nil {
		t.Fatal(err)
	}
	if _, err := con.Enqueue(ctx, forConsole); err != nil {
		t.Fatal(err)
	}
	if err := bot.ClaimOutgoing(ctx, store.SlackOwner, forSlack.ID, "CTASK", time.Time{}, bot.Now()); err != nil {
		t.Fatal(err)
	}
	if err := bot.MarkSent(ctx, forSlack.ID, "CTASK", "1349082000.000100"); err != nil {
		t.Fatal(err)
	}
	if err := con.MarkSent(ctx, forConsole.ID, "", "console"); err != nil {
		t.Fatal(err)
	}

	res, err := con.RedactNote(ctx, plan.ID, "5.2", 1, "UCONSOLE", actionbot.RedactionMarker("UCONSOLE", clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 2 || res.Updates != 1 {
		t.Errorf("redaction = %+v, want both messages rewritten and one update, for Slack's", res)
	}
	if n, err := con.QueuedForSlack(ctx); err != nil || n != 1 {
		t.Errorf("queued for Slack = %d, %v; want the update", n, err)
	}
	if mine, err := con.OutboxHeads(ctx, con.Owner, clock.Now(), 100); err != nil || len(mine) != 0 {
		t.Errorf("the console would print %v, %v; want nothing", keys(mine), err)
	}
	if heads, err := bot.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 100); err != nil || len(heads) != 1 || heads[0].Kind != actionbot.OutboxUpdate {
		t.Errorf("the Slack sender is given %v, %v; want the update", heads, err)
	}
}

// A note whose words are also a state's ("open") takes only the note's
// text with it: the audit's changes of status stay as they were, and the
// plan as it stood is rebuilt as before.
func TestRedactingAShortNoteLeavesTheStatesAlone(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, 10, 1, 9, 0, 0, 0, time.UTC))
	db := storetest.MustOpen(t, clock)
	db.ConfiguredCoordinators = []string{"U0COORD"}
	ctx := context.Background()
	plan, _ := db.CurrentPlan(ctx)
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbBlocked, Note: "open"}, "U0COORD", nil)
	clock.Advance(time.Hour)
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbUnblock}, "U0COORD", nil)
	if _, err := db.RedactNote(ctx, plan.ID, "5.2", 1, "U0COORD", actionbot.RedactionMarker("U0COORD", clock.Now())); err != nil {
		t.Fatal(err)
	}
	trail, err := db.History(ctx, plan.ID, "5.2", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range trail {
		if c, ok := e.Changed("status"); ok && c.From != "open" && c.To != "open" {
			t.Errorf("a change of status lost its state: %+v", c)
		}
		if c, ok := e.Changed("reason"); ok && (c.From == "open" || c.To == "open") {
			t.Errorf("the reason was kept: %+v", c)
		}
	}
}

// On SQLite the text is gone from the database's files too, not only from
// its rows: overwritten where it stood, and out of the write-ahead log.
func TestRedactNoteLeavesNoCopyInTheSQLiteFiles(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("the files of a SQLite database")
	}
	clock := storetest.NewClock(time.Date(2012, 10, 1, 9, 0, 0, 0, time.UTC))
	db := storetest.MustOpen(t, clock)
	db.ConfiguredCoordinators = []string{"U0COORD"}
	ctx := context.Background()
	plan, _ := db.CurrentPlan(ctx)
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbBlocked, Note: reason}, "U0COORD", nil)
	clock.Advance(time.Hour)
	change(t, db, "5.2", actionbot.Op{Verb: actionbot.VerbUnblock, Note: "sorted"}, "U0COORD", nil)
	if _, err := db.RedactNote(ctx, plan.ID, "5.2", 1, "U0COORD", actionbot.RedactionMarker("U0COORD", clock.Now())); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(db.Path + suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("DI Walker")) {
			t.Errorf("%s still holds the text", filepath.Base(db.Path+suffix))
		}
	}
}

package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// undoButton returns the Undo button of a reply, if it has one.
func undoButton(m actionbot.Message) (actionbot.Button, bool) {
	for _, bl := range m.Blocks {
		for _, b := range bl.Buttons {
			if b.Action == actionbot.ButtonUndo {
				return b, true
			}
		}
	}
	return actionbot.Button{}, false
}

func TestUndoReversesExactlyOneChangeAndIsAudited(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(csuUser, "5.2 progress 40"), "5.2 is now at 40%.")
	f.clock.Advance(time.Minute)
	mustContain(t, f.run(csuUser, "5.2 progress 60 typo, meant 6"), "5.2 is now at 60%.")
	f.clock.Advance(10 * time.Minute)
	before := f.audits(t, "5.2")

	m := f.run(csuUser, "5.2 undo")
	mustContain(t, m, "✅ Undone on 5.2: progress 40% → 60% by @UCSU, 10:01; it is now")
	if a := f.action(t, "5.2"); a.Progress != 40 || a.Status != actionbot.StatusOpen {
		t.Fatalf("after undo: %d%% %s, want 40%% open", a.Progress, a.Status)
	}
	if n := f.audits(t, "5.2"); n != before+1 {
		t.Fatalf("undo wrote %d audit entries, want 1", n-before)
	}
	if _, ok := undoButton(m); ok {
		t.Errorf("an undo's confirmation offers Undo: %s", plain(m))
	}
	hist, err := f.db.History(ctx, f.plan.ID, "5.2", 0)
	if err != nil {
		t.Fatal(err)
	}
	u := hist[0]
	if u.Verb != actionbot.VerbUndo || u.Actor != csuUser || u.Note != "undo of progress 40% → 60% by @UCSU, 10:01" {
		t.Fatalf("undo entry: %+v", u)
	}
	if ids := u.Undoes(); len(ids) != 1 || ids[0] != hist[1].ID {
		t.Fatalf("undo names %v, want the progress 60 entry %d", ids, hist[1].ID)
	}
	if c, ok := u.Changed("progress"); !ok || c.From != "60" || c.To != "40" {
		t.Fatalf("undo's change: %+v", u.Changes)
	}
	h := plain(f.run(outsider, "5.2 history"))
	if !strings.Contains(h, "progress 60% → 40%: “undo of progress 40% → 60% by @UCSU, 10:01”") || strings.Contains(h, "undoes") {
		t.Errorf("history:\n%s", h)
	}
	// Only one change is undone: the 40% stands, and undoing again is an
	// undo of an undo, refused.
	m = f.run(csuUser, "5.2 undo")
	mustContain(t, m, "Your last change to 5.2 was an undo", "an undo is not undone", "Make the change again")
	if a := f.action(t, "5.2"); a.Progress != 40 || f.audits(t, "5.2") != before+1 {
		t.Fatalf("an undo of an undo changed something: %d%%, %d entries", a.Progress, f.audits(t, "5.2"))
	}
}

func TestUndoIsRefusedWithTheReason(t *testing.T) {
	t.Run("nothing to undo", func(t *testing.T) {
		f := mustFixture(t)
		mustContain(t, f.run(csuUser, "5.2 undo"), "ℹ️", "nothing of yours to undo on 5.2", "Nothing was changed.")
		mustContain(t, f.run(coord, "5.2 undo"), "nothing to undo on 5.2: nobody has changed it")
		// A note is not a change an undo reverses.
		f.run(csuUser, "5.2 note asked the DVLA")
		mustContain(t, f.run(csuUser, "5.2 undo"), "nothing of yours to undo on 5.2", "a note stays on the record")
	})
	t.Run("older than 24 hours", func(t *testing.T) {
		f := mustFixture(t)
		f.run(csuUser, "5.2 progress 60")
		f.clock.Advance(24*time.Hour + time.Minute)
		mustContain(t, f.run(csuUser, "5.2 undo"), "progress 0% → 60% by @UCSU, Fri 1 Jun 10:00", "more than 24 hours old")
		if a := f.action(t, "5.2"); a.Progress != 60 {
			t.Fatalf("undone after 24 hours: %d%%", a.Progress)
		}
	})
	t.Run("someone else changed it since", func(t *testing.T) {
		f := mustFixture(t)
		f.run(csuUser, "5.2 progress 60")
		f.clock.Advance(time.Minute)
		f.run(policeUser, "5.2 progress 70")
		f.clock.Advance(time.Minute)
		mustContain(t, f.run(csuUser, "5.2 undo"), "@UPOLICE changed 5.2 since your change (progress 60% → 70%, Fri 1 Jun 10:01)")
		if a := f.action(t, "5.2"); a.Progress != 70 {
			t.Fatalf("undone over someone else's change: %d%%", a.Progress)
		}
	})
	t.Run("a note by someone else since does not stand in the way", func(t *testing.T) {
		f := mustFixture(t)
		f.run(csuUser, "5.2 progress 60")
		f.run(dvlaUser, "5.2 note well done")
		mustContain(t, f.run(csuUser, "5.2 undo"), "Undone on 5.2")
		if a := f.action(t, "5.2"); a.Progress != 0 {
			t.Fatalf("not undone: %d%%", a.Progress)
		}
	})
	t.Run("a change of lead cannot be undone", func(t *testing.T) {
		f := mustFixture(t)
		mustContain(t, f.run(coord, "5.2 lead CSU"), "5.2")
		mustContain(t, f.run(coord, "5.2 undo"), "cannot be undone", "lead")
	})
	t.Run("partners cannot undo", func(t *testing.T) {
		f := mustFixture(t)
		f.run(csuUser, "5.2 progress 60")
		mustContain(t, f.run(dvlaUser, "5.2 undo"), "🔒", "undo a change to 5.2")
		mustContain(t, f.run(outsider, "5.2 undo"), "🔒")
	})
	t.Run("it takes nothing after it", func(t *testing.T) {
		f := mustFixture(t)
		mustContain(t, f.run(csuUser, "5.2 undo please"), "/action 5.2 undo takes nothing after it")
	})
}

func TestACoordinatorUndoesAnyonesLastChange(t *testing.T) {
	f := mustFixture(t)
	f.run(csuUser, "5.2 progress 30")
	f.clock.Advance(time.Minute)
	f.run(policeUser, "5.2 due June 2013 volunteers recruited late")
	f.clock.Advance(time.Minute)
	mustContain(t, f.run(coord, "undo 5.2"), "Undone on 5.2: deadline March 2012 → June 2013 by @UPOLICE, 10:01")
	a := f.action(t, "5.2")
	if a.Moved() || a.Progress != 30 {
		t.Fatalf("after the coordinator's undo: deadline %s (plan %s), %d%%", a.Deadline, a.Original, a.Progress)
	}
	// The police officer's change is undone already: theirs is not undone twice.
	mustContain(t, f.run(policeUser, "5.2 undo"), "is already undone")
}

func TestUndoReversesAFormsStepsTogether(t *testing.T) {
	f := mustFixture(t)
	req := commands.Request{UserID: csuUser, ChannelID: "C1"}
	msg, err := f.h.Do(ctx, req, []*commands.Command{
		{Verb: actionbot.VerbBlocked, Ref: "5.2", Text: "no trainer"},
		{Verb: actionbot.VerbProgress, Ref: "5.2", Progress: 20},
		{Verb: actionbot.VerbNote, Ref: "5.2", Text: "asked KFRS"},
	}...)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := undoButton(msg); !ok {
		t.Fatalf("the form's confirmation has no Undo:\n%s", plain(msg))
	}
	f.clock.Advance(time.Minute)
	mustContain(t, f.run(csuUser, "5.2 undo"), "Undone on 5.2: status open → blocked, progress 0% → 20% by @UCSU, 10:00")
	a := f.action(t, "5.2")
	if a.Status != actionbot.StatusOpen || a.Reason != "" || a.Progress != 0 {
		t.Fatalf("after undoing the form: %s %q %d%%", a.Status, a.Reason, a.Progress)
	}
	if n := f.audits(t, "5.2"); n != 4 {
		t.Fatalf("%d audit entries, want the form's 3 and one undo", n)
	}
}

func TestEveryChangeConfirmationOffersUndo(t *testing.T) {
	f := mustFixture(t)
	m := f.run(csuUser, "5.2 progress 60")
	b, ok := undoButton(m)
	if !ok {
		t.Fatalf("no Undo on the confirmation:\n%s", plain(m))
	}
	if plan, ref, ok := actionbot.ParseButtonValue(b.Value); !ok || plan != f.plan.ID || ref != "5.2" {
		t.Fatalf("Undo carries %q", b.Value)
	}
	// Beside the card's own buttons, not a row of its own.
	rows := 0
	for _, bl := range m.Blocks {
		if bl.Kind == actionbot.BlockActions {
			rows++
		}
	}
	if rows != 1 {
		t.Errorf("%d rows of buttons, want 1:\n%s", rows, plain(m))
	}
	// What the button sends is the typed command.
	msg, err := f.h.Do(ctx, commands.Request{UserID: csuUser}, &commands.Command{Verb: actionbot.VerbUndo, Ref: "5.2", Plan: f.plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, msg, "Undone on 5.2")
	// A note's confirmation offers none: a note stays on the record.
	if _, ok := undoButton(f.run(csuUser, "5.2 note asked the DVLA")); ok {
		t.Errorf("a note's confirmation offers Undo")
	}
}

func TestReopenRestoresTheProgressBeforeDone(t *testing.T) {
	f := mustFixture(t)
	f.run(csuUser, "5.2 progress 30")
	f.clock.Advance(time.Minute)
	f.run(csuUser, "5.2 done")
	f.clock.Advance(time.Minute)
	mustContain(t, f.run(csuUser, "5.2 reopen not finished after all"), "5.2 is reopened at 30%")
	if a := f.action(t, "5.2"); a.Progress != 30 || a.Status != actionbot.StatusOpen {
		t.Fatalf("reopened at %d%% %s, want 30%% open", a.Progress, a.Status)
	}
	// Done by progress 100: reopened where it was before.
	f.run(csuUser, "5.2 progress 100")
	f.clock.Advance(time.Minute)
	mustContain(t, f.run(csuUser, "5.2 reopen again"), "5.2 is reopened at 30%")
	// Undoing a done puts the progress back too.
	f.run(csuUser, "5.2 progress 45")
	f.run(csuUser, "5.2 done")
	mustContain(t, f.run(csuUser, "5.2 undo"), "Undone on 5.2: status open → done, progress 45% → 100%")
	if a := f.action(t, "5.2"); a.Progress != 45 || a.IsDone() {
		t.Fatalf("after undoing done: %d%% %s", a.Progress, a.Status)
	}
}

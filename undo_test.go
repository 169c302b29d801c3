package actionbot_test

import (
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// undoFixture applies ops to a fresh action, numbering the entries as the
// store would, and returns the action and its trail (oldest first).
func undoFixture(t *testing.T, steps ...func(a *actionbot.Action, trail []*actionbot.AuditEntry) (actionbot.Op, string, time.Time)) (*actionbot.Action, []*actionbot.AuditEntry) {
	t.Helper()
	a := &actionbot.Action{ID: 7, Ref: "5.2", Status: actionbot.StatusOpen, Deadline: mustDeadline(t, "March 2013"), Original: mustDeadline(t, "March 2013")}
	var trail []*actionbot.AuditEntry
	for i, step := range steps {
		op, actor, at := step(a, trail)
		e, err := a.Apply(op, actor, at)
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, op.Verb, err)
		}
		e.ID = int64(i + 1)
		trail = append(trail, e)
	}
	return a, trail
}

var nov5 = time.Date(2012, 11, 5, 9, 12, 0, 0, time.UTC)

func op(o actionbot.Op, actor string, at time.Time) func(*actionbot.Action, []*actionbot.AuditEntry) (actionbot.Op, string, time.Time) {
	return func(*actionbot.Action, []*actionbot.AuditEntry) (actionbot.Op, string, time.Time) {
		return o, actor, at
	}
}

func undoBy(actor string, coordinator bool, at time.Time) func(*actionbot.Action, []*actionbot.AuditEntry) (actionbot.Op, string, time.Time) {
	return func(a *actionbot.Action, trail []*actionbot.AuditEntry) (actionbot.Op, string, time.Time) {
		ts, err := actionbot.UndoTarget(trail, a.Ref, actor, coordinator, at)
		if err != nil {
			panic(err)
		}
		return actionbot.Op{Verb: actionbot.VerbUndo, Undo: ts}, actor, at
	}
}

func TestAnUndoPutsBackOneChangeAndNamesIt(t *testing.T) {
	a, trail := undoFixture(t,
		op(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60}, "U1", nov5),
		op(actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "June 2013"), Note: "late"}, "U1", nov5.Add(time.Minute)),
		undoBy("U1", false, nov5.Add(time.Hour)),
	)
	if !a.Deadline.SameMeaning(a.Original) || a.Progress != 60 {
		t.Fatalf("after undo: %s, %d%%", a.Deadline, a.Progress)
	}
	u := trail[2]
	if u.Note != "undo of deadline March 2013 → June 2013 by @U1, 09:13" {
		t.Errorf("note %q", u.Note)
	}
	if got := u.Undoes(); len(got) != 1 || got[0] != 2 {
		t.Errorf("Undoes() = %v", got)
	}
	if got := u.Summary(); got != "deadline June 2013 → March 2013" {
		t.Errorf("Summary() = %q", got)
	}
}

func TestUndoTargetRefusals(t *testing.T) {
	_, trail := undoFixture(t,
		op(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60}, "U1", nov5),
		op(actionbot.Op{Verb: actionbot.VerbNote, Note: "nice"}, "U2", nov5.Add(time.Minute)),
		op(actionbot.Op{Verb: actionbot.VerbBlocked, Note: "no trainer"}, "U2", nov5.Add(2*time.Minute)),
	)
	cases := []struct {
		name        string
		actor       string
		coordinator bool
		at          time.Time
		code        string
		want        string // the target's id, or "" when refused
	}{
		{"someone else's change since", "U1", false, nov5.Add(time.Hour), actionbot.ECONFLICT, ""},
		{"nothing of theirs", "U3", false, nov5.Add(time.Hour), actionbot.EUNCHANGED, ""},
		{"their own last change", "U2", false, nov5.Add(time.Hour), "", "3"},
		{"a coordinator: the last change", "UC", true, nov5.Add(time.Hour), "", "3"},
		{"after 24 hours", "U2", false, nov5.Add(25 * time.Hour), actionbot.ECONFLICT, ""},
	}
	for _, tc := range cases {
		ts, err := actionbot.UndoTarget(trail, "5.2", tc.actor, tc.coordinator, tc.at)
		if tc.code != "" {
			if actionbot.ErrorCode(err) != tc.code {
				t.Errorf("%s: err %v, want %s", tc.name, err, tc.code)
			}
			continue
		}
		if err != nil || len(ts) != 1 || ts[0].ID != 3 {
			t.Errorf("%s: %v, %v", tc.name, ts, err)
		}
	}
	imp := &actionbot.AuditEntry{ID: 9, ActionID: 7, At: nov5.Add(3 * time.Minute), Actor: "import", Verb: actionbot.VerbImport,
		Changes: []actionbot.Change{{Field: "text", From: "a", To: "b"}}}
	if _, err := actionbot.UndoTarget(append(trail, imp), "5.2", "UC", true, nov5.Add(time.Hour)); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Errorf("an import: %v", err)
	}
}

func TestAnUndoRefusesWhenTheActionMovedOn(t *testing.T) {
	a, trail := undoFixture(t, op(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60}, "U1", nov5))
	a.Progress = 70 // changed behind the trail's back (read before another write)
	if _, err := a.Apply(actionbot.Op{Verb: actionbot.VerbUndo, Undo: trail}, "U1", nov5.Add(time.Minute)); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Fatalf("err %v, want ECONFLICT", err)
	}
	if a.Progress != 70 {
		t.Fatalf("changed anyway: %d%%", a.Progress)
	}
}

func TestSkipUndoneLeavesOutTheUndoneAndTheirUndos(t *testing.T) {
	_, trail := undoFixture(t,
		op(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 30}, "U1", nov5),
		op(actionbot.Op{Verb: actionbot.VerbDone}, "U1", nov5.Add(time.Minute)),
		undoBy("U1", false, nov5.Add(2*time.Minute)),
	)
	got := actionbot.SkipUndone(trail)
	if len(got) != 1 || got[0].ID != 1 {
		t.Fatalf("SkipUndone kept %d entries: %+v", len(got), got)
	}
	// An undo whose undone change was read in an earlier window is itself a
	// change of this one.
	if got := actionbot.SkipUndone(trail[2:]); len(got) != 1 || got[0].Verb != actionbot.VerbUndo {
		t.Fatalf("the undo alone: %+v", got)
	}
	if !actionbot.UndoneIDs(trail)[2] {
		t.Fatalf("UndoneIDs lacks the done")
	}
}

func TestReplayCountsNoUndoneMoveNorNote(t *testing.T) {
	a, trail := undoFixture(t,
		op(actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "June 2013"), Note: "slipped"}, "U1", nov5),
		undoBy("U1", false, nov5.Add(time.Minute)),
	)
	s := actionbot.ReplayAction(a, trail, nov5.Add(time.Hour))
	if s.Moves != 0 || s.Note != nil {
		t.Fatalf("replayed: %d moves, note %+v", s.Moves, s.Note)
	}
	// Between the change and its undo, it stood moved.
	s = actionbot.ReplayAction(a, trail, nov5.Add(30*time.Second))
	if s.Moves != 1 || s.Deadline.Written != "June 2013" {
		t.Fatalf("before the undo: %d moves, %s", s.Moves, s.Deadline)
	}
}

func TestProgressBeforeDone(t *testing.T) {
	_, trail := undoFixture(t,
		op(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 35}, "U1", nov5),
		op(actionbot.Op{Verb: actionbot.VerbDone}, "U1", nov5.Add(time.Minute)),
	)
	if p, ok := actionbot.ProgressBeforeDone(trail); !ok || p != 35 {
		t.Fatalf("ProgressBeforeDone = %d %v", p, ok)
	}
	if _, ok := actionbot.ProgressBeforeDone(nil); ok {
		t.Fatalf("no trail says a progress")
	}
}

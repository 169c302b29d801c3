package actionbot_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// replayStep is one change a lead makes, at a known instant.
type replayStep struct {
	at time.Time
	op actionbot.Op
}

func mustDeadline(tb testing.TB, s string) actionbot.Deadline {
	tb.Helper()
	d, err := actionbot.ParseDeadline(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestReplayRebuildsTheActionAsItStoodBetweenChanges applies changes at
// known instants, keeping a copy of the action after each, then replays the
// audit trail from the final action to instants between the changes: each
// must equal the copy made then, field by field.
func TestReplayRebuildsTheActionAsItStoodBetweenChanges(t *testing.T) {
	utc := func(m time.Month, d int) time.Time { return time.Date(2012, m, d, 10, 0, 0, 0, time.UTC) }
	created := utc(time.April, 2)
	a := &actionbot.Action{ID: 7, Ref: "5.2", Priority: 5, Text: "Promote Speedwatch", Status: actionbot.StatusOpen,
		Deadline: mustDeadline(t, "March 2013"), Original: mustDeadline(t, "March 2013"), CreatedAt: created, UpdatedAt: created}
	steps := []replayStep{
		{utc(time.May, 1), actionbot.Op{Verb: actionbot.VerbProgress, Progress: 30, Note: "14 volunteers trained"}},
		{utc(time.June, 1), actionbot.Op{Verb: actionbot.VerbBlocked, Note: "Waiting for vetting"}},
		{utc(time.July, 1), actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "June 2013"), Note: "Vetting backlog"}},
		{utc(time.July, 2), actionbot.Op{Verb: actionbot.VerbSnooze, Until: utc(time.July, 20)}},
		{utc(time.August, 1), actionbot.Op{Verb: actionbot.VerbUnblock}},
		{utc(time.September, 1), actionbot.Op{Verb: actionbot.VerbAtRisk, Note: "Volunteers dropping out"}},
		{utc(time.October, 1), actionbot.Op{Verb: actionbot.VerbDone, Note: "Scheme running in 6 villages"}},
		{utc(time.November, 1), actionbot.Op{Verb: actionbot.VerbReopen, Note: "Two villages stopped"}},
		{utc(time.November, 1), actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "March 2013"), Note: "Back to the plan's"}},
	}
	type state struct {
		at     time.Time
		action actionbot.Action
		note   string
		moves  int
	}
	states := []state{{at: created.Add(time.Hour), action: *a}}
	var trail []*actionbot.AuditEntry
	note, moves := "", 0
	for i, s := range steps {
		e, err := a.Apply(s.op, "ULEAD", s.at)
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, s.op.Verb, err)
		}
		e.ID = int64(i + 1)
		e.ActionID = a.ID
		trail = append(trail, e)
		if s.op.Note != "" {
			note = s.op.Note
		}
		if s.op.Verb == actionbot.VerbDue {
			moves++
		}
		cp := *a
		cp.LastUpdate = e
		states = append(states, state{at: s.at, action: cp, note: note, moves: moves})
	}
	// The trail as a store returns it: newest first.
	for i, j := 0, len(trail)-1; i < j; i, j = i+1, j-1 {
		trail[i], trail[j] = trail[j], trail[i]
	}
	for i, want := range states {
		// At the change itself and between it and the next.
		for _, at := range []time.Time{want.at, want.at.Add(12 * time.Hour)} {
			if i+1 < len(states) && !at.Before(states[i+1].at) {
				continue
			}
			got := actionbot.ReplayAction(a, trail, at)
			w := want.action
			if i == 0 {
				w.LastUpdate = nil
			}
			if !reflect.DeepEqual(*got.Action, w) {
				t.Errorf("at %s:\n got %+v\nwant %+v", at, *got.Action, w)
			}
			gotNote := ""
			if got.Note != nil {
				gotNote = got.Note.Note
			}
			if gotNote != want.note || got.Moves != want.moves {
				t.Errorf("at %s: note %q, %d moves; want %q, %d", at, gotNote, got.Moves, want.note, want.moves)
			}
		}
	}
	if now := actionbot.ReplayAction(a, trail, utc(time.December, 1)); !reflect.DeepEqual(*now.Action, func() actionbot.Action { c := *a; c.LastUpdate = now.LastUpdate; return c }()) {
		t.Errorf("replayed to now: %+v; want the action as it stands", *now.Action)
	}
}

func TestReplayUndoesAReimportedDeadlineTheCurrentOneFollowed(t *testing.T) {
	at := time.Date(2012, time.May, 1, 9, 0, 0, 0, time.UTC)
	// The plan said March 2013; a re-import on 1 June said June 2013, and the
	// current deadline, never moved by a lead, followed it.
	a := &actionbot.Action{ID: 1, Ref: "1.1", Status: actionbot.StatusOpen,
		Deadline: mustDeadline(t, "June 2013"), Original: mustDeadline(t, "June 2013")}
	trail := []*actionbot.AuditEntry{{ID: 1, ActionID: 1, At: at.AddDate(0, 1, 0), Verb: actionbot.VerbImport,
		Changes: []actionbot.Change{{Field: "by_when", From: "March 2013", To: "June 2013"}}, Note: "from plan.csv"}}
	got := actionbot.ReplayAction(a, trail, at)
	if want := mustDeadline(t, "March 2013"); got.Deadline != want || got.Original != want {
		t.Errorf("deadline %v, plan's %v; want both %v", got.Deadline, got.Original, want)
	}
	if got.Moves != 0 || got.Note != nil {
		t.Errorf("before the import: %d moves, note %v; want none", got.Moves, got.Note)
	}
	if later := actionbot.ReplayAction(a, trail, at.AddDate(0, 2, 0)); later.Moves != 1 || later.Note != nil {
		t.Errorf("after the import: %d moves, note %v; want 1 move and no person's note", later.Moves, later.Note)
	}
}

// TestReplayPutsBackTheLeadsPartnersAndNotesOfTheTime: a board paper made
// as of a date names the agencies that led the action then. A coordinator's
// "lead" and "partners" after that instant, and a re-import that changed
// the plan's lead, partners or notes columns, are undone by the replay.
func TestReplayPutsBackTheLeadsPartnersAndNotesOfTheTime(t *testing.T) {
	at := func(m time.Month, d int) time.Time { return time.Date(2012, m, d, 10, 0, 0, 0, time.UTC) }
	first := []actionbot.Party{{Agency: "POLICE", Role: "Training"}, {Agency: "CSU", Role: "Promotion/Volunteers"}}
	firstPartners := []actionbot.Party{{Agency: "KFRS"}}
	a := &actionbot.Action{ID: 7, Ref: "5.2", Priority: 5, Text: "Promote Speedwatch", Status: actionbot.StatusOpen,
		Lead: []actionbot.Party{{Agency: "CSU"}}, Partners: []actionbot.Party{{Agency: "KFRS"}, {Agency: "T&CG", Role: "Sites"}},
		Notes: "Outcome: 6 villages", Deadline: mustDeadline(t, "March 2013"), Original: mustDeadline(t, "March 2013"),
		CreatedAt: at(time.April, 2), UpdatedAt: at(time.December, 1)}
	trail := []*actionbot.AuditEntry{
		{ID: 1, ActionID: 7, At: at(time.October, 1), Verb: actionbot.VerbLead,
			Changes: []actionbot.Change{{Field: "lead", From: actionbot.PartiesText(first), To: "CSU"}}},
		{ID: 2, ActionID: 7, At: at(time.November, 1), Verb: actionbot.VerbPartners,
			Changes: []actionbot.Change{{Field: "partners", From: actionbot.PartiesText(firstPartners), To: "KFRS; T&CG (Sites)"}}},
		{ID: 3, ActionID: 7, At: at(time.December, 1), Verb: actionbot.VerbImport,
			Changes: []actionbot.Change{{Field: "notes", From: "", To: "Outcome: 6 villages"}}},
	}
	for _, c := range []struct {
		at             time.Time
		lead, partners []actionbot.Party
		notes          string
	}{
		{at(time.September, 30), first, firstPartners, ""},
		{at(time.October, 1), []actionbot.Party{{Agency: "CSU"}}, firstPartners, ""},
		{at(time.November, 15), []actionbot.Party{{Agency: "CSU"}}, a.Partners, ""},
		{at(time.December, 2), a.Lead, a.Partners, "Outcome: 6 villages"},
	} {
		got := actionbot.ReplayAction(a, trail, c.at)
		if !reflect.DeepEqual(got.Lead, c.lead) || !reflect.DeepEqual(got.Partners, c.partners) || got.Notes != c.notes {
			t.Errorf("as of %s: lead %v, partners %v, notes %q; want %v, %v, %q",
				c.at.Format("2 Jan"), got.Lead, got.Partners, got.Notes, c.lead, c.partners, c.notes)
		}
	}
	if a.Lead[0].Agency != "CSU" || len(a.Partners) != 2 {
		t.Errorf("the replay changed the action as it stands: lead %v, partners %v", a.Lead, a.Partners)
	}
}

// TestPartiesTextReadsBackWhatItWrites: the audit trail records an action's
// agencies as PartiesText writes them ("POLICE (Training); CSU"), and the
// replay reads them back; what it cannot read is refused, not guessed.
func TestPartiesTextReadsBackWhatItWrites(t *testing.T) {
	for _, ps := range [][]actionbot.Party{
		nil,
		{{Agency: "CSU"}},
		{{Agency: "POLICE", Role: "Training"}, {Agency: "CSU", Role: "Promotion/Volunteers"}},
		{{Agency: "KCC-CFE"}, {Agency: "T&CG", Role: "Lead (in the east)"}},
	} {
		s := actionbot.PartiesText(ps)
		got, ok := actionbot.ParsePartiesText(s)
		if !ok || !reflect.DeepEqual(got, ps) {
			t.Errorf("PartiesText(%v) = %q, read back as %v, %v", ps, s, got, ok)
		}
	}
	for _, bad := range []string{"Kent Police", "CSU (Training", "CSU; ", "(Training)", "CSU (A); POLICE (B"} {
		if got, ok := actionbot.ParsePartiesText(bad); ok {
			t.Errorf("ParsePartiesText(%q) = %v; want it refused", bad, got)
		}
	}
}

func TestInPlanAt(t *testing.T) {
	loaded := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) // the shipped plan, loaded today
	plan := &actionbot.Plan{CreatedAt: loaded}
	paper := time.Date(2012, 11, 5, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		created time.Time
		at      time.Time
		want    bool
	}{
		{"the first import, loaded after the instant", loaded, paper, true},
		{"added by a later import, after the instant", loaded.Add(time.Hour), paper, false},
		{"added by a later import, before the instant", loaded.Add(time.Hour), loaded.Add(2 * time.Hour), true},
	} {
		if got := actionbot.InPlanAt(plan, &actionbot.Action{CreatedAt: c.created}, c.at); got != c.want {
			t.Errorf("%s: InPlanAt = %v, want %v", c.name, got, c.want)
		}
	}
}

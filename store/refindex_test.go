package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// The index of a plan's own ids lives with each snapshot: after a change
// makes the next snapshot, the ids still answer, in the plan's order.
func TestThePlansOwnIdsAnswerBeforeAndAfterAChange(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	db.ConfiguredCoordinators = []string{"UCOORD"}
	csv := "Ref,Action,Lead,Timescale\nDAB 2,Second,Council,March 2013\nDAB 10,Tenth,Council,March 2013\n1d*,Starred,Police,June 2012\n"
	mustImportCSV(t, db, csv, planfile.Options{Name: "Westshire 2012-13"})
	p := mustPlan(t, db)
	check := func(when string) {
		t.Helper()
		ix, err := db.RefIndex(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(ix.Refs(), "|"); got != "DAB 2|DAB 10|1d*" {
			t.Fatalf("%s: ids %s, want the file's order", when, got)
		}
		for typed, want := range map[string]string{"dab10": "DAB 10", "1D": "1d*", "DAB 2": "DAB 2"} {
			if got, _ := ix.Lookup(typed); got != want {
				t.Errorf("%s: %q answers %q, want %q", when, typed, got, want)
			}
		}
	}
	check("after the import")
	if _, _, err := db.UpdateActionSteps(ctx, p.ID, "DAB 10", 0, func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
		e, err := a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 40}, "UCOORD", clock.Now())
		return []*actionbot.AuditEntry{e}, err
	}, nil); err != nil {
		t.Fatal(err)
	}
	a, err := db.FindAction(ctx, p.ID, "DAB 10")
	if err != nil || a.Progress != 40 {
		t.Fatalf("DAB 10 after the change: %+v %v", a, err)
	}
	check("after a change")
}

func TestFindSearchesIdsTextsTheirNotesAndTheLatestNote(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	db.ConfiguredCoordinators = []string{"UCOORD"}
	csv := "Ref,Action,Lead,Timescale,Outcome\n" +
		"DAB 1,Update the documents,Council,March 2013,Public material reflects the new definition\n" +
		"DAB 2,Train the staff,Council,March 2013,\n" +
		"1d*,Run the campaign,Police,June 2012,\n"
	mustImportCSV(t, db, csv, planfile.Options{Name: "Westshire 2012-13"})
	p := mustPlan(t, db)
	if _, _, err := db.UpdateActionSteps(ctx, p.ID, "1d*", 0, func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
		e, err := a.Apply(actionbot.Op{Verb: actionbot.VerbNote, Note: "leaflets printed"}, "UCOORD", clock.Now())
		return []*actionbot.AuditEntry{e}, err
	}, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"train"}, "DAB 2"},
		{[]string{"dab"}, "DAB 1|DAB 2"},
		{[]string{"definition"}, "DAB 1"},         // the plan's own column, kept as notes
		{[]string{"leaflets", "campaign"}, "1d*"}, // the latest note and the text
		{[]string{"leaflets", "train"}, ""},
	}
	for _, tc := range tests {
		as, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: p.ID, Words: tc.words})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range as {
			got = append(got, a.Ref)
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("find %v = %v, want %s", tc.words, got, tc.want)
		}
	}
}

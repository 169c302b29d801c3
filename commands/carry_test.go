package commands_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// TestCarry: once the next plan is imported, a coordinator carries an
// incomplete action of the 2012-13 plan into it; the new action's card says
// where it came from and its history shows the earlier one's.
func TestCarry(t *testing.T) {
	f := mustFixture(t)
	if got := plain(f.run(coord, "1.3 note ten families worked with so far")); !strings.Contains(got, "1.3") {
		t.Fatalf("note on 1.3: %s", got)
	}
	f.run(coord, "2.1 done")
	if got := plain(f.run(coord, "admin carry 2012-13/1.3")); !strings.Contains(got, "no earlier plan to carry an action from") {
		t.Errorf("carry before the next plan is imported: %s", got)
	}
	dl, err := actionbot.ParseDeadline("March 2014")
	if err != nil {
		t.Fatal(err)
	}
	next := &actionbot.PlanImport{
		Name:       "Sevenoaks District CSP Action Plan 2013-14",
		Period:     actionbot.Period{Start: actionbot.D(2013, 4, 1), End: actionbot.D(2014, 3, 31)},
		Priorities: []actionbot.Priority{{Number: 1, Title: "Anti-Social Behaviour"}, {Number: 2, Title: "Domestic Abuse"}},
		Actions: []*actionbot.Action{
			{Ref: "1.3", Priority: 1, Text: "Work with families rather than individuals, in a minimum of 10 cases", Lead: []actionbot.Party{{Agency: "CSU"}}, Deadline: dl},
			{Ref: "1.4", Priority: 1, Text: "Carry on with the families work", Lead: []actionbot.Party{{Agency: "CSU"}}, Deadline: dl},
			{Ref: "2.1", Priority: 2, Text: "Something new", Lead: []actionbot.Party{{Agency: "CSU"}}, Deadline: dl},
		},
		Source: "test", Actor: "test",
	}
	if _, err := f.db.ImportPlan(ctx, next); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user, text, want string
	}{
		{csuUser, "admin carry 2012-13/1.3", "Only a coordinator"},
		{coord, "admin carry 2012-13", "Which action, into which?"},
		{coord, "admin carry 2011-12/1.3", `There is no earlier plan "2011-12": the earlier plans are 2012-13.`},
		{coord, "admin carry 2012-13/2.1", "2.1 was done in Sevenoaks District CSP Action Plan 2012-13: there is nothing to carry."},
		{coord, "admin carry 2012-13/1.3 to 9.9", "9.9"},
		{coord, "admin carry 2012-13/1.3", "1.3 carries on 2012-13/1.3 (open, 0% when it was carried)"},
		{coord, "admin carry 2012-13/1.3 to 1.3", "1.3 already carries on an earlier action."},
		{coord, "admin carry 2012-13/1.3 to 1.4", "1.4 carries on 2012-13/1.3"},
	}
	for _, tc := range tests {
		if got := plain(f.run(tc.user, tc.text)); !strings.Contains(got, tc.want) {
			t.Errorf("%s: /action %s: %q, want %q", tc.user, tc.text, got, tc.want)
		}
	}
	card := plain(f.run(csuUser, "1.3"))
	if !strings.Contains(card, "Carried from 2012-13/1.3 (now open, 0% there)") {
		t.Errorf("the card of 1.3 does not say where it came from:\n%s", card)
	}
	hist := plain(f.run(csuUser, "1.3 history"))
	for _, want := range []string{"Carried from 2012-13/1.3", "Earlier, as 2012-13/1.3", "ten families worked with so far"} {
		if !strings.Contains(hist, want) {
			t.Errorf("the history of 1.3 lacks %q:\n%s", want, hist)
		}
	}
	if card := plain(f.run(csuUser, "2.1")); strings.Contains(card, "Carried from") {
		t.Errorf("2.1 was not carried:\n%s", card)
	}
}

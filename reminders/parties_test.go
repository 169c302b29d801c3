package reminders_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// Once a coordinator changes who leads an action, its reminders go to the
// new lead agency's members, not the old one's: the sweep reads the parties
// afresh, though it reads the plan from memory.
func TestRemindersReachTheLeadACoordinatorSet(t *testing.T) {
	tests := []struct {
		name    string
		lead    string // DAB 1's lead, set by the coordinator; "" leaves the plan's (DCST)
		want    string
		notWant string
	}{
		{name: "the plan's lead hears of it", want: "direct U0DCST1 DCST", notWant: "direct U0SYP1 SYP"},
		{name: "the lead a coordinator set hears of it, the old one no more", lead: "SYP", want: "direct U0SYP1 SYP", notWant: "direct U0DCST1 DCST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustOtherPlanFixture(t, at(2019, 12, 30, 9, 0))
			f.mustAddMember("U0SYP1", "SYP")
			f.mustSweep(at(2019, 12, 30, 9, 0)) // the snapshot is loaded before the change
			if tc.lead != "" {
				if _, _, err := f.db.SetLead(context.Background(), f.plan.ID, "DAB 1", []actionbot.Party{{Agency: tc.lead}}, userCoord); err != nil {
					t.Fatal(err)
				}
			}
			r := reminderFor(f.mustSweep(at(2019, 12, 31, 9, 0)), "DAB 1")
			if r == nil {
				t.Fatal("no reminder for DAB 1, due that day")
			}
			got := recipients(r)
			if !slices.Contains(got, tc.want) || slices.Contains(got, tc.notWant) {
				t.Errorf("DAB 1's reminder goes to %q: want %q and not %q", got, tc.want, tc.notWant)
			}
		})
	}
}

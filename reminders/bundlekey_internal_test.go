package reminders

import (
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// The outbox keys of bundles are how a second sweep on the same day knows
// what went out, and how the next sweep knows what a person's previous
// bundle showed: a faster way of making them must make the same ones.
func TestBundleKeyIsTheHashOfEachItemsActionStepAndDeadline(t *testing.T) {
	e := &env{plan: &actionbot.Plan{ID: 7}, today: actionbot.D(2012, 11, 5)}
	items := []*Reminder{
		{Action: &actionbot.Action{ID: 12}, Step: Step{Kind: StepBefore, N: 28}, Deadline: "2012-12-03"},
		{Action: &actionbot.Action{ID: 4031}, Step: Step{Kind: StepOverdue, N: 3}, Deadline: "2012-03-31"},
		{Action: &actionbot.Action{ID: 9}, Step: Step{Kind: StepBefore, N: 0}, Deadline: ""},
	}
	for _, tc := range []struct {
		name   string
		items  []*Reminder
		weekly bool
	}{
		{"one item", items[:1], false},
		{"three items", items, false},
		{"no items", nil, false},
		{"a weekly bundle", items, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &Bundle{To: "U0CSU1", Items: tc.items, Weekly: tc.weekly}
			h := fnv.New64a()
			for _, r := range tc.items {
				fmt.Fprintf(h, "%d/%s/%s;", r.Action.ID, r.Step.Key(), r.Deadline)
			}
			want := fmt.Sprintf("reminders:%d:%s:%s:%x", e.plan.ID, e.today, b.To, h.Sum64())
			if tc.weekly {
				want = fmt.Sprintf("%s%x", weekKey(e, b.To), h.Sum64())
			}
			if got := stepsKey(e, b); got != want {
				t.Errorf("stepsKey = %q, want %q", got, want)
			}
			if got, want := bundleKey(e, b), want+":"+shownHash(e, b); got != want {
				t.Errorf("bundleKey = %q, want %q: the steps, then what the bundle shows", got, want)
			}
		})
	}
}

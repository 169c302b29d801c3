package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// After next year's plan is imported, last year's cards and reminders are
// still in people's channels with their buttons. A button carries its plan:
// "Mark done" on last year's 5.2 never closes this year's 5.2.
func TestAnEarlierPlansButtonNeverChangesTheCurrentPlan(t *testing.T) {
	e := mustEnv(t)
	ctx := context.Background()
	old := e.plan
	next, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	next.Name = "Sevenoaks District CSP Action Plan 2013-14"
	next.Period = actionbot.Period{Start: actionbot.D(2013, 4, 1), End: actionbot.D(2014, 3, 31)}
	res, err := e.db.ImportPlan(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	current := res.Plan
	if current.ID == old.ID {
		t.Fatalf("the new plan did not become current")
	}
	find := func(planID int64) *actionbot.Action {
		a, err := e.db.FindAction(ctx, planID, "5.2")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	e.click(t, e.blockAction(uCSU, actionbot.ButtonDone, actionbot.ButtonValue(old.ID, "5.2"), "actions:7", "r1", ephemeralContainer("C0CHAN")))
	got := blocksText(e.slack.Wait(t, "response:r1", 1)[0].JSON["blocks"].([]any))
	if !strings.Contains(got, "earlier plan") || !strings.Contains(got, "nothing was changed") {
		t.Errorf("last year's button: %s", got)
	}
	e.bot.Wait()
	if a := find(current.ID); a.IsDone() {
		t.Fatalf("last year's Mark done closed this year's 5.2")
	}
	if a := find(old.ID); a.IsDone() {
		t.Fatalf("last year's plan was changed")
	}

	e.click(t, e.blockAction(uCSU, actionbot.ButtonDone, actionbot.ButtonValue(current.ID, "5.2"), "actions:7", "r2", ephemeralContainer("C0CHAN")))
	e.slack.Wait(t, "response:r2", 1)
	e.bot.Wait()
	if a := find(current.ID); !a.IsDone() {
		t.Fatalf("this year's button did not mark this year's 5.2 done: %s", a.Status)
	}
}

func TestAButtonValueCarriesItsPlanAndReadsOldButtons(t *testing.T) {
	tests := []struct {
		value string
		plan  int64
		ref   string
		ok    bool
	}{
		{actionbot.ButtonValue(12, "DAB 1"), 12, "DAB 1", true},
		{actionbot.ButtonValue(3, "5.2"), 3, "5.2", true},
		{"5.2", 0, "5.2", true}, // posted before buttons named their plan
		{"p7:", 0, "", false},
		{"", 0, "", false},
	}
	for _, tc := range tests {
		plan, ref, ok := actionbot.ParseButtonValue(tc.value)
		if plan != tc.plan || ref != tc.ref || ok != tc.ok {
			t.Errorf("ParseButtonValue(%q) = %d %q %v; want %d %q %v", tc.value, plan, ref, ok, tc.plan, tc.ref, tc.ok)
		}
	}
}

package fakeplan_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestGenerateIsDeterministicAndValid(t *testing.T) {
	a, err := fakeplan.Generate(500, 7, fakeplan.Seed)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := fakeplan.Generate(500, 7, fakeplan.Seed)
	if !reflect.DeepEqual(a.Actions, b.Actions) {
		t.Fatal("the same seed gave different plans")
	}
	c, _ := fakeplan.Generate(500, 7, fakeplan.Seed+1)
	if reflect.DeepEqual(a.Actions, c.Actions) {
		t.Fatal("another seed gave the same plan")
	}
	refs := map[string]bool{}
	kinds := map[string]int{}
	for _, act := range a.Actions {
		if refs[act.Ref] || len(act.Lead) == 0 || act.Text == "" || actionbot.RefPriority(act.Ref) != act.Priority {
			t.Fatalf("bad action %+v", act)
		}
		refs[act.Ref] = true
		switch {
		case act.Deadline.Ongoing:
			kinds["ongoing"]++
		case act.Deadline.Due.Before(fakeplan.Period.Start):
			kinds["early"]++
		}
		kinds[string(act.Status)]++
		if d, err := actionbot.ParseDeadline(act.Deadline.Written); err != nil || d.Due != act.Deadline.Due {
			t.Fatalf("%s: written deadline %q does not parse to %v", act.Ref, act.Deadline.Written, act.Deadline.Due)
		}
	}
	for _, k := range []string{"ongoing", "early", "done", "blocked", "at_risk", "open"} {
		if kinds[k] == 0 {
			t.Errorf("no %s actions in %v", k, kinds)
		}
	}
}

func TestLoad(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	db.ConfiguredCoordinators = []string{fakeplan.Actor}
	ctx := context.Background()
	res, err := fakeplan.Load(ctx, db, 1000, 7, 2, fakeplan.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 1000 {
		t.Fatalf("added %d", len(res.Added))
	}
	ags, err := db.MemberAgencies(ctx, fakeplan.MemberID("CSU", 2))
	if err != nil || len(ags) != 1 || ags[0] != "CSU" {
		t.Fatalf("member agencies %v, %v", ags, err)
	}
	p, _ := db.CurrentPlan(ctx)
	blocked, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: p.ID, Statuses: []actionbot.Status{actionbot.StatusBlocked}})
	if err != nil || len(blocked) == 0 {
		t.Fatalf("blocked %d, %v", len(blocked), err)
	}
}

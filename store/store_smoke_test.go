package store_test

import (
	"context"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestSmoke(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpen(t, clock)
	ctx := context.Background()
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.FindAction(ctx, p.ID, "5.2")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", a)
	a2, e, err := db.UpdateAction(ctx, p.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60}, "U1", clock.Now())
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v %+v", a2, e)
	h, err := db.History(ctx, p.ID, "5.2", 0)
	t.Logf("%v %v", h, err)
}

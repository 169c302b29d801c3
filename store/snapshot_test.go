package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func refsOf(as []*actionbot.Action) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Ref)
	}
	return strings.Join(out, " ")
}

// TestSnapshotSeesChangesFromAnotherProcess updates through a second handle
// on the same file, as the CLI beside the bot would.
func TestSnapshotSeesChangesFromAnotherProcess(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	a := mustOpenWriting(t, clock)
	p := mustPlan(t, a)
	if x, _ := a.FindAction(ctx, p.ID, "5.2"); x.Progress != 0 {
		t.Fatal(x.Progress)
	}
	b := store.NewDB(a.Path)
	b.Now = clock.Now
	b.ConfiguredCoordinators = testWriters
	if err := b.Open(); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mustApply(t, b, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 70}, "U1")
	x, err := a.FindAction(ctx, p.ID, "5.2")
	if err != nil || x.Progress != 70 || x.LastUpdate == nil || x.LastUpdate.Actor != "U1" {
		t.Fatalf("after another process's update: %+v, %v", x, err)
	}
	// A list through the first handle sees it too.
	as, _ := a.FindActions(ctx, actionbot.ActionFilter{PlanID: p.ID, Refs: []string{"5.2"}})
	if len(as) != 1 || as[0].Progress != 70 {
		t.Fatalf("list after update: %+v", as)
	}
	// An import through the second handle replaces the plan in the first.
	csv := "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Next year,CSU,,March 2014,\n"
	mustImportCSV(t, b, csv, planfile.Options{})
	cur, _ := a.CurrentPlan(ctx)
	refs, _ := a.Refs(ctx, cur.ID)
	if cur.ID == p.ID || strings.Join(refs, " ") != "1.1" {
		t.Fatalf("after import elsewhere: plan %d refs %v", cur.ID, refs)
	}
	// The archived plan is still readable, from SQL.
	old, err := a.FindActions(ctx, actionbot.ActionFilter{PlanID: p.ID, Refs: []string{"5.2"}})
	if err != nil || len(old) != 1 || old[0].Progress != 70 {
		t.Fatalf("archived plan: %+v, %v", old, err)
	}
}

func TestSharedActionsAreNotModifiedByChanges(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	before, _ := db.FindActions(ctx, actionbot.ActionFilter{PlanID: p.ID})
	kept := slices.Clone(before)
	mustApply(t, db, clock, "5.2", actionbot.Op{Verb: actionbot.VerbDone}, "U1")
	after, _ := db.FindActions(ctx, actionbot.ActionFilter{PlanID: p.ID, Refs: []string{"5.2"}})
	for _, a := range kept {
		if a.Ref == "5.2" && a.Status != actionbot.StatusOpen {
			t.Fatal("a list taken before a change was modified by it")
		}
	}
	if after[0].Status != actionbot.StatusDone {
		t.Fatalf("after the change: %s", after[0].Status)
	}
}

func TestRecheckEveryBoundsOnlyOtherProcessesChanges(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	a := mustOpenWriting(t, clock)
	a.RecheckEvery = time.Hour
	p := mustPlan(t, a)
	if x, _ := a.FindAction(ctx, p.ID, "5.2"); x.Progress != 0 {
		t.Fatal(x.Progress)
	}
	// A change through this handle is seen at once.
	mustApply(t, a, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 10}, "U1")
	if x, _ := a.FindAction(ctx, p.ID, "5.2"); x.Progress != 10 {
		t.Fatalf("own change not seen: %d", x.Progress)
	}
	// A change through another handle waits for the next check, which
	// RecheckEvery puts an hour away...
	b := store.NewDB(a.Path)
	b.Now = clock.Now
	b.ConfiguredCoordinators = testWriters
	if err := b.Open(); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mustApply(t, b, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 20}, "U2")
	if x, _ := a.FindAction(ctx, p.ID, "5.2"); x.Progress != 10 {
		t.Fatalf("within RecheckEvery the other handle's change showed: %d", x.Progress)
	}
	// ...unless this handle writes meanwhile, which makes it look again.
	mustApply(t, a, clock, "3.3", actionbot.Op{Verb: actionbot.VerbNote, Note: "x"}, "U1")
	if x, _ := a.FindAction(ctx, p.ID, "5.2"); x.Progress != 20 {
		t.Fatalf("after a write here, the other handle's change is not seen: %d", x.Progress)
	}
}

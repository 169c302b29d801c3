package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/plangen"
	"github.com/sevenoaks-csp/actionbot/plancsv"
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

// TestMemoryFiltersAgreeWithSQL checks the in-memory filters against the
// SQL ones on a generated plan, for many random combinations.
func TestMemoryFiltersAgreeWithSQL(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, 11, 5, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	db.ConfiguredCoordinators = testWriters
	if _, err := plangen.Load(ctx, db, 2000, 7, 1, plangen.Seed); err != nil {
		t.Fatal(err)
	}
	p := mustPlan(t, db)
	// Some recent activity, so that staleness has something to tell apart.
	for i, ref := range []string{"1.1", "2.5", "3.9", "4.20", "5.30"} {
		clock.Advance(time.Duration(i) * 24 * time.Hour)
		mustApply(t, db, clock, ref, actionbot.Op{Verb: actionbot.VerbNote, Note: "x"}, "U1")
	}
	r := rand.New(rand.NewPCG(1, 2))
	agencies := []string{"CSU", "POLICE", "KCC", "SDC", "KFRS", "ALL"}
	statuses := []actionbot.Status{actionbot.StatusOpen, actionbot.StatusAtRisk, actionbot.StatusBlocked, actionbot.StatusDone}
	words := []string{"speedwatch", "SCHOOLS", "in", "swanley", "a25", "zzz"}
	today := actionbot.D(2012, 11, 5)
	for i := range 250 {
		f := actionbot.ActionFilter{PlanID: p.ID}
		if r.IntN(3) == 0 {
			f.Priority = 1 + r.IntN(8)
		}
		if r.IntN(4) == 0 {
			f.Agency = agencies[r.IntN(len(agencies))]
		}
		if r.IntN(4) == 0 {
			f.LedBy = []string{agencies[r.IntN(5)], agencies[r.IntN(5)]}
		}
		if r.IntN(4) == 0 {
			f.PartneredBy = []string{agencies[r.IntN(5)]}
		}
		if r.IntN(4) == 0 {
			f.Involving = []string{agencies[r.IntN(5)], agencies[r.IntN(5)]}
		}
		if r.IntN(4) == 0 {
			f.Statuses = []actionbot.Status{statuses[r.IntN(4)], statuses[r.IntN(4)]}
		}
		f.NotDone = r.IntN(3) == 0
		if r.IntN(3) == 0 {
			f.DueFrom = today.AddDays(r.IntN(200) - 100)
		}
		if r.IntN(3) == 0 {
			f.DueTo = today.AddDays(r.IntN(200) - 50)
		}
		f.Ongoing = r.IntN(6) == 0
		if r.IntN(5) == 0 {
			f.StaleBefore = clock.Now().Add(-time.Duration(r.IntN(10)) * 24 * time.Hour)
		}
		if r.IntN(4) == 0 {
			f.Words = []string{words[r.IntN(len(words))]}
		}
		if r.IntN(4) == 0 {
			f.Refs = []string{fmt.Sprintf("%d.%d", 1+r.IntN(7), 1+r.IntN(300)), "1.1", "9.9"}
		}
		f.ByDue = r.IntN(3) == 0 && (!f.DueFrom.IsZero() || !f.DueTo.IsZero())
		if r.IntN(3) == 0 {
			f.Limit = 1 + r.IntN(50)
			if r.IntN(2) == 0 {
				f.Offset = r.IntN(60)
			}
		}
		mem, err := db.FindActions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		sql, err := store.FindActionsSQL(db, ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if refsOf(mem) != refsOf(sql) {
			t.Fatalf("filter %d %+v:\nmemory %s\nsql    %s", i, f, refsOf(mem), refsOf(sql))
		}
		n, err := db.CountActions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		f.Limit = 0
		all, _ := store.FindActionsSQL(db, ctx, f)
		if n != len(all) {
			t.Fatalf("filter %d: count %d, want %d", i, n, len(all))
		}
	}
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
	mustImportCSV(t, b, csv, plancsv.Options{})
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

package store_test

import (
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// filterPlan is a small plan whose every action is known, for the tests of
// the list filters: plan order puts 1.10 after 1.2.
const filterPlan = "id,priority,priority_title,action,lead,partners,by_when,funding\n" +
	"1.1,1,Roads,Set up speedwatch in Swanley,CSU,All Partners,June 2012,\n" +
	"1.2,1,Roads,Schools talks on road safety,Police,CSU,September 2012,\n" +
	"1.10,1,Roads,Review 100% of cases_done,KCC,Police,On going,\n" +
	"2.1,2,Youth,Youth diversion in schools,CSU; KCC,,March 2013,\n" +
	"2.2,2,Youth,Night-time economy patrols,SDC,KFRS,December 2012,\n"

// filterFixture imports filterPlan and changes it: 1.2 done and 2.1
// blocked on the first day (activity), 1.1 noted and 2.2 snoozed ten days
// later (a snooze is not activity). staleBefore falls between the two.
type filterFixture struct {
	db          *store.DB
	plan        *actionbot.Plan
	staleBefore time.Time
}

func mustFilterFixture(tb testing.TB) *filterFixture {
	tb.Helper()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(tb, clock)
	db.ConfiguredCoordinators = testWriters
	mustImportCSV(tb, db, filterPlan, planfile.Options{Name: "Filters"})
	mustApply(tb, db, clock, "1.2", actionbot.Op{Verb: actionbot.VerbDone}, "U1")
	mustApply(tb, db, clock, "2.1", actionbot.Op{Verb: actionbot.VerbBlocked, Note: "awaiting funding"}, "U1")
	clock.Advance(10 * 24 * time.Hour)
	mustApply(tb, db, clock, "1.1", actionbot.Op{Verb: actionbot.VerbNote, Note: "two schemes running"}, "U1")
	mustApply(tb, db, clock, "2.2", actionbot.Op{Verb: actionbot.VerbSnooze, Until: clock.Now().Add(7 * 24 * time.Hour)}, "U1")
	return &filterFixture{db: db, plan: mustPlan(tb, db), staleBefore: clock.Now().Add(-24 * time.Hour)}
}

type filterCase struct {
	name  string
	f     actionbot.ActionFilter
	want  string // the refs of the answer, in its order
	total int    // how many match in all (PageActions, CountActions)
}

func filterCases(staleBefore time.Time) []filterCase {
	d := actionbot.D
	return []filterCase{
		{"no filter lists the plan in plan order", actionbot.ActionFilter{}, "1.1 1.2 1.10 2.1 2.2", 5},
		{"refs keep plan order and ignore unknown refs", actionbot.ActionFilter{Refs: []string{"2.2", "1.10", "9.9"}}, "1.10 2.2", 2},
		{"priority", actionbot.ActionFilter{Priority: 2}, "2.1 2.2", 2},
		{"agency is a lead or a named partner", actionbot.ActionFilter{Agency: "CSU"}, "1.1 1.2 2.1", 3},
		{"agency does not count All Partners", actionbot.ActionFilter{Agency: "KFRS"}, "2.2", 1},
		{"led by any of several", actionbot.ActionFilter{LedBy: []string{"POLICE", "SDC"}}, "1.2 2.2", 2},
		{"led by one of joint leads", actionbot.ActionFilter{LedBy: []string{"KCC"}}, "1.10 2.1", 2},
		{"partnered by leaves out what the agency leads", actionbot.ActionFilter{PartneredBy: []string{"CSU"}}, "1.2", 1},
		{"partnered by counts All Partners", actionbot.ActionFilter{PartneredBy: []string{"KFRS"}}, "1.1 2.2", 2},
		{"partnered by named and by All Partners", actionbot.ActionFilter{PartneredBy: []string{"POLICE"}}, "1.1 1.10", 2},
		{"involving leads, partners and All Partners", actionbot.ActionFilter{Involving: []string{"KCC"}}, "1.1 1.10 2.1", 3},
		{"involving an agency only All Partners names", actionbot.ActionFilter{Involving: []string{"SDC"}}, "1.1 2.2", 2},
		{"an agency the plan does not name matches nothing", actionbot.ActionFilter{LedBy: []string{"KMPT"}}, "", 0},
		{"one status", actionbot.ActionFilter{Statuses: []actionbot.Status{actionbot.StatusBlocked}}, "2.1", 1},
		{"several statuses", actionbot.ActionFilter{Statuses: []actionbot.Status{actionbot.StatusDone, actionbot.StatusBlocked}}, "1.2 2.1", 2},
		{"not done", actionbot.ActionFilter{NotDone: true}, "1.1 1.10 2.1 2.2", 4},
		{"due window leaves out the undated", actionbot.ActionFilter{DueFrom: d(2012, 7, 1), DueTo: d(2012, 12, 31)}, "1.2 2.2", 2},
		{"due from", actionbot.ActionFilter{DueFrom: d(2012, 11, 1)}, "2.1 2.2", 2},
		{"ongoing", actionbot.ActionFilter{Ongoing: true}, "1.10", 1},
		{"stale: open, and untouched since, or never; a snooze is not activity", actionbot.ActionFilter{StaleBefore: staleBefore}, "1.10 2.1 2.2", 3},
		{"words ignore case", actionbot.ActionFilter{Words: []string{"SCHOOLS"}}, "1.2 2.1", 2},
		{"every word must be in the text", actionbot.ActionFilter{Words: []string{"schools", "road"}}, "1.2", 1},
		{"a percent sign is literal", actionbot.ActionFilter{Words: []string{"%"}}, "1.10", 1},
		{"an underscore is literal", actionbot.ActionFilter{Words: []string{"s_d"}}, "1.10", 1},
		{"conditions combine", actionbot.ActionFilter{Priority: 1, NotDone: true, Involving: []string{"POLICE"}}, "1.1 1.10", 2},
		{"by due, earliest first", actionbot.ActionFilter{DueFrom: d(2012, 4, 1), ByDue: true}, "1.1 1.2 2.2 2.1", 4},
		{"by due, a page of it", actionbot.ActionFilter{DueFrom: d(2012, 4, 1), ByDue: true, Limit: 2, Offset: 1}, "1.2 2.2", 4},
		{"a first page", actionbot.ActionFilter{Limit: 2}, "1.1 1.2", 5},
		{"a later page", actionbot.ActionFilter{Limit: 2, Offset: 2}, "1.10 2.1", 5},
		{"a page past the end", actionbot.ActionFilter{Limit: 2, Offset: 6}, "", 5},
	}
}

// mustMatch runs a case through FindActions, PageActions and CountActions
// on a plan.
func mustMatch(t *testing.T, db *store.DB, planID int64, tc filterCase) {
	t.Helper()
	f := tc.f
	f.PlanID = planID
	found, err := db.FindActions(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if got := refsOf(found); got != tc.want {
		t.Errorf("FindActions: %q, want %q", got, tc.want)
	}
	page, total, err := db.PageActions(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if got := refsOf(page); got != tc.want || total != tc.total {
		t.Errorf("PageActions: %q of %d, want %q of %d", got, total, tc.want, tc.total)
	}
	n, err := db.CountActions(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if n != tc.total {
		t.Errorf("CountActions: %d, want %d", n, tc.total)
	}
}

func TestListFilters(t *testing.T) {
	fx := mustFilterFixture(t)
	for _, tc := range filterCases(fx.staleBefore) {
		t.Run(tc.name, func(t *testing.T) {
			mustMatch(t, fx.db, fx.plan.ID, tc)
			// Asked again, the remembered answer is the same.
			mustMatch(t, fx.db, fx.plan.ID, tc)
		})
	}
}

// TestArchivedPlansAreFilteredTheSame archives the filter plan under a
// next year's plan: its lists, counts and look-ups read as they did.
func TestArchivedPlansAreFilteredTheSame(t *testing.T) {
	fx := mustFilterFixture(t)
	next := "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Next year's action,CSU,,March 2014,\n"
	mustImportCSV(t, fx.db, next, planfile.Options{Source: "next.csv"})
	if cur := mustPlan(t, fx.db); cur.ID == fx.plan.ID {
		t.Fatal("the filter plan is still current")
	}
	for _, tc := range filterCases(fx.staleBefore) {
		t.Run(tc.name, func(t *testing.T) {
			mustMatch(t, fx.db, fx.plan.ID, tc)
		})
	}
	refs, err := fx.db.Refs(ctx, fx.plan.ID)
	if err != nil || len(refs) != 5 || refs[2] != "1.10" {
		t.Fatalf("archived refs %v, %v", refs, err)
	}
	a, err := fx.db.FindAction(ctx, fx.plan.ID, "2.1")
	if err != nil || a.Status != actionbot.StatusBlocked || a.LastUpdate == nil || a.LastUpdate.Verb != actionbot.VerbBlocked {
		t.Fatalf("archived 2.1: %+v, %v", a, err)
	}
	if _, err := fx.db.FindAction(ctx, fx.plan.ID, "3.1"); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Fatalf("archived 3.1: %v, want ENOTFOUND", err)
	}
}

// TestArchivedPlanSnapshotsFollowImportsAndCarries: a snapshot of an
// archived plan is kept, but an import (a plan archived, the current one
// replaced) is seen, and carrying an action on from an archived plan leaves
// it as it was.
func TestArchivedPlanSnapshotsFollowImportsAndCarries(t *testing.T) {
	fx := mustFilterFixture(t)
	db := fx.db
	first := fx.plan
	mustImportCSV(t, db, "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Second year's action,CSU,,March 2014,\n", planfile.Options{Source: "second.csv"})
	second := mustPlan(t, db)
	open := actionbot.ActionFilter{PlanID: first.ID, NotDone: true}
	if as, _ := db.FindActions(ctx, open); refsOf(as) != "1.1 1.10 2.1 2.2" {
		t.Fatalf("first plan open: %s", refsOf(as))
	}
	// Carry 2.1 on into the second plan's 1.1, as a coordinator.
	if _, _, err := db.CarryAction(ctx, second.ID, "1.1", "2012-13", "2.1", "U1"); err != nil {
		t.Fatal(err)
	}
	if as, _ := db.FindActions(ctx, open); refsOf(as) != "1.1 1.10 2.1 2.2" {
		t.Fatalf("first plan open after the carry: %s", refsOf(as))
	}
	if a, _ := db.FindAction(ctx, first.ID, "2.1"); a == nil || a.Status != actionbot.StatusBlocked || a.LastUpdate.Verb != actionbot.VerbBlocked {
		t.Fatalf("carried 2.1 in the first plan: %+v", a)
	}
	if a, _ := db.FindAction(ctx, second.ID, "1.1"); a == nil || a.CarriedFrom != "2012-13/2.1" {
		t.Fatalf("second plan's 1.1: %+v", a)
	}
	// The archived plan stays read-only, whichever write is asked.
	if _, err := db.ConfirmDeadline(ctx, first.ID, "2.2", "U1"); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Fatalf("confirm a deadline of an archived plan: %v, want ECONFLICT", err)
	}
	// A third plan archives the second, which is then listed from its own
	// snapshot, with the carry it had while current.
	mustImportCSV(t, db, "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Third year's action,KCC,,March 2015,\n", planfile.Options{Source: "third.csv"})
	if cur := mustPlan(t, db); cur.ID == second.ID {
		t.Fatal("the second plan is still current")
	}
	as, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: second.ID, LedBy: []string{"CSU"}})
	if err != nil || refsOf(as) != "1.1" || as[0].CarriedFrom != "2012-13/2.1" || as[0].LastUpdate == nil {
		t.Fatalf("archived second plan: %s, %v", refsOf(as), err)
	}
	if as, _ := db.FindActions(ctx, open); refsOf(as) != "1.1 1.10 2.1 2.2" {
		t.Fatalf("first plan open after the third import: %s", refsOf(as))
	}
	// A plan that does not exist has no actions.
	if as, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: 999}); err != nil || len(as) != 0 {
		t.Fatalf("plan 999: %s, %v", refsOf(as), err)
	}
}

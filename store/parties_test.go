package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// unledCSV is another partnership's plan with no lead column: its actions
// import flagged "No lead".
const unledCSV = "Ref,Action,Timescale\n1a,Run a knife crime awareness week in secondary schools,March 2020\n1b,Map repeat victims of anti-social behaviour,December 2019\n"

// mustUnledPlan opens a database holding only unledCSV's plan, with the
// agencies SYP and DCST, the coordinator "UCOORD" by configuration and
// "USYP" a member of SYP.
func mustUnledPlan(t *testing.T) (*store.DB, *actionbot.Plan) {
	t.Helper()
	ctx := context.Background()
	db := storetest.MustOpenEmpty(t, storetest.NewClock(time.Date(2019, time.June, 3, 10, 0, 0, 0, storetest.London)))
	agencies := []*actionbot.Agency{{Code: "SYP", Name: "South Yorkshire Police"}, {Code: "DCST", Name: "Doncaster Community Safety Team"}}
	res, err := planfile.Read(strings.NewReader(unledCSV), actionbot.NewDirectory(agencies), planfile.Options{Name: "Doncaster CSP Plan 2019-20", Source: "doncaster.csv", Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	res.Import.Agencies = append(res.Import.Agencies, agencies...)
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		t.Fatal(err)
	}
	db.ConfiguredCoordinators = []string{"UCOORD"}
	if err := db.AddMember(ctx, "USYP", "SYP", "UCOORD"); err != nil {
		t.Fatal(err)
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return db, plan
}

func TestPartiesChangeOnlyForACoordinatorAndRefreshTheSnapshot(t *testing.T) {
	ctx := context.Background()
	syp := []actionbot.Party{{Agency: "SYP"}}
	tests := []struct {
		name       string
		change     func(db *store.DB, planID int64) error
		code       string
		lead       []actionbot.Party // 1a's afterwards
		partners   []actionbot.Party
		noLeadGone bool
		audit      string // the entry's summary
	}{
		{name: "a coordinator sets the lead and the no-lead flag goes",
			change: func(db *store.DB, id int64) error { _, _, err := db.SetLead(ctx, id, "1a", syp, "UCOORD"); return err },
			lead:   syp, noLeadGone: true, audit: "lead — → SYP"},
		{name: "a member of the agency is not a coordinator: refused inside the store, nothing changes",
			change: func(db *store.DB, id int64) error { _, _, err := db.SetLead(ctx, id, "1a", syp, "USYP"); return err },
			code:   actionbot.EUNAUTHORIZED},
		{name: "an agency the database does not have is refused",
			change: func(db *store.DB, id int64) error {
				_, _, err := db.SetLead(ctx, id, "1a", []actionbot.Party{{Agency: "NOPE"}}, "UCOORD")
				return err
			},
			code: actionbot.ENOTFOUND},
		{name: "All Partners cannot lead",
			change: func(db *store.DB, id int64) error {
				_, _, err := db.SetLead(ctx, id, "1a", []actionbot.Party{{Agency: actionbot.AllPartners}}, "UCOORD")
				return err
			},
			code: actionbot.EINVALID},
		{name: "a partner is added, with its role",
			change: func(db *store.DB, id int64) error {
				_, _, err := db.AddPartners(ctx, id, "1a", []actionbot.Party{{Agency: "DCST", Role: "data"}}, "UCOORD")
				return err
			},
			partners: []actionbot.Party{{Agency: "DCST", Role: "data"}}, audit: "partners — → DCST (data)"},
		{name: "removing an agency that is not a partner changes nothing",
			change: func(db *store.DB, id int64) error {
				_, _, err := db.RemovePartners(ctx, id, "1a", []string{"DCST"}, "UCOORD")
				return err
			},
			code: actionbot.EUNCHANGED},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, plan := mustUnledPlan(t)
			before, err := db.AuditCount(ctx, plan.ID, "1a")
			if err != nil {
				t.Fatal(err)
			}
			// The snapshot is loaded, its party index made, before the change.
			if _, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID, LedBy: []string{"SYP"}}); err != nil {
				t.Fatal(err)
			}
			err = tc.change(db, plan.ID)
			if actionbot.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("got %v, want code %q", err, tc.code)
			}
			a, err := db.FindAction(ctx, plan.ID, "1a")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Lead, tc.lead) || !slices.Equal(a.Partners, tc.partners) {
				t.Errorf("1a is led by %v with partners %v, want %v and %v", a.Lead, a.Partners, tc.lead, tc.partners)
			}
			if gone := !strings.HasPrefix(a.Review, "No lead"); gone != tc.noLeadGone {
				t.Errorf("1a's review flag is %q", a.Review)
			}
			after, err := db.AuditCount(ctx, plan.ID, "1a")
			if err != nil {
				t.Fatal(err)
			}
			if tc.code != "" {
				if after != before {
					t.Errorf("a refused change wrote %d audit entries", after-before)
				}
				return
			}
			hist, err := db.History(ctx, plan.ID, "1a", 1)
			if err != nil || len(hist) != 1 {
				t.Fatalf("history: %v %v", hist, err)
			}
			if got := hist[0].Summary(); !strings.HasPrefix(got, tc.audit) {
				t.Errorf("the audit entry says %q, want it to start %q", got, tc.audit)
			}
			// The snapshot's party index sees the change: lists by agency,
			// which reminders and "mine" use, find the action.
			f := actionbot.ActionFilter{PlanID: plan.ID, LedBy: []string{"SYP"}}
			if len(tc.partners) > 0 {
				f = actionbot.ActionFilter{PlanID: plan.ID, PartneredBy: []string{tc.partners[0].Agency}}
			}
			as, err := db.FindActions(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || as[0].Ref != "1a" {
				t.Errorf("the list by agency after the change is %q, want 1a", refsOf(as))
			}
		})
	}
}

package commands_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// sheffieldLeads is another partnership's plan, its leads as real plans
// write them: a composite with an acronym, ORG job titles, initials.
const sheffieldLeads = "Ref,Action,Lead Officer,Supported by,Timescale\n" +
	"1a,Train front-line staff,Sheffield City Council /South Yorkshire Police (SYP),All partners,March 2011\n" +
	"1b,Promote third-party reporting,\"- DMBC Hate Crime Lead\n- SYP Hate Crime Officer\",,March 2011\n" +
	"1c,Review the hate crime procedure,\"Operations Managers (SF), (CD)\",,March 2011\n"

// mustOtherPartnership is a handler on a database holding only
// sheffieldLeads, imported as the CLI imports a plan.
func mustOtherPartnership(t *testing.T) *fixture {
	t.Helper()
	clock := storetest.NewClock(June1)
	db := storetest.MustOpenEmpty(t, clock)
	db.ConfiguredCoordinators = []string{coord}
	known, err := db.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := planfile.Read(strings.NewReader(sheffieldLeads), actionbot.NewDirectory(known), planfile.Options{Source: "sheffield.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		t.Fatal(err)
	}
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, clock: clock, plan: p, h: &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}}
}

func TestACoordinatorAddsMembersByTheNamesThePlanWrites(t *testing.T) {
	f := mustOtherPartnership(t)
	tests := []struct {
		name, user, agency string
		added              string // the reply
		leads              string // an action "mine" then lists for them
	}{
		{"by the name the plan writes", "U1", "South Yorkshire Police", "Added @U1 to SYP (South Yorkshire Police)", "Train front-line staff"},
		{"by the acronym the plan brackets", "U2", "SYP", "Added @U2 to SYP (South Yorkshire Police)", "Promote third-party reporting"},
		{"by the acronym before a job title", "U3", "DMBC", "Added @U3 to DMBC (DMBC)", "Promote third-party reporting"},
		{"by the code made from a name", "U4", "SHEFFIELD-CITY-COUNCIL", "Added @U4 to SHEFFIELD-CITY-COUNCIL (Sheffield City Council)", "Train front-line staff"},
		{"by a name in lower case", "U5", "sheffield city council", "Added @U5 to SHEFFIELD-CITY-COUNCIL (Sheffield City Council)", "Train front-line staff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustContain(t, f.run(coord, "admin member add @"+tc.user+" "+tc.agency), tc.added)
			mustContain(t, f.run(tc.user, "mine"), tc.leads)
		})
	}
	mustContain(t, f.run(coord, "admin member add @U1 SYP"), "already a member of SYP")
	mustContain(t, f.run(coord, "admin member add @U6 CD"), "I don't know the agency \"CD\"")
	mustContain(t, f.run(coord, "admin member add @U6 All partners"), "not an agency anyone can join")
}

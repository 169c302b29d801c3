package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// otherLeads is a plan of another partnership, its leads as real plans
// write them: a composite with an acronym, ORG job titles, initials.
const otherLeads = "Ref,Action,Lead Officer,Supported by,Timescale\n" +
	"1a,Train front-line staff,Sheffield City Council /South Yorkshire Police (SYP),All partners,March 2011\n" +
	"1b,Promote third-party reporting,\"- DMBC Hate Crime Lead\n- SYP Hate Crime Officer\",Community Protection Service and Police,March 2011\n" +
	"1c,Review the hate crime procedure,\"Operations Managers (SF), (CD)\",,March 2011\n"

// mustOpenOtherPlan opens a database holding only otherLeads, read as an
// import reads a plan: against the agencies the database knows.
func mustOpenOtherPlan(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	db.ConfiguredCoordinators = []string{"UCOORD"}
	known, err := db.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := planfile.Read(strings.NewReader(otherLeads), actionbot.NewDirectory(known), planfile.Options{Source: "sheffield.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMembersJoinAnImportedAgencyByAnyOfItsNames(t *testing.T) {
	db := mustOpenOtherPlan(t)
	tests := []struct {
		name, user, agency, want string
	}{
		{"by the plan's own name", "U1", "South Yorkshire Police", "SYP"},
		{"by the acronym the plan gives in brackets", "U2", "SYP", "SYP"},
		{"by the name in another case and spacing", "U3", "south  yorkshire POLICE", "SYP"},
		{"by the acronym before a job title", "U4", "DMBC", "DMBC"},
		{"by the code made from a name", "U5", "SHEFFIELD-CITY-COUNCIL", "SHEFFIELD-CITY-COUNCIL"},
		{"by the name the code was made from", "U6", "Sheffield City Council", "SHEFFIELD-CITY-COUNCIL"},
		{"by one half of a composite lead", "U7", "Community Protection Service", "CPS"},
		{"by the other half", "U8", "Police", "POLICE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.AddMember(ctx, tc.user, tc.agency, "UCOORD"); err != nil {
				t.Fatalf("member add %s %q: %v", tc.user, tc.agency, err)
			}
			if got, _ := db.MemberAgencies(ctx, tc.user); !slices.Equal(got, []string{tc.want}) {
				t.Fatalf("%s is a member of %v, want %s", tc.user, got, tc.want)
			}
		})
	}
	// The same agency by another of its names is no second membership.
	if err := db.AddMember(ctx, "U1", "SYP", "UCOORD"); actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
		t.Fatalf("adding U1 to SYP again = %v, want EUNCHANGED", err)
	}
	if err := db.RemoveMember(ctx, "U1", "South Yorkshire Police", "UCOORD"); err != nil {
		t.Fatalf("member remove by name: %v", err)
	}
	if got, _ := db.MemberAgencies(ctx, "U1"); len(got) != 0 {
		t.Fatalf("U1 is still a member of %v", got)
	}
}

func TestNamesThatAreNoAgencyCannotBeJoined(t *testing.T) {
	db := mustOpenOtherPlan(t)
	tests := []struct {
		name, agency string
		want         string
	}{
		{"someone's initials", "CD", actionbot.ENOTFOUND},
		{"initials as the plan bracketed them", "(CD)", actionbot.ENOTFOUND},
		{"a whole composite lead", "Sheffield City Council /South Yorkshire Police", actionbot.ENOTFOUND},
		{"a job title", "Hate Crime Lead", actionbot.ENOTFOUND},
		{"All partners, which the plan names", "All partners", actionbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.AddMember(ctx, "U9", tc.agency, "UCOORD"); actionbot.ErrorCode(err) != tc.want {
				t.Fatalf("member add U9 %q = %v, want %s", tc.agency, err, tc.want)
			}
		})
	}
}

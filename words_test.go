package actionbot_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

func mustShippedDirectory(tb testing.TB) *actionbot.Directory {
	tb.Helper()
	as, err := planfile.Agencies()
	if err != nil {
		tb.Fatal(err)
	}
	return actionbot.NewDirectory(as)
}

// The shipped directory names agencies in the plan's own words, with the
// code commands take beside them.
func TestAgenciesAreLabelledInThePlansWordsWithTheirCode(t *testing.T) {
	dir := mustShippedDirectory(t)
	tests := []struct {
		party actionbot.Party
		want  string
	}{
		{actionbot.Party{Agency: "KMSCP"}, "Kent & Medway Safer Cameras partnership (KMSCP)"}, // 5.1
		{actionbot.Party{Agency: "KCC-YS"}, "Integrated Youth Service KCC (KCC-YS)"},          // 2.5
		{actionbot.Party{Agency: "KCC-CFE"}, "KCC Children & Families (KCC-CFE)"},             // 1.3
		{actionbot.Party{Agency: "HOUSING"}, "Housing"},
		{actionbot.Party{Agency: "LANDLORDS"}, "Landlords/Off License (LANDLORDS)"}, // 6.3
		{actionbot.Party{Agency: "POLICE", Role: "Training"}, "Kent Police (POLICE) – Training"},
		{actionbot.Party{Agency: "DVLA"}, "DVLA"},
		{actionbot.Party{Agency: "CRI"}, "CRI (substance misuse charity commissioned by KDAAT)"}, // the code is its first word
		{actionbot.Party{Agency: "PACT"}, "PACT Panels (Partners and Communities Together)"},
		{actionbot.Party{Agency: "TIER1"}, "Tier 1 workers (TIER1)"},
		{actionbot.Party{Agency: "NOSUCH"}, "NOSUCH"},
	}
	for _, tt := range tests {
		if got := dir.PartyLabel(tt.party); got != tt.want {
			t.Errorf("PartyLabel(%+v) = %q, want %q", tt.party, got, tt.want)
		}
	}
	// Every old name still finds its agency.
	for old, code := range map[string]string{"Safety Camera Partnership": "KMSCP", "KCC Youth Service": "KCC-YS",
		"KCC Children, Families and Education": "KCC-CFE", "Housing Associations": "HOUSING", "Off Licences": "LANDLORDS"} {
		if a, ok := dir.Lookup(old); !ok || a.Code != code {
			t.Errorf("Lookup(%q) = %v, want %s", old, a, code)
		}
	}
}

func TestKCCsFamilyIsKCCAndItsDepartments(t *testing.T) {
	dir := mustShippedDirectory(t)
	tests := []struct {
		code string
		want []string
	}{
		{"KCC", []string{"KCC", "HIGHWAYS", "KCC-CFE", "KCC-CS", "KCC-SS", "KCC-YS", "TS", "WARDENS", "YOS"}},
		{"kent county council", []string{"KCC", "HIGHWAYS", "KCC-CFE", "KCC-CS", "KCC-SS", "KCC-YS", "TS", "WARDENS", "YOS"}},
		{"SDC", []string{"SDC", "SDC-DS"}},
		{"CSP", []string{"CSP", "DATG", "EXEC"}}, // "CSP Domestic Abuse Task Group", "CSP Executive Group"
		{"KCC-YS", []string{"KCC-YS"}},
		{"POLICE", []string{"POLICE"}},
		{"ALL", []string{"ALL"}},
	}
	for _, tt := range tests {
		if got := dir.Family(tt.code); !slices.Equal(got, tt.want) {
			t.Errorf("Family(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

// The list words have one definition each; these are its edges.
func TestListWordsHaveOneDefinition(t *testing.T) {
	rules := actionbot.DefaultRAGRules()
	start := actionbot.D(2012, 4, 1)
	today := actionbot.D(2012, 6, 1)
	now := time.Date(2012, 6, 1, 10, 0, 0, 0, time.UTC)
	ongoing := actionbot.Deadline{Written: "Ongoing", Ongoing: true}
	june := actionbot.Deadline{Written: "15 June 2012", Due: actionbot.D(2012, 6, 15)}
	may := actionbot.Deadline{Written: "May 2012", Due: actionbot.D(2012, 5, 31)}
	tests := []struct {
		name                  string
		a                     actionbot.Action
		stale, overdue, due14 bool
	}{
		{"ongoing, never updated, plan 61 days old", actionbot.Action{Deadline: ongoing}, true, false, false},
		{"ongoing, updated 30 days ago", actionbot.Action{Deadline: ongoing, LastActivity: now.AddDate(0, 0, -30)}, true, false, false},
		{"ongoing, updated 29 days ago", actionbot.Action{Deadline: ongoing, LastActivity: now.AddDate(0, 0, -29)}, false, false, false},
		{"ongoing and done", actionbot.Action{Deadline: ongoing, Status: actionbot.StatusDone}, false, false, false},
		{"dated, never updated: chased by its deadline, not stale", actionbot.Action{Deadline: june}, false, false, true},
		{"due in 14 days", actionbot.Action{Deadline: june}, false, false, true},
		{"overdue", actionbot.Action{Deadline: may}, false, true, false},
		{"overdue but done", actionbot.Action{Deadline: may, Status: actionbot.StatusDone}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stale := rules.Stale(&tt.a, start, today, now)
			if stale != tt.stale || tt.a.Overdue(today) != tt.overdue || tt.a.DueWithin(today, actionbot.DueSoonDays) != tt.due14 {
				t.Fatalf("stale %v overdue %v due %v, want %v %v %v", stale, tt.a.Overdue(today), tt.a.DueWithin(today, actionbot.DueSoonDays), tt.stale, tt.overdue, tt.due14)
			}
			// A stale action is one the RAG rates amber for want of an update.
			if as := rules.Assess(&tt.a, start, today, now); stale && as.RAG != actionbot.RAGAmber {
				t.Fatalf("stale but rated %s", as.RAG)
			}
		})
	}
}

func TestRoleOfSaysLedOrPartner(t *testing.T) {
	a := &actionbot.Action{Lead: []actionbot.Party{{Agency: "POLICE"}}, Partners: []actionbot.Party{{Agency: "DVLA"}, {Agency: "ALL"}}}
	for agencies, want := range map[string]actionbot.Role{"POLICE": actionbot.RoleLead, "DVLA": actionbot.RolePartner, "CSU": actionbot.RolePartner} {
		if got := a.RoleOf([]string{agencies}); got != want {
			t.Errorf("RoleOf(%s) = %q, want %q", agencies, got, want)
		}
	}
	if got := a.RoleOf(nil); got != actionbot.RoleNone {
		t.Errorf("RoleOf(nobody) = %q", got)
	}
	if got := a.InvolvedParties([]string{"CSU"}); len(got) != 1 || got[0].Agency != "ALL" {
		t.Errorf("CSU is involved through %v, want All Partners", got)
	}
}

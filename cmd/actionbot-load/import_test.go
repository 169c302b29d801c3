package main

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestReviseEveryActionChangesEachActionsTextAndNothingElse(t *testing.T) {
	exported := "\ufeffid,priority,action,lead\n1.1,1,Reduce visual audits,CSU\n1.2,1,\"Hold a meeting, monthly\",SDC\n"
	got, err := reviseEveryAction([]byte(exported))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := strings.CutPrefix(string(got), "\ufeff")
	if !ok {
		t.Fatalf("the byte-order mark was lost: %q", got)
	}
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "priority", "action", "lead"},
		{"1.1", "1", "Reduce visual audits (revised)", "CSU"},
		{"1.2", "1", "Hold a meeting, monthly (revised)", "SDC"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %q, want %q", rows, want)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestReviseEveryActionRefusesAPlanWithoutActions(t *testing.T) {
	for _, tc := range []struct{ name, exported string }{
		{"no rows", ""},
		{"a header alone", "id,action\n"},
		{"no action column", "id,text\n1.1,Reduce\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := reviseEveryAction([]byte(tc.exported)); err == nil {
				t.Error("revised a plan it cannot revise; want an error")
			}
		})
	}
}

func TestImportSummaryPicksTheCounts(t *testing.T) {
	for _, tc := range []struct{ out, want string }{
		{"  7.1: text \"a\" → \"a (revised)\"\n0 added, 10000 updated, 0 unchanged.\n  7.2: text", "0 added, 10000 updated, 0 unchanged."},
		{"import: the file is not a plan\n", "import: the file is not a plan"},
	} {
		if got := importSummary(tc.out); got != tc.want {
			t.Errorf("importSummary(%q) = %q, want %q", tc.out, got, tc.want)
		}
	}
}

// The export ends with the plan's agencies, after a blank row: they are
// not actions, and a revised agency row is an action row the import
// refuses ("KCC Youth Offending Service" is not a priority number).
func TestReviseEveryActionLeavesTheAgenciesTableAlone(t *testing.T) {
	exported := "id,priority,action,lead\n1.1,1,Reduce visual audits,CSU\n,,,\nAgencies,,,\ncode,name,aliases,\nYOS,KCC Youth Offending Service,Youth Offending Service,\n"
	got, err := reviseEveryAction([]byte(exported))
	if err != nil {
		t.Fatal(err)
	}
	want := "id,priority,action,lead\n1.1,1,Reduce visual audits (revised),CSU\n,,,\nAgencies,,,\ncode,name,aliases,\nYOS,KCC Youth Offending Service,Youth Offending Service,\n"
	if string(got) != want {
		t.Errorf("revised:\n%s\nwant:\n%s", got, want)
	}
}

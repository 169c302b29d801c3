package main

import (
	"strings"
	"testing"
)

// sheffieldPlan is another partnership's plan with leads as real plans
// write them: a composite with an acronym in brackets, ORG job titles.
const sheffieldPlan = "Ref,Action,Lead Officer,Timescale\n" +
	"1a,Train front-line staff,Sheffield City Council /South Yorkshire Police (SYP),March 2011\n" +
	"1b,Promote third-party reporting,\"- DMBC Hate Crime Lead\n- SYP Hate Crime Officer\",March 2011\n"

func TestMemberAddTakesAnImportedAgencyByAnyOfItsNames(t *testing.T) {
	iv := newInvocation(t)
	if code, _, errs := iv.run(t, "", "import", mustWriteFile(t, "sheffield.csv", sheffieldPlan)); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"the name as one argument", []string{"U1", "South Yorkshire Police"}, "Added @U1 to SYP (South Yorkshire Police)"},
		{"the name as several words", []string{"U2", "South", "Yorkshire", "Police"}, "Added @U2 to SYP (South Yorkshire Police)"},
		{"the acronym the plan brackets", []string{"U3", "SYP"}, "Added @U3 to SYP (South Yorkshire Police)"},
		{"the acronym before a job title", []string{"U4", "DMBC"}, "Added @U4 to DMBC (DMBC)"},
		{"the code made from a name", []string{"U5", "SHEFFIELD-CITY-COUNCIL"}, "Added @U5 to SHEFFIELD-CITY-COUNCIL (Sheffield City Council)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := iv.run(t, "", append([]string{"member", "add"}, tc.args...)...)
			if code != 0 || !strings.Contains(out, tc.want) {
				t.Fatalf("member add %q: exit %d, out %q, err %q; want %q", tc.args, code, out, errs, tc.want)
			}
		})
	}
	_, out, _ := iv.run(t, "", "member", "list", "South Yorkshire Police")
	if !strings.Contains(out, "SYP\tSouth Yorkshire Police\tU1") || !strings.Contains(out, "U3") || strings.Contains(out, "U4") {
		t.Fatalf("member list South Yorkshire Police:\n%s", out)
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A published plan with no lead column (B&NES) is run from the command
// line: its agencies added, a lead set, a person registered by the
// agency's other name.
func TestCLIAddsTheAgenciesOfAPlanThatNamesNone(t *testing.T) {
	iv := newInvocation(t)
	plan := filepath.Join("..", "..", "testdata", "plans", "bathnes-prevent-action-plan-feb-2017.csv")
	if code, _, errs := iv.run(t, "", "import", plan); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // in standard output on success, standard error otherwise
		not  string // nowhere in either
	}{
		{"the plan has no agencies", []string{"agencies"}, 0, "No agencies yet: actionbot agency add", ""},
		{"a lead it does not know points to agency add", []string{"lead", "1", "Police"}, 1, `actionbot agency add "Police" --code CODE`, "import --agencies"},
		{"an agency added with its code and aliases", []string{"agency", "add", "South Yorkshire Police", "--code", "SYP", "--alias", "SY Police", "--alias", "Police"}, 0,
			"Added the agency South Yorkshire Police (SYP), also written “SY Police”, “Police”. Make it an action's lead with /action 1 lead SYP, and register its people with /action admin member add @person SYP (at the command line, actionbot lead 1 SYP and actionbot member add USER SYP).", ""},
		{"then the lead by its alias", []string{"lead", "1", "Police"}, 0, "1 is now led by South Yorkshire Police (SYP).", ""},
		{"an agency with a code made from its name, flags anywhere", []string{"agency", "add", "Bath and North East Somerset Council", "--alias", "B&NES"}, 0,
			"Added the agency Bath and North East Somerset Council (BNESC), also written “B&NES”", ""},
		{"its name again is refused, saying whose", []string{"agency", "add", "south yorkshire police"}, 1, "is already the name of South Yorkshire Police (SYP)", ""},
		{"a person is refused", []string{"agency", "add", "DCI Jonny Starbuck"}, 1, "not a person", ""},
		{"an alias", []string{"agency", "alias", "SYP", "South Yorks Police"}, 0, "South Yorkshire Police (SYP) now also answers to “South Yorks Police”", ""},
		{"the list", []string{"agency", "list"}, 0, "SYP\tSouth Yorkshire Police\taka Police; SY Police; South Yorks Police", ""},
		{"a member by the alias", []string{"member", "add", "U1", "South Yorks Police"}, 0, "Added @U1 to SYP (South Yorkshire Police)", ""},
		{"a member of an agency nobody has names the command line's list", []string{"member", "add", "U2", "Yorkshire Police"}, 1,
			`I don't know the agency "Yorkshire Police" — did you mean SYP (South Yorkshire Police)? /action agencies (at the command line, actionbot agencies) lists them all. An agency new to the partnership is added first: /action admin agency add "Yorkshire Police" (at the command line, actionbot agency add "Yorkshire Police").`, ""},
		{"add without a name", []string{"agency", "add"}, 2, "agency add NAME", ""},
		{"--code with list", []string{"agency", "list", "--code", "X"}, 2, "--code and --alias go with agency add", ""},
		{"alias without the other name", []string{"agency", "alias", "SYP"}, 2, "agency alias AGENCY ALIAS", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := iv.run(t, "", tc.args...)
			said := out
			if tc.code != 0 {
				said = errs
			}
			said = strings.ReplaceAll(said, "`", "")
			if code != tc.code || !strings.Contains(said, tc.out) || tc.not != "" && strings.Contains(out+errs, tc.not) {
				t.Errorf("actionbot %s: exit %d, want %d, and %q (not %q):\nstdout: %s\nstderr: %s", strings.Join(tc.args, " "), code, tc.code, tc.out, tc.not, out, errs)
			}
		})
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command line's lead and partners run the slash command's handler:
// a plan imported without a lead column gets one, recorded as the CLI's
// change, and shown by the console's card and history.
func TestCLISetsTheLeadAndPartnersOfAPlanWithoutALeadColumn(t *testing.T) {
	dir := t.TempDir()
	plan, agencies := filepath.Join(dir, "plan.csv"), filepath.Join(dir, "agencies.csv")
	for path, text := range map[string]string{
		plan:     "Ref,Action,Timescale\n1a,Run a knife crime awareness week in secondary schools,March 2020\n1b,Map repeat victims of anti-social behaviour,December 2019\n",
		agencies: "code,name,aliases\nSYP,South Yorkshire Police,Police\nCSU,Community Safety Unit,\nDCST,Doncaster Community Safety Team,\n",
	} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	iv := newInvocation(t)
	if code, _, errs := iv.run(t, "", "import", "--agencies", agencies, "--name", "Doncaster CSP Plan 2019-20", plan); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // in standard output on success, standard error otherwise
	}{
		{"the lead by name", []string{"lead", "1a", "South", "Yorkshire", "Police"}, 0, "1a is now led by South Yorkshire Police (SYP)."},
		{"the same lead again changes nothing and is no failure", []string{"lead", "1a", "SYP"}, 0, "1a is led by SYP already."},
		{"several leads, separated by ; in one argument", []string{"lead", "1b", "CSU; Police"}, 0, "1b is now led by Community Safety Unit (CSU), South Yorkshire Police (SYP)."},
		{"a partner added", []string{"partners", "1a", "add", "DCST"}, 0, "1a's partners are now Doncaster Community Safety Team (DCST)."},
		{"an unknown agency is refused, naming the nearest", []string{"lead", "1b", "Polise"}, 1, `I don't know the agency "Polise" — did you mean`},
		// Shaped like the plan's ids (1a, 1b), so read as an id it lacks.
		{"an id the plan does not have", []string{"lead", "9z", "SYP"}, 1, "No action 9z in Doncaster CSP Plan 2019-20"},
		{"lead without an agency", []string{"lead", "1a"}, 2, "lead takes the action and its lead agencies"},
		{"partners without add or remove", []string{"partners", "1a", "DCST", "SYP"}, 2, "Add or remove?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := iv.run(t, "", tc.args...)
			said := out
			if tc.code != 0 {
				said = errs
			}
			if code != tc.code || !strings.Contains(strings.ReplaceAll(said, "`", ""), tc.out) {
				t.Errorf("actionbot %s: exit %d, want %d, and %q:\nstdout: %s\nstderr: %s", strings.Join(tc.args, " "), code, tc.code, tc.out, out, errs)
			}
		})
	}
	_, console, _ := iv.run(t, "/action 1a\n/action 1a history\n/action 1b\n")
	for _, want := range []string{"Lead: South Yorkshire Police (SYP)", "Partners: Doncaster Community Safety Team (DCST)",
		"cli — lead — → SYP, review No lead → —", "cli — partners — → DCST",
		"Lead: Community Safety Unit (CSU), South Yorkshire Police (SYP)"} {
		if !strings.Contains(console, want) {
			t.Errorf("the console lacks %q:\n%s", want, console)
		}
	}
	if strings.Contains(console, "Needs review: No lead") {
		t.Errorf("the no-lead flag is still shown:\n%s", console)
	}
}

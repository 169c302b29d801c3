package commands_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// isUsage fails unless err is a usage error saying want.
func isUsage(t *testing.T, what string, err error, want string) {
	t.Helper()
	if actionbot.ErrorCode(err) != actionbot.EUSAGE || !strings.Contains(actionbot.ErrorMessage(err), want) {
		t.Errorf("%s: %v; want a usage error saying %q", what, err, want)
	}
}

// "member" and "coordinator" are read by /action admin's parser before
// any database is opened; only an add (or member email) may create one.
func TestParseMembership(t *testing.T) {
	for _, tc := range []struct {
		noun      string
		args      []string
		change    bool
		mayCreate bool
		err       string
	}{
		{"member", []string{"add", "U0123ABCD", "CSU"}, true, true, ""},
		{"member", []string{"remove", "U0123ABCD", "CSU"}, true, false, ""},
		{"member", []string{"email", "U0123ABCD", "a@b.org"}, true, true, ""},
		{"member", []string{"list"}, false, false, ""},
		{"member", []string{"list", "Kent", "Police"}, false, false, ""},
		{"member", nil, false, false, "member add USER AGENCY, member remove USER AGENCY, or member list [AGENCY]"},
		{"member", []string{"join", "-db", "x.db"}, false, false, "member add USER AGENCY"},
		{"member", []string{"add", "U0123ABCD", "CSU", "-db", "x.db"}, false, false, "the flag -db comes after the arguments, so it was not read and nothing was done: put flags first, as in actionbot member -db x.db add U0123ABCD CSU"},
		{"member", []string{"add", "U0123ABCD"}, false, false, "agency"},
		{"coordinator", []string{"add", "U0123ABCD"}, true, true, ""},
		{"coordinator", []string{"remove", "U0123ABCD"}, true, false, ""},
		{"coordinator", []string{"list"}, false, false, ""},
		{"coordinator", []string{"list", "all"}, false, false, "coordinator add USER, coordinator remove USER, or coordinator list"},
		{"coordinator", []string{"list", "--db=x.db"}, false, false, "put flags first, as in actionbot coordinator --db=x.db list"},
	} {
		what := tc.noun + " " + strings.Join(tc.args, " ")
		m, err := commands.ParseMembership(tc.noun, tc.args)
		if tc.err != "" {
			isUsage(t, what, err, tc.err)
			continue
		}
		if err != nil || (m.Change != nil) != tc.change || m.MayCreate != tc.mayCreate {
			t.Errorf("%s: %+v, %v; want a change %v, may create %v", what, m, err, tc.change, tc.mayCreate)
		}
	}
}

// "measure" reads its words as /action measure does; the date and the
// source may each be given once, as a flag or in the words.
func TestParseMeasure(t *testing.T) {
	cmd, err := commands.ParseMeasure([]string{"3", "1", "fell", "2.5%"}, "2012-09-30", "Kent Police figures")
	if err != nil || cmd.Measure.AsOf.String() != "2012-09-30" || cmd.Text != "Kent Police figures" {
		t.Fatalf("ParseMeasure: %+v, %v", cmd, err)
	}
	for _, tc := range []struct {
		pos          []string
		asOf, source string
		want         string
	}{
		{[]string{"3", "1"}, "", "", "measure takes the priority, the measure's number and the value"},
		{[]string{"three", "1", "-2.5"}, "", "", "measure takes the priority"},
		{[]string{"3", "1", "-2.5", "as", "of", "2012-09-30"}, "2012-09-30", "", "give the date once"},
		{[]string{"3", "1", "-2.5", "police", "figures"}, "", "Kent", "give the source once"},
		{[]string{"3", "1", "-2.5"}, "30/09/2012", "", `--as-of "30/09/2012" is not a date like 2012-10-01`},
	} {
		_, err := commands.ParseMeasure(tc.pos, tc.asOf, tc.source)
		isUsage(t, strings.Join(tc.pos, " "), err, tc.want)
	}
}

// "lead" and "partners" need their arguments before the database is
// opened, and words the handler reads as their own command.
func TestPartiesArguments(t *testing.T) {
	isUsage(t, "lead 1a", commands.CheckPartiesArgs(actionbot.VerbLead, []string{"1a"}), "lead takes the action and its lead agencies")
	isUsage(t, "partners 1a add", commands.CheckPartiesArgs(actionbot.VerbPartners, []string{"1a", "add"}), "partners takes the action, add or remove")
	if err := commands.CheckPartiesArgs(actionbot.VerbLead, []string{"1a", "CSU"}); err != nil {
		t.Errorf("lead 1a CSU: %v", err)
	}
	other := &commands.Command{Verb: actionbot.VerbPartners}
	if _, err := commands.PartiesCommand(actionbot.VerbLead, other, nil); err == nil {
		t.Error("a partners command taken for lead")
	}
	if _, err := commands.PartiesCommand(actionbot.VerbLead, nil, actionbot.Errorf(actionbot.ENOTFOUND, "no action 9z")); actionbot.ErrorMessage(err) != "no action 9z" || actionbot.ErrorCode(err) != actionbot.EUSAGE {
		t.Errorf("a parse error: %v", err)
	}
	if cmd, err := commands.PartiesCommand(actionbot.VerbLead, &commands.Command{Verb: actionbot.VerbLead}, nil); err != nil || cmd == nil {
		t.Errorf("lead: %v", err)
	}
}

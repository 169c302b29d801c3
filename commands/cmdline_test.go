package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
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
	isUsage(t, "lead 1a", commands.CheckVerbArgs(actionbot.VerbLead, []string{"1a"}), "lead takes the action and its lead agencies")
	isUsage(t, "partners 1a add", commands.CheckVerbArgs(actionbot.VerbPartners, []string{"1a", "add"}), "partners takes the action, add or remove")
	if err := commands.CheckVerbArgs(actionbot.VerbLead, []string{"1a", "CSU"}); err != nil {
		t.Errorf("lead 1a CSU: %v", err)
	}
	other := &commands.Command{Verb: actionbot.VerbPartners}
	if _, err := commands.VerbCommand(actionbot.VerbLead, other, nil); err == nil {
		t.Error("a partners command taken for lead")
	}
	if _, err := commands.VerbCommand(actionbot.VerbLead, nil, actionbot.Errorf(actionbot.ENOTFOUND, "no action 9z")); actionbot.ErrorMessage(err) != "no action 9z" || actionbot.ErrorCode(err) != actionbot.EUSAGE {
		t.Errorf("a parse error: %v", err)
	}
	if cmd, err := commands.VerbCommand(actionbot.VerbLead, &commands.Command{Verb: actionbot.VerbLead}, nil); err != nil || cmd == nil {
		t.Errorf("lead: %v", err)
	}
}

// "agency" takes add (with --code and --alias), alias or list; "agencies"
// alone is the list.
func TestParseAgency(t *testing.T) {
	add, err := commands.ParseAgency("agency", []string{"add", "South", "Yorkshire", "Police"}, "SYP", []string{"SY Police"})
	if err != nil || add.Op != commands.AdminAgencyAdd || add.Agency != "South Yorkshire Police" || add.Code != "SYP" || len(add.Aliases) != 1 {
		t.Errorf("agency add: %+v, %v", add, err)
	}
	for _, args := range [][]string{{"alias", "SYP", "South Yorks Police"}, {"alias", "add", "SYP", "SYP2"}} {
		if al, err := commands.ParseAgency("agency", args, "", nil); err != nil || al.Op != commands.AdminAgencyAlias || al.Agency != "SYP" {
			t.Errorf("agency %v: %+v, %v", args, al, err)
		}
	}
	if l, err := commands.ParseAgency("agencies", nil, "", nil); err != nil || l != nil {
		t.Errorf("agencies: %+v, %v", l, err)
	}
	for _, tc := range []struct {
		args    []string
		code    string
		aliases []string
		want    string
	}{
		{nil, "", nil, "agency add NAME [--code CODE]"},
		{[]string{"add"}, "", nil, "agency add NAME"},
		{[]string{"alias", "add", "SYP"}, "", nil, "agency add NAME"},
		{[]string{"list", "all"}, "", nil, "agency add NAME"},
		{[]string{"list"}, "SYP", nil, "--code and --alias go with agency add"},
		{[]string{"alias", "SYP", "X"}, "", []string{"Y"}, "--code and --alias go with agency add"},
	} {
		_, err := commands.ParseAgency("agency", tc.args, tc.code, tc.aliases)
		isUsage(t, "agency "+strings.Join(tc.args, " "), err, tc.want)
	}
}

// redact's -by is a member ID (without its @) or a short name.
func TestRedactActor(t *testing.T) {
	for by, want := range map[string]string{"cli": "cli", " @U0123ABCD ": "U0123ABCD", "Jo Bloggs": "Jo Bloggs"} {
		if got, err := commands.RedactActor(by); err != nil || got != want {
			t.Errorf("RedactActor(%q) = %q, %v; want %q", by, got, err, want)
		}
	}
	_, err := commands.RedactActor("  ")
	isUsage(t, "an empty -by", err, "-by names who redacts")
	_, err = commands.RedactActor("[Jo]")
	isUsage(t, "brackets", err, "without brackets")
	_, err = commands.RedactActor(strings.Repeat("x", 81))
	isUsage(t, "a long name", err, "without brackets")
	isUsage(t, "redact 5.2", commands.CheckVerbArgs(actionbot.VerbRedact, []string{"5.2"}), "redact takes the action and its note's number")
}

// The command line's lists, one a line, with a hint when there are none.
func TestCommandLineLists(t *testing.T) {
	dir := actionbot.NewDirectory([]*actionbot.Agency{{Code: "SYP", Name: "South Yorkshire Police", Aliases: []string{"SY Police"}}})
	var w strings.Builder
	commands.WriteAgencies(&w, dir)
	if w.String() != "SYP\tSouth Yorkshire Police\taka SY Police\n" {
		t.Errorf("agencies: %q", w.String())
	}
	w.Reset()
	commands.WriteAgencies(&w, actionbot.NewDirectory(nil))
	if !strings.HasPrefix(w.String(), "No agencies yet") {
		t.Errorf("no agencies: %q", w.String())
	}
	w.Reset()
	added := time.Date(2012, 4, 1, 23, 30, 0, 0, time.UTC) // 2 April in London
	commands.WriteMembers(&w, dir, []actionbot.Member{{UserID: "U0123ABCD", Agency: "SYP", AddedBy: "cli", AddedAt: added}}, storetest.London)
	if w.String() != "SYP\tSouth Yorkshire Police\tU0123ABCD\tadded by cli on 2012-04-02\n" {
		t.Errorf("members: %q", w.String())
	}
	w.Reset()
	commands.WriteCoordinators(&w, []string{"U1", "U2"}, []string{"U2"})
	if w.String() != "U1\nU2\t(ACTIONBOT_COORDINATORS)\n" {
		t.Errorf("coordinators: %q", w.String())
	}
}

// The lists read the store through the handler: members of one agency,
// named by any of its names, and the coordinators with the configured
// ones marked.
func TestCommandLineListsReadTheStore(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t, storetest.NewClock(June1))
	db.ConfiguredCoordinators = []string{"cli"}
	h := &commands.Handler{Store: db, Now: func() time.Time { return June1 }, Location: storetest.London}
	for _, m := range [][2]string{{"U0POLICE1", "POLICE"}, {"U0CSU1", "CSU"}} {
		if err := db.AddMember(ctx, m[0], m[1], "cli"); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddCoordinator(ctx, "U0COORD1", "cli"); err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	if err := h.ListMembers(ctx, &w, "Kent Police"); err != nil || !strings.Contains(w.String(), "U0POLICE1") || strings.Contains(w.String(), "U0CSU1") {
		t.Errorf("members of Kent Police: %q, %v", w.String(), err)
	}
	w.Reset()
	if err := h.ListMembers(ctx, &w, "Polise"); err == nil || !strings.Contains(err.Error(), "did you mean POLICE") {
		t.Errorf("an agency misspelt: %q, %v", w.String(), err)
	}
	w.Reset()
	if err := h.ListCoordinators(ctx, &w, []string{"cli"}); err != nil || !strings.Contains(w.String(), "U0COORD1\n") || !strings.Contains(w.String(), "cli\t(ACTIONBOT_COORDINATORS)\n") {
		t.Errorf("coordinators: %q, %v", w.String(), err)
	}
	w.Reset()
	if err := h.ListAgencies(ctx, &w); err != nil || !strings.Contains(w.String(), "POLICE\tKent Police") {
		t.Errorf("agencies: %q, %v", w.String(), err)
	}
}

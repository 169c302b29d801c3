package cli_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/cli"
)

var names = []string{"serve", "member", "members", "report", "remind", "help"}

func TestUnknownSuggestsTheNearestCommand(t *testing.T) {
	for _, tc := range []struct{ cmd, want string }{
		{"membr", `unknown command "membr": did you mean member?`},
		{"REPROT", `unknown command "REPROT": did you mean report?`},
		{"frobnicate", `unknown command "frobnicate"`},
	} {
		err := cli.Unknown(tc.cmd, names)
		if actionbot.ErrorCode(err) != actionbot.EUSAGE || actionbot.ErrorMessage(err) != tc.want {
			t.Errorf("Unknown(%q) = %v, want the usage error %q", tc.cmd, err, tc.want)
		}
	}
}

func TestDBFirstMovesTheCommandBeforeDB(t *testing.T) {
	for _, tc := range []struct{ args, want []string }{
		{[]string{"-db", "r.db", "member", "list"}, []string{"member", "-db", "r.db", "list"}},
		{[]string{"--db=r.db", "report"}, []string{"report", "--db=r.db"}},
		{[]string{"-db", "r.db"}, []string{"-db", "r.db"}},                                                 // serve
		{[]string{"-db", "r.db", "-as-of", "2012-11-05"}, []string{"-db", "r.db", "-as-of", "2012-11-05"}}, // serve's flags
		{[]string{"member", "-db", "r.db", "list"}, []string{"member", "-db", "r.db", "list"}},
	} {
		got, err := cli.DBFirst(tc.args, names)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("DBFirst(%q) = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
	for _, args := range [][]string{{"-db", "report"}, {"--db", "member", "-h"}} {
		_, err := cli.DBFirst(args, names)
		if actionbot.ErrorCode(err) != actionbot.EUSAGE || !strings.Contains(err.Error(), "-db takes the database's file before the command") {
			t.Errorf("DBFirst(%q) = %v, want the usage error", args, err)
		}
	}
}

func TestParseTakesFlagsAmongTheArguments(t *testing.T) {
	fs := cli.FlagSet("measure", "PRIORITY N VALUE", &bytes.Buffer{})
	asOf := fs.String("as-of", "", "")
	post := fs.Bool("post", false, "")
	args, err := cli.Parse(fs, []string{"3", "--as-of", "2012-09-30", "1", "-2", "--post", "-1.5%", "--", "-x"}, true)
	if err != nil || *asOf != "2012-09-30" || !*post || !slices.Equal(args, []string{"3", "1", "-2", "-1.5%", "-x"}) {
		t.Errorf("Parse = %q, %v (as-of %q, post %v)", args, err, *asOf, *post)
	}
	fs = cli.FlagSet("report", "", &bytes.Buffer{})
	fs.String("as-of", "", "")
	if args, err := cli.Parse(fs, []string{"--as-of", "2012-09-30", "extra"}, false); err != nil || !slices.Equal(args, []string{"extra"}) {
		t.Errorf("Parse without anywhere = %q, %v", args, err)
	}
	if _, err := cli.Parse(fs, []string{"-bogus"}, false); actionbot.ErrorCode(err) != actionbot.EUSAGE {
		t.Errorf("an unknown flag: %v, want a usage error", err)
	}
}

func TestHelpPrintsTheUsageAndFlags(t *testing.T) {
	var out bytes.Buffer
	fs := cli.FlagSet("backup", "FILE", &out)
	fs.String("db", "actionbot.db", "the database `file`")
	_, err := cli.Parse(fs, []string{"-h"}, false)
	if !errors.Is(err, flag.ErrHelp) || !strings.HasPrefix(out.String(), "Usage: actionbot backup FILE\n\nFlags:\n") || !strings.Contains(out.String(), "-db file") {
		t.Errorf("-h: %v, printed %q", err, out.String())
	}
	out.Reset()
	cli.WriteHelp(&out, "head\n", []cli.Command{{Name: "version", Summary: "the version"}, {Name: "backup", Synopsis: "FILE", Summary: "a copy"}}, "foot\n")
	if want := "head\n  actionbot version\n      the version\n  actionbot backup FILE\n      a copy\nfoot\n"; out.String() != want {
		t.Errorf("WriteHelp wrote %q, want %q", out.String(), want)
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
		says string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 0, ""},
		{actionbot.Errorf(actionbot.EUSAGE, "import takes one plan file"), 2, "actionbot: import takes one plan file\n\nRun actionbot help for the commands.\n"},
		{actionbot.Errorf(actionbot.ENOTFOUND, "No action 9.9."), 1, "actionbot: No action 9.9.\n"},
		{fmt.Errorf("open: %w", errors.New("disk full")), 1, "actionbot: open: disk full\n"},
	} {
		var stderr bytes.Buffer
		if code := cli.ExitCode(&stderr, tc.err); code != tc.code || stderr.String() != tc.says {
			t.Errorf("ExitCode(%v) = %d, %q; want %d, %q", tc.err, code, stderr.String(), tc.code, tc.says)
		}
	}
}

func TestArgumentCounts(t *testing.T) {
	if err := cli.NoArgs("report", []string{"2012-10-01"}); actionbot.ErrorCode(err) != actionbot.EUSAGE || !strings.Contains(err.Error(), `report takes flags only, not "2012-10-01"`) {
		t.Errorf("NoArgs: %v", err)
	}
	if err := cli.Exactly(1, "backup takes the file to write")("backup", nil); actionbot.ErrorCode(err) != actionbot.EUSAGE {
		t.Errorf("Exactly: %v", err)
	}
	if cli.NoArgs("report", nil) != nil || cli.Exactly(1, "")("backup", []string{"f"}) != nil {
		t.Error("a right count refused")
	}
}

func TestRedactingHidesAPasswordOnce(t *testing.T) {
	var out bytes.Buffer
	w := cli.Redacting(cli.Redacting(&out))
	fmt.Fprint(w, "opening postgres://bot:s3cret@db.example.org/actions\n")
	if strings.Contains(out.String(), "s3cret") || !strings.Contains(out.String(), "db.example.org") {
		t.Errorf("wrote %q", out.String())
	}
}

func TestSplitFindsTheCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		name string
		rest []string
	}{
		{nil, "serve", nil},
		{[]string{"-as-of", "2012-11-05"}, "serve", []string{"-as-of", "2012-11-05"}},
		{[]string{"-db", "r.db", "members", "list"}, "members", []string{"-db", "r.db", "list"}},
		{[]string{"--help"}, "help", []string{}},
		{[]string{"-h"}, "help", []string{}},
	} {
		name, rest, err := cli.Split(tc.args, names, "serve")
		if err != nil || name != tc.name || !slices.Equal(rest, tc.rest) {
			t.Errorf("Split(%q) = %q, %q, %v; want %q, %q", tc.args, name, rest, err, tc.name, tc.rest)
		}
	}
	if _, _, err := cli.Split([]string{"memebr", "list"}, names, "serve"); err == nil || !strings.Contains(err.Error(), "did you mean member?") {
		t.Errorf("a mistyped command: %v", err)
	}
}

func TestNamesAndAliases(t *testing.T) {
	cmds := []cli.Command{{Name: "member", Aliases: []string{"members"}}, {Name: "report"}}
	if got := cli.Names(cmds); !slices.Equal(got, []string{"member", "members", "report"}) {
		t.Errorf("Names = %q", got)
	}
	if !cmds[0].Is("members") || !cmds[0].Is("member") || cmds[0].Is("report") {
		t.Error("Is does not know a command by its name and aliases")
	}
}

func TestStringsTakesAFlagOnceForEachValue(t *testing.T) {
	fs := cli.FlagSet("agency", "", &bytes.Buffer{})
	var aliases cli.Strings
	fs.Var(&aliases, "alias", "")
	if _, err := cli.Parse(fs, []string{"--alias", "SY Police", "--alias", "Police"}, false); err != nil || !slices.Equal(aliases, cli.Strings{"SY Police", "Police"}) {
		t.Errorf("aliases %q, %v", aliases, err)
	}
	if aliases.String() != "SY Police; Police" {
		t.Errorf("String = %q", aliases.String())
	}
}

func TestIsTerminalIsFalseForAFileOrABuffer(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cli.IsTerminal(f) || cli.IsTerminal(&bytes.Buffer{}) {
		t.Error("a file or a buffer taken for a terminal")
	}
}

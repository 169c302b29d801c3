package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/planfile"
)

// invocation runs the command in-process with its own database and
// environment, as a fresh machine would.
type invocation struct {
	env map[string]string
}

func newInvocation(tb testing.TB) *invocation {
	tb.Helper()
	return &invocation{env: map[string]string{"ACTIONBOT_DB": filepath.Join(tb.TempDir(), "actionbot.db")}}
}

func (iv *invocation) run(tb testing.TB, stdin string, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return iv.env[k] })
	return code, out.String(), errb.String()
}

func TestConsoleAnswersFromTheShippedPlan(t *testing.T) {
	iv := newInvocation(t)
	code, out, errs := iv.run(t, "/action 5.2\n/action list\n/quit\n/action 7.6 history\n")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"actionbot console — Sevenoaks District CSP Action Plan 2012-13",
		"5.2 Promote Speedwatch across the District including training for volunteers",
		"Lead: Kent Police (POLICE) – Training, Community Safety Unit (CSU) – Promotion/Volunteers",
		"Partners: DVLA", "Deadline: March 2012 (31 Mar 2012)", "Funding: Existing resources",
		"Actions — 42 actions",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q", want)
		}
	}
	if strings.Contains(out, "History of 7.6") {
		t.Error("/quit did not stop the console")
	}
	if !strings.Contains(errs, "Created") {
		t.Errorf("first run should say it created the database: %q", errs)
	}
}

func TestConsoleSwitchesUser(t *testing.T) {
	iv := newInvocation(t)
	if code, _, errs := iv.run(t, "", "member", "add", "U0CSU", "Community Safety Unit"); code != 0 {
		t.Fatalf("member add: %s", errs)
	}
	_, out, _ := iv.run(t, strings.Join([]string{
		"/as U0OUT", "/action 5.2 done", "/as @U0CSU", "5.2 progress 60 started", "/as nobody",
	}, "\n"))
	for _, want := range []string{"You are now U0OUT.", "🔒 Only members of Kent Police (POLICE) and Community Safety Unit (CSU), the lead agencies,", "You are now U0CSU.", "✅ 5.2 is now at 60%.", "Give a Slack-style user ID"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
}

func TestConsolePrintsQueuedPosts(t *testing.T) {
	iv := newInvocation(t)
	_, out, _ := iv.run(t, "/action admin channel 5 #C0SPEED\n/action 5.2 progress 30\n")
	if !strings.Contains(out, "── posted to #C0SPEED (announce) ──") || !strings.Contains(out, "@UCONSOLE updated 5.2 to 30%") {
		t.Fatalf("the announcement was not shown:\n%s", out)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.csv"), filepath.Join(dir, "second.csv")
	iv := newInvocation(t)
	iv.mustInit(t) // export never creates a database
	if code, _, errs := iv.run(t, "", "export", "-o", first); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	b1, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	table, _, _ := bytes.Cut(b1, []byte("\r\n,,")) // the agencies follow, after a blank row
	if n := bytes.Count(table, []byte("\r\n")) + 1; n != 43 {
		t.Fatalf("export's table has %d lines, want 43", n)
	}
	lines := strings.Split(string(b1), "\r\n")
	var refs []string
	for _, l := range lines[1:43] {
		refs = append(refs, strings.SplitN(l, ",", 2)[0])
	}
	want := "1.1 1.2 1.3 1.4 1.5 1.6 1.7 2.1 2.2 2.3 2.4 2.5 2.6 3.1 3.2 3.3 3.4 3.5 4.1 4.2 4.3 4.5 4.6 4.7 5.1 5.2 5.3 5.4 5.5 5.6 5.7 6.1 6.2 6.3 6.4 6.5 7.1 7.2 7.3 7.4 7.5 7.6"
	if strings.Join(refs, " ") != want {
		t.Fatalf("export order %v", refs)
	}

	other := newInvocation(t)
	// The export carries the plan's name and period: no flags needed.
	code, out, errs := other.run(t, "", "import", first)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	if !strings.Contains(out, `Imported "Sevenoaks District CSP Action Plan 2012-13" (2012-04-01..2013-03-31)`) || !strings.Contains(out, "42 added") || strings.Contains(out, "Chose:") {
		t.Fatalf("import output:\n%s", out)
	}
	if code, _, errs := other.run(t, "", "export", "-o", second); code != 0 {
		t.Fatalf("second export: %s", errs)
	}
	b2, _ := os.ReadFile(second)
	if !bytes.Equal(b1, b2) {
		t.Fatalf("round trip differs")
	}
	// Importing the same file again changes nothing.
	_, out, _ = other.run(t, "", "import", first)
	if !strings.Contains(out, "0 added, 0 updated, 42 unchanged") {
		t.Fatalf("re-import:\n%s", out)
	}
}

func TestImportShippedCSVWarnsOfEarlyDeadlines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.csv")
	if err := os.WriteFile(path, planfile.SevenoaksCSV(), 0o600); err != nil {
		t.Fatal(err)
	}
	iv := newInvocation(t)
	code, out, errs := iv.run(t, "", "import", path)
	if code != 0 {
		t.Fatalf("import: %s", errs)
	}
	for _, want := range []string{
		`named the plan "plan" from the file's name`,
		"line 4, column by_when: action 1.3 is due March 2012 (31 Mar 2012), before the plan starts on 1 Apr 2012; kept as written",
		"action 2.3 is due June 2011", "action 7.6 is due January 2012",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	// The new database has no agencies: the plan's names create them, with
	// a warning each; here only the deadlines are counted.
	if n := strings.Count(out, "column by_when"); n != 8 {
		t.Errorf("%d warnings, want 8 (before the plan: 1.3, 2.3, 3.4, 5.2, 6.2, 7.6; after it: 2.6, 4.1)", n)
	}
}

func TestImportRejectsAnInvalidFileWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.csv")
	csv := "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,T,Fine,CSU,,March 2016,\n1.1,1,T,Dup,CSU,,soon,\n1.2,x,T,Bad,CSU,,soon,\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	iv := newInvocation(t)
	code, _, errs := iv.run(t, "", "import", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"2 problems; nothing was imported", "line 3, column id: action 1.1 appears twice", "line 4, column priority"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if _, out, _ := iv.run(t, "", "coordinator", "list"); !strings.Contains(out, "No coordinators") {
		t.Fatal(out)
	}
	// The database got no plan from the bad file: the shipped one was loaded on the next command.
	_, out, _ := iv.run(t, "/action 5.2\n")
	if !strings.Contains(out, "Speedwatch") {
		t.Fatal("expected the shipped plan, the bad import having added nothing")
	}
}

func TestCLIUsageAndErrors(t *testing.T) {
	iv := newInvocation(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"version"}, 0, "actionbot "},
		{[]string{"help"}, 0, "actionbot import"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"member", "add", "-db", "a.db", "U0LEAD1", "POLICE"}, 2, "put flags first, as in actionbot member -db a.db add U0LEAD1 POLICE"},
		{[]string{"member", "list", "--db=a.db"}, 2, "put flags first, as in actionbot member --db=a.db list"},
		{[]string{"-db", "report"}, 2, `-db takes the database's file before the command: actionbot -db FILE report`},
		{[]string{"--db", "member", "-h"}, 2, `-db takes the database's file before the command`},
		{[]string{"-db", "x.db", "membr", "list"}, 2, `unknown command "membr": did you mean member?`},
		{[]string{"reprot"}, 2, `unknown command "reprot": did you mean report?`},
		{[]string{"memebr", "list"}, 2, `unknown command "memebr": did you mean member?`},
		{[]string{"import"}, 2, "import takes one plan file, CSV or .xlsx"},
		{[]string{"import", "-h"}, 0, "-period"},
		{[]string{"import", "--period", "2015", "x.csv"}, 1, "A period is written start..end"},
		{[]string{"import", "/nonexistent.csv"}, 1, "There is no plan file at /nonexistent.csv; nothing was imported."},
		{[]string{"member", "add", "jo", "CSU"}, 2, `"jo" is not a person: mention them with @, or give their Slack member ID`}, // the slash command's words
		{[]string{"member", "add", "U12345678"}, 2, "Which agency? `/action admin member add @person CSU`"},
		{[]string{"member", "add", "U1", "Polise"}, 1, `I don't know the agency "Polise" — did you mean POLICE (Kent Police)?`},
		{[]string{"member"}, 2, "member add USER AGENCY"},
		{[]string{"coordinator", "add", "U1"}, 0, "U1 is now a coordinator"},
		{[]string{"coordinator", "add", "U1"}, 0, "already a coordinator"},
		{[]string{"export", "--format", "pdf"}, 2, `unknown export format "pdf"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := iv.run(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Fatalf("exit %d (want %d), output %q %q, want %q", code, tc.code, out, errs, tc.want)
			}
		})
	}
}

func TestBadConfiguration(t *testing.T) {
	iv := newInvocation(t)
	iv.env["ACTIONBOT_TZ"] = "GMT+1"
	if code, _, errs := iv.run(t, "", "export"); code != 1 || !strings.Contains(errs, "ACTIONBOT_TZ") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestEveryConfigurationProblemIsReportedAtOnce(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
	}{
		{"export", []string{`ACTIONBOT_TZ="GMT+1"`, `ACTIONBOT_SYNC="SOMETIMES"`, `ACTIONBOT_STALE_DAYS="lots"`}},
		{"serve", []string{`ACTIONBOT_TZ="GMT+1"`, `ACTIONBOT_SYNC="SOMETIMES"`, `ACTIONBOT_STALE_DAYS="lots"`, "SLACK_BOT_TOKEN does not look like a bot token"}},
	}
	for _, tc := range tests {
		t.Run(tc.cmd, func(t *testing.T) {
			iv := newInvocation(t)
			iv.env["ACTIONBOT_TZ"] = "GMT+1"
			iv.env["ACTIONBOT_SYNC"] = "sometimes"
			iv.env["ACTIONBOT_STALE_DAYS"] = "lots"
			iv.env["SLACK_BOT_TOKEN"], iv.env["SLACK_SIGNING_SECRET"] = "xoxp-1111-a-user-token", "not-a-real-secret"
			code, _, errs := iv.run(t, "", tc.cmd)
			if code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, errs)
			}
			for _, want := range tc.want {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			if strings.Contains(errs, "xoxp-1111") {
				t.Errorf("stderr shows the token:\n%s", errs)
			}
		})
	}
}

// The Slack settings are the business of the commands that talk to Slack:
// a mistyped token in the environment file the backup timer shares with
// serve does not stop the nightly backup, or an export.
func TestABrokenSlackSettingDoesNotStopABackupOrAnExport(t *testing.T) {
	iv := newInvocation(t)
	iv.mustInit(t)
	iv.env["SLACK_BOT_TOKEN"], iv.env["SLACK_SIGNING_SECRET"] = "xoxp-1111-a-user-token", "not-a-real-secret"
	dir := t.TempDir()
	for _, args := range [][]string{
		{"backup", filepath.Join(dir, "nightly.db")},
		{"export", "-o", filepath.Join(dir, "plan.csv")},
	} {
		if code, _, errs := iv.run(t, "", args...); code != 0 {
			t.Errorf("actionbot %v: exit %d: %s", args, code, errs)
		}
		if st, err := os.Stat(args[len(args)-1]); err != nil || st.Size() == 0 {
			t.Errorf("actionbot %v wrote nothing: %v", args, err)
		}
	}
	if code, _, errs := iv.run(t, "", "serve"); code != 1 || !strings.Contains(errs, "SLACK_BOT_TOKEN does not look like a bot token") {
		t.Errorf("serve: exit %d: %s", code, errs)
	}
}

func TestServeReportsEveryJobSettingProblemBeforeStarting(t *testing.T) {
	iv := newInvocation(t)
	iv.env["ACTIONBOT_REMIND_DAYS"] = "soon"
	iv.env["ACTIONBOT_QUARTERLY_CRON"] = "every quarter"
	code, out, errs := iv.run(t, "/action 5.2\n", "serve")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	for _, want := range []string{"ACTIONBOT_REMIND_DAYS", `ACTIONBOT_QUARTERLY_CRON="every quarter"`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(out, "Speedwatch") {
		t.Error("the console started despite the bad settings")
	}
}

func TestServeBoundsMemoryUnlessGOGCIsSet(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })
	for _, tc := range []struct {
		gogc string
		want int
	}{
		{"", serveGCPercent},
		{"100", 100}, // the operator's choice: serve leaves the collector alone
	} {
		debug.SetGCPercent(100)
		iv := newInvocation(t)
		iv.env["GOGC"] = tc.gogc
		if code, _, errs := iv.run(t, "/quit\n"); code != 0 {
			t.Fatalf("GOGC=%q: exit %d: %s", tc.gogc, code, errs)
		}
		if got := debug.SetGCPercent(100); got != tc.want {
			t.Errorf("GOGC=%q: serve left the collector at %d, want %d", tc.gogc, got, tc.want)
		}
	}
}

// Every row of the table declares flags its runner knows, prints its
// usage for -h, and is listed by help with its summary.
func TestEverySubcommandHasItsUsageAndIsListed(t *testing.T) {
	iv := newInvocation(t)
	_, help, _ := iv.run(t, "", "help")
	for _, sub := range subcommands() {
		code, _, errs := iv.run(t, "", sub.Name, "-h")
		if code != 0 || !strings.HasPrefix(errs, "Usage: actionbot "+sub.Name) {
			t.Errorf("%s -h: exit %d, %q", sub.Name, code, errs)
		}
		if !strings.Contains(help, "  actionbot "+strings.TrimSpace(sub.Name+" "+sub.Synopsis)+"\n      "+sub.Summary+"\n") {
			t.Errorf("help does not list %s:\n%s", sub.Name, help)
		}
	}
}

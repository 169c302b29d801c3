package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/internal/safefile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// mustInit creates the invocation's database, as an administrator would
// before anything that must find one.
func (iv *invocation) mustInit(tb testing.TB) {
	tb.Helper()
	if code, _, errs := iv.run(tb, "", "init"); code != 0 {
		tb.Fatalf("init: exit %d: %s", code, errs)
	}
}

// mustInitBinary creates the database named in env with the built binary,
// unless it exists (a file) or holds a plan (PostgreSQL): the bot on Slack
// never creates one, and init refuses one that is set up.
func mustInitBinary(tb testing.TB, bin string, env []string) {
	tb.Helper()
	for _, kv := range env {
		where, ok := strings.CutPrefix(kv, "ACTIONBOT_DB=")
		if !ok {
			continue
		}
		if !store.IsPostgresURL(where) {
			if _, err := os.Stat(where); err == nil {
				return
			}
			continue
		}
		db := store.NewDB(where)
		if err := db.Open(); err != nil {
			tb.Fatal(err)
		}
		_, err := db.CurrentPlan(context.Background())
		db.Close()
		if err == nil {
			return
		}
	}
	c := exec.Command(bin, "init")
	c.Env = env
	if out, err := c.CombinedOutput(); err != nil {
		tb.Fatalf("actionbot init: %v\n%s", err, out)
	}
}

// slackSettings is a Slack configuration (HTTP mode) for an invocation; serve
// stops before it reaches Slack when the database is refused.
var slackSettings = map[string]string{"SLACK_BOT_TOKEN": "xoxb-test-not-a-token", "SLACK_SIGNING_SECRET": "test-secret"}

// mustCreateNothing fails if dir holds anything.
func mustCreateNothing(tb testing.TB, dir string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		tb.Fatalf("created %v", names)
	}
}

func TestServeOnSlackNeverCreatesADatabase(t *testing.T) {
	for _, tc := range []struct{ name, rel string }{
		{"a missing file", "actionbot.db"},
		{"a mistyped directory", "srv/actionbot/dta/actionbot.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.rel)
			iv := &invocation{env: map[string]string{"ACTIONBOT_DB": path}}
			for k, v := range slackSettings {
				iv.env[k] = v
			}
			code, _, errs := iv.run(t, "", "serve")
			if code == 0 {
				t.Fatal("serve started without a database")
			}
			for _, want := range []string{"There is no database at " + path, "nothing was created", "actionbot init -db " + path, "actionbot import -db " + path} {
				if !strings.Contains(errs, want) {
					t.Errorf("the error lacks %q:\n%s", want, errs)
				}
			}
			mustCreateNothing(t, dir)
		})
	}
}

// An empty file (touched by mistake, truncated) is no database to serve
// on Slack: refused as a missing one, and left empty.
func TestServeOnSlackRefusesAnEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "actionbot.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	iv := &invocation{env: map[string]string{"ACTIONBOT_DB": path}}
	for k, v := range slackSettings {
		iv.env[k] = v
	}
	code, _, errs := iv.run(t, "", "serve")
	if code == 0 || !strings.Contains(errs, "The database file "+path+" is empty: it holds no plan, and nothing was created") ||
		!strings.Contains(errs, "actionbot init -db "+path) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if st, err := os.Stat(path); err != nil || st.Size() != 0 {
		t.Errorf("the empty file was written: %v %v", st, err)
	}
}

func TestTheConsoleStillCreatesItsDatabase(t *testing.T) {
	iv := newInvocation(t)
	code, _, errs := iv.run(t, "/quit\n")
	if code != 0 || !strings.Contains(errs, "Created ") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(iv.env["ACTIONBOT_DB"]); err != nil {
		t.Fatal(err)
	}
}

func TestCommandsThatReadNeverCreateADatabase(t *testing.T) {
	for _, args := range [][]string{
		{"digest", "--as-of", "2012-11-05T08:30"},
		{"digest", "--as-of", "2012-11-05T08:30", "--post"},
		{"remind", "--as-of", "2013-03-01"},
		{"remind", "--as-of", "2013-03-01", "--post"},
		{"report"},
		{"report", "-o", "board.md"},
		{"export"},
		{"export", "--format", "ics"},
		{"backup", "copy.db"},
		{"member", "list"},
		{"member", "list", "CSU"},
		{"coordinator", "list"},
		{"measure", "1", "1", "50"}, // a figure recorded into a stray new file would be lost
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "actionbot.db")
			iv := &invocation{env: map[string]string{"ACTIONBOT_DB": path}}
			for i, a := range args {
				if strings.HasSuffix(a, ".md") || strings.HasSuffix(a, ".db") {
					args[i] = filepath.Join(dir, a)
				}
			}
			code, _, errs := iv.run(t, "", args...)
			if code == 0 || !strings.Contains(errs, "actionbot init -db "+path) {
				t.Errorf("exit %d: %s", code, errs)
			}
			mustCreateNothing(t, dir)
		})
	}
}

// A mistyped directory (or an unmounted volume) is never created: only
// init and import make a new database's directory.
func TestOnlyInitAndImportCreateADatabasesDirectory(t *testing.T) {
	for _, args := range [][]string{
		{"member", "add", "U0CSU1", "CSU"},
		{"coordinator", "add", "U0COORD1"},
		{"serve"}, // the console
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "dta", "actionbot.db")
			iv := &invocation{env: map[string]string{"ACTIONBOT_DB": path}}
			code, _, errs := iv.run(t, "/action 5.2\n", args...)
			if code == 0 || !strings.Contains(errs, "the directory "+filepath.Join(dir, "dta")+" does not exist") ||
				!strings.Contains(errs, "actionbot init -db "+path) {
				t.Errorf("exit %d: %s", code, errs)
			}
			mustCreateNothing(t, dir)
		})
	}
	t.Run("init", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "dta", "actionbot.db")
		iv := &invocation{env: map[string]string{"ACTIONBOT_DB": path}}
		if code, _, errs := iv.run(t, "", "init"); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAFailedUsageCheckChangesNothing(t *testing.T) {
	for _, args := range [][]string{
		{"coordinator", "add", "UCOORD", "-db", "x.db"},
		{"coordinator", "add"},
		{"coordinator", "add", "not-a-user"},
		{"member", "add", "UCSU", "CSU", "-db", "x.db"},
		{"member", "add", "nobody", "CSU"},
		{"member", "frobnicate"},
		{"export", "--format", "pdf"},
		{"export", "extra"},
		{"serve", "extra"},
		{"init", "extra"},
		{"report", "extra"},
		{"import"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // the default database, ./actionbot.db, would land here
			iv := &invocation{env: map[string]string{}}
			code, _, errs := iv.run(t, "", args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (usage): %s", code, errs)
			}
			mustCreateNothing(t, dir)
		})
	}
}

// init sets a new database up once, and a second time refuses it, changing
// nothing: a file that exists, or a PostgreSQL database (which exists before
// init) that holds a plan.
func TestInitSetsUpOnceAndNeverOverwrites(t *testing.T) {
	tests := []struct {
		name       string
		where      func(t *testing.T) string
		first      func(where string) string // what the first init says on stderr, or ""
		refusal    string
		fileIsMine bool
	}{
		{"a file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "data", "actionbot.db") },
			func(where string) string { return "Created " + where }, "already exists, so nothing was changed", true},
		{"a PostgreSQL database", func(t *testing.T) string { return storetest.MustPostgres(t) },
			func(string) string { return "" }, "already holds Sevenoaks District CSP Action Plan 2012-13, so nothing was changed", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			where := tc.where(t)
			iv := &invocation{env: map[string]string{"ACTIONBOT_DB": where}}
			code, out, errs := iv.run(t, "", "init")
			if code != 0 || !strings.Contains(out, "holds Sevenoaks District CSP Action Plan 2012-13") || !strings.Contains(errs, tc.first(where)) {
				t.Fatalf("init: exit %d\n%s\n%s", code, out, errs)
			}
			if tc.fileIsMine {
				if st, err := os.Stat(where); err != nil || st.Mode().Perm() != 0o600 {
					t.Fatalf("the new database: %v, %v", st, err)
				}
			}
			if code, _, errs := iv.run(t, "", "member", "add", "U0CSU", "CSU"); code != 0 {
				t.Fatal(errs)
			}
			code, _, errs = iv.run(t, "", "init")
			if code != 1 || !strings.Contains(errs, tc.refusal) {
				t.Fatalf("a second init: exit %d: %s", code, errs)
			}
			if _, out, _ := iv.run(t, "", "member", "list"); !strings.Contains(out, "U0CSU") {
				t.Errorf("the membership is gone after a second init:\n%s", out)
			}
		})
	}
}

func TestAnExistingDatabaseIsTightenedAndNotCalledCreated(t *testing.T) {
	iv := newInvocation(t)
	iv.mustInit(t)
	path := iv.env["ACTIONBOT_DB"]
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := iv.run(t, "", "member", "list")
	if code != 0 {
		t.Fatal(errs)
	}
	if strings.Contains(errs, "Created "+path) || !strings.Contains(errs, "Made "+path+" (was 0644) readable by its owner only") {
		t.Errorf("stderr: %s", errs)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
}

func TestADamagedDatabaseStopsStartUp(t *testing.T) {
	for _, mode := range []struct {
		name string
		env  map[string]string
	}{{"on Slack", slackSettings}, {"in the console", nil}} {
		t.Run(mode.name, func(t *testing.T) {
			iv := newInvocation(t)
			iv.mustInit(t)
			for k, v := range mode.env {
				iv.env[k] = v
			}
			path := iv.env["ACTIONBOT_DB"]
			storetest.MustDamage(t, path)
			code, _, errs := iv.run(t, "/action 5.2\n", "serve")
			if code == 0 {
				t.Fatal("started on a damaged database")
			}
			for _, want := range []string{"The database " + path + " is damaged", "will not start", "actionbot backup", "Data, backups and what survives a crash"} {
				if !strings.Contains(errs, want) {
					t.Errorf("the error lacks %q:\n%s", want, errs)
				}
			}
		})
	}
}

func TestTheDailyIntegrityCheckFindsDamageWhileRunning(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, time.November, 5, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpenDamaged(t, clock)
	logs := &storetest.LogBuffer{}
	// The runner's daily job, at the day's instant.
	integrityCheck(db, slog.New(slog.NewTextHandler(logs, nil)))(context.Background(), clock.Now())
	var he *store.HealthError
	if err := db.Ping(context.Background()); !errors.As(err, &he) || he.What != "is damaged" {
		t.Fatalf("Ping after the daily check = %v, want the damage reported", err)
	}
	if !strings.Contains(logs.String(), "daily integrity check failed") {
		t.Errorf("the damage was not logged: %s", logs.String())
	}
}

func TestAnUnknownAgencyNeverGivesAnEmptySuggestionList(t *testing.T) {
	iv := newInvocation(t)
	iv.mustInit(t)
	for _, tc := range []struct{ agency, want string }{
		// The slash command's words, as /action admin member add says them.
		{"NOSUCH", `I don't know the agency "NOSUCH". `},
		{"KFR", `did you mean KFRS`},
	} {
		code, _, errs := iv.run(t, "", "member", "add", "U0X", tc.agency)
		if code != 1 || !strings.Contains(errs, tc.want) || strings.Contains(errs, "did you mean ?") {
			t.Errorf("member add U0X %s: exit %d: %s", tc.agency, code, errs)
		}
	}
}

// "Every command takes -db FILE": before the command too.
func TestDBFlagMayComeBeforeTheCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "before.db")
	iv := &invocation{env: map[string]string{}}
	for _, args := range [][]string{
		{"-db", path, "init"},
		{"-db", path, "member", "add", "U0CSU1", "CSU"},
	} {
		if code, _, errs := iv.run(t, "", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
	}
	code, out, errs := iv.run(t, "", "--db="+path, "member", "list")
	if code != 0 || !strings.Contains(out, "U0CSU1") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
}

// The advice given for a missing or empty database leads somewhere: init
// fills an empty file, and says what is wrong with anything else; a link
// to nothing is named as such, by every command.
func TestInitFillsAnEmptyFileAndNamesWhatElseIsThere(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	iv := &invocation{env: map[string]string{}}
	if code, out, errs := iv.run(t, "", "init", "-db", empty); code != 0 || !strings.Contains(out, "holds Sevenoaks District CSP Action Plan 2012-13") {
		t.Fatalf("init on an empty file: exit %d: %s %s", code, out, errs)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{text, "is not an actionbot database"},
		{dir, "is not a file (a directory, a device or a pipe)"},
		{empty, "already exists, so nothing was changed"},
	} {
		if code, _, errs := iv.run(t, "", "init", "-db", tc.path); code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("init -db %s: exit %d: %s", tc.path, code, errs)
		}
	}
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(filepath.Join(dir, "nowhere.db"), link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-db", link}, {"member", "-db", link, "add", "U0CSU1", "CSU"}, {"report", "-db", link}} {
		code, _, errs := iv.run(t, "", args...)
		if code == 0 || !strings.Contains(errs, "it is a link to "+filepath.Join(dir, "nowhere.db")+", which does not exist") {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
	if safefile.Exists(filepath.Join(dir, "nowhere.db")) {
		t.Error("a database was made through the link")
	}
}

// A membership change on a mistyped path leaves nothing behind: a removal
// never creates a database, and an addition that fails removes the one it
// made.
func TestAFailedOrPointlessMembershipChangeLeavesNoDatabase(t *testing.T) {
	for _, args := range [][]string{
		{"member", "remove", "U0CSU1", "CSU"},
		{"coordinator", "remove", "U0COORD1"},
		{"member", "add", "U0CSU1", "NOSUCHAGENCY"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			iv := &invocation{env: map[string]string{"ACTIONBOT_DB": filepath.Join(dir, "r1.db")}}
			if code, _, errs := iv.run(t, "", args...); code == 0 {
				t.Errorf("exit 0: %s", errs)
			}
			mustCreateNothing(t, dir)
		})
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The secrets every command must keep to itself: a PostgreSQL URL with a
// password in its user information and another in a parameter (nothing
// listens on port 1, so each command fails to connect and says so), a
// SQLite file named with a password parameter, and PGPASSWORD.
const (
	secretPostgresURL  = "postgres://bob:s3cret@127.0.0.1:1/db?password=s3cret2&sslmode=disable"
	redactedPostgres   = "postgres://bob:xxxxx@127.0.0.1:1/db"
	secretSQLiteFile   = "file.db?password=x"
	redactedSQLiteFile = "file.db?password=xxxxx"
	secretPGPASSWORD   = "pgs3cretenv"
)

// secretCommand is one invocation: args around the database, which is
// given as -db DB right after the command's name (or in ACTIONBOT_DB).
type secretCommand struct {
	name  string
	args  []string // DB stands for the database
	opens bool     // it reaches the database, so it names it
	env   map[string]string
}

func secretCommands() []secretCommand {
	db := func(args ...string) []string { return args }
	return []secretCommand{
		{name: "init", args: db("init", "-db", "DB"), opens: true},
		{name: "import", args: db("import", "-db", "DB", "PLAN"), opens: true},
		{name: "export", args: db("export", "-db", "DB"), opens: true},
		{name: "member list", args: db("member", "-db", "DB", "list"), opens: true},
		{name: "member add", args: db("member", "-db", "DB", "add", "U0LEAD1", "POLICE"), opens: true},
		{name: "member, flags after the arguments", args: db("member", "list", "-db", "DB")},
		{name: "coordinator list", args: db("coordinator", "-db", "DB", "list"), opens: true},
		{name: "coordinator add", args: db("coordinator", "-db", "DB", "add", "U0LEAD1"), opens: true},
		{name: "report", args: db("report", "-db", "DB"), opens: true},
		{name: "report, -db before the command", args: db("-db", "DB", "report"), opens: true},
		{name: "report -h", args: db("report", "-h")},
		{name: "digest", args: db("digest", "-db", "DB"), opens: true},
		{name: "digest --post", args: db("digest", "-db", "DB", "--post")},
		{name: "remind", args: db("remind", "-db", "DB"), opens: true},
		{name: "remind --post", args: db("remind", "-db", "DB", "--post")},
		{name: "backup", args: db("backup", "-db", "DB", "OUT"), opens: true},
		{name: "measure", args: db("measure", "-db", "DB", "1", "1", "5"), opens: true},
		{name: "lead", args: db("lead", "-db", "DB", "1.1", "POLICE"), opens: true},
		{name: "partners", args: db("partners", "-db", "DB", "1.1", "add", "POLICE"), opens: true},
		{name: "redact", args: db("redact", "-db", "DB", "5.2", "note", "1"), opens: true},
		{name: "agency list", args: db("agency", "-db", "DB", "list"), opens: true},
		{name: "agencies", args: db("agencies", "-db", "DB"), opens: true},
		{name: "copy-db from", args: db("copy-db", "--from", "DB", "--to", "OUT"), opens: true},
		{name: "copy-db to", args: db("copy-db", "--from", "OUT", "--to", "DB")},
		{name: "serve, the console", args: db("serve", "-db", "DB"), opens: true},
		{name: "serve on Slack", args: db("serve", "-db", "DB"), opens: true, env: slackSettings},
		{name: "serve's usage error", args: db("serve", "-db", "DB", "-bogus")},
		{name: "serve's usage error, database from the environment", args: db("serve", "-bogus")},
		{name: "the console's usage error", args: db("-db", "DB", "-bogus")},
		{name: "an unknown command", args: db("-db", "DB", "reprot")},
	}
}

// TestNoCommandPrintsADatabasePassword runs every command against a
// PostgreSQL URL with a password in both forms, and against a SQLite file
// named with a password parameter, given by -db and by ACTIONBOT_DB: no
// password reaches stdout or stderr, and what reaches the database still
// says which, with the password masked.
func TestNoCommandPrintsADatabasePassword(t *testing.T) {
	bin := e2eBuild(t)
	plan, err := filepath.Abs("../../testdata/plans")
	if err != nil {
		t.Fatal(err)
	}
	plans, _ := filepath.Glob(filepath.Join(plan, "*.csv"))
	if len(plans) == 0 {
		t.Fatal("no plan in testdata/plans")
	}
	leaks := regexp.MustCompile(`s3cret|` + secretPGPASSWORD + `|password=x\b|password=x$`)
	for _, database := range []struct{ name, url, shown string }{
		{"postgres", secretPostgresURL, redactedPostgres},
		{"sqlite", secretSQLiteFile, redactedSQLiteFile},
	} {
		for _, given := range []string{"-db", "ACTIONBOT_DB"} {
			for _, sc := range secretCommands() {
				t.Run(database.name+"/"+given+"/"+sc.name, func(t *testing.T) {
					t.Parallel()
					dir := t.TempDir()
					env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "PGPASSWORD=" + secretPGPASSWORD,
						"PGCONNECT_TIMEOUT=5", "ACTIONBOT_DB=" + database.url}
					for k, v := range sc.env {
						env = append(env, k+"="+v)
					}
					var args []string
					for i := 0; i < len(sc.args); i++ {
						switch a := sc.args[i]; {
						case a == "-db" && given == "ACTIONBOT_DB" && i+1 < len(sc.args) && sc.args[i+1] == "DB":
							i++ // from the environment
						case a == "DB":
							args = append(args, database.url)
						case a == "PLAN":
							args = append(args, plans[0])
						case a == "OUT":
							args = append(args, filepath.Join(dir, "out.db"))
						default:
							args = append(args, a)
						}
					}
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					defer cancel()
					c := exec.CommandContext(ctx, bin, args...)
					c.Env, c.Dir, c.Stdin = env, dir, strings.NewReader("")
					var stdout, stderr bytes.Buffer
					c.Stdout, c.Stderr = &stdout, &stderr
					runErr := c.Run()
					if ctx.Err() != nil {
						t.Fatalf("actionbot %q did not finish: %s", args, stderr.String())
					}
					for stream, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
						if m := leaks.FindString(out); m != "" {
							t.Errorf("actionbot %q (%v) printed %q on %s:\n%s", args, runErr, m, stream, out)
						}
					}
					// A SQLite file that opens (init creates it) need not be named.
					if sc.opens && (database.name == "postgres" || runErr != nil) && !strings.Contains(stdout.String()+stderr.String(), database.shown) {
						t.Errorf("actionbot %q (%v) does not say which database (%s):\nstdout: %s\nstderr: %s",
							args, runErr, database.shown, stdout.String(), stderr.String())
					}
				})
			}
		}
	}
}

// TestBackupNamesTheDatabaseWithoutItsPassword: the nightly backup unit's
// output goes to the journal.
func TestBackupNamesTheDatabaseWithoutItsPassword(t *testing.T) {
	dir := t.TempDir()
	iv := newInvocation(t)
	iv.env["ACTIONBOT_DB"] = filepath.Join(dir, secretSQLiteFile)
	if code, _, errs := iv.run(t, "", "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	code, out, errs := iv.run(t, "", "backup", filepath.Join(dir, "copy.db?password=x"))
	if code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errs)
	}
	want := "Backed up " + filepath.Join(dir, redactedSQLiteFile) + " to " + filepath.Join(dir, "copy.db?password=xxxxx") + "."
	if !strings.Contains(out, want) || regexp.MustCompile(`password=x\b`).MatchString(out+errs) {
		t.Errorf("backup printed %q %q, want %q and no password", out, errs, want)
	}
}

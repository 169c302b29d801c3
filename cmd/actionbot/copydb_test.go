package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// mustRun runs a command and fails the test unless it exits 0.
func (iv *invocation) mustRun(tb testing.TB, stdin string, args ...string) string {
	tb.Helper()
	code, out, errs := iv.run(tb, stdin, args...)
	if code != 0 {
		tb.Fatalf("actionbot %s: exit %d: %s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

var checksumLine = regexp.MustCompile(`(?m)^audit checksum of (.+): ([0-9a-f]{64})$`)

// mustChecksums returns the two audit checksums copy-db printed, and
// fails unless they are the same.
func mustChecksums(tb testing.TB, out string) string {
	tb.Helper()
	m := checksumLine.FindAllStringSubmatch(out, -1)
	if len(m) != 2 || m[0][2] != m[1][2] {
		tb.Fatalf("copy-db printed no matching pair of audit checksums:\n%s", out)
	}
	return m[0][2]
}

// mustUsedDatabase is a database file with the shipped plan, changes,
// a member and a channel.
func mustUsedDatabase(tb testing.TB) (*invocation, string) {
	tb.Helper()
	iv := newInvocation(tb)
	iv.mustRun(tb, "", "member", "add", "U0CSU", "Community Safety Unit")
	iv.mustRun(tb, strings.Join([]string{
		"/action admin channel 5 #C0SPEED", // as the console's coordinator: the blocking below is announced there
		"/as U0CSU", "/action 5.2 progress 60 two schemes running", "/action 5.2 note volunteers trained",
		"/action 5.2 blocked waiting for the speed guns",
	}, "\n"))
	return iv, iv.env["ACTIONBOT_DB"]
}

func mustExport(tb testing.TB, db string) []byte {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "export.csv")
	iv := &invocation{env: map[string]string{"ACTIONBOT_DB": db}}
	iv.mustRun(tb, "", "export", "-o", path)
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestCopyDBRoundTripThroughPostgreSQLGivesTheSameExportAndAudit(t *testing.T) {
	pg := storetest.MustPostgres(t)
	iv, start := mustUsedDatabase(t)
	end := filepath.Join(t.TempDir(), "end.db")

	there := iv.mustRun(t, "", "copy-db", "--from", start, "--to", pg)
	back := iv.mustRun(t, "", "copy-db", "--from", pg, "--to", end)
	if a, b := mustChecksums(t, there), mustChecksums(t, back); a != b {
		t.Fatalf("audit checksum %s at the start, %s after the round trip", a, b)
	}
	for _, want := range []string{"audit", "actions", "members", "outbox"} {
		if !regexp.MustCompile(`(?m)^\s*` + want + `\s+[1-9]\d*\s+[1-9]\d*\s*$`).MatchString(there) {
			t.Errorf("copy-db does not count %s on both sides:\n%s", want, there)
		}
	}
	before, after := mustExport(t, start), mustExport(t, end)
	if string(before) != string(after) {
		t.Fatalf("the export differs after the round trip:\n%s\n---- before:\n%s", after, before)
	}
	if !strings.Contains(string(after), ",blocked,60,") {
		t.Fatal("the export does not show the change made before the copy")
	}
}

func TestCopyDBRefusesBadRequestsAndChangesNothing(t *testing.T) {
	_, used := mustUsedDatabase(t)
	other, otherDB := mustUsedDatabase(t)
	before := mustExport(t, otherDB)
	missing := filepath.Join(t.TempDir(), "missing.db")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no target", []string{"copy-db", "--from", used}, 2, "copy-db takes --from DB and --to DB"},
		{"the same database", []string{"copy-db", "--from", used, "--to", used}, 2, "two different databases"},
		{"a missing source", []string{"copy-db", "--from", missing, "--to", filepath.Join(t.TempDir(), "new.db")}, 1, "nothing was created"},
		{"a target that holds a plan", []string{"copy-db", "--from", used, "--to", otherDB}, 1, "The target database is not empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := other.run(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Fatalf("exit %d, want %d with %q:\n%s%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("copying from a missing database created it")
	}
	if after := mustExport(t, otherDB); string(after) != string(before) {
		t.Error("a refused copy changed the target")
	}
}

func TestCopyDBIntoANewFileCopiesEverything(t *testing.T) {
	iv, start := mustUsedDatabase(t)
	end := filepath.Join(t.TempDir(), "copy.db")
	out := iv.mustRun(t, "", "copy-db", "--from", start, "--to", end)
	mustChecksums(t, out)
	if !strings.Contains(out, "every count and the audit checksum match") {
		t.Fatalf("copy-db did not say it checked the copy:\n%s", out)
	}
	if before, after := mustExport(t, start), mustExport(t, end); string(before) != string(after) {
		t.Fatalf("the copy's export differs:\n%s\n---- source:\n%s", after, before)
	}
}

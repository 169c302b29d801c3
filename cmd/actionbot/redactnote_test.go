package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The command line's redact runs the slash command's handler: the note is
// replaced by the marker naming -by and the day, in the history the
// console shows; bad input is refused, saying what to type.
func TestCLIRedactsANote(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "actionbot.db")
	day := time.Date(2026, time.December, 6, 19, 0, 0, 0, time.UTC)
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := runAt(context.Background(), func() time.Time { return day }, args, strings.NewReader(stdin), &out, &errb,
			func(k string) string {
				if k == "ACTIONBOT_DB" {
					return dbPath
				}
				return ""
			})
		return code, out.String(), errb.String()
	}
	if code, _, errs := run("/action 5.2 note volunteers briefed\n/action 5.2 note met the family at the end of the close\n"); code != 0 {
		t.Fatalf("console: exit %d: %s", code, errs)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // in standard output on success, standard error otherwise
	}{
		{"a note by number, as someone", []string{"redact", "5.2", "note", "2", "-by", "U0COORD"}, 0, "Note 2 of 5.2 is redacted: it now reads “[redacted by @U0COORD on 6 Dec 2026]”"},
		{"again: nothing to do, no failure", []string{"redact", "-db", dbPath, "5.2", "note", "2"}, 0, "Note 2 of 5.2 is already redacted"},
		{"a note it does not have", []string{"redact", "5.2", "note", "3"}, 1, "5.2 has 2 notes; say /action 5.2 history to see them"},
		{"no such action", []string{"redact", "4.4", "note", "1"}, 1, "No action 4.4"},
		{"no note number", []string{"redact", "5.2"}, 2, "redact takes the action and its note's number"},
		{"a number that is not one", []string{"redact", "5.2", "note", "two"}, 2, "/action 5.2 redact note N"},
		{"-by with brackets", []string{"redact", "5.2", "note", "1", "-by", "[x]"}, 2, "without brackets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run("", tc.args...)
			said := out
			if tc.code != 0 {
				said = errs
			}
			if code != tc.code || !strings.Contains(strings.ReplaceAll(said, "`", ""), tc.out) {
				t.Errorf("actionbot %s: exit %d, want %d, and %q:\nstdout: %s\nstderr: %s", strings.Join(tc.args, " "), code, tc.code, tc.out, out, errs)
			}
		})
	}
	_, hist, _ := run("/action 5.2 history\n")
	if strings.Contains(hist, "family") || !strings.Contains(hist, "“[redacted by @U0COORD on 6 Dec 2026]” · note 2") || !strings.Contains(hist, "“volunteers briefed” · note 1") {
		t.Errorf("history after:\n%s", hist)
	}
	if code, _, errs := run("", "redact", "-db", filepath.Join(t.TempDir(), "missing.db"), "5.2", "note", "1"); code == 0 || !strings.Contains(errs, "missing.db") {
		t.Errorf("a missing database: exit %d: %s", code, errs)
	}
}

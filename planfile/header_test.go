package planfile_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// A file the reader finds no header in says what header it needs: any
// header naming the action column and one more, in the plan's own words,
// with the template's as one option, never the template's alone.
func TestAFileWithNoHeaderSaysAHeaderNamingTheActionColumnIsNeeded(t *testing.T) {
	for _, tc := range []struct {
		name string
		file func(t *testing.T) ([]byte, string)
	}{
		{"an empty file", func(*testing.T) ([]byte, string) { return nil, "" }},
		{"a file of blank lines", func(*testing.T) ([]byte, string) { return []byte("\n \n"), "" }},
		{"a file of title rows", func(*testing.T) ([]byte, string) {
			return []byte("Westshire Plan 2019-20,,\nOutcome 1 - Fewer knives,,\n"), ""
		}},
		{"a header with no action column", func(*testing.T) ([]byte, string) { return []byte("Ref,Lead,Timescale\n1,CSU,March 2020\n"), "" }},
		{"an empty sheet", func(t *testing.T) ([]byte, string) { return mustXLSX(t, "Plan", nil), "plan.xlsx" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, source := tc.file(t)
			_, err := planfile.ReadFile(bytes.NewReader(data), "", actionbot.NewDirectory(nil), planfile.Options{Source: source})
			if err == nil {
				t.Fatal("read with no header")
			}
			msg := err.Error()
			for _, want := range []string{"header row naming at least the action column", "Action, Lead, Timescale", "or the template's"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%q lacks %q", msg, want)
				}
			}
		})
	}
}

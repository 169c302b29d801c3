package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// reportCLI runs the command in-process against a database of its own,
// which the test first fills as partners would have during the year.
type reportCLI struct {
	dir string
	db  string
	env map[string]string
}

func newReportCLI(tb testing.TB) *reportCLI {
	tb.Helper()
	dir := tb.TempDir()
	c := &reportCLI{dir: dir, db: filepath.Join(dir, "actionbot.db")}
	c.env = map[string]string{"ACTIONBOT_DB": c.db, "ACTIONBOT_TZ": "Europe/London"}
	return c
}

func (c *reportCLI) run(tb testing.TB, env map[string]string, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return c.env[k]
	}
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, getenv)
	return code, out.String(), errb.String()
}

// mustStore opens the command's database directly, with the shipped plan
// and the clock at the given instant, and closes it when fn returns.
func (c *reportCLI) mustStore(tb testing.TB, clock *storetest.Clock, fn func(db *store.DB, plan *actionbot.Plan)) {
	tb.Helper()
	db := store.NewDB(c.db)
	db.Now = clock.Now
	// The tests change actions through the store as the handler does after
	// its checks: ULEAD stands for the people it lets through.
	db.ConfiguredCoordinators = []string{"ULEAD"}
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := planfile.EnsurePlan(ctx, db); err != nil {
		tb.Fatal(err)
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	fn(db, plan)
}

// mustUpdate applies the partners' updates of the first half of 2012-13.
func (c *reportCLI) mustUpdate(tb testing.TB) {
	tb.Helper()
	clock := storetest.NewClock(storetest.PlanStart)
	c.mustStore(tb, clock, func(db *store.DB, plan *actionbot.Plan) {
		for _, u := range []struct {
			at  time.Time
			ref string
			op  actionbot.Op
		}{
			{time.Date(2012, time.May, 10, 14, 0, 0, 0, storetest.London), "6.1", actionbot.Op{Verb: actionbot.VerbDone, Note: "IBA refresher delivered"}},
			{time.Date(2012, time.June, 1, 11, 0, 0, 0, storetest.London), "6.5", actionbot.Op{Verb: actionbot.VerbBlocked, Note: "Awaiting KDAAT decision on funding"}},
			{time.Date(2012, time.September, 20, 10, 0, 0, 0, storetest.London), "1.1", actionbot.Op{Verb: actionbot.VerbNote, Note: "Risk matrix in use at daily tasking"}},
			{time.Date(2012, time.September, 24, 10, 0, 0, 0, storetest.London), "1.5", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60, Note: "Two Community Payback projects done"}},
		} {
			clock.Set(u.at)
			if _, _, err := db.UpdateAction(context.Background(), plan.ID, u.ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
				return a.Apply(u.op, "ULEAD", u.at)
			}, nil); err != nil {
				tb.Fatalf("%s %s: %v", u.ref, u.op.Verb, err)
			}
		}
	})
}

func TestReportCommand(t *testing.T) {
	c := newReportCLI(t)
	c.mustUpdate(t)
	htmlFile := filepath.Join(c.dir, "board-2012-q2.html")
	csvFile := filepath.Join(c.dir, "board.txt")
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		file     string // written with -o
		fileHead string
	}{
		{"markdown by default", nil, []string{"report", "--as-of", "2012-10-01"}, 0,
			[]string{"# Sevenoaks District CSP Action Plan 2012-13 — monitoring report\n", "**As of 1 Oct 2012, for the partnership board.**",
				"| 6. Substance Misuse | 5 | 3 | 1 | 0 | 1 | 20% | 85% | not met |",
				"| 1.1 | Implement risk assessments", "**Green** — ongoing, updated 11 days ago | 20 Sep 2012: Risk matrix in use at daily tasking |",
				"| 1.5 | Maximise the use of the Probation Service's Community Payback scheme. At least 4 initiatives to take place across the District | Community Safety Unit | March 2013 (31 Mar 2013) | Open | 60% | **Green** — on schedule |"},
			nil, "", ""},
		{"a shorter staleness from the environment", map[string]string{"ACTIONBOT_STALE_DAYS": "7"}, []string{"report", "-as-of=2012-10-01"}, 0,
			[]string{"**Amber** — ongoing, no update for 11 days | 20 Sep 2012"}, nil, "", ""},
		{"CSV", nil, []string{"report", "--as-of", "2012-10-01", "--format", "csv"}, 0,
			[]string{"\ufeffPlan,As of,Priority,Priority title,Priority actions,Priority on target,Priority on target %,Priority target %,Priority target result,Ref,",
				"\r\nSevenoaks District CSP Action Plan 2012-13,2012-10-01,6,Substance Misuse,5,1,20,85,not met,6.1,"}, nil, "", ""},
		{"the measures as a CSV table", nil, []string{"report", "--as-of", "2012-10-01", "--format", "csv", "--measures"}, 0,
			[]string{"\ufeffPlan,As of,Priority,Priority title,Measure,Text,Kind,Target,Target %,Actual,Value,Figure as of,Source,Result\r\n",
				"\r\nSevenoaks District CSP Action Plan 2012-13,2012-10-01,6,Substance Misuse,1,Substance Misuse Action Plan to be 85% on target,on_target,85% on target,85,20%,20,2012-10-01,worked out from the actions,not met\r\n"}, nil, "", ""},
		{"the measures table is CSV only", nil, []string{"report", "--measures"}, 2, nil, []string{"--measures writes the measures as a CSV table: add --format csv"}, "", ""},
		{"HTML to a file, the format from its name", nil, []string{"report", "--as-of", "2012-10-01", "-o", htmlFile}, 0,
			nil, []string{"Wrote the report as of 1 Oct 2012 to " + htmlFile + "."}, htmlFile, "<!DOCTYPE html>"},
		{"an explicit format beats the file's name", nil, []string{"report", "--as-of", "2012-10-01", "-format", "csv", "-o", csvFile}, 0,
			nil, nil, csvFile, "\ufeffPlan,As of,Priority,"},
		{"an unknown format", nil, []string{"report", "--format", "docx"}, 2, nil, []string{`unknown report format "docx": use md, csv, html or pdf`}, "", ""},
		{"a PDF needs a file", nil, []string{"report", "--format", "pdf"}, 2, nil, []string{"--format pdf writes a file: add -o paper.pdf"}, "", ""},
		{"a quarter", nil, []string{"report", "--quarter", "2012-Q3"}, 0,
			[]string{"# Sevenoaks District CSP Action Plan 2012-13 — quarterly monitoring report, Q3 2012-13 (October to December 2012)\n",
				"**As of 31 Dec 2012, for the partnership board.**", "## This quarter: Q3 2012-13 (October to December 2012)"}, nil, "", ""},
		{"a quarter and a date", nil, []string{"report", "--quarter", "2012-Q3", "--as-of", "2012-10-01"}, 2, nil, []string{"give --as-of or --quarter, not both"}, "", ""},
		{"a quarter not written as one", nil, []string{"report", "--quarter", "autumn"}, 1, nil, []string{`"autumn" is not a quarter: write the financial year's first year and the quarter, for example 2012-Q3`}, "", ""},
		{"a quarter outside the plan", nil, []string{"report", "--quarter", "2014-Q1"}, 1, nil, []string{"Q1 2014-15 (April to June 2014) is outside Sevenoaks District CSP Action Plan 2012-13"}, "", ""},
		{"a date written the UK way", nil, []string{"report", "--as-of", "01/10/2012"}, 2, nil, []string{`--as-of "01/10/2012" is not a date like 2012-10-01`}, "", ""},
		{"a date to come", nil, []string{"report", "--as-of", "2999-01-01"}, 1, nil, []string{"1 Jan 2999 is in the future"}, "", ""},
		{"a stray argument", nil, []string{"report", "2012-10-01"}, 2, nil, []string{`report takes flags only, not "2012-10-01"`}, "", ""},
		{"a bad threshold", map[string]string{"ACTIONBOT_RAG_BEHIND_RATIO": "0"}, []string{"report"}, 1, nil, []string{"ACTIONBOT_RAG_BEHIND_RATIO is 0"}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := c.run(t, tc.env, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if tc.file != "" {
				if out != "" {
					t.Errorf("with -o nothing goes to stdout; got %d bytes", len(out))
				}
				b, err := os.ReadFile(tc.file)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(string(b), tc.fileHead) {
					t.Errorf("%s starts %q, want %q", tc.file, string(b[:min(len(b), 60)]), tc.fileHead)
				}
			}
		})
	}
}

func TestMeasureCommand(t *testing.T) {
	c := newReportCLI(t)
	c.mustUpdate(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"a fall of 2.5% against a reduction of 2%", []string{"measure", "3", "1", "-2.5", "--as-of", "2012-09-30", "--source", "Kent Police figures to September"}, 0,
			[]string{`Recorded fell 2.5% as of 30 Sep 2012 for measure 3.1 (“Number of dwelling & non dwelling (shed, commercial/retail premises) burglaries to be reduced by 2%”): target 2% reduction — met.`}, ""},
		{"flags first, and a rise in words", []string{"measure", "--as-of", "2012-09-30", "--source=Kent Police figures to September", "0", "1", "rose", "0.8%"}, 0,
			[]string{"Recorded rose 0.8% as of 30 Sep 2012 for measure 0.1", "target 1% reduction — not met."}, ""},
		{"an earlier figure after a later one", []string{"measure", "3", "1", "fell", "3%", "--as-of", "2012-06-30", "--source", "Kent Police figures to June"}, 0,
			[]string{"Recorded fell 3% as of 30 Jun 2012 for measure 3.1",
				"A later figure, fell 2.5% as of 30 Sep 2012, stays the latest: reports as of 30 Sep 2012 or after show that one."}, ""},
		{"yes", []string{"measure", "5", "1", "yes", "--as-of", "2012-09-30"}, 0, []string{"Recorded yes as of 30 Sep 2012 for measure 5.1", "target achieved — met."}, ""},
		{"an on-target measure", []string{"measure", "6", "1", "90"}, 1, nil, "This measure is worked out from the actions themselves"},
		{"no such measure", []string{"measure", "9", "1", "5", "--as-of", "2012-09-30"}, 1, nil, "Priority 9 has no measure 1. `/action report priority 9` lists its measures."},
		{"a rate out of range", []string{"measure", "1", "2", "140", "--as-of", "2012-09-30"}, 1, nil, "This measure is a rate from 0% to 100%; 140 is outside that."},
		{"a fall of 1.5% is short of a reduction of 2%", []string{"measure", "3", "2", "-1.5", "--as-of", "2012-09-30"}, 0, []string{"Recorded fell 1.5% as of 30 Sep 2012 for measure 3.2", "target 2% reduction — not met."}, ""},
		{"a rise is not a reduction", []string{"measure", "7", "1", "+1.5", "--as-of", "2012-09-30"}, 0, []string{"Recorded rose 1.5% as of 30 Sep 2012 for measure 7.1", "target 2% reduction — not met."}, ""},
		{"a figure with no direction", []string{"measure", "3", "1", "2.5", "--as-of", "2012-09-30"}, 1, nil, `Did it fall or rise by 2.5? Give a change with its direction: "-2.5%" or "fell 2.5%" for a fall`},
		{"no value", []string{"measure", "3", "1"}, 2, nil, "measure takes the priority, the measure's number and the value"},
		{"an unknown flag", []string{"measure", "3", "1", "2", "--note", "x"}, 2, nil, "flag provided but not defined: -note"},
		{"before the plan", []string{"measure", "3", "1", "2", "--as-of", "2012-03-31"}, 1, nil, "A figure as of 31 Mar 2012 is before Sevenoaks District CSP Action Plan 2012-13 starts (1 Apr 2012)"},
		{"in the future", []string{"measure", "3", "1", "2", "--as-of", "2999-01-01"}, 1, nil, "A figure as of 1 Jan 2999 is in the future"},
		{"personal data in the source", []string{"measure", "3", "1", "2", "--as-of", "2012-09-30", "--source", "ask jo.bloggs@example.org"}, 1, nil,
			"personal data (an e-mail address), so I haven't saved it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := c.run(t, nil, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errs, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errs)
			}
		})
	}

	// The board report shows the latest figure as of its date.
	reports := []struct {
		asOf string
		row  string
	}{
		{"2012-07-01", "| 1 | Number of dwelling & non dwelling (shed, commercial/retail premises) burglaries to be reduced by 2% | 2% reduction | fell 3% | 30 Jun 2012 | Kent Police figures to June | **met** |"},
		{"2012-10-01", "| 1 | Number of dwelling & non dwelling (shed, commercial/retail premises) burglaries to be reduced by 2% | 2% reduction | fell 2.5% | 30 Sep 2012 | Kent Police figures to September | **met** |"},
		{"2012-06-29", "| 1 | Number of dwelling & non dwelling (shed, commercial/retail premises) burglaries to be reduced by 2% | 2% reduction | — | — | — | **no data** |"},
	}
	for _, r := range reports {
		t.Run("report as of "+r.asOf, func(t *testing.T) {
			code, out, errs := c.run(t, nil, "report", "--as-of", r.asOf)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if !strings.Contains(out, r.row) {
				t.Errorf("the report lacks %q", r.row)
			}
		})
	}

	// Recorded by "cli", each in the admin log.
	c.mustStore(t, storetest.NewClock(time.Now()), func(db *store.DB, plan *actionbot.Plan) {
		log, err := db.AdminLog(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			if e.What == "measure" {
				got = append(got, e.Actor+" "+e.Subject+" "+e.Detail)
			}
		}
		want := []string{"cli 3.1 2.5 as of 2012-09-30", "cli 0.1 -0.8 as of 2012-09-30", "cli 3.1 3 as of 2012-06-30", "cli 5.1 1 as of 2012-09-30", "cli 3.2 1.5 as of 2012-09-30", "cli 7.1 -1.5 as of 2012-09-30"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("admin log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

var uidLine = regexp.MustCompile(`(?m)^UID:(.*)\r$`)

func TestExportICS(t *testing.T) {
	c := newReportCLI(t)
	c.mustUpdate(t)
	file := filepath.Join(c.dir, "deadlines.ics")
	code, _, errs := c.run(t, nil, "export", "--format", "ics", "-o", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := c.run(t, nil, "export", "--format", "ics")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	uids := func(cal string) []string {
		var out []string
		for _, m := range uidLine.FindAllStringSubmatch(cal, -1) {
			out = append(out, m[1])
		}
		sort.Strings(out)
		return out
	}
	first, second := uids(string(b)), uids(out)
	if len(first) != 35 || strings.Join(first, ",") != strings.Join(second, ",") {
		t.Errorf("two exports have %d and %d UIDs, not the same 35", len(first), len(second))
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"starts as a calendar", strings.HasPrefix(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")},
		{"ends as one", strings.HasSuffix(out, "END:VCALENDAR\r\n")},
		{"CRLF line endings only", strings.Count(out, "\n") == strings.Count(out, "\r\n")},
		{"35 events", strings.Count(out, "BEGIN:VEVENT\r\n") == 35 && strings.Count(out, "END:VEVENT\r\n") == 35},
		{"5.2 on its day", strings.Contains(out, "UID:plan-20120401-20130331-action-5.2@actionbot\r\n") && strings.Contains(out, "DTSTART;VALUE=DATE:20120331\r\nDTEND;VALUE=DATE:20120401\r\n")},
		{"a DTSTAMP in UTC", regexp.MustCompile(`\r\nDTSTAMP:\d{8}T\d{6}Z\r\n`).MatchString(out)},
	}
	for _, ch := range checks {
		t.Run(ch.name, func(t *testing.T) {
			if !ch.ok {
				t.Errorf("the calendar fails: %s", ch.name)
			}
		})
	}
	code, _, errs = c.run(t, nil, "export", "--format", "vcs")
	if code != 2 || !strings.Contains(errs, `unknown export format "vcs": use csv, ics`) {
		t.Errorf("an unknown format: exit %d, %s", code, errs)
	}
}

package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// "actionbot report"'s flags are checked before any database is opened:
// each mistake is the command line's (EUSAGE), a future day the plan's.
func TestRequestCheckRefusesWhatTheFlagsCannotMean(t *testing.T) {
	now := time.Date(2013, 1, 10, 9, 0, 0, 0, storetest.London)
	for _, tc := range []struct {
		name string
		rq   report.Request
		code string
		says string
	}{
		{"an unknown format", report.Request{Format: "docx"}, actionbot.EUSAGE, "unknown report format"},
		{"pdf to the terminal", report.Request{Format: "pdf"}, actionbot.EUSAGE, "add -o paper.pdf"},
		{"pdf measures", report.Request{Out: "board.pdf", Measures: true}, actionbot.EUSAGE, "add --format csv"},
		{"markdown measures", report.Request{Measures: true}, actionbot.EUSAGE, "add --format csv"},
		{"a day and a quarter", report.Request{AsOf: "2012-10-01", Quarter: "2012-Q3"}, actionbot.EUSAGE, "give --as-of or --quarter, not both"},
		{"not a day", report.Request{AsOf: "1 Oct 2012"}, actionbot.EUSAGE, `--as-of "1 Oct 2012" is not a date like 2012-10-01`},
		{"a day to come", report.Request{AsOf: "2013-02-01"}, actionbot.EINVALID, "is in the future"},
	} {
		_, err := tc.rq.Check(now)
		if actionbot.ErrorCode(err) != tc.code || !strings.Contains(actionbot.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %v; want %s saying %q", tc.name, err, tc.code, tc.says)
		}
	}
	j, err := report.Request{Format: "csv", Measures: true, Meeting: "CSP Board, 17 Jan 2013"}.Check(now)
	if err != nil || j.Format != "csv" || j.Write == nil || j.Printer != nil || j.Cover.Meeting != "CSP Board, 17 Jan 2013" {
		t.Errorf("csv measures: %+v, %v", j, err)
	}
}

// A checked request builds the report of the current plan as of its day,
// or its quarter's, with its cover.
func TestJobBuildsTheDayOrTheQuarter(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2013, 1, 10, 9, 0, 0, 0, storetest.London)
	db := storetest.MustOpen(t, storetest.NewClock(now))
	for _, tc := range []struct {
		rq   report.Request
		asOf string
	}{
		{report.Request{AsOf: "2012-10-01", Author: "Community Safety Manager"}, "2012-10-01"},
		{report.Request{Quarter: "2012-Q3", Author: "Community Safety Manager"}, "2012-12-31"},
		{report.Request{Author: "Community Safety Manager"}, "2013-01-10"},
	} {
		j, err := tc.rq.Check(now)
		if err != nil {
			t.Fatal(err)
		}
		r, err := j.Build(ctx, db, actionbot.DefaultRAGRules())
		if err != nil || r.AsOf.String() != tc.asOf || r.Cover.Author != "Community Safety Manager" {
			t.Errorf("%+v: as of %v, cover %+v, %v; want as of %s", tc.rq, r.AsOf, r.Cover, err, tc.asOf)
		}
	}
}

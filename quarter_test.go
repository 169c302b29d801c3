package actionbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

func TestQuartersAreThoseOfTheFinancialYear(t *testing.T) {
	tests := []struct {
		in         string
		start, end actionbot.Date
		label      string
	}{
		{"2012-Q1", actionbot.D(2012, time.April, 1), actionbot.D(2012, time.June, 30), "Q1 2012-13 (April to June 2012)"},
		{"2012-Q3", actionbot.D(2012, time.October, 1), actionbot.D(2012, time.December, 31), "Q3 2012-13 (October to December 2012)"},
		{"2012-13 Q4", actionbot.D(2013, time.January, 1), actionbot.D(2013, time.March, 31), "Q4 2012-13 (January to March 2013)"},
		{"2012q2", actionbot.D(2012, time.July, 1), actionbot.D(2012, time.September, 30), "Q2 2012-13 (July to September 2012)"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			q, err := actionbot.ParseQuarter(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if p := q.Period(); p.Start != tc.start || p.End != tc.end || q.Label() != tc.label {
				t.Errorf("%s: %s, %q; want %s..%s, %q", tc.in, p, q.Label(), tc.start, tc.end, tc.label)
			}
			if actionbot.QuarterOf(tc.start) != q || actionbot.QuarterOf(tc.end) != q {
				t.Errorf("QuarterOf its first and last days is not %s", q)
			}
			if prev := q.Previous(); prev.Period().End.AddDays(1) != tc.start {
				t.Errorf("the quarter before %s ends %s", q, prev.Period().End)
			}
		})
	}
	for _, bad := range []string{"2012-Q5", "Q3", "2012-14 Q1", "autumn"} {
		if _, err := actionbot.ParseQuarter(bad); actionbot.ErrorCode(err) != actionbot.EINVALID || !strings.Contains(actionbot.ErrorMessage(err), "2012-") {
			t.Errorf("ParseQuarter(%q) = %v; want EINVALID with an example", bad, err)
		}
	}
}

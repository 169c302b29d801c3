package actionbot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Quarter is a quarter of a UK financial year, which starts on 1 April:
// Q1 is April to June, Q2 July to September, Q3 October to December and Q4
// January to March of the next calendar year. The 2012-13 plan's quarters
// are 2012-Q1 ... 2012-Q4, Q4 ending on 31 March 2013.
type Quarter struct {
	Year int // the calendar year the financial year starts in: 2012 for 2012-13
	N    int // 1 to 4
}

var reQuarter = regexp.MustCompile(`^(\d{4})(?:-(\d{2}))?\s*[- ]?\s*q([1-4])$`)

// ParseQuarter reads "2012-Q3" (also "2012-13 Q3" and "2012q3").
func ParseQuarter(s string) (Quarter, error) {
	m := reQuarter.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return Quarter{}, Errorf(EINVALID, "%q is not a quarter: write the financial year's first year and the quarter, for example 2012-Q3 (October to December 2012; Q1 is April to June).", s)
	}
	y, _ := strconv.Atoi(m[1])
	if m[2] != "" {
		if end, _ := strconv.Atoi(m[2]); end != (y+1)%100 {
			return Quarter{}, Errorf(EINVALID, "%q is not a financial year: it runs from April of one year to March of the next, as in 2012-13.", s)
		}
	}
	n, _ := strconv.Atoi(m[3])
	return Quarter{Year: y, N: n}, nil
}

// QuarterOf returns the quarter containing d.
func QuarterOf(d Date) Quarter {
	fy := d.FinancialYear().Start.Year
	months := (int(d.Month) - int(time.April) + 12) % 12
	return Quarter{Year: fy, N: months/3 + 1}
}

// String is "2012-Q3".
func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.N) }

// Label names the quarter for people: "Q3 2012-13 (October to December 2012)".
func (q Quarter) Label() string {
	p := q.Period()
	months := p.Start.Month.String() + " to " + p.End.Month.String() + " " + strconv.Itoa(p.End.Year)
	return fmt.Sprintf("Q%d %s (%s)", q.N, Period{Start: D(q.Year, time.April, 1), End: D(q.Year+1, time.March, 31)}.Label(), months)
}

// Period is the quarter's first and last days.
func (q Quarter) Period() Period {
	start := D(q.Year, time.April+time.Month(3*(q.N-1)), 1)
	return Period{Start: start, End: D(start.Year, start.Month+3, 1).AddDays(-1)}
}

// Previous is the quarter before.
func (q Quarter) Previous() Quarter {
	if q.N == 1 {
		return Quarter{Year: q.Year - 1, N: 4}
	}
	return Quarter{Year: q.Year, N: q.N - 1}
}

// EndOfDay is the last instant of d in loc, which counts everything
// recorded that day.
func EndOfDay(d Date, loc *time.Location) time.Time {
	return d.AddDays(1).In(loc).Add(-time.Microsecond)
}

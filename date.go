package actionbot

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date with no time of day and no time zone: a deadline, a
// bank holiday, the first day of a plan. The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// D is shorthand for Date{y, m, d}, normalised (D(2013, 2, 29) is 1 March).
func D(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the date of now in loc.
func Today(now time.Time, loc *time.Location) Date {
	return DateOf(now.In(loc))
}

// ParseISODate parses "2006-01-02".
func ParseISODate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as ISO 8601 (2013-03-31), or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	// As the format above, without fmt: dates are formatted on every card.
	var b [10]byte
	return string(d.iso(&b))
}

// iso writes d, with its year in 0-9999, as 2013-03-31 into b.
func (d Date) iso(b *[10]byte) []byte {
	y := d.Year
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6] = '-', byte('0'+d.Month/10), byte('0'+d.Month%10)
	b[7], b[8], b[9] = '-', byte('0'+d.Day/10), byte('0'+d.Day%10)
	return b[:]
}

// isString reports whether s == d.String(), without making the string:
// a card asks it of every deadline.
func (d Date) isString(s string) bool {
	if d.IsZero() || d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return s == d.String()
	}
	var b [10]byte
	return string(d.iso(&b)) == s
}

// UK formats d the way the plan's readers write it: "31 Mar 2013".
func (d Date) UK() string {
	if d.IsZero() {
		return ""
	}
	var b [32]byte
	s := strconv.AppendInt(b[:0], int64(d.Day), 10)
	s = append(append(append(s, ' '), d.Month.String()[:3]...), ' ')
	return string(strconv.AppendInt(s, int64(d.Year), 10))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// In returns the first instant of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// At returns the instant of d at hour:min in loc.
func (d Date) At(hour, min int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, loc)
}

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// DaysUntil returns the number of days from d to e: positive when e is later.
func (d Date) DaysUntil(e Date) int {
	return int(e.utc().Sub(d.utc()).Round(24*time.Hour) / (24 * time.Hour))
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(int(d.Month), int(e.Month))
	default:
		return cmp.Compare(d.Day, e.Day)
	}
}

// EndOfMonth returns the last day of d's month.
func (d Date) EndOfMonth() Date { return D(d.Year, d.Month+1, 1).AddDays(-1) }

// FinancialYear returns the UK financial year (1 April to 31 March) that
// contains d.
func (d Date) FinancialYear() Period {
	y := d.Year
	if d.Month < time.April {
		y--
	}
	return Period{Start: D(y, time.April, 1), End: D(y+1, time.March, 31)}
}

// Period is a closed range of dates, such as a plan year.
type Period struct {
	Start Date
	End   Date
}

// ParsePeriod parses "2015-04-01..2016-03-31".
func ParsePeriod(s string) (Period, error) {
	var p Period
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return p, Errorf(EINVALID, "A period is written start..end, for example 2015-04-01..2016-03-31; got %q.", s)
	}
	var err error
	if p.Start, err = ParseISODate(a); err != nil {
		return p, Errorf(EINVALID, "The period's start %q is not a date like 2015-04-01.", a)
	}
	if p.End, err = ParseISODate(b); err != nil {
		return p, Errorf(EINVALID, "The period's end %q is not a date like 2016-03-31.", b)
	}
	if !p.Start.Before(p.End) {
		return p, Errorf(EINVALID, "The period must start before it ends; got %s.", s)
	}
	return p, nil
}

// String formats p as "2012-04-01..2013-03-31".
func (p Period) String() string { return p.Start.String() + ".." + p.End.String() }

// Label formats a financial-year period the way plans name it: "2012-13".
func (p Period) Label() string {
	if p.End.Year == p.Start.Year+1 {
		return fmt.Sprintf("%d-%02d", p.Start.Year, p.End.Year%100)
	}
	if p.End.Year == p.Start.Year {
		return fmt.Sprintf("%d", p.Start.Year)
	}
	return fmt.Sprintf("%d-%d", p.Start.Year, p.End.Year)
}

// Contains reports whether d falls within p.
func (p Period) Contains(d Date) bool { return !d.Before(p.Start) && !d.After(p.End) }

// Package calendar knows which days are UK working days: Monday to Friday,
// except bank holidays.
//
// Bank holidays come from a document in the shape of gov.uk's
// https://www.gov.uk/bank-holidays.json, which lists them separately for
// each of the UK's three divisions (england-and-wales, scotland and
// northern-ireland). A copy covering 2012 to 2027 is embedded in the
// package; use [Embedded] for it, or [Load] for a fresher download.
//
// A [Calendar] is immutable once built, so one value may be shared freely
// between goroutines.
package calendar

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// DefaultDivision is the division to use when none is configured.
const DefaultDivision = "england-and-wales"

// maxNonWorkingRun bounds the searches for a working day. Real calendars
// never have more than four non-working days in a row (a Christmas or New
// Year at a weekend, with its substitute days); a longer run can only come
// from a document listing a long shutdown, or a broken one. Past this many
// days the search ignores bank holidays and only skips weekends.
const maxNonWorkingRun = 366

//go:embed bank-holidays.json
var embeddedJSON []byte

// divisions is the sorted list of the divisions in gov.uk's document.
var divisions = []string{"england-and-wales", "northern-ireland", "scotland"}

// Calendar is the set of bank holidays of one division.
//
// A nil *Calendar, like the zero Calendar, has no bank holidays: it treats
// only Saturdays and Sundays as non-working days, covers no year and has
// the empty division name.
type Calendar struct {
	division    string
	holidays    map[actionbot.Date]string
	first, last int
}

// document is the shape of gov.uk's bank-holidays.json.
type document map[string]*struct {
	Division string  `json:"division"`
	Events   []event `json:"events"`
}

type event struct {
	Title   string `json:"title"`
	Date    string `json:"date"`
	Notes   string `json:"notes"`
	Bunting bool   `json:"bunting"`
}

// Load reads a gov.uk bank-holidays.json document and returns the calendar
// of one division.
//
// It fails if the document cannot be read or is not such a document, if the
// division is not in it (the error lists the divisions that are), if the
// division has no events, or if an event's date is not a valid
// "2006-01-02" date. Read, JSON and date errors are wrapped, so errors.Is
// and errors.As see the underlying cause.
func Load(r io.Reader, division string) (*Calendar, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("calendar: read bank holidays: %w", err)
	}
	doc, err := parse(data)
	if err != nil {
		return nil, err
	}
	return doc.calendar(division)
}

// embedded parses the embedded document once. The calendars it returns are
// shared between callers, which is safe because a Calendar is immutable.
var embedded = sync.OnceValues(func() (map[string]*Calendar, error) {
	doc, err := parse(embeddedJSON)
	if err != nil {
		return nil, fmt.Errorf("calendar: embedded bank-holidays.json: %w", err)
	}
	cals := make(map[string]*Calendar, len(doc))
	for name := range doc {
		c, err := doc.calendar(name)
		if err != nil {
			return nil, fmt.Errorf("calendar: embedded bank-holidays.json: %w", err)
		}
		cals[name] = c
	}
	return cals, nil
})

// Embedded returns the calendar of one division from the copy of gov.uk's
// bank holidays embedded in the package, which covers 2012 to 2027 (see
// [Calendar.Years]). An unknown division is an error listing the valid ones.
func Embedded(division string) (*Calendar, error) {
	cals, err := embedded()
	if err != nil {
		return nil, err
	}
	c, ok := cals[division]
	if !ok {
		return nil, unknownDivision(division, divisionNames(cals))
	}
	return c, nil
}

// Divisions returns the names of the UK's three bank-holiday divisions, as
// gov.uk spells them, sorted: england-and-wales, northern-ireland,
// scotland. The caller may modify the returned slice.
func Divisions() []string { return slices.Clone(divisions) }

func parse(data []byte) (document, error) {
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("calendar: decode bank holidays JSON: %w", err)
	}
	if len(doc) == 0 {
		return nil, errors.New("calendar: bank holidays JSON has no divisions")
	}
	return doc, nil
}

func (doc document) calendar(division string) (*Calendar, error) {
	div, ok := doc[division]
	if !ok {
		return nil, unknownDivision(division, divisionNames(doc))
	}
	if div == nil || len(div.Events) == 0 {
		return nil, fmt.Errorf("calendar: division %q has no events", division)
	}
	c := &Calendar{division: division, holidays: make(map[actionbot.Date]string, len(div.Events))}
	for i, e := range div.Events {
		d, err := actionbot.ParseISODate(e.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar: %s event %d (%q): %w", division, i, e.Title, err)
		}
		title := strings.TrimSpace(e.Title)
		if prev, dup := c.holidays[d]; dup && prev != title {
			title = prev + " / " + title
		}
		c.holidays[d] = title
		if c.first == 0 || d.Year < c.first {
			c.first = d.Year
		}
		if d.Year > c.last {
			c.last = d.Year
		}
	}
	return c, nil
}

func divisionNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func unknownDivision(division string, valid []string) error {
	return fmt.Errorf("calendar: unknown division %q; valid divisions are %s",
		division, strings.Join(valid, ", "))
}

// Division returns the name of the calendar's division, such as
// "england-and-wales", or "" for a nil or zero Calendar.
func (c *Calendar) Division() string {
	if c == nil {
		return ""
	}
	return c.division
}

// Holiday reports whether d is a bank holiday and, if so, its title as
// gov.uk gives it ("Easter Monday", "Christmas Day"). Substitute days count:
// Christmas Day 2021 is a Monday 27 December holiday titled "Christmas Day".
// A nil Calendar has no holidays.
func (c *Calendar) Holiday(d actionbot.Date) (title string, ok bool) {
	if c == nil || d.IsZero() {
		return "", false
	}
	title, ok = c.holidays[normalise(d)]
	return title, ok
}

// IsWorkingDay reports whether d is Monday to Friday and not a bank
// holiday. For a nil Calendar only weekends are non-working. The zero Date
// ("no date") is not a working day.
func (c *Calendar) IsWorkingDay(d actionbot.Date) bool {
	if d.IsZero() {
		return false
	}
	if isWeekend(d) {
		return false
	}
	_, holiday := c.Holiday(d)
	return !holiday
}

// OnOrBefore returns the latest working day on or before d: d itself if it
// is a working day, otherwise the working day before it. A deadline that
// lands on a weekend or bank holiday is brought forward to it. The zero Date
// is returned unchanged.
func (c *Calendar) OnOrBefore(d actionbot.Date) actionbot.Date {
	if d.IsZero() {
		return d
	}
	return c.search(normalise(d), -1)
}

// PreviousWorkingDay returns the latest working day strictly before d. The
// zero Date is returned unchanged.
func (c *Calendar) PreviousWorkingDay(d actionbot.Date) actionbot.Date {
	if d.IsZero() {
		return d
	}
	return c.search(normalise(d).AddDays(-1), -1)
}

// NextWorkingDay returns the earliest working day strictly after d. The
// zero Date is returned unchanged.
func (c *Calendar) NextWorkingDay(d actionbot.Date) actionbot.Date {
	if d.IsZero() {
		return d
	}
	return c.search(normalise(d).AddDays(1), +1)
}

// search returns the first working day at or after start when step is +1,
// or at or before it when step is -1.
func (c *Calendar) search(start actionbot.Date, step int) actionbot.Date {
	d := start
	for range maxNonWorkingRun {
		if c.IsWorkingDay(d) {
			return d
		}
		d = d.AddDays(step)
	}
	// Implausibly many holidays in a row: fall back to skipping weekends
	// only, which always ends within two days.
	d = start
	for isWeekend(d) {
		d = d.AddDays(step)
	}
	return d
}

// Covers reports whether d's year lies within the years the calendar has
// bank holidays for (see [Calendar.Years]). Outside them the calendar still
// answers, but knows only weekends, so callers should warn that the bank
// holiday data has run out. A nil Calendar covers nothing.
func (c *Calendar) Covers(d actionbot.Date) bool {
	if c == nil || c.first == 0 || d.IsZero() {
		return false
	}
	y := normalise(d).Year
	return c.first <= y && y <= c.last
}

// Years returns the first and last years in which the calendar has any bank
// holiday, or 0, 0 for a nil or zero Calendar.
func (c *Calendar) Years() (first, last int) {
	if c == nil {
		return 0, 0
	}
	return c.first, c.last
}

func isWeekend(d actionbot.Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// normalise turns an out-of-range date such as 2013-02-29 into the day it
// means (2013-03-01), so that it matches the holidays' map keys.
func normalise(d actionbot.Date) actionbot.Date {
	return actionbot.D(d.Year, d.Month, d.Day)
}

package calendar

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Checks of the embedded bank-holidays.json against rules worked out
// independently of it.

const firstDataYear, lastDataYear = 2012, 2027

func embeddedDocument(t *testing.T) document {
	t.Helper()
	var doc document
	if err := json.Unmarshal(embeddedJSON, &doc); err != nil {
		t.Fatalf("embedded bank-holidays.json: %v", err)
	}
	return doc
}

// easterSunday is the anonymous Gregorian computus (Meeus/Jones/Butcher).
func easterSunday(y int) actionbot.Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return actionbot.D(y, time.Month(month), day)
}

func TestEasterSundayComputus(t *testing.T) {
	// Published Easter Sundays, to check the computus itself.
	published := map[int]actionbot.Date{
		2012: actionbot.D(2012, time.April, 8),
		2013: actionbot.D(2013, time.March, 31),
		2014: actionbot.D(2014, time.April, 20),
		2015: actionbot.D(2015, time.April, 5),
		2016: actionbot.D(2016, time.March, 27),
		2017: actionbot.D(2017, time.April, 16),
		2018: actionbot.D(2018, time.April, 1),
		2019: actionbot.D(2019, time.April, 21),
		2020: actionbot.D(2020, time.April, 12),
		2021: actionbot.D(2021, time.April, 4),
		2022: actionbot.D(2022, time.April, 17),
		2023: actionbot.D(2023, time.April, 9),
		2024: actionbot.D(2024, time.March, 31),
		2025: actionbot.D(2025, time.April, 20),
		2026: actionbot.D(2026, time.April, 5),
		2027: actionbot.D(2027, time.March, 28),
	}
	for y := firstDataYear; y <= lastDataYear; y++ {
		got := easterSunday(y)
		if got != published[y] {
			t.Errorf("easterSunday(%d) = %s, want %s", y, got, published[y])
		}
		if got.Weekday() != time.Sunday {
			t.Errorf("easterSunday(%d) = %s is a %s", y, got, got.Weekday())
		}
	}
}

func TestEmbeddedEaster(t *testing.T) {
	doc := embeddedDocument(t)
	tests := []struct {
		division     string
		easterMonday bool
	}{
		{"england-and-wales", true},
		{"scotland", false}, // Easter Monday is not a bank holiday in Scotland
		{"northern-ireland", true},
	}
	for _, tc := range tests {
		t.Run(tc.division, func(t *testing.T) {
			byYear := map[int]map[string][]actionbot.Date{}
			for _, e := range doc[tc.division].Events {
				if e.Title != "Good Friday" && e.Title != "Easter Monday" {
					continue
				}
				d, err := actionbot.ParseISODate(e.Date)
				if err != nil {
					t.Fatal(err)
				}
				if byYear[d.Year] == nil {
					byYear[d.Year] = map[string][]actionbot.Date{}
				}
				byYear[d.Year][e.Title] = append(byYear[d.Year][e.Title], d)
			}
			for y := firstDataYear; y <= lastDataYear; y++ {
				easter := easterSunday(y)
				want := []actionbot.Date{easter.AddDays(-2)}
				if got := byYear[y]["Good Friday"]; !slices.Equal(got, want) {
					t.Errorf("%d Good Friday = %v, want %v", y, got, want)
				}
				want = nil
				if tc.easterMonday {
					want = []actionbot.Date{easter.AddDays(1)}
				}
				if got := byYear[y]["Easter Monday"]; !slices.Equal(got, want) {
					t.Errorf("%d Easter Monday = %v, want %v", y, got, want)
				}
			}
		})
	}
}

func TestEmbeddedShape(t *testing.T) {
	doc := embeddedDocument(t)
	if got := divisionNames(doc); !slices.Equal(got, Divisions()) {
		t.Fatalf("divisions in the file = %v, want %v", got, Divisions())
	}
	for _, name := range Divisions() {
		t.Run(name, func(t *testing.T) {
			div := doc[name]
			if div.Division != name {
				t.Errorf("division field = %q, want %q", div.Division, name)
			}
			var prev actionbot.Date
			years := map[int]int{}
			for _, e := range div.Events {
				d, err := actionbot.ParseISODate(e.Date)
				if err != nil {
					t.Fatal(err)
				}
				if d.String() != e.Date {
					t.Errorf("%q is not written as a canonical date", e.Date)
				}
				if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Errorf("%s %q falls on a %s", e.Date, e.Title, wd)
				}
				if !prev.Before(d) {
					t.Errorf("%s %q is not after the previous event %s", e.Date, e.Title, prev)
				}
				switch e.Notes {
				case "", "Substitute day", "Extra bank holiday":
				default:
					t.Errorf("%s %q has unexpected notes %q", e.Date, e.Title, e.Notes)
				}
				if e.Title == "" {
					t.Errorf("%s has no title", e.Date)
				}
				prev = d
				years[d.Year]++
			}
			for y := firstDataYear; y <= lastDataYear; y++ {
				if years[y] < 8 {
					t.Errorf("%d has only %d events", y, years[y])
				}
			}
			if len(years) != lastDataYear-firstDataYear+1 {
				t.Errorf("years covered: %v, want %d..%d", years, firstDataYear, lastDataYear)
			}
		})
	}
}

// expectedHolidays works out a division's bank holidays for year y from the
// rules of the Banking and Financial Dealings Act 1971 and the royal
// proclamations for the special years, independently of the JSON.
func expectedHolidays(division string, y int) []string {
	var out []actionbot.Date
	add := func(ds ...actionbot.Date) { out = append(out, ds...) }
	day := func(m time.Month, d int) actionbot.Date { return actionbot.D(y, m, d) }
	// nextFree moves a fixed-date holiday that lands at a weekend, or on a
	// day already taken by an earlier substitute, to the next free weekday.
	nextFree := func(d actionbot.Date) actionbot.Date {
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || slices.Contains(out, d) {
			d = d.AddDays(1)
		}
		return d
	}
	firstMonday := func(m time.Month) actionbot.Date {
		d := day(m, 1)
		for d.Weekday() != time.Monday {
			d = d.AddDays(1)
		}
		return d
	}
	lastMonday := func(m time.Month) actionbot.Date {
		d := day(m+1, 1).AddDays(-1)
		for d.Weekday() != time.Monday {
			d = d.AddDays(-1)
		}
		return d
	}

	add(nextFree(day(time.January, 1)))
	if division == "scotland" {
		add(nextFree(day(time.January, 2)))
	}
	if division == "northern-ireland" {
		add(nextFree(day(time.March, 17)))
	}
	easter := easterSunday(y)
	add(easter.AddDays(-2))
	if division != "scotland" {
		add(easter.AddDays(1))
	}
	switch y {
	case 2020: // moved to VE Day's 75th anniversary
		add(day(time.May, 8))
	default:
		add(firstMonday(time.May))
	}
	switch y {
	case 2012: // moved for the Diamond Jubilee, plus the extra day
		add(day(time.June, 4), day(time.June, 5))
	case 2022: // moved for the Platinum Jubilee, plus the extra day and the state funeral
		add(day(time.June, 2), day(time.June, 3), day(time.September, 19))
	case 2023: // the coronation
		add(day(time.May, 8), lastMonday(time.May))
	default:
		add(lastMonday(time.May))
	}
	if division == "northern-ireland" {
		add(nextFree(day(time.July, 12)))
	}
	if division == "scotland" {
		add(firstMonday(time.August))
		add(nextFree(day(time.November, 30)))
	} else {
		add(lastMonday(time.August))
	}
	// Christmas at a weekend takes the next free weekday, then Boxing Day
	// the one after: 25 Sat -> 27, 28; 25 Sun -> 26 (Boxing), 27; 25 Fri -> 25, 28.
	xmas, boxing := day(time.December, 25), day(time.December, 26)
	if xmas.Weekday() == time.Sunday {
		add(boxing)
		add(nextFree(xmas))
	} else {
		add(nextFree(xmas))
		add(nextFree(boxing))
	}
	slices.SortFunc(out, func(a, b actionbot.Date) int { return a.Compare(b) })
	s := make([]string, len(out))
	for i, d := range out {
		s[i] = d.String()
	}
	return s
}

func TestEmbeddedMatchesRules(t *testing.T) {
	doc := embeddedDocument(t)
	for _, name := range Divisions() {
		byYear := map[int][]string{}
		for _, e := range doc[name].Events {
			d, err := actionbot.ParseISODate(e.Date)
			if err != nil {
				t.Fatal(err)
			}
			byYear[d.Year] = append(byYear[d.Year], e.Date)
		}
		for y := firstDataYear; y <= lastDataYear; y++ {
			t.Run(fmt.Sprintf("%s/%d", name, y), func(t *testing.T) {
				want := expectedHolidays(name, y)
				if got := byYear[y]; !slices.Equal(got, want) {
					t.Errorf("dates:\n got %v\nwant %v", got, want)
				}
			})
		}
	}
}

// TestEmbeddedSubstituteNotes checks that every event moved off its usual
// fixed date is marked as a substitute day, and no other is.
func TestEmbeddedSubstituteNotes(t *testing.T) {
	doc := embeddedDocument(t)
	usual := map[string]struct {
		month time.Month
		day   int
	}{
		"New Year’s Day":                        {time.January, 1},
		"2nd January":                           {time.January, 2},
		"St Patrick’s Day":                      {time.March, 17},
		"Battle of the Boyne (Orangemen’s Day)": {time.July, 12},
		"St Andrew’s Day":                       {time.November, 30},
		"Christmas Day":                         {time.December, 25},
		"Boxing Day":                            {time.December, 26},
	}
	for _, name := range Divisions() {
		for _, e := range doc[name].Events {
			u, fixed := usual[e.Title]
			if !fixed {
				continue
			}
			d, err := actionbot.ParseISODate(e.Date)
			if err != nil {
				t.Fatal(err)
			}
			moved := d.Month != u.month || d.Day != u.day
			if moved != (e.Notes == "Substitute day") {
				t.Errorf("%s %s %q: notes %q, moved %v", name, e.Date, e.Title, e.Notes, moved)
			}
		}
	}
}

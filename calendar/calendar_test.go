package calendar_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
)

func d(y int, m time.Month, day int) actionbot.Date { return actionbot.D(y, m, day) }

func mustEmbedded(t *testing.T, division string) *calendar.Calendar {
	t.Helper()
	c, err := calendar.Embedded(division)
	if err != nil {
		t.Fatalf("Embedded(%q): %v", division, err)
	}
	return c
}

func TestHoliday(t *testing.T) {
	tests := []struct {
		name      string
		division  string
		date      actionbot.Date
		wantTitle string
		wantOK    bool
	}{
		// 2012: the spring bank holiday moved from 28 May for the Diamond Jubilee.
		{"2012 spring bank holiday moved to 4 June", "england-and-wales", d(2012, 6, 4), "Spring bank holiday", true},
		{"2012 Diamond Jubilee", "england-and-wales", d(2012, 6, 5), "Queen’s Diamond Jubilee", true},
		{"2012 last Monday of May is not a holiday", "england-and-wales", d(2012, 5, 28), "", false},
		{"2012 New Year substitute", "england-and-wales", d(2012, 1, 2), "New Year’s Day", true},
		{"2013 Good Friday", "england-and-wales", d(2013, 3, 29), "Good Friday", true},
		{"2013 Easter Monday", "england-and-wales", d(2013, 4, 1), "Easter Monday", true},
		{"2013 Easter Sunday is no bank holiday", "england-and-wales", d(2013, 3, 31), "", false},
		{"2020 early May moved to VE Day", "england-and-wales", d(2020, 5, 8), "Early May bank holiday (VE day)", true},
		{"2020 first Monday of May is not a holiday", "england-and-wales", d(2020, 5, 4), "", false},
		{"2021 Christmas substitute", "england-and-wales", d(2021, 12, 27), "Christmas Day", true},
		{"2021 Boxing Day substitute", "england-and-wales", d(2021, 12, 28), "Boxing Day", true},
		{"2021 Christmas Day itself is a Saturday", "england-and-wales", d(2021, 12, 25), "", false},
		{"2022 Boxing Day on its own date", "england-and-wales", d(2022, 12, 26), "Boxing Day", true},
		{"2022 Christmas substitute", "england-and-wales", d(2022, 12, 27), "Christmas Day", true},
		{"2022 spring bank holiday moved to 2 June", "england-and-wales", d(2022, 6, 2), "Spring bank holiday", true},
		{"2022 Platinum Jubilee", "england-and-wales", d(2022, 6, 3), "Platinum Jubilee bank holiday", true},
		{"2022 last Monday of May is not a holiday", "england-and-wales", d(2022, 5, 30), "", false},
		{"2022 state funeral", "england-and-wales", d(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II", true},
		{"2023 coronation", "england-and-wales", d(2023, 5, 8), "Bank holiday for the coronation of King Charles III", true},
		{"2027 Easter Monday", "england-and-wales", d(2027, 3, 29), "Easter Monday", true},
		{"England has no 2 January", "england-and-wales", d(2013, 1, 2), "", false},
		{"England has no St Andrew's Day", "england-and-wales", d(2012, 11, 30), "", false},
		{"unnormalised date 2013-03-32 is Easter Monday", "england-and-wales", actionbot.Date{Year: 2013, Month: time.March, Day: 32}, "Easter Monday", true},
		{"zero date", "england-and-wales", actionbot.Date{}, "", false},

		{"Scotland 2 January", "scotland", d(2013, 1, 2), "2nd January", true},
		{"Scotland 2 January substitute 2021", "scotland", d(2021, 1, 4), "2nd January", true},
		{"Scotland Good Friday", "scotland", d(2013, 3, 29), "Good Friday", true},
		{"Scotland has no Easter Monday", "scotland", d(2013, 4, 1), "", false},
		{"Scotland summer bank holiday is first Monday of August", "scotland", d(2013, 8, 5), "Summer bank holiday", true},
		{"Scotland has no late-August bank holiday", "scotland", d(2013, 8, 26), "", false},
		{"Scotland St Andrew's Day", "scotland", d(2012, 11, 30), "St Andrew’s Day", true},
		{"Scotland St Andrew's Day substitute", "scotland", d(2013, 12, 2), "St Andrew’s Day", true},
		{"Scotland 2022 state funeral", "scotland", d(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II", true},

		{"NI Battle of the Boyne", "northern-ireland", d(2013, 7, 12), "Battle of the Boyne (Orangemen’s Day)", true},
		{"NI Battle of the Boyne substitute", "northern-ireland", d(2014, 7, 14), "Battle of the Boyne (Orangemen’s Day)", true},
		{"NI St Patrick's Day", "northern-ireland", d(2014, 3, 17), "St Patrick’s Day", true},
		{"NI St Patrick's Day substitute", "northern-ireland", d(2013, 3, 18), "St Patrick’s Day", true},
		{"NI Easter Monday", "northern-ireland", d(2013, 4, 1), "Easter Monday", true},
		{"NI 2012 Diamond Jubilee", "northern-ireland", d(2012, 6, 5), "Queen’s Diamond Jubilee", true},
		{"NI has no 2 January", "northern-ireland", d(2013, 1, 2), "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustEmbedded(t, tc.division)
			title, ok := c.Holiday(tc.date)
			if title != tc.wantTitle || ok != tc.wantOK {
				t.Errorf("Holiday(%s) = %q, %v; want %q, %v", tc.date, title, ok, tc.wantTitle, tc.wantOK)
			}
		})
	}
}

func TestIsWorkingDay(t *testing.T) {
	tests := []struct {
		name     string
		division string
		date     actionbot.Date
		want     bool
	}{
		{"ordinary Friday", "england-and-wales", d(2012, 6, 1), true},
		{"Saturday", "england-and-wales", d(2012, 6, 2), false},
		{"Sunday", "england-and-wales", d(2012, 6, 3), false},
		{"moved spring bank holiday", "england-and-wales", d(2012, 6, 4), false},
		{"Diamond Jubilee", "england-and-wales", d(2012, 6, 5), false},
		{"28 May 2012 is a working day", "england-and-wales", d(2012, 5, 28), true},
		{"Easter Monday 2013", "england-and-wales", d(2013, 4, 1), false},
		{"Easter Monday 2013 is a working day in Scotland", "scotland", d(2013, 4, 1), true},
		{"2 January 2013 in Scotland", "scotland", d(2013, 1, 2), false},
		{"2 January 2013 in England", "england-and-wales", d(2013, 1, 2), true},
		{"12 July 2013 in Northern Ireland", "northern-ireland", d(2013, 7, 12), false},
		{"12 July 2013 in England", "england-and-wales", d(2013, 7, 12), true},
		{"weekday after the data runs out", "england-and-wales", d(2040, 1, 2), true},
		{"Christmas after the data runs out is unknown", "england-and-wales", d(2040, 12, 25), true},
		{"zero date", "england-and-wales", actionbot.Date{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustEmbedded(t, tc.division)
			if got := c.IsWorkingDay(tc.date); got != tc.want {
				t.Errorf("IsWorkingDay(%s, a %s) = %v, want %v", tc.date, tc.date.Weekday(), got, tc.want)
			}
		})
	}
}

func TestStepping(t *testing.T) {
	type op int
	const (
		onOrBefore op = iota
		previous
		next
	)
	names := map[op]string{onOrBefore: "OnOrBefore", previous: "PreviousWorkingDay", next: "NextWorkingDay"}
	tests := []struct {
		name     string
		division string
		op       op
		date     actionbot.Date
		want     actionbot.Date
	}{
		{"OnOrBefore a working day is itself", "england-and-wales", onOrBefore, d(2012, 6, 1), d(2012, 6, 1)},
		{"OnOrBefore Saturday 2 June 2012", "england-and-wales", onOrBefore, d(2012, 6, 2), d(2012, 6, 1)},
		{"OnOrBefore Tuesday 5 June 2012 (jubilee)", "england-and-wales", onOrBefore, d(2012, 6, 5), d(2012, 6, 1)},
		{"OnOrBefore Easter Monday 2013", "england-and-wales", onOrBefore, d(2013, 4, 1), d(2013, 3, 28)},
		{"OnOrBefore Easter Monday 2013 in Scotland", "scotland", onOrBefore, d(2013, 4, 1), d(2013, 4, 1)},
		{"OnOrBefore Tuesday 28 December 2021", "england-and-wales", onOrBefore, d(2021, 12, 28), d(2021, 12, 24)},
		{"OnOrBefore Tuesday 4 January 2022 in Scotland", "scotland", onOrBefore, d(2022, 1, 4), d(2021, 12, 31)},
		{"OnOrBefore crosses a month end", "england-and-wales", onOrBefore, d(2013, 9, 1), d(2013, 8, 30)},

		{"PreviousWorkingDay of a Wednesday", "england-and-wales", previous, d(2013, 4, 3), d(2013, 4, 2)},
		{"PreviousWorkingDay of Wednesday 6 June 2012", "england-and-wales", previous, d(2012, 6, 6), d(2012, 6, 1)},
		{"PreviousWorkingDay of Tuesday 2 April 2013", "england-and-wales", previous, d(2013, 4, 2), d(2013, 3, 28)},
		{"PreviousWorkingDay of a Monday", "england-and-wales", previous, d(2013, 4, 8), d(2013, 4, 5)},
		{"PreviousWorkingDay of Wednesday 29 December 2021", "england-and-wales", previous, d(2021, 12, 29), d(2021, 12, 24)},

		{"NextWorkingDay of Good Friday 2013", "england-and-wales", next, d(2013, 3, 29), d(2013, 4, 2)},
		{"NextWorkingDay of Good Friday 2013 in Scotland", "scotland", next, d(2013, 3, 29), d(2013, 4, 1)},
		{"NextWorkingDay of Thursday 31 May 2012", "england-and-wales", next, d(2012, 5, 31), d(2012, 6, 1)},
		{"NextWorkingDay of Friday 1 June 2012", "england-and-wales", next, d(2012, 6, 1), d(2012, 6, 6)},
		{"NextWorkingDay of Friday 24 December 2021", "england-and-wales", next, d(2021, 12, 24), d(2021, 12, 29)},
		{"NextWorkingDay of Friday 31 December 2021", "england-and-wales", next, d(2021, 12, 31), d(2022, 1, 4)},
		{"NextWorkingDay of Friday 31 December 2021 in Scotland", "scotland", next, d(2021, 12, 31), d(2022, 1, 5)},
		{"NextWorkingDay of Friday 11 July 2014 in NI", "northern-ireland", next, d(2014, 7, 11), d(2014, 7, 15)},
		{"NextWorkingDay of an ordinary Monday", "england-and-wales", next, d(2013, 4, 8), d(2013, 4, 9)},
		{"NextWorkingDay crosses a year end", "england-and-wales", next, d(2013, 12, 31), d(2014, 1, 2)},

		{"zero date stays zero (OnOrBefore)", "england-and-wales", onOrBefore, actionbot.Date{}, actionbot.Date{}},
		{"zero date stays zero (PreviousWorkingDay)", "england-and-wales", previous, actionbot.Date{}, actionbot.Date{}},
		{"zero date stays zero (NextWorkingDay)", "england-and-wales", next, actionbot.Date{}, actionbot.Date{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustEmbedded(t, tc.division)
			var got actionbot.Date
			switch tc.op {
			case onOrBefore:
				got = c.OnOrBefore(tc.date)
			case previous:
				got = c.PreviousWorkingDay(tc.date)
			case next:
				got = c.NextWorkingDay(tc.date)
			}
			if got != tc.want {
				t.Errorf("%s(%s) = %s (%s), want %s (%s)", names[tc.op], tc.date, got, got.Weekday(), tc.want, tc.want.Weekday())
			}
		})
	}
}

// TestSteppingInvariants walks every day of the embedded data and checks the
// three stepping functions against IsWorkingDay.
func TestSteppingInvariants(t *testing.T) {
	for _, division := range calendar.Divisions() {
		t.Run(division, func(t *testing.T) {
			c := mustEmbedded(t, division)
			for day := d(2011, 12, 1); day.Before(d(2028, 2, 1)); day = day.AddDays(1) {
				prev, next, onOrBefore := c.PreviousWorkingDay(day), c.NextWorkingDay(day), c.OnOrBefore(day)
				if !c.IsWorkingDay(prev) || !prev.Before(day) || day.DaysUntil(prev) < -5 {
					t.Fatalf("PreviousWorkingDay(%s) = %s", day, prev)
				}
				if !c.IsWorkingDay(next) || !next.After(day) || day.DaysUntil(next) > 5 {
					t.Fatalf("NextWorkingDay(%s) = %s", day, next)
				}
				for between := prev.AddDays(1); between.Before(day); between = between.AddDays(1) {
					if c.IsWorkingDay(between) {
						t.Fatalf("PreviousWorkingDay(%s) = %s skips working day %s", day, prev, between)
					}
				}
				for between := day.AddDays(1); between.Before(next); between = between.AddDays(1) {
					if c.IsWorkingDay(between) {
						t.Fatalf("NextWorkingDay(%s) = %s skips working day %s", day, next, between)
					}
				}
				want := prev
				if c.IsWorkingDay(day) {
					want = day
				}
				if onOrBefore != want {
					t.Fatalf("OnOrBefore(%s) = %s, want %s", day, onOrBefore, want)
				}
			}
		})
	}
}

func TestCoversAndYears(t *testing.T) {
	c := mustEmbedded(t, calendar.DefaultDivision)
	tests := []struct {
		name string
		date actionbot.Date
		want bool
	}{
		{"4 June 2012", d(2012, 6, 4), true},
		{"first day of 2012", d(2012, 1, 1), true},
		{"last day of 2027", d(2027, 12, 31), true},
		{"last day of 2011", d(2011, 12, 31), false},
		{"first day of 2028", d(2028, 1, 1), false},
		{"2040", d(2040, 1, 1), false},
		{"zero date", actionbot.Date{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Covers(tc.date); got != tc.want {
				t.Errorf("Covers(%s) = %v, want %v", tc.date, got, tc.want)
			}
		})
	}
	for _, division := range calendar.Divisions() {
		t.Run("Years "+division, func(t *testing.T) {
			first, last := mustEmbedded(t, division).Years()
			if first != 2012 || last != 2027 {
				t.Errorf("Years() = %d, %d; want 2012, 2027", first, last)
			}
		})
	}
}

func TestDivisions(t *testing.T) {
	want := []string{"england-and-wales", "northern-ireland", "scotland"}
	got := calendar.Divisions()
	if !slices.Equal(got, want) {
		t.Fatalf("Divisions() = %v, want %v", got, want)
	}
	got[0] = "mangled"
	if again := calendar.Divisions(); !slices.Equal(again, want) {
		t.Errorf("Divisions() after the caller changed its copy = %v", again)
	}
	if !slices.Contains(want, calendar.DefaultDivision) {
		t.Errorf("DefaultDivision %q is not a division", calendar.DefaultDivision)
	}
	for _, division := range want {
		if got := mustEmbedded(t, division).Division(); got != division {
			t.Errorf("Embedded(%q).Division() = %q", division, got)
		}
	}
}

func TestEmbeddedUnknownDivision(t *testing.T) {
	tests := []struct {
		name     string
		division string
	}{
		{"wales alone", "wales"},
		{"empty", ""},
		{"wrong case", "Scotland"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := calendar.Embedded(tc.division)
			if err == nil {
				t.Fatalf("Embedded(%q) = %v, want an error", tc.division, c)
			}
			for _, valid := range calendar.Divisions() {
				if !strings.Contains(err.Error(), valid) {
					t.Errorf("error %q does not list %q", err, valid)
				}
			}
		})
	}
}

// The weekend-only behaviour shared by a nil and a zero Calendar.
func TestNilAndZeroCalendar(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *calendar.Calendar
	}{
		{"nil", nil},
		{"zero", &calendar.Calendar{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			checks := []struct {
				name      string
				got, want any
			}{
				{"Division", c.Division(), ""},
				{"IsWorkingDay(Saturday)", c.IsWorkingDay(d(2012, 6, 2)), false},
				{"IsWorkingDay(Sunday)", c.IsWorkingDay(d(2012, 6, 3)), false},
				{"IsWorkingDay(jubilee Tuesday)", c.IsWorkingDay(d(2012, 6, 5)), true},
				{"IsWorkingDay(Christmas Day 2013)", c.IsWorkingDay(d(2013, 12, 25)), true},
				{"OnOrBefore(Saturday)", c.OnOrBefore(d(2012, 6, 2)), d(2012, 6, 1)},
				{"OnOrBefore(Tuesday)", c.OnOrBefore(d(2012, 6, 5)), d(2012, 6, 5)},
				{"PreviousWorkingDay(Monday)", c.PreviousWorkingDay(d(2012, 6, 4)), d(2012, 6, 1)},
				{"NextWorkingDay(Good Friday)", c.NextWorkingDay(d(2013, 3, 29)), d(2013, 4, 1)},
				{"Covers", c.Covers(d(2012, 6, 4)), false},
				{"Holiday", fmt.Sprint(c.Holiday(d(2012, 6, 5))), fmt.Sprint("", false)},
				{"Years", fmt.Sprint(c.Years()), fmt.Sprint(0, 0)},
			}
			for _, check := range checks {
				if check.got != check.want {
					t.Errorf("%s = %v, want %v", check.name, check.got, check.want)
				}
			}
		})
	}
}

const smallJSON = `{
  "england-and-wales": {
    "division": "england-and-wales",
    "events": [
      {"title": "Office closed", "date": "2030-03-04", "notes": "", "bunting": false},
      {"title": "Founders’ Day", "date": "2031-03-05", "notes": "", "bunting": true}
    ]
  },
  "atlantis": {
    "division": "atlantis",
    "events": [
      {"title": "Surfacing Day", "date": "2030-06-03", "notes": "", "bunting": true},
      {"title": "Surfacing Day (observed)", "date": "2030-06-03", "notes": "", "bunting": true}
    ]
  }
}`

func TestLoadCustom(t *testing.T) {
	c, err := calendar.Load(strings.NewReader(smallJSON), "england-and-wales")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	first, last := c.Years()
	checks := []struct {
		name      string
		got, want any
	}{
		{"Division", c.Division(), "england-and-wales"},
		{"Years", fmt.Sprint(first, last), "2030 2031"},
		{"Holiday(2030-03-04)", fmt.Sprint(c.Holiday(d(2030, 3, 4))), fmt.Sprint("Office closed", true)},
		{"Holiday(2031-03-05)", fmt.Sprint(c.Holiday(d(2031, 3, 5))), fmt.Sprint("Founders’ Day", true)},
		{"Christmas 2030 is not in this file", c.IsWorkingDay(d(2030, 12, 25)), true},
		{"IsWorkingDay(2030-03-04)", c.IsWorkingDay(d(2030, 3, 4)), false},
		{"NextWorkingDay(Friday 2030-03-01)", c.NextWorkingDay(d(2030, 3, 1)), d(2030, 3, 5)},
		{"OnOrBefore(2030-03-04)", c.OnOrBefore(d(2030, 3, 4)), d(2030, 3, 1)},
		{"Covers(2030-07-01)", c.Covers(d(2030, 7, 1)), true},
		{"Covers(2029-12-31)", c.Covers(d(2029, 12, 31)), false},
		{"Covers(2032-01-01)", c.Covers(d(2032, 1, 1)), false},
		{"Covers(2012-06-04)", c.Covers(d(2012, 6, 4)), false},
		{"the embedded data is not used: 2012-06-05", c.IsWorkingDay(d(2012, 6, 5)), true},
	}
	for _, check := range checks {
		t.Run(check.name, func(t *testing.T) {
			if check.got != check.want {
				t.Errorf("got %v, want %v", check.got, check.want)
			}
		})
	}

	t.Run("a division gov.uk does not have", func(t *testing.T) {
		c, err := calendar.Load(strings.NewReader(smallJSON), "atlantis")
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if title, ok := c.Holiday(d(2030, 6, 3)); !ok || title != "Surfacing Day / Surfacing Day (observed)" {
			t.Errorf("Holiday = %q, %v", title, ok)
		}
	})
}

var errBrokenReader = errors.New("connection reset")

type brokenReader struct{}

func (brokenReader) Read([]byte) (int, error) { return 0, errBrokenReader }

func TestLoadErrors(t *testing.T) {
	event := func(date string) string {
		return `{"england-and-wales": {"division": "england-and-wales", "events": [{"title": "X", "date": "` + date + `", "notes": "", "bunting": true}]}}`
	}
	tests := []struct {
		name     string
		r        io.Reader
		division string
		// check inspects the error beyond its being non-nil.
		check func(t *testing.T, err error)
	}{
		{"unknown division", strings.NewReader(smallJSON), "scotland", func(t *testing.T, err error) {
			msg := err.Error()
			if !strings.Contains(msg, `"scotland"`) || !strings.Contains(msg, "atlantis, england-and-wales") {
				t.Errorf("error %q should name the division and list the valid ones", msg)
			}
		}},
		{"malformed JSON", strings.NewReader(`{"england-and-wales": {"events": [`), "england-and-wales", func(t *testing.T, err error) {
			var syntax *json.SyntaxError
			if !errors.As(err, &syntax) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %q does not wrap the JSON error", err)
			}
		}},
		{"not JSON at all", strings.NewReader("<html>Service unavailable</html>"), "england-and-wales", func(t *testing.T, err error) {
			var syntax *json.SyntaxError
			if !errors.As(err, &syntax) {
				t.Errorf("error %q does not wrap a *json.SyntaxError", err)
			}
		}},
		{"wrong shape", strings.NewReader(`[1, 2, 3]`), "england-and-wales", func(t *testing.T, err error) {
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &typeErr) {
				t.Errorf("error %q does not wrap a *json.UnmarshalTypeError", err)
			}
		}},
		{"empty document", strings.NewReader(`{}`), "england-and-wales", nil},
		{"empty input", strings.NewReader(``), "england-and-wales", nil},
		{"division with no events", strings.NewReader(`{"england-and-wales": {"division": "england-and-wales", "events": []}}`), "england-and-wales", nil},
		{"division is null", strings.NewReader(`{"england-and-wales": null}`), "england-and-wales", nil},
		{"bad date", strings.NewReader(event("2012-02-30")), "england-and-wales", func(t *testing.T, err error) {
			var parseErr *time.ParseError
			if !errors.As(err, &parseErr) {
				t.Errorf("error %q does not wrap a *time.ParseError", err)
			}
			if !strings.Contains(err.Error(), "england-and-wales") {
				t.Errorf("error %q does not say which division", err)
			}
		}},
		{"date in another format", strings.NewReader(event("04/06/2012")), "england-and-wales", nil},
		{"empty date", strings.NewReader(event("")), "england-and-wales", nil},
		{"read error", brokenReader{}, "england-and-wales", func(t *testing.T, err error) {
			if !errors.Is(err, errBrokenReader) {
				t.Errorf("error %q does not wrap the read error", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := calendar.Load(tc.r, tc.division)
			if err == nil {
				t.Fatalf("Load = %+v, want an error", c)
			}
			if c != nil {
				t.Errorf("Load returned a calendar along with error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "calendar: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

// A document listing more than a year of consecutive holidays must not make
// the searches loop for ever.
func TestLongHolidayRunTerminates(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"england-and-wales": {"division": "england-and-wales", "events": [`)
	start := d(2030, 1, 1)
	for i := range 800 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"title": "Shutdown", "date": %q, "notes": "", "bunting": false}`, start.AddDays(i).String())
	}
	b.WriteString(`]}}`)
	c, err := calendar.Load(strings.NewReader(b.String()), "england-and-wales")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  actionbot.Date
	}{
		{"NextWorkingDay", c.NextWorkingDay(d(2030, 1, 1))},
		{"PreviousWorkingDay", c.PreviousWorkingDay(d(2031, 6, 1))},
		{"OnOrBefore", c.OnOrBefore(d(2031, 6, 1))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if wd := tc.got.Weekday(); wd == time.Saturday || wd == time.Sunday || tc.got.IsZero() {
				t.Errorf("got %s (%s), want some weekday", tc.got, wd)
			}
		})
	}
	// Past the end of the shutdown the answer is exact again.
	want := start.AddDays(800)
	for !c.IsWorkingDay(want) {
		want = want.AddDays(1)
	}
	if got := c.NextWorkingDay(start.AddDays(799)); got != want {
		t.Errorf("NextWorkingDay(last day of the shutdown) = %s, want %s", got, want)
	}
}

func TestEmbeddedConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	results := make([]*calendar.Calendar, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := calendar.Embedded(calendar.Divisions()[i%3])
			if err != nil {
				t.Error(err)
				return
			}
			c.IsWorkingDay(d(2012, 6, 5))
			results[i] = c
		}()
	}
	wg.Wait()
	for i, c := range results {
		if c == nil || c.Division() != calendar.Divisions()[i%3] {
			t.Errorf("goroutine %d got %v", i, c)
		}
	}
}

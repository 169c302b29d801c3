package actionbot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Dates, counts and deadlines are formatted without fmt on the hot path;
// these hold each to the fmt format it replaced, edges included.
func TestDateFormatsAreTheFmtFormats(t *testing.T) {
	var dates []Date
	for _, y := range []int{-1, 0, 1, 9, 10, 99, 100, 999, 1000, 2012, 2013, 9999, 10000, 123456} {
		for _, m := range []time.Month{0, 1, 3, 9, 10, 12, 13, 100} {
			for _, d := range []int{-1, 0, 1, 9, 10, 29, 31, 99, 100} {
				dates = append(dates, Date{y, m, d})
			}
		}
	}
	for _, d := range dates {
		if d.IsZero() {
			continue
		}
		if got, want := d.String(), fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day); got != want {
			t.Errorf("%#v.String() = %q, want %q", d, got, want)
		}
		if got, want := d.UK(), fmt.Sprintf("%d %s %d", d.Day, d.Month.String()[:3], d.Year); got != want {
			t.Errorf("%#v.UK() = %q, want %q", d, got, want)
		}
	}
	if got := (Date{}).String() + (Date{}).UK(); got != "" {
		t.Errorf("the zero Date formats as %q, want nothing", got)
	}
}

func TestPluralIsTheFmtFormat(t *testing.T) {
	for _, n := range []int{-1000, -2, -1, 0, 1, 2, 11, 1 << 40} {
		want := fmt.Sprintf("%d %ss", n, "day")
		if n == 1 || n == -1 {
			want = fmt.Sprintf("%d %s", n, "day")
		}
		if got := Plural(n, "day"); got != want {
			t.Errorf("Plural(%d, day) = %q, want %q", n, got, want)
		}
	}
}

func TestDescribeDeadlineWords(t *testing.T) {
	tests := []struct {
		d    Deadline
		want string
	}{
		{Deadline{Ongoing: true, Written: "Ongoing"}, "Ongoing"},
		{Deadline{Written: "March 2013", Due: D(2013, time.March, 31)}, "March 2013 (31 Mar 2013)"},
		{Deadline{Written: "2013-03-31", Due: D(2013, time.March, 31)}, "31 Mar 2013"},
		{Deadline{Due: D(2012, time.June, 1)}, "1 Jun 2012"},
	}
	for _, tc := range tests {
		if got := DescribeDeadline(tc.d); got != tc.want {
			t.Errorf("DescribeDeadline(%+v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestTxtKeepsPartsInOrderAndDropsEmptyText(t *testing.T) {
	tests := []struct {
		name  string
		parts []any
		want  RichText
	}{
		{"nothing", nil, nil},
		{"only empty text", []any{"", RichText{}, RichText(nil)}, nil},
		{"strings spans and rich text", []any{"a", "", B("b"), RichText{{Text: "c"}, I("d")}, 7},
			RichText{{Text: "a"}, B("b"), {Text: "c"}, I("d")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Txt(tc.parts...)
			if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tc.want) {
				t.Errorf("Txt = %#v, want %#v", got, tc.want)
			}
		})
	}
}

// Lookup answers an agency's code from a map made at Add; it must answer
// what the normalised key answers, also where another agency's name took
// that key first.
func TestLookupByCodeIsLookupByKey(t *testing.T) {
	d := NewDirectory([]*Agency{
		{Code: "ABC", Name: "CSU"},
		{Code: "CSU", Name: "Community Safety Unit"},
		{Code: "KFRS", Name: "Kent Fire & Rescue Service", Aliases: []string{"Fire"}},
		{Code: "kfrs", Name: "Lower-case twin"},
		{Code: "&", Name: "Ampersand"},
		{Code: "--", Name: "Dashes"},
	})
	for _, name := range []string{"ABC", "CSU", "csu", "KFRS", "kfrs", " KFRS ", "Fire", "&", "and", "--", "", "Nobody"} {
		got, gotOK := d.Lookup(name)
		want, wantOK := d.byKey[AgencyKey(name)]
		if got != want || gotOK != wantOK {
			t.Errorf("Lookup(%q) = %v, %v; by its key %v, %v", name, got, gotOK, want, wantOK)
		}
	}
	// Label, made at Add for each code, is what Lookup's answer labels.
	for _, code := range []string{"ABC", "CSU", "KFRS", "kfrs", "&", "--", "Fire", "Nobody", ""} {
		a, ok := d.Lookup(code)
		if got, want := d.Label(code), agencyLabel(code, a, ok); got != want {
			t.Errorf("Label(%q) = %q; from Lookup it is %q", code, got, want)
		}
	}
	if got := d.Label("KFRS"); got != "Kent Fire & Rescue Service (KFRS)" {
		t.Errorf("Label(KFRS) = %q", got)
	}
	if a, _ := d.Lookup("CSU"); a == nil || a.Code != "ABC" {
		t.Errorf("Lookup(CSU) = %v: the first agency to take a key keeps it", a)
	}
}

// The 'behind schedule' reason rounds the share of time gone as %.0f does.
func TestBehindScheduleRoundsAsFmt(t *testing.T) {
	rules := DefaultRAGRules()
	start := D(2012, time.April, 1)
	due := D(2013, time.March, 31)
	total := start.DaysUntil(due)
	checked := 0
	for day := 1; day < total; day++ {
		today := start.AddDays(day)
		a := &Action{Status: StatusOpen, Progress: 0, Deadline: Deadline{Written: "March 2013", Due: due}}
		got := rules.Assess(a, start, today, time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC))
		if !strings.HasPrefix(got.Why, "behind schedule") {
			continue
		}
		checked++
		share := float64(day) / float64(total)
		want := fmt.Sprintf("behind schedule: %d%% done with %.0f%% of the time gone", a.Progress, min(share, 1)*100)
		if got.Why != want {
			t.Errorf("on day %d: %q, want %q", day, got.Why, want)
		}
	}
	if checked == 0 {
		t.Fatal("no day was rated behind schedule: the test checks nothing")
	}
}

// isString answers d.String() == s without the string, edges included.
func TestDateIsStringIsStringEquality(t *testing.T) {
	for _, d := range []Date{{2013, 3, 31}, {1, 1, 1}, {9999, 12, 31}, {10000, 1, 1}, {-1, 1, 1}, {2013, 13, 1}, {}} {
		for _, s := range []string{d.String(), d.UK(), "", "2013-03-31", "2013-3-31", "0001-01-01", "9999-12-31", "10000-01-01"} {
			if got, want := d.isString(s), d.String() == s; got != want {
				t.Errorf("%#v.isString(%q) = %v, want %v", d, s, got, want)
			}
		}
	}
}

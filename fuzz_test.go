package actionbot_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func FuzzParseDeadline(f *testing.F) {
	for _, s := range []string{"March 2013", "On going", "Ongoi ng", "2013-06-30", "30/06/2013", "30 June 2013", "1st April 2012",
		"Sept 2012", "31/02/2013", "2013-13-01", "", " ", "\x00", "March\n2013", "0/0/0000", "99999999999999999999/1/2013"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := actionbot.ParseDeadline(s)
		if err != nil {
			if actionbot.ErrorCode(err) != actionbot.EINVALID || actionbot.ErrorMessage(err) == "" {
				t.Fatalf("ParseDeadline(%q): %v is not a friendly EINVALID", s, err)
			}
			return
		}
		if d.Ongoing != d.Due.IsZero() {
			t.Fatalf("ParseDeadline(%q) = %+v: ongoing must mean no date, and a date not ongoing", s, d)
		}
		if !d.Ongoing {
			if d.Due.Year < 2000 || d.Due.Year > 2100 || d.Due != actionbot.D(d.Due.Year, d.Due.Month, d.Due.Day) {
				t.Fatalf("ParseDeadline(%q) = %+v: not a real date in range", s, d)
			}
		}
		// What was parsed parses again to the same meaning.
		again, err := actionbot.ParseDeadline(d.Written)
		if err != nil || again.Due != d.Due || again.Ongoing != d.Ongoing {
			t.Fatalf("ParseDeadline(%q) = %+v, but its written form gives %+v, %v", s, d, again, err)
		}
	})
}

func FuzzReadDeadline(f *testing.F) {
	for _, s := range []string{"Weekly", "Q2 2014/15", "2014/15", "Review April 2008. Report June 2008", "November 2023; from March 2024 onwards",
		"Ongoing to 2027", "Mar-14", "31/03/15", "TBC", "End of Year", "April 2014 - March 2015", ";;. .", "q4 9999/00", "2099/2100"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, form := actionbot.ReadDeadline(s)
		if form == "" {
			t.Fatalf("ReadDeadline(%q) gave no form", s)
		}
		if d.Ongoing && !d.Due.IsZero() {
			t.Fatalf("ReadDeadline(%q) = %+v: ongoing with a due date", s, d)
		}
		if !d.Due.IsZero() && (d.Due.Year < 2000 || d.Due.Year > 2101 || d.Due != actionbot.D(d.Due.Year, d.Due.Month, d.Due.Day)) {
			t.Fatalf("ReadDeadline(%q) = %+v: not a real date in range", s, d)
		}
		for _, m := range d.Milestones() {
			if m.Due.IsZero() || m.Label == "" {
				t.Fatalf("ReadDeadline(%q): milestone %+v has no date or label", s, m)
			}
		}
		again, form2 := actionbot.ReadDeadline(d.Written)
		if again != d || form2 != form {
			t.Fatalf("ReadDeadline(%q) = %+v %s, but its written form gives %+v %s", s, d, form, again, form2)
		}
	})
}

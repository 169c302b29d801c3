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

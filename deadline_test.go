package actionbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

func TestParseDeadline(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		due     actionbot.Date
		ongoing bool
		written string
		wantErr bool
	}{
		{name: "month year is end of month", in: "March 2013", due: actionbot.D(2013, time.March, 31)},
		{name: "february leap year", in: "February 2012", due: actionbot.D(2012, time.February, 29)},
		{name: "february common year", in: "February 2013", due: actionbot.D(2013, time.February, 28)},
		{name: "december", in: "December 2012", due: actionbot.D(2012, time.December, 31)},
		{name: "abbreviated month", in: "Sept 2012", due: actionbot.D(2012, time.September, 30)},
		{name: "lower case with extra space", in: "  june   2012 ", due: actionbot.D(2012, time.June, 30), written: "june 2012"},
		{name: "line break in cell", in: "March\n2013", due: actionbot.D(2013, time.March, 31), written: "March 2013"},
		{name: "on going", in: "On going", ongoing: true},
		{name: "ongoing", in: "Ongoing", ongoing: true},
		{name: "ongoing broken by pdf", in: "Ongoi ng", ongoing: true},
		{name: "on-going", in: "On-going", ongoing: true},
		{name: "ONGOING", in: "ONGOING", ongoing: true},
		{name: "iso", in: "2013-06-30", due: actionbot.D(2013, time.June, 30)},
		{name: "uk day first", in: "30/06/2013", due: actionbot.D(2013, time.June, 30)},
		{name: "uk single digits", in: "1/4/2012", due: actionbot.D(2012, time.April, 1)},
		{name: "uk dotted", in: "01.04.2012", due: actionbot.D(2012, time.April, 1)},
		{name: "day month year", in: "30 June 2013", due: actionbot.D(2013, time.June, 30)},
		{name: "ordinal day", in: "1st April 2012", due: actionbot.D(2012, time.April, 1)},
		{name: "empty", in: "", wantErr: true},
		{name: "blank", in: "   ", wantErr: true},
		{name: "words", in: "soon", wantErr: true},
		{name: "unknown month", in: "Smarch 2013", wantErr: true},
		{name: "month without year", in: "March", wantErr: true},
		{name: "us order impossible", in: "06/30/2013", wantErr: true},
		{name: "no 31 June", in: "31/06/2013", wantErr: true},
		{name: "no 29 Feb 2013", in: "2013-02-29", wantErr: true},
		{name: "month 13", in: "2013-13-01", wantErr: true},
		{name: "two digit year", in: "30/06/13", wantErr: true},
		{name: "year out of range", in: "March 1066", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := actionbot.ParseDeadline(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseDeadline(%q) = %+v, want error", tc.in, got)
				}
				if code := actionbot.ErrorCode(err); code != actionbot.EINVALID {
					t.Fatalf("error code = %q, want %q", code, actionbot.EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDeadline(%q): %v", tc.in, err)
			}
			if got.Due != tc.due || got.Ongoing != tc.ongoing {
				t.Fatalf("ParseDeadline(%q) = due %v ongoing %v, want due %v ongoing %v", tc.in, got.Due, got.Ongoing, tc.due, tc.ongoing)
			}
			want := tc.written
			if want == "" {
				want = tc.in
			}
			if got.Written != want {
				t.Fatalf("Written = %q, want %q", got.Written, want)
			}
		})
	}
}

func TestParseDeadlineErrorNamesInput(t *testing.T) {
	_, err := actionbot.ParseDeadline("next Tuesday")
	msg := actionbot.ErrorMessage(err)
	for _, want := range []string{`"next Tuesday"`, "March 2013", "30/06/2013", "Ongoing"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
}

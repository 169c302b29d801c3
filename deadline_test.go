package actionbot_test

import (
	"cmp"
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
		{name: "quarter", in: "Q2 2014/15", due: actionbot.D(2014, time.September, 30)},
		{name: "tbc has no date", in: "TBC", wantErr: true},
		{name: "end of year depends on the plan", in: "End of Year", wantErr: true},
		{name: "month without year", in: "March", wantErr: true},
		{name: "us order impossible", in: "06/30/2013", wantErr: true},
		{name: "no 31 June", in: "31/06/2013", wantErr: true},
		{name: "no 29 Feb 2013", in: "2013-02-29", wantErr: true},
		{name: "month 13", in: "2013-13-01", wantErr: true},
		{name: "two digit year", in: "30/06/13", due: actionbot.D(2013, time.June, 30)},
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

// TestReadDeadlineForms documents every form a plan may write a deadline in
// and what it means. None of them fails: what cannot be read needs a date.
func TestReadDeadlineForms(t *testing.T) {
	d := actionbot.D
	type ms = []actionbot.Milestone
	tests := []struct {
		in         string
		form       actionbot.DeadlineForm
		due        actionbot.Date
		ongoing    bool
		cadence    actionbot.Cadence
		from       actionbot.Date
		until      actionbot.Date
		milestones ms
		written    string // when not the input
	}{
		{in: "March 2013", form: actionbot.FormMonth, due: d(2013, 3, 31)},
		{in: "Mar-14", form: actionbot.FormMonth, due: d(2014, 3, 31)},
		{in: "July 2017 launch", form: actionbot.FormMonth, due: d(2017, 7, 31)},
		{in: "Next event March 2024", form: actionbot.FormMonth, due: d(2024, 3, 31)},
		{in: "31/03/15", form: actionbot.FormDate, due: d(2015, 3, 31)},
		{in: "30 June 2013", form: actionbot.FormDate, due: d(2013, 6, 30)},
		{in: "2013-06-30", form: actionbot.FormDate, due: d(2013, 6, 30)},
		{in: "Q1 2014/15", form: actionbot.FormQuarter, due: d(2014, 6, 30)},
		{in: "Q2 2014/15", form: actionbot.FormQuarter, due: d(2014, 9, 30)},
		{in: "Q4 2014/15", form: actionbot.FormQuarter, due: d(2015, 3, 31)},
		{in: "2014/15", form: actionbot.FormFinancialYear, due: d(2015, 3, 31)},
		{in: "2014-2015", form: actionbot.FormFinancialYear, due: d(2015, 3, 31)},
		{in: "Summer 2013", form: actionbot.FormSeason, due: d(2013, 8, 31)},
		{in: "Winter 2013", form: actionbot.FormSeason, due: d(2014, 2, 28)},
		{in: "April 2014 - March 2015", form: actionbot.FormRange, due: d(2015, 3, 31), from: d(2014, 4, 1)},
		{in: "April 2014 to March 2015", form: actionbot.FormRange, due: d(2015, 3, 31), from: d(2014, 4, 1)},
		{in: "Until March 2025", form: actionbot.FormMonth, due: d(2025, 3, 31)},
		{in: "To 2027", form: actionbot.FormYear, due: d(2027, 12, 31)},
		{in: "by 2016", form: actionbot.FormYear, due: d(2016, 12, 31)},
		{in: "Adoption from April 2026", form: actionbot.FormFrom, ongoing: true, from: d(2026, 4, 1)},
		{in: "March 2014 and ongoing", form: actionbot.FormFrom, ongoing: true, from: d(2014, 3, 1)},
		{in: "Ongoing to 2027", form: actionbot.FormOngoing, ongoing: true, until: d(2027, 12, 31)},
		{in: "Weekly", form: actionbot.FormCadence, ongoing: true, cadence: actionbot.CadenceWeekly},
		{in: "Monthly to 2027", form: actionbot.FormCadence, ongoing: true, cadence: actionbot.CadenceMonthly, until: d(2027, 12, 31)},
		{in: "Quarterly", form: actionbot.FormCadence, ongoing: true, cadence: actionbot.CadenceQuarterly},
		{in: "Annual", form: actionbot.FormCadence, ongoing: true, cadence: actionbot.CadenceAnnual},
		{in: "Review April 2008. Report June 2008", form: actionbot.FormMilestones, due: d(2008, 6, 30),
			milestones: ms{{Label: "Review April 2008", Due: d(2008, 4, 30)}, {Label: "Report June 2008", Due: d(2008, 6, 30)}}},
		{in: "To commence May 2007. Report to Exec November 2007", form: actionbot.FormMilestones, due: d(2007, 11, 30),
			milestones: ms{{Label: "To commence May 2007", Due: d(2007, 5, 31)}, {Label: "Report to Exec November 2007", Due: d(2007, 11, 30)}}},
		{in: "November 2023; from March 2024 onwards", form: actionbot.FormMilestones, ongoing: true, from: d(2024, 3, 1),
			milestones: ms{{Label: "November 2023", Due: d(2023, 11, 30)}, {Label: "from March 2024 onwards", Due: d(2024, 3, 1)}}},
		{in: "Review April 2008\nReport June 2008", form: actionbot.FormMilestones, due: d(2008, 6, 30), written: "Review April 2008 Report June 2008",
			milestones: ms{{Label: "Review April 2008", Due: d(2008, 4, 30)}, {Label: "Report June 2008", Due: d(2008, 6, 30)}}},
		{in: "End of Year", form: actionbot.FormPlanEnd},
		{in: "On going", form: actionbot.FormOngoing, ongoing: true},
		{in: "TBC", form: actionbot.FormTBC},
		{in: "To be confirmed", form: actionbot.FormTBC},
		{in: "When funding allows", form: actionbot.FormUnread},
		{in: "Smarch 2013", form: actionbot.FormUnread},
		{in: "31/06/2013", form: actionbot.FormUnread},
		{in: "", form: actionbot.FormUnread},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, form := actionbot.ReadDeadline(tc.in)
			if form != tc.form || got.Form() != tc.form {
				t.Errorf("form = %q (again %q), want %q", form, got.Form(), tc.form)
			}
			if want := cmp.Or(tc.written, tc.in); got.Written != want {
				t.Errorf("Written = %q, want the cell as written", got.Written)
			}
			if got.Due != tc.due || got.Ongoing != tc.ongoing {
				t.Errorf("due %v ongoing %v, want due %v ongoing %v", got.Due, got.Ongoing, tc.due, tc.ongoing)
			}
			wantNeeds := tc.due.IsZero() && !tc.ongoing
			if got.NeedsDate() != wantNeeds {
				t.Errorf("NeedsDate = %v, want %v", got.NeedsDate(), wantNeeds)
			}
			if got.Cadence() != tc.cadence || got.From() != tc.from || got.Until() != tc.until {
				t.Errorf("cadence %q from %v until %v, want %q %v %v", got.Cadence(), got.From(), got.Until(), tc.cadence, tc.from, tc.until)
			}
			if gm := got.Milestones(); len(gm) != len(tc.milestones) || (len(gm) > 0 && !equalMilestones(gm, tc.milestones)) {
				t.Errorf("milestones %+v, want %+v", gm, tc.milestones)
			}
		})
	}
}

func equalMilestones(a, b []actionbot.Milestone) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCadenceNext(t *testing.T) {
	from := actionbot.D(2024, 1, 31)
	tests := []struct {
		c    actionbot.Cadence
		want actionbot.Date
	}{
		{actionbot.CadenceWeekly, actionbot.D(2024, 2, 7)},
		{actionbot.CadenceFortnightly, actionbot.D(2024, 2, 14)},
		{actionbot.CadenceMonthly, actionbot.D(2024, 2, 29)},
		{actionbot.CadenceSixMonthly, actionbot.D(2024, 7, 31)},
		{actionbot.CadenceQuarterly, actionbot.D(2024, 4, 30)},
		{actionbot.CadenceAnnual, actionbot.D(2025, 1, 31)},
	}
	for _, tc := range tests {
		if got := tc.c.Next(from); got != tc.want {
			t.Errorf("%s after %v = %v, want %v", tc.c, from, got, tc.want)
		}
	}
}

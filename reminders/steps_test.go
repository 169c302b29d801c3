package reminders_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/reminders"
)

func TestSteps(t *testing.T) {
	D := actionbot.D
	tests := []struct {
		name     string
		division string
		days     []int
		due      actionbot.Date
		upTo     actionbot.Date
		want     []string // step@send-on
	}{
		{
			name: "March 2013, a Sunday before Easter: the last two steps go out on the Thursday before Good Friday, the first overdue on the Tuesday after Easter",
			due:  D(2013, 3, 31), upTo: D(2013, 4, 30),
			want: []string{
				"before:28@2013-03-01", // Sun 3 Mar → Fri 1 Mar
				"before:14@2013-03-15", // Sun 17 Mar → Fri 15 Mar
				"before:7@2013-03-22",  // Sun 24 Mar → Fri 22 Mar
				"before:1@2013-03-28",  // Sat 30 Mar, Good Friday 29 → Thu 28 Mar
				"before:0@2013-03-28",  // Sun 31 Mar → Thu 28 Mar
				"overdue:1@2013-04-02", // the week's first working day: Easter Monday was the 1st
				"overdue:2@2013-04-08",
				"overdue:3@2013-04-15",
				"overdue:4@2013-04-22",
				"overdue:5@2013-04-29",
			},
		},
		{
			name: "April 2012, weekly on the week's first working day across both May bank holidays and the Jubilee",
			due:  D(2012, 4, 30), upTo: D(2012, 6, 11),
			want: []string{
				"before:28@2012-04-02",
				"before:14@2012-04-16",
				"before:7@2012-04-23",
				"before:1@2012-04-27", // Sun 29 Apr → Fri 27 Apr
				"before:0@2012-04-30",
				"overdue:1@2012-05-08", // Mon 7 May, early May bank holiday → Tue 8 May
				"overdue:2@2012-05-14",
				"overdue:3@2012-05-21",
				"overdue:4@2012-05-28",
				"overdue:5@2012-06-06", // Mon 4 and Tue 5 Jun, the Jubilee holidays → Wed 6 Jun
				"overdue:6@2012-06-11",
			},
		},
		{
			name: "a deadline moved to 3 July 2012: 28 days before is the Diamond Jubilee",
			due:  D(2012, 7, 3), upTo: D(2012, 7, 3),
			want: []string{
				"before:28@2012-06-01", // Tue 5 Jun Jubilee, Mon 4 Jun holiday, weekend → Fri 1 Jun
				"before:14@2012-06-19",
				"before:7@2012-06-26",
				"before:1@2012-07-02",
				"before:0@2012-07-03",
			},
		},
		{
			name: "December 2012 across Christmas",
			due:  D(2012, 12, 31), upTo: D(2013, 1, 7),
			want: []string{
				"before:28@2012-12-03",
				"before:14@2012-12-17",
				"before:7@2012-12-24",
				"before:1@2012-12-28", // Sun 30 Dec → Fri 28 Dec
				"before:0@2012-12-31",
				"overdue:1@2013-01-07",
			},
		},
		{
			name: "only the steps whose day has come",
			due:  D(2013, 3, 31), upTo: D(2013, 3, 21),
			want: []string{"before:28@2013-03-01", "before:14@2013-03-15"},
		},
		{
			name: "nothing before the first step",
			due:  D(2013, 3, 31), upTo: D(2013, 2, 28),
		},
		{
			name:     "Scotland keeps 2 January: a step on it goes out on the Monday before New Year",
			division: "scotland",
			days:     []int{7},
			due:      D(2013, 1, 9), upTo: D(2013, 1, 9),
			want: []string{"before:7@2012-12-31"},
		},
		{
			name: "England and Wales work on 2 January",
			days: []int{7},
			due:  D(2013, 1, 9), upTo: D(2013, 1, 9),
			want: []string{"before:7@2013-01-02"},
		},
		{
			name: "a ladder given out of order, with a repeat, is put in order",
			days: []int{0, 3, 3, 10},
			due:  D(2012, 11, 14), upTo: D(2012, 11, 14),
			want: []string{"before:10@2012-11-02", "before:3@2012-11-09", "before:0@2012-11-14"}, // Sun 4 Nov → Fri 2 Nov; Sun 11 Nov → Fri 9 Nov
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			div := tc.division
			if div == "" {
				div = calendar.DefaultDivision
			}
			r := reminders.DefaultRules(london, mustCalendar(t, div))
			if tc.days != nil {
				r.Days = tc.days
			}
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range r.Steps(tc.due, tc.upTo) {
				got = append(got, fmt.Sprintf("%s@%s", s.Step.Key(), s.SendOn))
				if !r.Calendar.IsWorkingDay(s.SendOn) {
					t.Errorf("%s goes out on %s, not a working day", s.Step.Key(), s.SendOn)
				}
				if s.SendOn.After(s.Nominal) {
					t.Errorf("%s goes out on %s, after its day %s", s.Step.Key(), s.SendOn, s.Nominal)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("steps for %s up to %s:\n got %s\nwant %s", tc.due, tc.upTo, strings.Join(got, " "), strings.Join(tc.want, " "))
			}
		})
	}
}

func TestRulesValidate(t *testing.T) {
	cal := mustCalendar(t, calendar.DefaultDivision)
	tests := []struct {
		name   string
		change func(*reminders.Rules)
		want   string
	}{
		{"defaults", func(*reminders.Rules) {}, ""},
		{"no time zone", func(r *reminders.Rules) { r.Location = nil }, "no time zone"},
		{"empty ladder", func(r *reminders.Rules) { r.Days = nil }, "no steps"},
		{"negative step", func(r *reminders.Rules) { r.Days = []int{7, -1} }, "-1 days"},
		{"escalation 0", func(r *reminders.Rules) { r.EscalateAfter = 0 }, "escalation"},
		{"stale 0", func(r *reminders.Rules) { r.StaleDays = 0 }, "check-in"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := reminders.DefaultRules(london, cal)
			tc.change(&r)
			err := r.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate: %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestParseDays(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"28,14,7,1,0", []int{28, 14, 7, 1, 0}, false},
		{" 7 , 0 ", []int{7, 0}, false},
		{"30,", []int{30}, false},
		{"", nil, true},
		{"seven", nil, true},
		{"7,-1", nil, true},
		{"400", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := reminders.ParseDays(tc.in)
			if (err != nil) != tc.wantErr || !slices.Equal(got, tc.want) {
				t.Fatalf("ParseDays(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestStepString(t *testing.T) {
	tests := []struct {
		step reminders.Step
		key  string
		text string
	}{
		{reminders.Step{Kind: reminders.StepBefore, N: 28}, "before:28", "28 days before"},
		{reminders.Step{Kind: reminders.StepBefore, N: 1}, "before:1", "1 day before"},
		{reminders.Step{Kind: reminders.StepBefore, N: 0}, "before:0", "on the day"},
		{reminders.Step{Kind: reminders.StepOverdue, N: 3}, "overdue:3", "week 3 overdue"},
		{reminders.Step{Kind: reminders.StepCheckIn, N: 2}, "checkin:2", "check-in 2"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			if got := tc.step.Key(); got != tc.key {
				t.Errorf("Key() = %q, want %q", got, tc.key)
			}
			if got := tc.step.String(); got != tc.text {
				t.Errorf("String() = %q, want %q", got, tc.text)
			}
		})
	}
}

func TestFirstRunOn(t *testing.T) {
	D := actionbot.D
	tests := []struct {
		name string
		spec string
		day  actionbot.Date
		want time.Time // zero: no run that day
	}{
		{"sweep on the Monday after clocks go forward (BST)", "0 9 * * 1-5", D(2012, 3, 26), time.Date(2012, 3, 26, 8, 0, 0, 0, time.UTC)},
		{"sweep on the Friday before, still GMT", "0 9 * * 1-5", D(2012, 3, 23), time.Date(2012, 3, 23, 9, 0, 0, 0, time.UTC)},
		{"digest on the Monday after clocks go back (GMT)", "30 8 * * 1-5", D(2012, 10, 29), time.Date(2012, 10, 29, 8, 30, 0, 0, time.UTC)},
		{"digest on the Friday before, still BST", "30 8 * * 1-5", D(2012, 10, 26), time.Date(2012, 10, 26, 7, 30, 0, 0, time.UTC)},
		{"digest on the Tuesday after Easter 2013 (BST from 31 March)", "30 8 * * 1-5", D(2013, 4, 2), time.Date(2013, 4, 2, 7, 30, 0, 0, time.UTC)},
		{"no weekday schedule on a Sunday", "30 8 * * 1-5", D(2013, 3, 31), time.Time{}},
		{"a descriptor", "@daily", D(2013, 3, 31), time.Date(2013, 3, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sched, err := reminders.ParseSchedule(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := reminders.FirstRunOn(sched, tc.day, london)
			if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
				t.Errorf("FirstRunOn(%q, %s) = %s, %v; want %s", tc.spec, tc.day, got, ok, tc.want)
			}
			if ok && got.Location() != london {
				t.Errorf("FirstRunOn returned %s, want it in London", got.Location())
			}
		})
	}
}

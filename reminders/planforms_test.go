package reminders_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
)

// Deadlines as other partnerships write them (#18) meet the reminders:
// a cell with no date is never reminded and is listed once, a cadence sets
// the check-ins, and work that starts later is not checked on before.

func readDeadline(tb testing.TB, s string) actionbot.Deadline {
	tb.Helper()
	d, _ := actionbot.ReadDeadline(s)
	if d.Written == "" {
		tb.Fatalf("deadline %q read as nothing", s)
	}
	return d
}

// setDeadline moves an action's deadline to a cell as another partnership
// writes it, at the clock's instant, as a coordinator.
func (f *fixture) setDeadline(ref, written string) {
	f.tb.Helper()
	f.mustApply(f.clock.Now(), ref, userCoord, actionbot.Op{Verb: actionbot.VerbDue, Deadline: readDeadline(f.tb, written), Note: "as the plan writes it"})
}

func TestAnUndatedDeadlineIsNeverRemindedAndListedOnceInTheFirstDigest(t *testing.T) {
	f := mustFixture(t, at(2012, 4, 2, 7, 0))
	f.mustAddMember(userCSU, "CSU")
	f.setDeadline("1.1", "TBC")
	if !readDeadline(t, "TBC").NeedsDate() {
		t.Fatal("TBC should need a date")
	}

	var listed int
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2013, 3, 29)) {
		d, _, err := f.svc.PostDigest(context.Background(), at(day.Year, day.Month, day.Day, 8, 30))
		if err != nil {
			t.Fatalf("digest on %s: %v", day, err)
		}
		if d != nil {
			for _, ref := range d.NeedsDate {
				if ref == "1.1" {
					listed++
					if !strings.Contains(plain(d.Message), "the plan says “TBC”") {
						t.Errorf("the digest of %s lists 1.1 without its cell:\n%s", day, plain(d.Message))
					}
				}
			}
		}
		run := f.mustSweep(at(day.Year, day.Month, day.Day, 9, 0))
		if r := reminderFor(run, "1.1"); r != nil {
			t.Fatalf("1.1 (TBC) reminded on %s: %+v", day, r.Step)
		}
	}
	if listed != 1 {
		t.Errorf("1.1 listed as needing a date in %d digests, want 1", listed)
	}
}

func TestAPlansCadenceSetsTheCheckIns(t *testing.T) {
	rules := mustFixture(t, at(2012, 4, 2, 7, 0)).svc.Rules
	for _, tc := range []struct {
		written string
		want    int
	}{
		{"On going", rules.StaleDays},
		{"Weekly", 7},
		{"Fortnightly", 14},
		{"Monthly", 31},
		{"Monthly to 2027", 31},
		{"Quarterly", 90},
		{"Annual", 365},
	} {
		a := &actionbot.Action{Deadline: readDeadline(t, tc.written)}
		if got := rules.CheckInDays(a); got != tc.want {
			t.Errorf("%q: a check-in after %d days without an update, want %d", tc.written, got, tc.want)
		}
	}
}

func TestAWeeklyActionIsCheckedOnAfterAWeekAndAMonthlyOneIsNot(t *testing.T) {
	f := mustFixture(t, at(2012, 4, 2, 7, 0))
	f.mustAddMember(userCSU, "CSU")
	f.setDeadline("1.1", "Weekly")
	f.setDeadline("1.2", "Monthly")
	f.mustApply(at(2012, 4, 2, 10, 0), "1.1", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "panel met"})
	f.mustApply(at(2012, 4, 2, 10, 0), "1.2", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "panel met"})

	run := f.mustSweep(at(2012, 4, 10, 9, 0)) // Tuesday: Monday 9 April 2012 was Easter Monday
	if r := reminderFor(run, "1.1"); r == nil || r.Step.Kind != reminders.StepCheckIn {
		t.Errorf("weekly 1.1 a week without an update: %+v, want a check-in", r)
	}
	if r := reminderFor(run, "1.2"); r != nil {
		t.Errorf("monthly 1.2 after a week: %+v, want nothing yet", r.Step)
	}
}

func TestWorkThatStartsLaterIsNotCheckedOnBeforeIt(t *testing.T) {
	f := mustFixture(t, at(2012, 4, 2, 7, 0))
	f.mustAddMember(userCSU, "CSU")
	f.setDeadline("1.1", "From April 2013 onwards") // 1.2 stays "On going"
	var checkedOn, later int
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2013, 3, 29)) {
		run := f.mustSweep(at(day.Year, day.Month, day.Day, 9, 0))
		if reminderFor(run, "1.1") != nil {
			later++
		}
		if reminderFor(run, "1.2") != nil {
			checkedOn++
		}
	}
	if later != 0 {
		t.Errorf("work from April 2013 was checked on %d times in 2012-13", later)
	}
	if checkedOn == 0 {
		t.Error("ongoing 1.2 was never checked on: the test shows nothing")
	}
}

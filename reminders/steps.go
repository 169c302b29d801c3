package reminders

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
)

// StepKind says what a reminder step counts from.
type StepKind string

const (
	// StepBefore is a step of the ladder: N days before the deadline (0 is
	// the day itself).
	StepBefore StepKind = "before"
	// StepOverdue is the Nth weekly reminder after the deadline.
	StepOverdue StepKind = "overdue"
	// StepCheckIn is the Nth check-in of an ongoing action since its last
	// update.
	StepCheckIn StepKind = "checkin"
)

// Step is one step of an action's reminders.
type Step struct {
	Kind StepKind
	N    int
}

// Key is the step as the ledger records it: "before:28", "overdue:3",
// "checkin:1".
func (s Step) Key() string { return string(s.Kind) + ":" + strconv.Itoa(s.N) }

// String describes the step for people: "28 days before", "on the day",
// "week 3 overdue", "check-in 2".
func (s Step) String() string {
	switch s.Kind {
	case StepBefore:
		switch s.N {
		case 0:
			return "on the day"
		case 1:
			return "1 day before"
		}
		return fmt.Sprintf("%d days before", s.N)
	case StepOverdue:
		return fmt.Sprintf("week %d overdue", s.N)
	case StepCheckIn:
		return fmt.Sprintf("check-in %d", s.N)
	}
	return s.Key()
}

// Scheduled is a step with the day it is for and the working day it goes
// out on.
type Scheduled struct {
	Step Step
	// Nominal is the day the step counts to: the deadline less N days, or
	// the deadline plus N weeks.
	Nominal actionbot.Date
	// SendOn is the working day the step goes out: Nominal if that is a
	// working day, else the last working day before it (never, for an
	// overdue step, on or before the deadline itself).
	SendOn actionbot.Date
}

// Rules decide what is due to whom and when. They hold no state: what has
// already gone out is in the ledger.
type Rules struct {
	// Location is the partnership's time zone: days start and end there.
	Location *time.Location
	// Calendar says which days are working days.
	Calendar *calendar.Calendar
	// Days is the ladder: days before the deadline at which a reminder goes
	// out, 0 being the day itself (28, 14, 7, 1, 0).
	Days []int
	// EscalateAfter is how many days overdue an action must be for its
	// weekly overdue reminder to go to the tasking channel too (14).
	EscalateAfter int
	// StaleDays is how long an ongoing action may go without an update
	// before it gets a check-in, and the least time between check-ins (30).
	StaleDays int
}

// DefaultDays is the default ladder.
var DefaultDays = []int{28, 14, 7, 1, 0}

// DefaultRules returns the documented defaults for a time zone and calendar.
func DefaultRules(loc *time.Location, cal *calendar.Calendar) Rules {
	return Rules{Location: loc, Calendar: cal, Days: slices.Clone(DefaultDays), EscalateAfter: 14, StaleDays: 30}
}

// MaxLadderDays is the earliest a ladder step may be: a year before.
const MaxLadderDays = 366

// Validate checks the rules and puts the ladder in order (latest first,
// without repeats).
func (r *Rules) Validate() error {
	if r.Location == nil {
		return fmt.Errorf("reminder rules: no time zone")
	}
	if len(r.Days) == 0 {
		return fmt.Errorf("reminder rules: the ladder has no steps")
	}
	for _, d := range r.Days {
		if d < 0 || d > MaxLadderDays {
			return fmt.Errorf("reminder rules: %d days before the deadline is not a step: use 0 to %d", d, MaxLadderDays)
		}
	}
	days := slices.Clone(r.Days)
	slices.Sort(days)
	days = slices.Compact(days)
	slices.Reverse(days)
	r.Days = days
	if r.EscalateAfter < 1 {
		return fmt.Errorf("reminder rules: escalation after %d days overdue: use 1 or more", r.EscalateAfter)
	}
	if r.StaleDays < 1 {
		return fmt.Errorf("reminder rules: a check-in after %d days without an update: use 1 or more", r.StaleDays)
	}
	return nil
}

// ParseDays reads a ladder written "28,14,7,1,0".
func ParseDays(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > MaxLadderDays {
			return nil, fmt.Errorf("%q is not a number of days from 0 to %d", f, MaxLadderDays)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("give at least one number of days, such as 28,14,7,1,0")
	}
	return out, nil
}

// Steps returns the steps for a deadline whose day to go out is on or
// before upTo, in order: the ladder, then the weekly overdue reminders.
func (r Rules) Steps(due, upTo actionbot.Date) []Scheduled {
	weeks := max(due.DaysUntil(upTo)/7, 0)
	out := make([]Scheduled, 0, len(r.Days)+weeks+1)
	for _, n := range r.Days {
		nominal := due.AddDays(-n)
		s := Scheduled{Step: Step{StepBefore, n}, Nominal: nominal, SendOn: r.Calendar.OnOrBefore(nominal)}
		if s.SendOn.After(upTo) {
			return out
		}
		out = append(out, s)
	}
	for k := 1; ; k++ {
		nominal := due.AddDays(7 * k)
		send := r.Calendar.OnOrBefore(nominal)
		if !send.After(due) {
			// Only possible with a week of holidays: never remind that an
			// action is overdue before it is.
			send = r.Calendar.NextWorkingDay(due)
		}
		if send.After(upTo) {
			return out
		}
		out = append(out, Scheduled{Step: Step{StepOverdue, k}, Nominal: nominal, SendOn: send})
	}
}

// checkInAnchor is the instant an ongoing action was last updated by a
// person, or the start of the plan when it never was.
func (r Rules) checkInAnchor(a *actionbot.Action, planStart actionbot.Date, now time.Time) time.Time {
	anchor := planStart.In(r.Location)
	if a.LastActivity.After(anchor) && !a.LastActivity.After(now) {
		anchor = a.LastActivity
	}
	return anchor
}

// due is the latest step of an action's reminders due at an instant.
type due struct {
	Scheduled
	// deadline is the ledger's deadline key: the due date, or for a
	// check-in the instant of the last update.
	deadline string
	// earlier are the steps before it, superseded if they never went out.
	earlier []Step
	// days is, for a dated action, the days from today to the deadline
	// (negative when overdue); for a check-in, the days since the update.
	days int
	// since is, for a check-in, the last update (or the plan's start).
	since time.Time
}

// Due returns the latest step of a's reminders that is due at now, if any:
// the latest step of the ladder or of the weekly overdue reminders whose
// day to go out has come, or for an ongoing action the check-in of the
// current stale period. Done and snoozed actions have none.
func (r Rules) due(a *actionbot.Action, planStart actionbot.Date, now time.Time) (due, bool) {
	if a.IsDone() || a.SnoozedUntil.After(now) {
		return due{}, false
	}
	today := actionbot.Today(now, r.Location)
	if dl, dated := a.DueIn(today); dated {
		steps := r.Steps(a.Deadline.Due, today)
		if len(steps) == 0 {
			return due{}, false
		}
		d := due{Scheduled: steps[len(steps)-1], deadline: a.Deadline.Due.String(), days: dl}
		for _, s := range steps[:len(steps)-1] {
			d.earlier = append(d.earlier, s.Step)
		}
		return d, true
	}
	// Ongoing (or undated) work: a check-in once it has gone stale.
	anchor, k, days := r.staleness(a, planStart, now)
	if k < 1 {
		return due{}, false
	}
	d := due{
		Scheduled: Scheduled{Step: Step{StepCheckIn, k}, Nominal: actionbot.DateOf(anchor.AddDate(0, 0, k*r.StaleDays)), SendOn: today},
		deadline:  "since-" + anchor.UTC().Format(time.RFC3339),
		days:      days,
		since:     anchor,
	}
	for i := 1; i < k; i++ {
		d.earlier = append(d.earlier, Step{StepCheckIn, i})
	}
	return d, true
}

// staleness says how long an ongoing action has gone without an update at
// now: since when (see checkInAnchor, in the partnership's time zone), how
// many whole stale periods of StaleDays have passed, and how many days.
// Days are counted on the wall clock, so a clock change does not move a
// check-in by an hour.
func (r Rules) staleness(a *actionbot.Action, planStart actionbot.Date, now time.Time) (anchor time.Time, periods, days int) {
	anchor = r.checkInAnchor(a, planStart, now).In(r.Location)
	now = now.In(r.Location)
	k := int(now.Sub(anchor) / (time.Duration(r.StaleDays) * 24 * time.Hour))
	for k > 0 && anchor.AddDate(0, 0, k*r.StaleDays).After(now) {
		k--
	}
	for !anchor.AddDate(0, 0, (k+1)*r.StaleDays).After(now) {
		k++
	}
	return anchor, k, actionbot.DateOf(anchor).DaysUntil(actionbot.DateOf(now))
}

// escalates reports whether a due step also goes to the tasking channel: a
// weekly overdue reminder once the action has been overdue EscalateAfter
// days.
func (r Rules) escalates(d due) bool {
	return d.Step.Kind == StepOverdue && -d.days >= r.EscalateAfter
}

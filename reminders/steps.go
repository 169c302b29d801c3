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

// Ordinal is where the step stands in its ladder: the ledger's latest
// recorded ordinal for an action's deadline says which steps have gone out
// or been passed by (before:28 is -28, before:0 is 0, overdue:3 and
// checkin:3 are 3).
func (s Step) Ordinal() int {
	if s.Kind == StepBefore {
		return -s.N
	}
	return s.N
}

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
	// for an overdue step the first working day of the Nth week after the
	// deadline's.
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
// Ladder steps go out on their own day; the Nth overdue reminder goes out
// on the first working day of the Nth week after the deadline's week, with
// everything else weekly (see WeekStart).
func (r Rules) Steps(due, upTo actionbot.Date) []Scheduled {
	out := make([]Scheduled, 0, len(r.Days)+8)
	for _, n := range r.Days {
		nominal := due.AddDays(-n)
		s := Scheduled{Step: Step{StepBefore, n}, Nominal: nominal, SendOn: r.Calendar.OnOrBefore(nominal)}
		if s.SendOn.After(upTo) {
			return out
		}
		out = append(out, s)
	}
	for k := 1; ; k++ {
		week := monday(due).AddDays(7 * k)
		if week.After(upTo) {
			return out
		}
		send, ok := r.WeekStart(week)
		if !ok {
			continue // a week without a working day: no reminder that week
		}
		if send.After(upTo) {
			return out
		}
		out = append(out, Scheduled{Step: Step{StepOverdue, k}, Nominal: send, SendOn: send})
	}
}

// monday is the Monday of d's week.
func monday(d actionbot.Date) actionbot.Date {
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}

// WeekStart is the first working day of d's week (Monday to Sunday): the
// day the weekly things go out together — overdue reminders, escalations,
// check-ins, and the bundles of people who asked for them weekly. False for
// a week with no working day.
func (r Rules) WeekStart(d actionbot.Date) (actionbot.Date, bool) {
	mon := monday(d)
	for i := range 7 {
		if x := mon.AddDays(i); r.Calendar.IsWorkingDay(x) {
			return x, true
		}
	}
	return actionbot.Date{}, false
}

// IsWeekStart reports whether d is the first working day of its week.
func (r Rules) IsWeekStart(d actionbot.Date) bool {
	ws, ok := r.WeekStart(d)
	return ok && ws == d
}

// CheckInDays is how many days an ongoing action may go without an update
// before it gets a check-in, and between check-ins. It is the one place
// the cadence is decided: the plan's own cadence for the action ("Weekly",
// "Monthly to 2027", "Quarterly") where it gives one, StaleDays otherwise.
func (r Rules) CheckInDays(a *actionbot.Action) int {
	if c := a.Deadline.Cadence(); c != "" {
		// Counted from 1 January of a common year: a month is 31 days, a
		// quarter 90, a year 365.
		ref := actionbot.D(2001, time.January, 1)
		if n := ref.DaysUntil(c.Next(ref)); n > 0 {
			return n
		}
	}
	return r.StaleDays
}

// checkInAnchor is the instant an ongoing action was last updated by a
// person, or the start of the plan when it never was.
func (r Rules) checkInAnchor(a *actionbot.Action, planStart actionbot.Date, now time.Time) time.Time {
	anchor := planStart.In(r.Location)
	if a.LastActivity.After(anchor) && !a.LastActivity.After(now) {
		anchor = a.LastActivity
	}
	// Work the plan starts later ("from April 2013 onwards") is not
	// checked on before it starts.
	if from := a.Deadline.From(); !from.IsZero() && from.In(r.Location).After(anchor) {
		anchor = from.In(r.Location)
	}
	return anchor
}

// The overdue ladder: an overdue action is chased weekly for its first
// ChaseWeeklyFor weeks overdue, then every ChaseEvery weeks; the weekly
// weeks start again from the week its lead last acted on it (see
// lastAct).
const (
	ChaseWeeklyFor = 4
	ChaseEvery     = 4
)

// lastAct is when a person last acted on an action in a way that restarts
// its overdue chasing: any change made with /action (progress, a note, a
// moved deadline, blocked, at risk…), and a snooze. Zero when nobody has.
func lastAct(a *actionbot.Action) time.Time {
	t := a.LastActivity
	if e := a.LastUpdate; e != nil && e.Verb == actionbot.VerbSnooze && e.At.After(t) {
		t = e.At
	}
	return t
}

// due is the latest step of an action's reminders due at an instant.
type due struct {
	Scheduled
	// deadline is the ledger's deadline key: the due date, or for a
	// check-in the instant of the last update.
	deadline string
	// days is, for a dated action, the days from today to the deadline
	// (negative when overdue); for a check-in, the days since the update.
	days int
	// since is, for a check-in, the last update (or the plan's start).
	since time.Time
	// gap is, for an overdue step, the fewest weeks there must be since
	// the action's last chase for it to go out: 1 in its first
	// ChaseWeeklyFor weeks overdue (or since its lead last acted on it),
	// ChaseEvery after.
	gap int
}

// due returns the step of a's reminders that is due on the working day of
// now, if any, decided arithmetically whatever the downtime before it: the
// latest ladder step whose day has come while the deadline has not passed;
// once it has, the overdue reminder of the current week; for ongoing work,
// the check-in of the current week once it has gone stale. Earlier steps
// that never went out are never worked out, so they can never go out. Done
// and snoozed actions, and deadlines that need a date (no due date, not
// ongoing), have none.
func (r Rules) due(a *actionbot.Action, planStart actionbot.Date, now time.Time) (due, bool) {
	if a.IsDone() || a.SnoozedUntil.After(now) {
		return due{}, false
	}
	today := actionbot.Today(now, r.Location)
	if a.Deadline.Ongoing {
		return r.checkIn(a, planStart, now)
	}
	if a.Deadline.Due.IsZero() {
		return due{}, false // needs a date: never reminded
	}
	dl := today.DaysUntil(a.Deadline.Due)
	if dl >= 0 {
		var last *Scheduled
		for _, n := range r.Days {
			nominal := a.Deadline.Due.AddDays(-n)
			s := Scheduled{Step: Step{StepBefore, n}, Nominal: nominal, SendOn: r.Calendar.OnOrBefore(nominal)}
			if s.SendOn.After(today) {
				break
			}
			last = &s
		}
		if last == nil {
			return due{}, false
		}
		return due{Scheduled: *last, deadline: a.Deadline.Due.String(), days: dl}, true
	}
	k := monday(a.Deadline.Due).DaysUntil(monday(today)) / 7
	ws, ok := r.WeekStart(today)
	if k < 1 || !ok {
		return due{}, false // overdue since earlier this week: next week's reminder says so
	}
	// Weeks since the deadline's week, or since the week its lead last
	// acted on it when that is later: acted on this week, it is not chased
	// this week.
	j := k
	if act := lastAct(a); !act.IsZero() && !act.After(now) {
		if w := monday(a.Deadline.Due).DaysUntil(monday(actionbot.DateOf(act.In(r.Location)))) / 7; w > 0 {
			j = k - w
		}
	}
	if j < 1 {
		return due{}, false
	}
	gap := 1
	if j > ChaseWeeklyFor {
		gap = ChaseEvery
	}
	return due{Scheduled: Scheduled{Step: Step{StepOverdue, k}, Nominal: ws, SendOn: ws},
		deadline: a.Deadline.Due.String(), days: dl, gap: gap}, true
}

// rests reports whether an overdue step waits for a later week: the
// action was chased (its latest recorded step for this deadline, an
// ordinal) fewer than gap weeks ago. A deadline never chased goes out at
// once, whatever week it is in.
func (d due) rests(latest int, recorded bool) bool {
	return d.Step.Kind == StepOverdue && recorded && d.gap > 1 && latest > d.Step.N-d.gap
}

// checkIn is the check-in of an ongoing action due in now's week: its
// staleness is judged on the week's first working day, so check-ins go out
// with the week's other weekly reminders.
func (r Rules) checkIn(a *actionbot.Action, planStart actionbot.Date, now time.Time) (due, bool) {
	today := actionbot.Today(now, r.Location)
	ws, ok := r.WeekStart(today)
	if !ok {
		return due{}, false
	}
	anchor := r.checkInAnchor(a, planStart, now).In(r.Location)
	from := actionbot.DateOf(anchor)
	if ws.Before(from) {
		return due{}, false // updated this week
	}
	every := r.CheckInDays(a) // reads the cell: once
	k := from.DaysUntil(ws) / every
	if k < 1 {
		return due{}, false
	}
	return due{
		Scheduled: Scheduled{Step: Step{StepCheckIn, k}, Nominal: from.AddDays(k * every), SendOn: ws},
		deadline:  "since-" + anchor.UTC().Format(time.RFC3339),
		days:      from.DaysUntil(today),
		since:     anchor,
	}, true
}

// escalates reports whether a due step also goes to the tasking channel: a
// weekly overdue reminder once the action has been overdue EscalateAfter
// days.
func (r Rules) escalates(d due) bool {
	return d.Step.Kind == StepOverdue && -d.days >= r.EscalateAfter
}

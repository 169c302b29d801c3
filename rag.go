package actionbot

import (
	"strconv"
	"strings"
	"time"
)

// RAG is an action's red/amber/green rating at an instant.
type RAG string

const (
	RAGComplete RAG = "complete" // done; shown blue
	RAGGreen    RAG = "green"
	RAGAmber    RAG = "amber"
	RAGRed      RAG = "red"
)

// RAGs lists the ratings in report order.
var RAGs = []RAG{RAGRed, RAGAmber, RAGGreen, RAGComplete}

// OnTarget reports whether the rating counts as "on target": complete or
// green ("completed or on schedule").
func (r RAG) OnTarget() bool { return r == RAGComplete || r == RAGGreen }

// Label is the rating as a board report writes it: "Red", "Complete".
func (r RAG) Label() string {
	switch r {
	case RAGComplete:
		return "Complete"
	case RAGGreen:
		return "Green"
	case RAGAmber:
		return "Amber"
	case RAGRed:
		return "Red"
	}
	return string(r)
}

// Emoji is the rating as a coloured circle, for chat surfaces.
func (r RAG) Emoji() string {
	switch r {
	case RAGComplete:
		return "🔵"
	case RAGGreen:
		return "🟢"
	case RAGAmber:
		return "🟠"
	case RAGRed:
		return "🔴"
	}
	return "⚪"
}

// RAGRules are the thresholds of the RAG rating. DefaultRAGRules has the
// documented values; the ACTIONBOT_RAG_* and ACTIONBOT_STALE_DAYS variables
// change them.
type RAGRules struct {
	// BehindRatio: a dated action is behind schedule when its progress divided
	// by the share of the time elapsed between the plan's start and its
	// deadline is below this (0.9)...
	BehindRatio float64
	// MinElapsed: ...once at least this share of that time has elapsed (0.25).
	MinElapsed float64
	// DueSoonDays and DueSoonProgress: amber when due within DueSoonDays days
	// with progress under DueSoonProgress percent (14, 50).
	DueSoonDays     int
	DueSoonProgress int
	// StaleDays: an ongoing action not updated for this many days or more is
	// amber (30); the same threshold makes an action "stale" in lists, the
	// digest and the check-in reminders.
	StaleDays int
}

// DefaultRAGRules returns the documented default thresholds.
func DefaultRAGRules() RAGRules {
	return RAGRules{BehindRatio: 0.9, MinElapsed: 0.25, DueSoonDays: 14, DueSoonProgress: 50, StaleDays: 30}
}

// Validate checks that the thresholds make sense, naming the setting that
// does not (EINVALID).
func (r RAGRules) Validate() error {
	switch {
	case !(r.BehindRatio > 0 && r.BehindRatio <= 2):
		return Errorf(EINVALID, "ACTIONBOT_RAG_BEHIND_RATIO is %g: it is a ratio of progress to time elapsed, above 0 and at most 2 (0.9 by default).", r.BehindRatio)
	case !(r.MinElapsed >= 0 && r.MinElapsed <= 1):
		return Errorf(EINVALID, "ACTIONBOT_RAG_MIN_ELAPSED is %g: it is a share of the time to the deadline, from 0 to 1 (0.25 by default).", r.MinElapsed)
	case r.DueSoonDays < 0 || r.DueSoonDays > 366:
		return Errorf(EINVALID, "ACTIONBOT_RAG_DUE_SOON_DAYS is %d: it is a number of days from 0 to 366 (14 by default).", r.DueSoonDays)
	case r.DueSoonProgress < 0 || r.DueSoonProgress > 100:
		return Errorf(EINVALID, "ACTIONBOT_RAG_DUE_SOON_PROGRESS is %d: it is a percentage from 0 to 100 (50 by default).", r.DueSoonProgress)
	case r.StaleDays < 1 || r.StaleDays > 366:
		return Errorf(EINVALID, "ACTIONBOT_STALE_DAYS is %d: it is a number of days from 1 to 366 (30 by default).", r.StaleDays)
	}
	return nil
}

// Assessment is a rating with the reason for it.
type Assessment struct {
	RAG RAG
	Why string // "4 days overdue", "blocked: waiting for vetting"
}

// Assess rates a on the day today of a plan starting on planStart; now is
// the instant, in the plan's time zone (it dates the last update of an
// ongoing action). The rules, in order:
//
//   - Complete: done.
//   - Red: blocked; or past its deadline (the deadline day itself is not
//     past).
//   - Ongoing actions (no due date): amber when flagged at risk or when not
//     updated by a person for StaleDays calendar days or more (counted
//     from the plan's start if never updated); green otherwise.
//   - Amber: flagged at risk; due within DueSoonDays days with progress
//     under DueSoonProgress%; or behind schedule: once at least MinElapsed
//     of the time from the plan's start to the deadline has passed, progress
//     divided by the share elapsed is below BehindRatio.
//   - Green: otherwise.
func (r RAGRules) Assess(a *Action, planStart Date, today Date, now time.Time) Assessment {
	if a.IsDone() {
		return Assessment{RAGComplete, "done"}
	}
	if a.Status == StatusBlocked {
		return Assessment{RAGRed, withReason("blocked", a.Reason)}
	}
	if a.Deadline.Ongoing || a.Deadline.Due.IsZero() {
		return r.assessOngoing(a, planStart, today, now)
	}
	due := a.Deadline.Due
	left := today.DaysUntil(due)
	if left < 0 {
		return Assessment{RAGRed, OverdueText(-left)}
	}
	if a.Status == StatusAtRisk {
		return Assessment{RAGAmber, withReason("at risk", a.Reason)}
	}
	if left <= r.DueSoonDays && a.Progress < r.DueSoonProgress {
		when := "due today"
		if left > 0 {
			when = "due in " + Plural(left, "day")
		}
		return Assessment{RAGAmber, when + " at " + strconv.Itoa(a.Progress) + "%"}
	}
	// The share of the time from the plan's start to the deadline that has
	// passed. A deadline on or before the plan's start leaves no time to
	// share out: such an action is overdue (above) or not yet started.
	if total := planStart.DaysUntil(due); total > 0 {
		elapsed := planStart.DaysUntil(today)
		share := float64(elapsed) / float64(total)
		if elapsed > 0 && share >= r.MinElapsed {
			if ratio := float64(a.Progress) / 100 / share; ratio < r.BehindRatio {
				return Assessment{RAGAmber, "behind schedule: " + strconv.Itoa(a.Progress) + "% done with " +
					strconv.FormatFloat(min(share, 1)*100, 'f', 0, 64) + "% of the time gone"}
			}
		}
	}
	return Assessment{RAGGreen, "on schedule"}
}

// assessOngoing rates an action with no due date by how recently a person
// updated it: green while updated within StaleDays days, amber when flagged
// at risk or stale (blocked, rated red, is handled before).
func (r RAGRules) assessOngoing(a *Action, planStart Date, today Date, now time.Time) Assessment {
	loc := now.Location()
	planStart = a.TrackedFrom(planStart, loc)
	updated := !a.LastActivity.IsZero() && !a.LastActivity.After(now) && !DateOf(a.LastActivity.In(loc)).Before(planStart)
	since := planStart
	if updated {
		since = DateOf(a.LastActivity.In(loc))
	}
	days := max(since.DaysUntil(today), 0)
	if a.Status == StatusAtRisk {
		return Assessment{RAGAmber, withReason("at risk", a.Reason)}
	}
	if days >= r.StaleDays {
		if updated {
			return Assessment{RAGAmber, "ongoing, no update for " + Plural(days, "day")}
		}
		return Assessment{RAGAmber, "ongoing, no update since the plan started " + Plural(days, "day") + " ago"}
	}
	switch {
	case !updated:
		return Assessment{RAGGreen, "ongoing, no update yet"}
	case days == 0:
		return Assessment{RAGGreen, "ongoing, updated today"}
	}
	return Assessment{RAGGreen, "ongoing, updated " + Plural(days, "day") + " ago"}
}

// withReason formats "blocked: waiting for vetting", or "blocked" when no
// reason was given.
func withReason(what, reason string) string {
	if reason = strings.TrimSpace(reason); reason == "" {
		return what
	}
	return what + ": " + reason
}

// OverdueText is how late a deadline is, in the one wording every reply,
// reminder, digest and report uses: "1 day overdue", "12 days overdue".
func OverdueText(days int) string { return Plural(days, "day") + " overdue" }

// Plural formats n with a noun: "1 day", "3 days".
func Plural(n int, noun string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// RateAt returns the rating of an action of plan at now (in the
// partnership's time zone): Assess's RAG, for a surface that lists only
// the colour, such as the CSV export.
func (r RAGRules) RateAt(plan *Plan, now time.Time) func(*Action) RAG {
	today := DateOf(now)
	return func(a *Action) RAG { return r.Assess(a, plan.Period.Start, today, now).RAG }
}

package actionbot

import (
	"fmt"
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

// RAGRules are the thresholds of the RAG rating.
type RAGRules struct {
	// BehindRatio: an action is behind schedule when progress divided by the
	// share of time elapsed is below this (0.9)...
	BehindRatio float64
	// MinElapsed: ...once at least this share of the time has elapsed (0.25).
	MinElapsed float64
	// DueSoonDays and DueSoonProgress: amber when due within DueSoonDays days
	// with progress under DueSoonProgress percent (14, 50).
	DueSoonDays     int
	DueSoonProgress int
	// StaleDays: an ongoing action with no update for this many days is amber (30).
	StaleDays int
}

// DefaultRAGRules returns the documented default thresholds.
func DefaultRAGRules() RAGRules {
	return RAGRules{BehindRatio: 0.9, MinElapsed: 0.25, DueSoonDays: 14, DueSoonProgress: 50, StaleDays: 30}
}

// Assessment is a rating with the reason for it.
type Assessment struct {
	RAG RAG
	Why string // "4 days overdue", "blocked: waiting for vetting"
}

// Assess rates a at today, for a plan starting on planStart. now is the
// instant (for staleness of ongoing actions).
func (r RAGRules) Assess(a *Action, planStart Date, today Date, now time.Time) Assessment {
	if a.IsDone() {
		return Assessment{RAGComplete, "done"}
	}
	if a.Status == StatusBlocked {
		return Assessment{RAGRed, "blocked: " + a.Reason}
	}
	if a.Deadline.Ongoing || a.Deadline.Due.IsZero() {
		last := planStart.In(now.Location())
		if a.LastActivity.After(last) && !a.LastActivity.After(now) {
			last = a.LastActivity
		}
		if days := int(now.Sub(last) / (24 * time.Hour)); days > r.StaleDays {
			return Assessment{RAGAmber, fmt.Sprintf("ongoing, no update for %d days", days)}
		}
		if a.Status == StatusAtRisk {
			return Assessment{RAGAmber, "at risk: " + a.Reason}
		}
		return Assessment{RAGGreen, "ongoing, updated recently"}
	}
	due := a.Deadline.Due
	left := today.DaysUntil(due)
	if left < 0 {
		return Assessment{RAGRed, fmt.Sprintf("%s overdue", Plural(-left, "day"))}
	}
	if a.Status == StatusAtRisk {
		return Assessment{RAGAmber, "at risk: " + a.Reason}
	}
	if left <= r.DueSoonDays && a.Progress < r.DueSoonProgress {
		return Assessment{RAGAmber, fmt.Sprintf("due in %s at %d%%", Plural(left, "day"), a.Progress)}
	}
	if total := planStart.DaysUntil(due); total > 0 {
		share := float64(planStart.DaysUntil(today)) / float64(total)
		if share >= r.MinElapsed && share > 0 {
			if ratio := float64(a.Progress) / 100 / share; ratio < r.BehindRatio {
				return Assessment{RAGAmber, fmt.Sprintf("behind schedule: %d%% done with %.0f%% of the time gone", a.Progress, min(share, 1)*100)}
			}
		}
	}
	return Assessment{RAGGreen, "on schedule"}
}

// Plural formats n with a noun: "1 day", "3 days".
func Plural(n int, noun string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

package actionbot

import (
	"strings"
	"time"
)

// AuditEntry records one change to an action: who, when, what changed from
// what to what, and the note given with it.
type AuditEntry struct {
	ID       int64     `json:"id"`
	ActionID int64     `json:"-"`
	Ref      string    `json:"ref"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Verb     Verb      `json:"verb"`
	Changes  []Change  `json:"changes,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// Change is one field's change within an audit entry.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Summary describes the entry's changes in a few words:
// "progress 40% → 60%", "status open → done", "reminders held until Thu 3
// Dec". Days are those of UTC; SummaryIn gives those of a time zone.
func (e *AuditEntry) Summary() string { return e.SummaryIn(time.UTC) }

// SummaryIn is Summary with days in loc.
func (e *AuditEntry) SummaryIn(loc *time.Location) string {
	var parts []string
	for _, c := range e.Changes {
		from, to := c.From, c.To
		switch c.Field {
		case "snoozed_until":
			parts = append(parts, snoozeSummary(c, loc))
			continue
		case "progress":
			from, to = from+"%", to+"%"
		case "status":
			from, to = Status(from).Label(), Status(to).Label()
		case "reason":
			continue // shown as the note
		}
		if from == "" {
			from = "—"
		}
		if to == "" {
			to = "—"
		}
		parts = append(parts, c.Field+" "+from+" → "+to)
	}
	if len(parts) == 0 {
		return string(e.Verb)
	}
	return strings.Join(parts, ", ")
}

// Changed returns the change to field, if the entry has one.
func (e *AuditEntry) Changed(field string) (Change, bool) {
	for _, c := range e.Changes {
		if c.Field == field {
			return c, true
		}
	}
	return Change{}, false
}

// snoozeSummary describes a snooze in words: "reminders held until Thu 3
// Dec", and, when it extended one, until when they were held before.
func snoozeSummary(c Change, loc *time.Location) string {
	day := func(s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return t.In(loc).Format("Mon 2 Jan")
	}
	if c.To == "" {
		return "reminders no longer held"
	}
	text := "reminders held until " + day(c.To)
	if c.From != "" {
		text += " (were held until " + day(c.From) + ")"
	}
	return text
}

// RetypeWindow is how long a note identical to the same person's last note
// on an action counts as that note sent again, not a new one: typed again
// after Slack showed an error although the first had been made, or pasted
// twice.
const RetypeWindow = 10 * time.Minute

// Retyped reports whether next, a note, is last typed again by the same
// person: the same text on the same action within RetypeWindow of last,
// that person's previous note there. It is refused as changing nothing.
func Retyped(last, next *AuditEntry) bool {
	if last == nil || next == nil || last.Verb != VerbNote || next.Verb != VerbNote {
		return false
	}
	gap := next.At.Sub(last.At)
	return last.Actor == next.Actor && last.Note == next.Note && gap >= 0 && gap < RetypeWindow
}

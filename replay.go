package actionbot

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Standing is an action as it stood at an instant, rebuilt from its audit
// trail: its status, reason, progress, deadline, snooze and wording as they
// were then, with the latest note a person had made by then.
type Standing struct {
	// Action is a copy of the action as it stood; its LastActivity is the
	// last update a person had made by the instant and LastUpdate the last
	// audit entry by then (nil when none).
	*Action
	// Note is the latest entry with a note made by a person (not an import)
	// at or before the instant; nil when none.
	Note *AuditEntry
	// Moves counts the deadline changes (a lead's "due" or a re-import) made
	// at or before the instant.
	Moves int
}

// Replay rebuilds every action as it stood at instant at. actions are the
// actions as they stand now; trail is their audit trail (every entry, in any
// order), which holds each change with its old and new values. Changes made
// after at are undone, newest first, from the action as it stands now, so
// the result is exactly what a report made at that instant read. Actions are
// returned in the order given. An action added to the plan after at is
// returned as it was when added; a paper leaves it out by InPlanAt.
//
// Replay is the one answer to "where did things stand on ...": the board
// report as of a date, the quarterly report, an action's history as of a
// date and the digest use it.
func Replay(actions []*Action, trail []*AuditEntry, at time.Time) []Standing {
	byAction := make(map[int64][]*AuditEntry, len(actions))
	for _, e := range trail {
		byAction[e.ActionID] = append(byAction[e.ActionID], e)
	}
	out := make([]Standing, len(actions))
	for i, a := range actions {
		out[i] = ReplayAction(a, byAction[a.ID], at)
	}
	return out
}

// InPlanAt reports whether action a was in plan at instant at: every
// action of the plan's first import was, however late the plan was loaded
// (a database started today still papers 2012); one a later import added
// was from then on.
func InPlanAt(plan *Plan, a *Action, at time.Time) bool {
	return !a.CreatedAt.After(at) || !a.CreatedAt.After(plan.CreatedAt)
}

// ReplayAction rebuilds one action as it stood at instant at from its audit
// trail (entries of other actions are ignored). See Replay.
func ReplayAction(a *Action, trail []*AuditEntry, at time.Time) Standing {
	entries := make([]*AuditEntry, 0, len(trail))
	for _, e := range trail {
		if e.ActionID == a.ID {
			entries = append(entries, e)
		}
	}
	// Oldest first; the audit id breaks ties between entries of one instant.
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].At.Equal(entries[j].At) {
			return entries[i].At.Before(entries[j].At)
		}
		return entries[i].ID < entries[j].ID
	})
	b := *a
	b.LastUpdate = nil
	s := Standing{Action: &b}
	cut := len(entries)
	for i, e := range entries {
		if e.At.After(at) {
			cut = i
			break
		}
	}
	for i := len(entries) - 1; i >= cut; i-- {
		undo(&b, entries[i])
	}
	var activity time.Time
	// A change undone by then, and its undo, are neither a deadline move
	// nor the latest note: they net out.
	undone := UndoneIDs(entries[:cut])
	for _, e := range entries[:cut] {
		b.LastUpdate = e
		if undone[e.ID] || len(e.Undoes()) > 0 {
			if e.Verb != VerbImport && e.Verb != VerbSnooze {
				activity = e.At
			}
			continue
		}
		if movesDeadline(e) {
			s.Moves++
		}
		if e.Verb == VerbImport {
			continue
		}
		if e.Verb != VerbSnooze {
			activity = e.At
		}
		if strings.TrimSpace(e.Note) != "" {
			s.Note = e
		}
	}
	if b.LastActivity.After(at) {
		b.LastActivity = activity
	}
	if b.UpdatedAt.After(at) {
		// Last changed by the latest entry up to the instant, or when added.
		b.UpdatedAt = b.CreatedAt
		if b.LastUpdate != nil {
			b.UpdatedAt = b.LastUpdate.At
		}
	}
	return s
}

// movesDeadline reports whether an entry changed the deadline.
func movesDeadline(e *AuditEntry) bool {
	for _, c := range e.Changes {
		switch c.Field {
		case "deadline", "by_when", "due":
			return true
		}
	}
	return false
}

// undo puts back the old values of an entry's changes.
func undo(a *Action, e *AuditEntry) {
	for _, c := range e.Changes {
		switch c.Field {
		case "status":
			a.Status = Status(c.From)
		case "reason":
			a.Reason = c.From
		case "progress":
			if n, err := strconv.Atoi(c.From); err == nil {
				a.Progress = n
			}
		case "deadline":
			if c.From == a.Original.String() {
				a.Deadline = a.Original // back to the plan's own
			} else {
				a.Deadline = parseRecordedDeadline(c.From, a.Deadline)
			}
		case "snoozed_until":
			a.SnoozedUntil = time.Time{}
			if t, err := time.Parse(time.RFC3339, c.From); err == nil {
				a.SnoozedUntil = t
			}
		case "text":
			a.Text = c.From
		case "funding":
			a.Funding = c.From
		case "notes":
			a.Notes = c.From
		case "lead", "partners":
			// A coordinator's change, or a re-import's: the agencies of
			// the time, as PartiesText recorded them. A slice of its
			// own, so the action as it stands is left as it is.
			if ps, ok := ParsePartiesText(c.From); ok && c.Field == "lead" {
				a.Lead = ps
			} else if ok {
				a.Partners = ps
			}
		case "review":
			a.Review = c.From
		case "priority":
			if n, err := strconv.Atoi(c.From); err == nil {
				a.Priority = n
			}
		case "by_when":
			// A re-import changed the plan's deadline; the current one
			// followed it unless a lead had moved it.
			was := parseRecordedDeadline(c.From, a.Original)
			if a.Deadline == a.Original {
				a.Deadline = was
			}
			a.Original = was
		case "due":
			if d, err := ParseISODate(c.From); err == nil {
				if a.Deadline == a.Original {
					a.Deadline.Due = d
				}
				a.Original.Due = d
			}
		}
	}
}

// parseRecordedDeadline reads a deadline as the audit trail records it (its
// written form); keep is returned when it cannot be read.
func parseRecordedDeadline(s string, keep Deadline) Deadline {
	d, err := ParseDeadline(s)
	if err != nil {
		return keep
	}
	return d
}

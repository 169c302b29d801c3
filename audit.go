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
// "progress 40% → 60%", "status open → done".
func (e *AuditEntry) Summary() string {
	var parts []string
	for _, c := range e.Changes {
		from, to := c.From, c.To
		switch c.Field {
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

package actionbot

import (
	"sort"
	"strconv"
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
		case FieldUndoes:
			continue // the link to the entry undone: the note names it
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

// Undo: "/action 5.2 undo" reverses one change, recorded as an entry of its
// own (VerbUndo) whose changes put the old values back and which names the
// entry it reverses (a change of field FieldUndoes, to that entry's id).
// The trail itself is never rewritten: the undone entry stays, and readers
// that count what happened (the digest, board papers) skip the pair
// (SkipUndone).

// FieldUndoes is the field of an undo entry's change that names the entry
// it reverses: from "", to the undone entry's id. An undo of a form's
// several steps names each.
const FieldUndoes = "undoes"

// UndoWindow is how long after a change it can be undone.
const UndoWindow = 24 * time.Hour

// undoFields are the fields an undo puts back: those a lead's change sets.
var undoFields = []string{"status", "reason", "progress", "deadline", "snoozed_until"}

// Undoes returns the ids of the entries an undo entry reverses (none for
// any other entry).
func (e *AuditEntry) Undoes() []int64 {
	var ids []int64
	for _, c := range e.Changes {
		if c.Field != FieldUndoes {
			continue
		}
		if id, err := strconv.ParseInt(c.To, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// UndoneIDs returns the ids of the entries of trail that an undo in trail
// reverses.
func UndoneIDs(trail []*AuditEntry) map[int64]bool {
	out := map[int64]bool{}
	for _, e := range trail {
		for _, id := range e.Undoes() {
			out[id] = true
		}
	}
	return out
}

// SkipUndone returns trail without the changes that were undone and the
// undos that reversed them, both in trail: what a count of what happened
// (done since the last digest, deadlines moved) should read. An undo whose
// undone entry is not in trail (made before the window read) stays: it is
// a change made in the window. Replay needs the whole trail, not this.
func SkipUndone(trail []*AuditEntry) []*AuditEntry {
	in := make(map[int64]bool, len(trail))
	for _, e := range trail {
		in[e.ID] = true
	}
	undone := UndoneIDs(trail)
	out := make([]*AuditEntry, 0, len(trail))
	for _, e := range trail {
		if undone[e.ID] {
			continue
		}
		if ids := e.Undoes(); len(ids) > 0 && in[ids[0]] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// stateChanging reports whether an entry changed any field (a note alone
// does not, and is not undone: it stays on the record, and a later note
// corrects it).
func stateChanging(e *AuditEntry) bool {
	for _, c := range e.Changes {
		if c.Field != FieldUndoes {
			return true
		}
	}
	return false
}

// UndoTarget finds what actor's "undo" on an action reverses, from the
// action's audit trail (any order) at now: actor's last change to it, or,
// for a coordinator, anyone's; with the steps made with it in one go (a
// form's status and progress). Notes are not changes here: they stay on the
// record. The entries are returned oldest first. It refuses, with a reason
// in the person's terms, when there is nothing to undo (EUNCHANGED), when
// the change is older than UndoWindow, when someone else has changed the
// action since (naming who), when it was already undone, when it is itself
// an undo (an undo is not undone: the change is made again), or when it
// cannot be undone (an import, a change of lead or partners) (ECONFLICT).
func UndoTarget(trail []*AuditEntry, ref, actor string, coordinator bool, now time.Time) ([]*AuditEntry, error) {
	es := make([]*AuditEntry, 0, len(trail))
	for _, e := range trail {
		if stateChanging(e) {
			es = append(es, e)
		}
	}
	// Newest first; the audit id breaks ties between entries of an instant.
	sort.SliceStable(es, func(i, j int) bool {
		if !es[i].At.Equal(es[j].At) {
			return es[i].At.After(es[j].At)
		}
		return es[i].ID > es[j].ID
	})
	head := -1
	for i, e := range es {
		if coordinator || e.Actor == actor {
			head = i
			break
		}
	}
	if head < 0 {
		if coordinator {
			return nil, Errorf(EUNCHANGED, "There is nothing to undo on %s: nobody has changed it.", ref)
		}
		return nil, Errorf(EUNCHANGED, "There is nothing of yours to undo on %s: you have not changed it (a note stays on the record; add another to correct it).", ref)
	}
	h := es[head]
	loc := now.Location()
	what := func(e *AuditEntry) string { return UndoDescription([]*AuditEntry{e}, now) }
	yours := "Your last change to " + ref
	if h.Actor != actor {
		yours = "The last change to " + ref
	}
	if h.Verb == VerbUndo {
		return nil, Errorf(ECONFLICT, "%s was an undo (%s); an undo is not undone. Make the change again instead, for example `/action %s progress <n>`.", yours, strings.TrimPrefix(h.Note, "undo of "), ref)
	}
	if UndoneIDs(trail)[h.ID] {
		return nil, Errorf(EUNCHANGED, "%s (%s) is already undone.", yours, what(h))
	}
	for _, e := range es[:head] {
		// Someone else's change since (a coordinator's head is the newest).
		return nil, Errorf(ECONFLICT, "%s changed %s since your change (%s, %s), so it is not undone: change it directly, for example `/action %s progress <n>`.",
			actorText(e.Actor), ref, e.SummaryIn(loc), e.At.In(loc).Format("Mon 2 Jan 15:04"), ref)
	}
	if !undoable(h) {
		return nil, Errorf(ECONFLICT, "%s (%s, by %s) cannot be undone: %s.", yours, h.SummaryIn(loc), actorText(h.Actor), whyNotUndoable(h))
	}
	if now.Sub(h.At) > UndoWindow {
		return nil, Errorf(ECONFLICT, "%s (%s) is more than 24 hours old, so it cannot be undone: change it directly instead.", yours, what(h))
	}
	// The steps made with it: the same person's, at the same instant, each
	// setting other fields (a form sets each field once).
	out := []*AuditEntry{h}
	set := map[string]bool{}
	overlaps := func(e *AuditEntry) bool {
		o := false
		for _, c := range e.Changes {
			o = o || set[c.Field]
			set[c.Field] = true
		}
		return o
	}
	overlaps(h)
	for _, e := range es[head+1:] {
		if !e.At.Equal(h.At) || e.Actor != h.Actor || e.Verb == VerbUndo || !undoable(e) || overlaps(e) {
			break
		}
		out = append(out, e)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// undoable reports whether an entry's changes can be put back by an undo:
// a person's change to status, progress, deadline or snooze.
func undoable(e *AuditEntry) bool {
	switch e.Verb {
	case VerbDone, VerbProgress, VerbBlocked, VerbUnblock, VerbAtRisk, VerbReopen, VerbDue, VerbSnooze:
	default:
		return false
	}
	for _, c := range e.Changes {
		found := false
		for _, f := range undoFields {
			found = found || c.Field == f
		}
		if !found {
			return false
		}
	}
	return true
}

func whyNotUndoable(e *AuditEntry) string {
	switch e.Verb {
	case VerbImport:
		return "it came from importing the plan; import the file again, or change the action directly"
	case VerbLead, VerbPartners:
		return "a change of lead or partners is made again the other way: `/action <id> " + string(e.Verb) + " ...`"
	}
	return "only a change of status, progress, deadline or snooze can be undone"
}

// actorText names an actor in a plain sentence: @U… for a person, the
// system's name otherwise.
func actorText(actor string) string {
	if IsUserID(actor) {
		return "@" + actor
	}
	return actor
}

// UndoDescription is what an undo entry's note says it reverses: "undo of
// progress 0% → 60% by @U1, 09:12" (the day too when it was not today).
func UndoDescription(targets []*AuditEntry, now time.Time) string {
	if len(targets) == 0 {
		return "undo"
	}
	loc := now.Location()
	parts := make([]string, len(targets))
	for i, t := range targets {
		parts[i] = t.SummaryIn(loc)
	}
	last := targets[len(targets)-1]
	at := last.At.In(loc)
	when := at.Format("15:04")
	if DateOf(at) != DateOf(now) {
		when = at.Format("Mon 2 Jan 15:04")
	}
	return "undo of " + strings.Join(parts, ", ") + " by " + actorText(last.Actor) + ", " + when
}

// recordedValue is a field of the action as the audit trail records it.
func recordedValue(a *Action, field string) string {
	switch field {
	case "status":
		return string(a.Status)
	case "reason":
		return a.Reason
	case "progress":
		return strconv.Itoa(a.Progress)
	case "deadline":
		return a.Deadline.String()
	case "snoozed_until":
		if a.SnoozedUntil.IsZero() {
			return ""
		}
		return a.SnoozedUntil.UTC().Format(time.RFC3339)
	}
	return ""
}

// applyUndo puts back in b (a copy of cur) the old values of targets
// (oldest first) and returns the changes it makes, the link to each target
// first. The action must still stand as the targets left it (ECONFLICT
// otherwise: it changed since they were read).
func applyUndo(cur, b *Action, targets []*AuditEntry) ([]Change, error) {
	if len(targets) == 0 {
		return nil, Errorf(EUNCHANGED, "There is nothing to undo on %s.", cur.Ref)
	}
	left := map[string]string{}
	for _, t := range targets {
		if t.ActionID != 0 && cur.ID != 0 && t.ActionID != cur.ID || !undoable(t) {
			return nil, Errorf(EINVALID, "That change cannot be undone on %s.", cur.Ref)
		}
		for _, c := range t.Changes {
			left[c.Field] = c.To
		}
	}
	for _, f := range undoFields {
		if to, ok := left[f]; ok && recordedValue(cur, f) != to {
			return nil, Errorf(ECONFLICT, "%s has changed since that change (its %s is now %q), so it is not undone: change it directly.", cur.Ref, f, recordedValue(cur, f))
		}
	}
	var changes []Change
	for _, t := range targets {
		changes = append(changes, Change{Field: FieldUndoes, To: strconv.FormatInt(t.ID, 10)})
	}
	for i := len(targets) - 1; i >= 0; i-- {
		undo(b, targets[i])
	}
	n := len(changes)
	for _, f := range undoFields {
		if from, to := recordedValue(cur, f), recordedValue(b, f); from != to {
			changes = append(changes, Change{Field: f, From: from, To: to})
		}
	}
	if len(changes) == n {
		return nil, Errorf(EUNCHANGED, "Undoing that would change nothing on %s.", cur.Ref)
	}
	return changes, nil
}

// ProgressBeforeDone reads from an action's audit trail (any order) the
// progress it had before it was last marked done, for a reopen to put
// back; false when the trail does not say (done by an import that gave no
// progress). Undone changes are skipped.
func ProgressBeforeDone(trail []*AuditEntry) (int, bool) {
	es := SkipUndone(trail)
	sort.SliceStable(es, func(i, j int) bool {
		if !es[i].At.Equal(es[j].At) {
			return es[i].At.After(es[j].At)
		}
		return es[i].ID > es[j].ID
	})
	for _, e := range es {
		if c, ok := e.Changed("status"); ok && c.To == string(StatusDone) {
			p, ok := e.Changed("progress")
			if !ok {
				return 0, false
			}
			n, err := strconv.Atoi(p.From)
			return n, err == nil
		}
	}
	return 0, false
}

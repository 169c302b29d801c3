package actionbot

import (
	"cmp"
	"strconv"
	"strings"
	"time"
)

// Status is where an action stands.
type Status string

const (
	StatusOpen    Status = "open"
	StatusAtRisk  Status = "at_risk"
	StatusBlocked Status = "blocked"
	StatusDone    Status = "done"
)

// Label is the status as people say it: "open", "at risk", "blocked", "done".
func (s Status) Label() string { return strings.ReplaceAll(string(s), "_", " ") }

// statusSeparators is built once (a Replacer is safe for concurrent use).
var statusSeparators = strings.NewReplacer("-", "_", " ", "_")

// ParseStatus validates a status ("at risk", "at-risk" and "at_risk" are one).
func ParseStatus(s string) (Status, error) {
	k := statusSeparators.Replace(strings.ToLower(strings.TrimSpace(s)))
	switch st := Status(k); st {
	case StatusOpen, StatusAtRisk, StatusBlocked, StatusDone:
		return st, nil
	case "on_track", "ontrack":
		return StatusOpen, nil
	}
	return "", Errorf(EINVALID, "%q is not a status: use open, at risk, blocked or done.", s)
}

// Action is one numbered action of a plan, such as 5.2 "Promote Speedwatch
// across the District including training for volunteers".
type Action struct {
	ID       int64   `json:"-"`
	PlanID   int64   `json:"-"`
	Ref      string  `json:"ref"`
	Priority int     `json:"priority"`
	Text     string  `json:"text"`
	Lead     []Party `json:"lead"`
	Partners []Party `json:"partners,omitempty"`
	// Deadline is the current deadline; Original is the one the plan agreed.
	// They differ once the deadline has been moved.
	Deadline Deadline `json:"deadline"`
	Original Deadline `json:"original"`
	Funding  string   `json:"funding,omitempty"`
	// Notes are the plan's own columns beyond the bot's ("Outcome: ..."),
	// kept as imported, one per line.
	Notes string `json:"notes,omitempty"`
	// CarriedFrom says where an action carried from an earlier plan came
	// from, as people write it ("2012-13/1.3"); empty for most.
	CarriedFrom string `json:"carried_from,omitempty"`
	// Seq is the action's place in the plan as imported (1, 2, ...), which
	// orders lists when the plan's own ids do not sort as it does; 0 when
	// not known.
	Seq int `json:"-"`

	Status Status `json:"status"`
	// Reason says why the action is blocked or at risk.
	Reason   string `json:"reason,omitempty"`
	Progress int    `json:"progress"`
	// Review is non-empty when the action's text needs a coordinator's review
	// (the source was damaged); it says why.
	Review string `json:"review,omitempty"`
	// SnoozedUntil holds the action's reminders until that instant.
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`
	// LastActivity is the last time a person updated the action; zero if never.
	LastActivity time.Time `json:"last_activity,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	// LastUpdate is the latest audit entry, when the store loads it.
	LastUpdate *AuditEntry `json:"-"`
	// Imported is the state a plan file gives the action, for the import
	// to start it from (or report); nil when the file gives none, and
	// never set by the store.
	Imported *ActionState `json:"-"`
}

// TrackedFrom is the day from which the bot can know of updates to the
// action: the later of the plan's start and the day the action was
// imported. A plan imported in its eighth month has had no "no update for
// 250 days": its staleness counts from the import.
func (a *Action) TrackedFrom(planStart Date, loc *time.Location) Date {
	if a.CreatedAt.IsZero() {
		return planStart
	}
	if d := DateOf(a.CreatedAt.In(loc)); d.After(planStart) {
		return d
	}
	return planStart
}

// IsDone reports whether the action is complete.
func (a *Action) IsDone() bool { return a.Status == StatusDone }

// Moved reports whether the deadline has been moved from the plan's.
func (a *Action) Moved() bool { return a.Deadline != a.Original }

// LeadCodes returns the codes of the lead agencies.
func (a *Action) LeadCodes() []string { return codes(a.Lead) }

// PartnerCodes returns the codes of the partner agencies.
func (a *Action) PartnerCodes() []string { return codes(a.Partners) }

func codes(ps []Party) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Agency
	}
	return out
}

// LeadBy reports whether any of agencies leads the action.
func (a *Action) LeadBy(agencies []string) bool { return anyParty(a.Lead, agencies, false) }

// PartneredBy reports whether any of agencies is a partner on the action.
// "All Partners" includes every agency.
func (a *Action) PartneredBy(agencies []string) bool { return anyParty(a.Partners, agencies, true) }

func anyParty(ps []Party, agencies []string, all bool) bool {
	for _, p := range ps {
		if all && p.Agency == AllPartners && len(agencies) > 0 {
			return true
		}
		for _, g := range agencies {
			if strings.EqualFold(p.Agency, g) {
				return true
			}
		}
	}
	return false
}

// DueIn returns the days from today to the deadline (negative when overdue)
// and false for ongoing actions.
func (a *Action) DueIn(today Date) (int, bool) {
	if a.Deadline.Ongoing || a.Deadline.Due.IsZero() {
		return 0, false
	}
	return today.DaysUntil(a.Deadline.Due), true
}

// Overdue reports whether the action is past its deadline and not done.
func (a *Action) Overdue(today Date) bool {
	n, ok := a.DueIn(today)
	return ok && n < 0 && !a.IsDone()
}

// ParseRef normalises an action reference: "5.2", "#5.2" and "5.2." are all
// "5.2". It returns false when s is not a reference.
func ParseRef(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "#")
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 16 {
		return "", false
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return "", false
	}
	for i, p := range parts {
		if p == "" || len(p) > 4 {
			return "", false
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return "", false
			}
		}
		n, _ := strconv.Atoi(p)
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, "."), true
}

// RefKey returns the numeric parts of a reference, for ordering: 5.2 is
// [5 2], 1a is [1], DAB 1 is [1].
func RefKey(ref string) []int {
	var out []int
	n, in := 0, false
	for _, r := range ref {
		if r >= '0' && r <= '9' {
			n, in = n*10+int(r-'0'), true
			continue
		}
		if in {
			out = append(out, n)
		}
		n, in = 0, false
	}
	if in || len(out) == 0 {
		out = append(out, n)
	}
	return out
}

// CompareRefs orders references as plans do: 1.2 before 1.10 before 2.1,
// 1a before 1b before 2a, DAB 2 before DAB 10. Runs of digits compare as
// numbers, other runs by their letters, case aside.
func CompareRefs(a, b string) int {
	for a != "" && b != "" {
		ra, restA := refRun(a)
		rb, restB := refRun(b)
		da, db := isDigitRun(ra), isDigitRun(rb)
		var c int
		switch {
		case da && db:
			na, nb := strings.TrimLeft(ra, "0"), strings.TrimLeft(rb, "0")
			if c = cmp.Compare(len(na), len(nb)); c == 0 {
				c = cmp.Compare(na, nb)
			}
		case da != db:
			// A number sorts before letters: 1 before a.
			if da {
				c = -1
			} else {
				c = 1
			}
		default:
			c = cmp.Compare(strings.ToLower(ra), strings.ToLower(rb))
		}
		if c != 0 {
			return c
		}
		a, b = restA, restB
	}
	return cmp.Compare(len(a), len(b))
}

// refRun splits off the first run of digits, or of anything else.
func refRun(s string) (run, rest string) {
	d := s[0] >= '0' && s[0] <= '9'
	i := 1
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') == d {
		i++
	}
	return s[:i], s[i:]
}

func isDigitRun(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// RefPriority returns the priority number a reference belongs to (5 for
// "5.2", 1 for "1a"; 0 when the id starts with no number).
func RefPriority(ref string) int {
	if !isDigitRun(ref) {
		return 0
	}
	return RefKey(ref)[0]
}

// MaxNoteLength is the longest note, reason or evidence accepted, in characters.
const MaxNoteLength = 2000

// ReopenProgress is the progress of a reopened action that was at 100%:
// reopened work is not complete, and its owner says how far along it is with
// progress.
const ReopenProgress = 90

// Op is one change a person asks for.
type Op struct {
	Verb     Verb
	Progress int       // for VerbProgress
	Deadline Deadline  // for VerbDue
	Until    time.Time // for VerbSnooze
	Note     string    // the note, reason or evidence
	// Undo are the entries a VerbUndo reverses, oldest first (UndoTarget).
	Undo []*AuditEntry
	// Trail is the action's audit trail, for VerbReopen to put back the
	// progress it had before it was done (ProgressBeforeDone); nil: at
	// most ReopenProgress.
	Trail []*AuditEntry
}

// Apply applies op to a, made by actor at now, and returns the audit entry
// describing it. It changes nothing and returns an error when the op is
// invalid for the action's state (ECONFLICT, EINVALID) or would change nothing
// (EUNCHANGED): in that case a is left as it was.
func (a *Action) Apply(op Op, actor string, now time.Time) (*AuditEntry, error) {
	b := *a
	e := &AuditEntry{ActionID: a.ID, Ref: a.Ref, At: now, Actor: actor, Verb: op.Verb, Note: op.Note}
	set := func(field, from, to string) {
		if from != to {
			e.Changes = append(e.Changes, Change{Field: field, From: from, To: to})
		}
	}
	setStatus := func(s Status, reason string) {
		set("status", string(b.Status), string(s))
		set("reason", b.Reason, reason)
		b.Status, b.Reason = s, reason
	}
	setProgress := func(p int) {
		set("progress", strconv.Itoa(b.Progress), strconv.Itoa(p))
		b.Progress = p
	}
	if len([]rune(op.Note)) > MaxNoteLength {
		return nil, Errorf(EINVALID, "That text is %d characters long; the limit is %d. Please shorten it.", len([]rune(op.Note)), MaxNoteLength)
	}
	needText := func(what string) error {
		if strings.TrimSpace(op.Note) == "" {
			return Errorf(EINVALID, "Please give %s: `/action %s %s <%s>`.", what, a.Ref, op.Verb, what)
		}
		return nil
	}
	notDone := func(what string) error {
		if a.IsDone() {
			return Errorf(ECONFLICT, "%s is done, so it cannot be %s. Reopen it first: `/action %s reopen <reason>`.", a.Ref, what, a.Ref)
		}
		return nil
	}

	switch op.Verb {
	case VerbDone:
		if a.IsDone() {
			return nil, Errorf(EUNCHANGED, "%s is already done.", a.Ref)
		}
		setStatus(StatusDone, "")
		setProgress(100)
	case VerbProgress:
		if op.Progress < 0 || op.Progress > 100 {
			return nil, Errorf(EINVALID, "Progress is a percentage from 0 to 100; %d is outside that.", op.Progress)
		}
		if err := notDone("given progress"); err != nil {
			return nil, err
		}
		if op.Progress == a.Progress {
			return nil, Errorf(EUNCHANGED, "%s is already at %d%%.", a.Ref, a.Progress)
		}
		if op.Progress == 100 {
			// 100% is done: an action cannot be complete and open (and red).
			setStatus(StatusDone, "")
		}
		setProgress(op.Progress)
	case VerbNote:
		if err := needText("note"); err != nil {
			return nil, err
		}
	case VerbBlocked:
		if err := needText("reason"); err != nil {
			return nil, err
		}
		if err := notDone("blocked"); err != nil {
			return nil, err
		}
		if a.Status == StatusBlocked && a.Reason == op.Note {
			return nil, Errorf(EUNCHANGED, "%s is already blocked for that reason.", a.Ref)
		}
		setStatus(StatusBlocked, op.Note)
	case VerbAtRisk:
		if err := needText("reason"); err != nil {
			return nil, err
		}
		if err := notDone("at risk"); err != nil {
			return nil, err
		}
		if a.Status == StatusAtRisk && a.Reason == op.Note {
			return nil, Errorf(EUNCHANGED, "%s is already flagged at risk for that reason.", a.Ref)
		}
		setStatus(StatusAtRisk, op.Note)
	case VerbUnblock:
		if a.Status != StatusBlocked && a.Status != StatusAtRisk {
			return nil, Errorf(EUNCHANGED, "%s is not blocked or at risk; it is %s.", a.Ref, a.Status.Label())
		}
		setStatus(StatusOpen, "")
	case VerbReopen:
		if err := needText("reason"); err != nil {
			return nil, err
		}
		if !a.IsDone() {
			return nil, Errorf(EUNCHANGED, "%s is not done, so there is nothing to reopen; it is %s.", a.Ref, a.Status.Label())
		}
		setStatus(StatusOpen, "")
		// Back to where it was before it was done; an open action is not
		// 100% done: reopened work has some left.
		p := min(a.Progress, ReopenProgress)
		if before, ok := ProgressBeforeDone(op.Trail); ok {
			p = min(before, ReopenProgress)
		}
		setProgress(p)
	case VerbDue:
		if err := needText("reason"); err != nil {
			return nil, err
		}
		if op.Deadline.SameMeaning(a.Deadline) {
			return nil, Errorf(EUNCHANGED, "%s is already due %s.", a.Ref, DescribeDeadline(a.Deadline))
		}
		set("deadline", a.Deadline.String(), op.Deadline.String())
		b.Deadline = op.Deadline
	case VerbSnooze:
		if err := notDone("snoozed"); err != nil {
			return nil, err
		}
		// Reminders are held by the day: a snooze repeated a minute later
		// (or one ending sooner) changes nothing and writes nothing.
		if loc := op.Until.Location(); !a.SnoozedUntil.IsZero() && !DateOf(op.Until).After(DateOf(a.SnoozedUntil.In(loc))) {
			return nil, Errorf(EUNCHANGED, "%s's reminders are already snoozed until %s.", a.Ref, a.SnoozedUntil.In(loc).Format("Mon 2 Jan 2006"))
		}
		from := ""
		if !a.SnoozedUntil.IsZero() {
			from = a.SnoozedUntil.UTC().Format(time.RFC3339)
		}
		set("snoozed_until", from, op.Until.UTC().Format(time.RFC3339))
		b.SnoozedUntil = op.Until
	case VerbUndo:
		changes, err := applyUndo(a, &b, op.Undo)
		if err != nil {
			return nil, err
		}
		e.Changes, e.Note = changes, UndoDescription(op.Undo, now)
	default:
		return nil, Errorf(EINVALID, "%q is not something I can do to an action.", op.Verb)
	}
	if op.Verb != VerbSnooze {
		b.LastActivity = now
	}
	b.UpdatedAt = now
	*a = b
	return e, nil
}

// DescribeDeadline formats a deadline for people: "March 2013 (31 Mar 2013)",
// "Ongoing", "Monthly (ongoing, checked monthly)", or "TBC" for one that
// needs a date.
func DescribeDeadline(d Deadline) string {
	if d.Ongoing {
		r := readDeadline(d.Written) // once: a card shows it on every look-up
		switch {
		case r.cadence != "":
			return d.Written + " (ongoing, checked " + string(r.cadence) + ")"
		case !r.from.IsZero():
			return d.Written + " (ongoing from " + r.from.UK() + ")"
		case !r.until.IsZero():
			return d.Written + " (ongoing until " + r.until.UK() + ")"
		}
		return "Ongoing"
	}
	if d.NeedsDate() {
		if d.Written == "" {
			return "needs a date"
		}
		return d.Written
	}
	if d.Written == "" || d.Due.isString(d.Written) {
		return d.Due.UK()
	}
	return d.Written + " (" + d.Due.UK() + ")"
}

// ActionFilter selects actions of a plan. Conditions combine with AND; zero
// fields do not filter.
type ActionFilter struct {
	PlanID   int64
	Refs     []string
	Priority int
	// Agency selects actions the agency leads or is named a partner on.
	Agency string
	// LedBy selects actions led by any of these agencies.
	LedBy []string
	// PartneredBy selects actions any of these agencies partners on (named,
	// or as "All Partners") and none of them leads.
	PartneredBy []string
	// Involving selects actions any of these agencies leads or partners on
	// (named, or as "All Partners"): LedBy or PartneredBy, as one list.
	Involving []string
	Statuses  []Status
	NotDone   bool
	// DueFrom and DueTo select dated actions due within [DueFrom, DueTo].
	DueFrom, DueTo Date
	Ongoing        bool
	// StaleBefore selects actions not done and not updated by a person since
	// that instant.
	StaleBefore time.Time
	// Words selects actions whose text contains every word (case-insensitive).
	Words []string
	// Limit returns at most this many (0: all): the first in plan order, or
	// the earliest due with ByDue, after skipping Offset of them (a page of
	// a long list).
	Limit  int
	Offset int
	ByDue  bool
}

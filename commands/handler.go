package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/sevenoaks-csp/actionbot"
)

// Store is what the command handler needs of the plan of record.
type Store interface {
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
	Priorities(ctx context.Context, planID int64) ([]*actionbot.Priority, error)
	Directory(ctx context.Context) (*actionbot.Directory, error)
	Refs(ctx context.Context, planID int64) ([]string, error)
	RefIndex(ctx context.Context, planID int64) (*actionbot.RefIndex, error)
	FindAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, error)
	FindActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, error)
	CountActions(ctx context.Context, f actionbot.ActionFilter) (int, error)
	PageActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, int, error)
	AgencyActionCounts(ctx context.Context, planID int64) (map[string]actionbot.PartyCounts, error)
	UpdateActionSteps(ctx context.Context, planID int64, ref string, inbox int64,
		change func(*actionbot.Action) ([]*actionbot.AuditEntry, error),
		then func(*actionbot.Action, []*actionbot.AuditEntry) []*actionbot.Outgoing,
	) (*actionbot.Action, []*actionbot.AuditEntry, error)
	// UpdateActionChecked is the one pass of a change to an action: the
	// actor's permission for verbs checked in the write's own transaction
	// (a refusal is an error with an Actor method: refusedBy), then as
	// UpdateActionSteps, with the reply built inside the transaction and,
	// with rec, the request recorded as done and answered by it (see
	// store.DB.UpdateActionChecked).
	UpdateActionChecked(ctx context.Context, planID int64, ref, actor string, verbs []actionbot.Verb, inbox int64, rec *actionbot.InboxItem,
		change func(*actionbot.Action) ([]*actionbot.AuditEntry, error),
		then func(*actionbot.Action, []*actionbot.AuditEntry) []*actionbot.Outgoing,
		reply func(*actionbot.Action, []*actionbot.AuditEntry) actionbot.Message,
	) (*actionbot.Action, []*actionbot.AuditEntry, actionbot.Message, error)
	History(ctx context.Context, planID int64, ref string, limit int) ([]*actionbot.AuditEntry, error)
	AuditSince(ctx context.Context, planID int64, from, to time.Time) ([]*actionbot.AuditEntry, error)

	MemberAgencies(ctx context.Context, userID string) ([]string, error)
	Members(ctx context.Context, agencies ...string) ([]actionbot.Member, error)
	AddMember(ctx context.Context, userID, agency, actor string) error
	RemoveMember(ctx context.Context, userID, agency, actor string) error
	Coordinators(ctx context.Context) ([]string, error)
	IsCoordinator(ctx context.Context, userID string) (bool, error)
	AddCoordinator(ctx context.Context, userID, actor string) error
	RemoveCoordinator(ctx context.Context, userID, actor string) error
	SetPriorityChannel(ctx context.Context, number int, channel, actor string) error

	RecordMeasure(ctx context.Context, v *actionbot.MeasureValue) error
	LatestMeasureValues(ctx context.Context, planID int64, asOf actionbot.Date) (map[string]*actionbot.MeasureValue, error)

	Outgoing(ctx context.Context, state actionbot.OutboxState, limit int) ([]*actionbot.Outgoing, error)
	Requeue(ctx context.Context, id int64) error
}

// Handler runs /action commands against the store.
type Handler struct {
	Store Store
	// Now returns the current instant; tests fix it.
	Now func() time.Time
	// Location is the partnership's time zone (Europe/London).
	Location *time.Location
	// RAG are the rating thresholds.
	RAG    actionbot.RAGRules
	Logger *slog.Logger
	// Papers, when set, makes the quarterly board paper as a PDF for the
	// coordinator who asks for "/action report quarter" (report_paper.go).
	Papers *Papers

	// lines remembers rendered list lines (views.go).
	lines     sync.Map // *actionbot.Action -> cached line
	lineCount atomic.Int64
	// exampleCache keeps the current plan's examples (examples.go).
	exampleCache exampleCache
}

// Request is one command: who typed it, where, and the text after "/action".
type Request struct {
	UserID    string
	ChannelID string
	Text      string
	// Inbox, when not zero, is the command's durable record (the store's
	// inbox): a change to an action completes it in the change's own
	// transaction, so a command run again after a crash changes nothing
	// twice.
	Inbox int64
	// Record, when not nil, is the request of a change to an action made
	// before its ack, not yet recorded: the change records it in the inbox
	// in its own transaction, done and answered by the reply, so that a
	// replay is answered from the record (Record.ID is then the item's).
	// Nothing is recorded when the change is refused or fails: Record.ID
	// stays 0. Only a change to an action (RecordsInOnePass) takes one.
	Record *actionbot.InboxItem
}

// RecordsInOnePass reports whether cmd is a change to one action, which a
// Request.Record can go with.
func RecordsInOnePass(cmd *Command) bool {
	return cmd.Verb.IsChange() && !(cmd.Verb == actionbot.VerbDue && cmd.Confirm)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return actionbot.WallClock()
}

func (h *Handler) loc() *time.Location {
	if h.Location != nil {
		return h.Location
	}
	return time.UTC
}

func (h *Handler) rules() actionbot.RAGRules {
	if h.RAG == (actionbot.RAGRules{}) {
		return actionbot.DefaultRAGRules()
	}
	return h.RAG
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// The handler has two entry points: Handle, for whoever only shows the
// reply (the console, the command line, a query), and Do, for an adapter
// that must know whether a change was made.

// Handle parses and runs a command and returns the reply. It never fails:
// an error becomes a friendly message; an internal error is logged and
// answered with a generic apology.
func (h *Handler) Handle(ctx context.Context, req Request) actionbot.Message {
	cmd, err := h.Parse(ctx, req.Text)
	if err != nil {
		return errorMessage(err)
	}
	msg, _ := h.Do(ctx, req, cmd)
	return msg
}

// SamePlan refuses a button or form made in a plan that is no longer the
// current one (planID, 0 for a typed command): last year's "Mark done"
// never closes this year's action of the same number.
func SamePlan(current *actionbot.Plan, planID int64, ref string) error {
	if planID == 0 || current == nil || planID == current.ID {
		return nil
	}
	return actionbot.Errorf(actionbot.ECONFLICT, "That button is on a message from an earlier plan, not %s, so nothing was changed. Type `/action %s` to see %s in the current plan.",
		current.Name, ref, ref)
}

// Parse parses the text of an /action command against the current plan's
// own action ids ("1a", "DAB 1", "1.1.1"). With no plan, or when the plan
// cannot be read, it reads the bot's own numbers, and the command itself
// then meets the error.
func (h *Handler) Parse(ctx context.Context, text string) (*Command, error) {
	// Most commands need no plan to parse: a verb, or an id of the bot's
	// own form (5.2, 1.1.1), reads the same against any plan, and the
	// look-up of the plan's ids is left to the commands that need it.
	if cmd, err := ParseFor(text, nil, nil); err == nil {
		return cmd, nil
	}
	var ids *actionbot.RefIndex
	if plan, err := h.Store.CurrentPlan(ctx); err == nil {
		ids, _ = h.Store.RefIndex(ctx, plan.ID)
	}
	return ParseFor(text, ids, func() actionbot.Examples { return h.currentExamples(ctx) })
}

// Do runs parsed commands and returns the reply with the application error
// it explains, if any (nil when the commands succeeded). Adapters use the
// error to tell a change that was made from one that was refused, for
// instance to update a message in place only when something changed.
//
// One command runs as typed. Several are changes to one action applied as
// one: a form that sets the status and the progress and adds a note. Each
// is checked as if typed, and then all are applied in one transaction, each
// with its audit entry, or none is. A step that would change nothing is
// skipped; if all would, the reply says so (EUNCHANGED).
func (h *Handler) Do(ctx context.Context, req Request, cmds ...*Command) (actionbot.Message, error) {
	switch len(cmds) {
	case 0:
		return h.finish(req, &Command{}, actionbot.Message{}, invalid("Nothing to change."))
	case 1:
		msg, err := h.run(ctx, req, cmds[0])
		return h.finish(req, cmds[0], msg, err)
	}
	e, err := h.env(ctx)
	var msg actionbot.Message
	if err == nil {
		msg, err = h.change(ctx, e, req, cmds)
	}
	return h.finish(req, cmds[0], msg, err)
}

// finish turns an outcome into the reply: an error is explained (and logged
// when internal, without the text, which may be a note).
func (h *Handler) finish(req Request, cmd *Command, msg actionbot.Message, err error) (actionbot.Message, error) {
	if err != nil {
		if actionbot.ErrorCode(err) == actionbot.EINTERNAL {
			h.logger().Error("command failed", "verb", cmd.Verb, "ref", cmd.Ref, "user", req.UserID, "err", err)
		}
		return errorMessage(err), err
	}
	msg.Public = msg.Public || cmd.Share
	return msg, nil
}

// CheckText checks a note or reason before it is used, as the commands do:
// its length and that it holds no personal data. Forms (the Slack modal)
// call it to show the problem beside the field, before anything is changed.
func (h *Handler) CheckText(text string) error {
	text = actionbot.CleanText(text)
	if n := len([]rune(text)); n > actionbot.MaxNoteLength {
		return &tooLongError{err: actionbot.Errorf(actionbot.EINVALID, "That text is %d characters long; the limit is %d. Please shorten it.", n, actionbot.MaxNoteLength), text: text}
	}
	if what := personalDataIn(text); what != "" {
		return privacyRefusal(what)
	}
	return nil
}

// tooLongError is a text over the limit, kept so that the refusal gives it
// back: typed in Slack, it is gone from the message box once sent.
type tooLongError struct {
	err  *actionbot.Error
	text string
}

func (e *tooLongError) Error() string { return e.err.Error() }
func (e *tooLongError) Unwrap() error { return e.err }

// echoChunk is how much of a refused text one block gives back: Slack
// counts a section's 3,000 characters after escaping, and "&" is five
// ("&amp;"), so 590 always fit, with the code span's marks.
const echoChunk = 590

// lastSpace is the index of the last space in r, or -1.
func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == ' ' {
			return i
		}
	}
	return -1
}

// ErrorReply renders an error as the reply to the person who caused it:
// the friendly message of an application error, a generic apology for any
// other.
func ErrorReply(err error) actionbot.Message { return errorMessage(err) }

// errorMessage renders an error for the person who caused it.
func errorMessage(err error) actionbot.Message {
	text := actionbot.ErrorMessage(err)
	icon := "⚠️ "
	switch actionbot.ErrorCode(err) {
	case actionbot.EUNCHANGED:
		icon = "ℹ️ "
		text += " Nothing was changed."
	case actionbot.EUNAUTHORIZED:
		icon = "🔒 "
	case actionbot.EINTERNAL:
		icon = "❌ "
	}
	msg := actionbot.Message{Text: text, Blocks: []actionbot.Block{actionbot.Section(inlineCode(icon + text)...)}}
	var tl *tooLongError
	if errors.As(err, &tl) {
		msg.Blocks = append(msg.Blocks, actionbot.Block{Kind: actionbot.BlockContext, Text: actionbot.Txt("Here is your text, to shorten and send again:")})
		// As code, so that what was typed comes back as typed (no *bold*
		// taken as formatting), cut at a space where there is one.
		for r := []rune(tl.text); len(r) > 0; {
			n := min(len(r), echoChunk)
			if n < len(r) {
				if sp := lastSpace(r[:n]); sp > n/2 {
					n = sp + 1
				}
			}
			msg.Blocks = append(msg.Blocks, actionbot.Section(actionbot.C(string(r[:n]))))
			r = r[n:]
		}
	}
	return msg
}

// inlineCode turns `code` spans of a message into code spans.
func inlineCode(s string) []any {
	var parts []any
	for i, seg := range strings.Split(s, "`") {
		if i%2 == 1 {
			parts = append(parts, actionbot.C(seg))
		} else {
			parts = append(parts, seg)
		}
	}
	return parts
}

// env is what most commands need: the plan and the clock.
type env struct {
	plan *actionbot.Plan
	dir  *actionbot.Directory
	now  time.Time
	// today is the day the plan is read on: today, or the plan's last day
	// once its year is over (ended), so that an ended plan reads as it
	// stood when it ended ("not done when the plan ended, a year after its
	// deadline"), not as ever later today.
	today actionbot.Date
	ended bool
	// ex are the plan's own examples, for hints and footers.
	ex actionbot.Examples
}

func (h *Handler) env(ctx context.Context) (*env, error) {
	plan, err := h.Store.CurrentPlan(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := h.Store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	now := h.now().In(h.loc())
	e := &env{plan: plan, dir: dir, now: now, today: actionbot.DateOf(now), ex: h.examples(ctx, plan, dir)}
	if end := plan.Period.End; !end.IsZero() && e.today.After(end) {
		e.today, e.ended = end, true
	}
	return e, nil
}

func (h *Handler) run(ctx context.Context, req Request, cmd *Command) (actionbot.Message, error) {
	if cmd.Verb == actionbot.VerbHelp {
		return helpMessage(cmd.Text, h.currentExamples(ctx)), nil
	}
	if req.Record != nil && !RecordsInOnePass(cmd) {
		return actionbot.Message{}, fmt.Errorf("run: %q cannot record its request in one pass", cmd.Verb)
	}
	e, err := h.env(ctx)
	if err != nil {
		return actionbot.Message{}, err
	}
	if err := SamePlan(e.plan, cmd.Plan, cmd.Ref); err != nil {
		return actionbot.Message{}, err
	}
	if cmd.Verb == actionbot.VerbDue && cmd.Confirm {
		return h.confirmDeadline(ctx, e, req, cmd.Ref)
	}
	switch cmd.Verb {
	case actionbot.VerbShow:
		return h.show(ctx, e, cmd.Ref)
	case actionbot.VerbHistory:
		if !cmd.AsOf.IsZero() {
			return h.historyAsOf(ctx, e, cmd.Ref, cmd.AsOf)
		}
		return h.history(ctx, e, cmd.Ref)
	case actionbot.VerbDone, actionbot.VerbProgress, actionbot.VerbNote, actionbot.VerbBlocked, actionbot.VerbUnblock, actionbot.VerbAtRisk, actionbot.VerbReopen, actionbot.VerbDue, actionbot.VerbSnooze:
		return h.change(ctx, e, req, []*Command{cmd})
	case actionbot.VerbUndo:
		return h.change(ctx, e, req, []*Command{cmd}) // undo.go
	case actionbot.VerbLead, actionbot.VerbPartners:
		return h.parties(ctx, e, req, cmd) // parties.go
	case actionbot.VerbRedact:
		return h.redactNote(ctx, e, req, cmd) // redact.go
	case actionbot.VerbMine:
		return h.mine(ctx, e, req.UserID, cmd.Filter.Page)
	case actionbot.VerbList:
		return h.list(ctx, e, cmd.Filter)
	case actionbot.VerbFind:
		return h.find(ctx, e, cmd.Text)
	case actionbot.VerbAgencies:
		return h.agencies(ctx, e)
	case actionbot.VerbWhoami:
		return h.whoami(ctx, e, req.UserID)
	case actionbot.VerbReport:
		if cmd.Quarter != "" {
			return h.reportQuarter(ctx, e, req.UserID, cmd.Quarter)
		}
		return h.report(ctx, e, cmd.Priority)
	case actionbot.VerbMeasure:
		return h.measure(ctx, e, req.UserID, cmd)
	case actionbot.VerbAdmin:
		return h.admin(ctx, e, req.UserID, cmd.Admin)
	case actionbot.VerbRemind:
		return h.remindMode(ctx, req.UserID, cmd.Mode)
	}
	return actionbot.Message{}, fmt.Errorf("run: unhandled verb %q", cmd.Verb)
}

// findAction loads an action or explains that there is none: where the
// plan numbers actions under what was typed (its 1.1 is a priority, its
// actions 1.1.1 and 1.1.2), it lists them; otherwise it suggests the nearest
// ids.
func (h *Handler) findAction(ctx context.Context, e *env, ref string) (*actionbot.Action, error) {
	a, err := h.Store.FindAction(ctx, e.plan.ID, ref)
	if actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		return a, err
	}
	ix, rerr := h.Store.RefIndex(ctx, e.plan.ID)
	if rerr != nil {
		return nil, rerr
	}
	if under := ix.Under(ref); len(under) > 0 {
		shown := under
		if len(shown) > 6 {
			shown = shown[:6]
		}
		more := ""
		if len(under) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(under)-len(shown))
		}
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "%s is not an action in %s: the actions under it are %s%s. Which one?",
			ref, e.plan.Name, strings.Join(shown, ", "), more)
	}
	near := nearestRefs(ref, ix.Refs(), 2)
	if len(near) == 0 {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s in %s. `/action list` shows them all.", ref, e.plan.Name)
	}
	return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s — did you mean %s?", ref, strings.Join(near, " or "))
}

// nearestRefs suggests references close to ref: those numbered like it
// (same parts but the last), the numerically nearest first; otherwise those
// one edit away.
func nearestRefs(ref string, refs []string, max int) []string {
	key := actionbot.RefKey(ref)
	type cand struct {
		ref  string
		dist int
	}
	var cs []cand
	for _, r := range refs {
		k := actionbot.RefKey(r)
		if len(k) == len(key) && slices.Equal(k[:len(k)-1], key[:len(key)-1]) && sameShape(r, ref) {
			d := k[len(k)-1] - key[len(key)-1]
			cs = append(cs, cand{r, abs(d)})
		}
	}
	if len(cs) == 0 {
		for _, r := range refs {
			if d := actionbot.Levenshtein(actionbot.RefMatchKey(ref), actionbot.RefMatchKey(r)); d <= 1 {
				// One edit away; nearest first by number, then by the last
				// character (1e is nearer 1d than 1a).
				cs = append(cs, cand{r, 100 + 100*abs(actionbot.RefKey(r)[0]-key[0]) + lastRuneDistance(actionbot.RefMatchKey(ref), actionbot.RefMatchKey(r))})
			}
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return actionbot.CompareRefs(cs[i].ref, cs[j].ref) < 0
	})
	var out []string
	for i := 0; i < len(cs) && i < max; i++ {
		out = append(out, cs[i].ref)
	}
	return out
}

// sameShape reports whether two ids are written alike apart from their
// numbers: 5.2 and 5.10, DAB 1 and DAB 4 (but not 1a and 1b).
func sameShape(a, b string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return '9'
			}
			return unicode.ToLower(r)
		}, s)
	}
	squeeze := func(s string) string {
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '9' }), "9")
	}
	return squeeze(strip(a)) == squeeze(strip(b))
}

func abs(a int) int { return max(a, -a) }

// lastRuneDistance is how far apart the last characters of a and b are.
func lastRuneDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	return min(abs(int(ra[len(ra)-1])-int(rb[len(rb)-1])), 99)
}

// who is what the handler knows of a user.
type who struct {
	agencies    []string
	coordinator bool
}

func (h *Handler) who(ctx context.Context, userID string) (*who, error) {
	ags, err := h.Store.MemberAgencies(ctx, userID)
	if err != nil {
		return nil, err
	}
	coord, err := h.isCoordinator(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &who{agencies: ags, coordinator: coord}, nil
}

// isCoordinator asks the store, which knows both the coordinators in the
// database and those given the role by configuration.
func (h *Handler) isCoordinator(ctx context.Context, userID string) (bool, error) {
	return h.Store.IsCoordinator(ctx, userID)
}

// coordinatorsText names who can help: the coordinators, as mentions.
func (h *Handler) coordinatorsText(ctx context.Context) actionbot.RichText {
	ids, err := h.Store.Coordinators(ctx)
	if err != nil {
		h.logger().Error("list coordinators", "err", err)
	}
	if len(ids) == 0 {
		return actionbot.Txt("a coordinator")
	}
	rt := actionbot.Txt("a coordinator (")
	for i, id := range ids {
		if i > 0 {
			rt = append(rt, actionbot.Span{Text: ", "})
		}
		rt = append(rt, actionbot.UserRef(id))
	}
	return append(rt, actionbot.Span{Text: ")"})
}

// change applies one or more action verbs to one action, in one
// transaction.
func (h *Handler) change(ctx context.Context, e *env, req Request, cmds []*Command) (actionbot.Message, error) {
	for _, c := range cmds {
		if err := SamePlan(e.plan, c.Plan, c.Ref); err != nil {
			return actionbot.Message{}, err
		}
	}
	ref := cmds[0].Ref
	a, err := h.findAction(ctx, e, ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	// Who may make the change is checked once, by the store, inside the
	// write's transaction (UpdateActionChecked); only an undo or a reopen
	// needs to know first whether the person coordinates (undo.go).
	var w *who
	ops := make([]actionbot.Op, len(cmds))
	verbs := make([]actionbot.Verb, len(cmds))
	for i, cmd := range cmds {
		verb := cmd.Verb
		switch {
		case cmd.Ref != ref:
			return actionbot.Message{}, fmt.Errorf("change: steps on %s and %s together", ref, cmd.Ref)
		case !verb.IsChange():
			return actionbot.Message{}, fmt.Errorf("change: %q is not a change", cmd.Verb)
		}
		// A form's steps come here without Parse: clean them too.
		text := actionbot.CleanText(cmd.Text)
		if err := h.CheckText(text); err != nil {
			return actionbot.Message{}, err
		}
		verbs[i] = verb
		ops[i] = actionbot.Op{Verb: verb, Progress: cmd.Progress, Deadline: cmd.Deadline, Note: text}
		if verb == actionbot.VerbSnooze {
			ops[i].Until = e.now.Add(time.Duration(cmd.Days) * 24 * time.Hour)
		}
		if verb == actionbot.VerbReopen || verb == actionbot.VerbUndo {
			if w == nil {
				if w, err = h.who(ctx, req.UserID); err != nil {
					return actionbot.Message{}, err
				}
			}
			if !actionbot.CanChange(actionbot.Actor{ID: req.UserID, Agencies: w.agencies, Coordinator: w.coordinator}, a, verb) {
				return actionbot.Message{}, h.refusal(ctx, e, a, verb, w)
			}
			if err := h.withTrail(ctx, e, a, req.UserID, w.coordinator, &ops[i]); err != nil { // undo.go
				return actionbot.Message{}, err
			}
		}
	}
	priorities, err := h.Store.Priorities(ctx, e.plan.ID)
	if err != nil {
		return actionbot.Message{}, err
	}
	channel := ""
	for _, p := range priorities {
		if p.Number == a.Priority {
			channel = p.Channel
		}
	}
	// The action's rating after the change, assessed once for the
	// announcements, the confirmation and the card.
	var rating *actionbot.Assessment
	rate := func(a *actionbot.Action) actionbot.Assessment {
		if rating == nil {
			r := h.rules().Assess(a, e.plan.Period.Start, e.today, e.now)
			rating = &r
		}
		return *rating
	}
	_, _, msg, err := h.Store.UpdateActionChecked(ctx, e.plan.ID, a.Ref, req.UserID, verbs, req.Inbox, req.Record,
		func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
			var es []*actionbot.AuditEntry
			var unchanged error
			for _, op := range ops {
				entry, err := a.Apply(op, req.UserID, e.now)
				if actionbot.ErrorCode(err) == actionbot.EUNCHANGED && len(ops) > 1 {
					unchanged = err // one step of several: skip it
					continue
				} else if err != nil {
					return nil, err
				}
				es = append(es, entry)
			}
			if len(es) == 0 {
				return nil, unchanged
			}
			return es, nil
		},
		func(a *actionbot.Action, es []*actionbot.AuditEntry) []*actionbot.Outgoing {
			var out []*actionbot.Outgoing
			for _, entry := range es {
				if channel != "" && changesState(entry) {
					out = append(out, announcement(channel, a, entry, rate(a)))
				}
			}
			return out
		},
		func(updated *actionbot.Action, entries []*actionbot.AuditEntry) actionbot.Message {
			r := rate(updated)
			msg := h.cardRated(e, updated, priorities, true, r)
			var confirm actionbot.RichText
			for i, entry := range entries {
				if i > 0 {
					confirm = append(confirm, actionbot.Span{Text: " "})
				}
				confirm = append(confirm, confirmation(updated, entry, e, r)...)
			}
			msg.Text = confirm.Plain()
			// Put before the card's blocks, in the room the card leaves.
			msg.Blocks = append(msg.Blocks, actionbot.Block{})
			copy(msg.Blocks[1:], msg.Blocks)
			msg.Blocks[0] = actionbot.Section(actionbot.Txt("✅ ", confirm))
			addUndoButton(&msg, e.plan.ID, updated.Ref, entries) // undo.go
			// As finish would make it, for the record of the request.
			msg.Public = msg.Public || cmds[0].Share
			return msg
		})
	var refused interface {
		Refused() (actionbot.Actor, actionbot.Verb)
	}
	if errors.As(err, &refused) {
		// Worded for the person from what the store found them to be.
		act, verb := refused.Refused()
		return actionbot.Message{}, h.refusal(ctx, e, a, verb, &who{agencies: act.Agencies, coordinator: act.Coordinator})
	}
	if err != nil {
		return actionbot.Message{}, err
	}
	return msg, nil
}

// changesState reports whether an audit entry changed status, progress or
// the deadline (a note or a snooze does not).
func changesState(e *actionbot.AuditEntry) bool {
	for _, c := range e.Changes {
		switch c.Field {
		case "status", "progress", "deadline":
			return true
		}
	}
	return false
}

// refusal explains who can make a change.
func (h *Handler) refusal(ctx context.Context, e *env, a *actionbot.Action, verb actionbot.Verb, w *who) error {
	// Agencies by their names, with the codes commands take, as every
	// other surface names them.
	leads := make([]string, len(a.Lead))
	for i, p := range a.Lead {
		leads[i] = e.dir.Label(p.Agency)
	}
	who := "members of " + actionbot.JoinAnd(leads) + ", the lead agencies,"
	if len(leads) == 1 {
		who = "members of " + leads[0] + ", the lead agency,"
	}
	if verb.NoteOnly() {
		who = "members of the lead and partner agencies"
	}
	yours := "You are not registered with any agency yet."
	if len(w.agencies) > 0 {
		mine := make([]string, len(w.agencies))
		for i, code := range w.agencies {
			mine[i] = e.dir.Label(code)
		}
		yours = "You are registered with " + actionbot.JoinAnd(mine) + "."
	}
	return actionbot.Errorf(actionbot.EUNAUTHORIZED, "Only %s or a coordinator can %s. %s If that's wrong, ask %s to add you: `/action admin member add @you AGENCY`.",
		who, fmt.Sprintf(verbPhrase(verb), a.Ref), yours, h.coordinatorsText(ctx).Plain())
}

func verbPhrase(v actionbot.Verb) string {
	switch v {
	case actionbot.VerbDone:
		return "mark %s done"
	case actionbot.VerbProgress:
		return "update the progress of %s"
	case actionbot.VerbNote:
		return "add notes to %s"
	case actionbot.VerbBlocked:
		return "mark %s blocked"
	case actionbot.VerbUnblock:
		return "unblock %s"
	case actionbot.VerbAtRisk:
		return "flag %s at risk"
	case actionbot.VerbReopen:
		return "reopen %s"
	case actionbot.VerbDue:
		return "move the deadline of %s"
	case actionbot.VerbSnooze:
		return "snooze the reminders of %s"
	case actionbot.VerbUndo:
		return "undo a change to %s"
	}
	return "change %s"
}

// confirmation says what a change did, in one line. Where the change alone
// does not say where the action now stands (unblocked, reopened, a deadline
// moved), the state words say it, from the action's rating.
func confirmation(a *actionbot.Action, entry *actionbot.AuditEntry, e *env, rating actionbot.Assessment) actionbot.RichText {
	ref := actionbot.B(a.Ref)
	now := "; it is now " + rating.StateWords() + "."
	switch entry.Verb {
	case actionbot.VerbDone:
		return actionbot.Txt(ref, " is marked done.")
	case actionbot.VerbProgress:
		if _, done := entry.Changed("status"); done && a.IsDone() {
			return actionbot.Txt(ref, " is at 100% and marked done.")
		}
		return actionbot.Txt(ref, " is now at ", strconv.Itoa(a.Progress), "%.")
	case actionbot.VerbNote:
		return actionbot.Txt("Note added to ", ref, ".")
	case actionbot.VerbBlocked:
		return actionbot.Txt(ref, " is marked blocked.")
	case actionbot.VerbAtRisk:
		return actionbot.Txt(ref, " is flagged at risk.")
	case actionbot.VerbUnblock:
		if clearedRisk(entry) {
			return actionbot.Txt(ref, " is no longer at risk", now)
		}
		return actionbot.Txt(ref, " is unblocked", now)
	case actionbot.VerbReopen:
		return actionbot.Txt(ref, " is reopened at ", strconv.Itoa(a.Progress), "%", now)
	case actionbot.VerbDue:
		line := actionbot.Txt(ref, " is now ", actionbot.DeadlineWords(a.Deadline), " (the plan said ", actionbot.DescribeDeadline(a.Original), ")", now)
		return append(line, outsideThePlanYear(a, e)...)
	case actionbot.VerbSnooze:
		return actionbot.Txt("Reminders for ", ref, " are snoozed until ", a.SnoozedUntil.In(e.now.Location()).Format("Mon 2 Jan 2006"), ".")
	case actionbot.VerbUndo:
		return undoConfirmation(a, entry, now)
	}
	return actionbot.Txt(ref, " updated.")
}

// clearedRisk reports whether an "unblock" cleared an at-risk flag rather
// than a block: it is worded so.
func clearedRisk(entry *actionbot.AuditEntry) bool {
	c, ok := entry.Changed("status")
	return ok && c.From == string(actionbot.StatusAtRisk)
}

// outsideThePlanYear warns of a deadline moved outside the plan's year,
// most often a typo: before it, the action is rated long overdue; after it,
// reminders stop at the year end, before the new deadline comes.
func outsideThePlanYear(a *actionbot.Action, e *env) actionbot.RichText {
	due, period := a.Deadline.Due, e.plan.Period
	switch {
	case due.IsZero() || period.Start.IsZero() || period.Contains(due):
		return nil
	case due.Before(period.Start):
		return actionbot.Txt("\n⚠️ That is before this plan's year began (", period.Start.UK(), "). If it was a slip, move it again: ",
			actionbot.C("/action "+a.Ref+" due <date> <reason>"), ".")
	default:
		return actionbot.Txt("\n⚠️ That is after this plan's year ends (", period.End.UK(), "): reminders stop at the year end, so none will come for the new deadline. At the year end a coordinator can carry the action into the next plan: ",
			actionbot.C("/action admin carry"), ".")
	}
}

// announcement is the one line posted to the task group's channel.
func announcement(channel string, a *actionbot.Action, entry *actionbot.AuditEntry, rating actionbot.Assessment) *actionbot.Outgoing {
	// One slice for the line, of its most pieces (a progress that marks
	// it done, with a note: 13).
	line := actionbot.AppendTxt(make(actionbot.RichText, 0, 13), actionbot.UserRef(entry.Actor), " ")
	switch entry.Verb {
	case actionbot.VerbDone:
		line = actionbot.AppendTxt(line, "marked ", actionbot.B(a.Ref), " done")
	case actionbot.VerbProgress:
		line = actionbot.AppendTxt(line, "updated ", actionbot.B(a.Ref), " to ", strconv.Itoa(a.Progress), "%")
		if a.IsDone() {
			line = actionbot.AppendTxt(line, " and so marked it done")
		}
	case actionbot.VerbBlocked:
		line = actionbot.AppendTxt(line, "marked ", actionbot.B(a.Ref), " blocked")
	case actionbot.VerbAtRisk:
		line = actionbot.AppendTxt(line, "flagged ", actionbot.B(a.Ref), " at risk")
	case actionbot.VerbUnblock:
		if clearedRisk(entry) {
			line = actionbot.AppendTxt(line, "cleared the risk on ", actionbot.B(a.Ref), " (now "+rating.StateWords()+")")
			break
		}
		line = actionbot.AppendTxt(line, "unblocked ", actionbot.B(a.Ref), " (now "+rating.StateWords()+")")
	case actionbot.VerbReopen:
		line = actionbot.AppendTxt(line, "reopened ", actionbot.B(a.Ref), " at "+strconv.Itoa(a.Progress)+"% (now "+rating.StateWords()+")")
	case actionbot.VerbDue:
		line = actionbot.AppendTxt(line, "moved the deadline of ", actionbot.B(a.Ref), ": now "+actionbot.DeadlineWords(a.Deadline))
	case actionbot.VerbUndo:
		line = actionbot.AppendTxt(line, "undid a change to ", actionbot.B(a.Ref), " (now "+rating.StateWords()+")")
	default:
		line = actionbot.AppendTxt(line, "updated ", actionbot.B(a.Ref))
	}
	line = actionbot.AppendTxt(line, " — ", actionbot.Clip(a.Text, 80))
	if entry.Note != "" {
		line = actionbot.AppendTxt(line, ": “", actionbot.Clip(entry.Note, 200), "”")
	}
	return &actionbot.Outgoing{
		Key:     "announce:" + strconv.FormatInt(entry.ID, 10),
		Kind:    "announce",
		To:      channel,
		Message: actionbot.Message{Text: line.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: line}}, Public: true},
	}
}

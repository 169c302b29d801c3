// Package reminders sends deadline reminders and the daily tasking digest,
// on UK working days, exactly once.
//
// It decides what is due to whom at an instant — the ladder of reminders
// before a deadline, weekly reminders while it is overdue with escalation
// to the tasking channel, check-ins for ongoing actions nobody has updated —
// and builds the morning digest for the daily tasking meeting. Every rule
// works from an injected instant; cron (see [Scheduler]) only says when to
// look. What is sent goes into the outbox in the same transaction as the
// ledger row that records it, so a crash, a restart or a second sweep never
// sends a step twice; the console prints the outbox and the Slack adapter
// posts it. The package never talks to Slack.
package reminders

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Store is what the reminders need of the plan of record.
type Store interface {
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
	Priorities(ctx context.Context, planID int64) ([]*actionbot.Priority, error)
	Directory(ctx context.Context) (*actionbot.Directory, error)
	FindActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, error)
	Members(ctx context.Context, agencies ...string) ([]actionbot.Member, error)
	AuditSince(ctx context.Context, planID int64, from, to time.Time) ([]*actionbot.AuditEntry, error)

	// LatestSteps returns the ordinal (see Step.Ordinal) of the latest
	// recorded step of each (action, deadline) of keys that has one; their
	// Step is ignored.
	LatestSteps(ctx context.Context, keys []actionbot.ReminderKey) (map[actionbot.ReminderKey]int, error)
	// RecordSweep records a sweep's steps and queues its bundles in one
	// transaction; false, with nothing recorded, when any of the steps was
	// already recorded.
	RecordSweep(ctx context.Context, steps []actionbot.ReminderRecord, msgs []*actionbot.Outgoing) (bool, error)
	// ConfirmedDeadlines are the deadlines before the plan year that a
	// coordinator confirmed, by action ID.
	ConfirmedDeadlines(ctx context.Context, planID int64) (map[int64][]string, error)
	// ReminderModes are the people who asked for reminders other than
	// daily ("weekly"), by user ID.
	ReminderModes(ctx context.Context) (map[string]string, error)
	// MemberEmails are the people's e-mail addresses, by member id: a
	// person's reminders go where actionbot.Routes says.
	MemberEmails(ctx context.Context) (map[string]*actionbot.MemberEmail, error)
	// RecordNotice records a plan's one-off notice and queues its messages
	// in one transaction; false when it was already recorded.
	RecordNotice(ctx context.Context, planID int64, kind string, day actionbot.Date, msgs []*actionbot.Outgoing) (bool, error)
	NoticeRecorded(ctx context.Context, planID int64, kind string) (bool, error)
	LatestMeasureValues(ctx context.Context, planID int64, asOf actionbot.Date) (map[string]*actionbot.MeasureValue, error)
	// QueuedWithPrefix reports whether a message whose key starts with
	// prefix was ever queued.
	QueuedWithPrefix(ctx context.Context, prefix string) (bool, error)
	// LatestQueuedTo is, for each recipient of to that has one, the latest
	// message queued to them whose key starts with prefix (its key and
	// CreatedAt are enough).
	LatestQueuedTo(ctx context.Context, prefix string, to []string) (map[string]*actionbot.Outgoing, error)
	// ReminderNotes are the latest notes (who, when, what) of the actions
	// that have one, by action ID.
	ReminderNotes(ctx context.Context, actionIDs []int64) (map[int64]*actionbot.AuditEntry, error)
	// PlanDigests counts the digests recorded for a plan.
	PlanDigests(ctx context.Context, planID int64) (int, error)
	// DigestQueued reports whether a working day's digest has been queued
	// for the channel (it is posted from the outbox).
	DigestQueued(ctx context.Context, day actionbot.Date) (bool, error)
	// LastDigestBefore is the end of the period the latest digest before
	// day covered; zero when there is none.
	LastDigestBefore(ctx context.Context, day actionbot.Date) (time.Time, error)
	// RecordDigest records a day's digest and queues it in one transaction;
	// false when that day's digest was already recorded.
	RecordDigest(ctx context.Context, planID int64, day actionbot.Date, from, to time.Time, msg *actionbot.Outgoing, also ...*actionbot.Outgoing) (bool, error)
}

// Service sends the reminders and the digest of the current plan.
type Service struct {
	Store Store
	Rules Rules
	// TaskingChannel receives escalations, and the reminders of lead
	// agencies nobody is registered with when the action's priority has no
	// task-group channel. Empty: they cannot be delivered, and say so.
	TaskingChannel string
	// DigestChannel receives the daily digest.
	DigestChannel string
	// DigestEmail are addresses the daily digest is e-mailed to, beside
	// or instead of the channel (ACTIONBOT_DIGEST_EMAIL).
	DigestEmail []string
	// NoEmail is set when no mail server is configured: nobody's reminders
	// go by e-mail (a person registered by address alone counts as nobody,
	// and their agency's reminders go to its channel).
	NoEmail bool
	// RAG are the rating thresholds the digest's RAG counts use.
	RAG    actionbot.RAGRules
	Logger *slog.Logger
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Service) rag() actionbot.RAGRules {
	if s.RAG == (actionbot.RAGRules{}) {
		return actionbot.DefaultRAGRules()
	}
	return s.RAG
}

// Recipient is who one of a reminder's bundles goes to, and why.
type Recipient struct {
	// To is a user ID (a direct message) or a channel ID.
	To string
	// Kind is RecipientDirect, RecipientChannel or RecipientEscalation.
	Kind string
	// Agencies are, for a direct message, the lead agencies the person is
	// registered with; for a channel, the lead agencies nobody is
	// registered with; for an escalation, every lead agency.
	Agencies []string
}

// Kinds of recipient.
const (
	RecipientDirect     = "direct"
	RecipientChannel    = "channel"
	RecipientEscalation = "escalation"
)

// Reminder is a step of an action's reminders that is due on a sweep's day
// and has not gone out: what it is and to whom. It goes out as an item of
// each recipient's one bundle of the sweep.
type Reminder struct {
	Action *actionbot.Action
	Step   Step
	// Deadline is the ledger's deadline key: the due date, or for a
	// check-in the last update it counts from.
	Deadline string
	SendOn   actionbot.Date
	// Days is, for a dated action, the days from the sweep's day to the
	// deadline (negative when overdue); for a check-in, the days since the
	// last update.
	Days      int
	Escalated bool
	// Confirm is set for an overdue action whose deadline falls before the
	// plan's year and has not been confirmed: it goes to its leads to
	// confirm or move, and is never escalated.
	Confirm bool
	// Since is, for a check-in, the last update (or the plan's start).
	Since      time.Time
	Recipients []Recipient
	// Held is set when the step's only recipients asked for their
	// reminders weekly and today is not their day: it is not recorded, and
	// goes out in their weekly bundle.
	Held bool
	// Problems say what could not be delivered, and why. A reminder with no
	// recipient at all is not recorded: it stays due, and is reported again,
	// until it has somewhere to go.
	Problems []string
	// Queued is set by Sweep when this sweep recorded the step and queued
	// the bundles that carry it.
	Queued bool
}

// Bundle is the one message of a sweep to a person or a channel: every
// reminder of theirs due that day, grouped.
type Bundle struct {
	// To is where the bundle goes: a channel, a person's Slack id, or a
	// person's e-mail address.
	To     string
	Direct bool
	// Person is, for a direct bundle, the member it is for (To is their
	// Slack id or their address: see actionbot.Routes).
	Person string
	// Weekly is a bundle for someone who asked for reminders weekly: it
	// also lists what is due later in the week.
	Weekly bool
	Items  []*Reminder
	// Unregistered are, for a channel, the lead agencies nobody is
	// registered with whose reminders come to it.
	Unregistered []string
	Message      *actionbot.Outgoing
	// Queued is set by Sweep when this sweep queued the message.
	Queued bool
}

// Run is what a sweep found, and did, at an instant.
type Run struct {
	At         time.Time
	Day        actionbot.Date
	WorkingDay bool
	// NextWorkingDay is the first working day after Day, when Day is not
	// one.
	NextWorkingDay actionbot.Date
	// Ended is set when the plan's period ended before the sweep's day: it
	// sends the year-end review (see YearEnd), and reminders only of the
	// actions due after the plan's year, on the same ladder as any other.
	Ended bool
	// Reminders are the steps due and not yet recorded, in plan order.
	Reminders []*Reminder
	// Bundles are the messages that carry them: one per person or channel.
	Bundles []*Bundle
	// AlreadySent counts the actions whose due step is already recorded.
	AlreadySent int
	// Resting counts the overdue actions chased fewer than ChaseEvery
	// weeks ago, past their first ChaseWeeklyFor weeks overdue.
	Resting int
	// Repeats are the people whose bundle would have named exactly the
	// items of their previous one, nothing about them changed, within
	// RepeatDays of it: not sent (its steps are recorded all the same).
	Repeats []string
	// Snoozed are the actions whose reminders are held by a snooze.
	Snoozed []string
	// PrePlan are the overdue actions whose deadline falls before the
	// plan's year and has not been confirmed: they go to their leads to
	// confirm or move (see Reminder.Confirm), never escalated, until the
	// deadline is moved or confirmed.
	PrePlan []string
	// NobodyFor are the lead agencies with reminders due and nobody
	// registered.
	NobodyFor []string
	// Undelivered counts the reminders with nowhere to go.
	Undelivered int
	// YearEnd are the messages of the year-end review, on the sweep that
	// queued them.
	YearEnd []*actionbot.Outgoing
}

// Queued returns the reminders the sweep queued.
func (r *Run) Queued() []*Reminder {
	var out []*Reminder
	for _, x := range r.Reminders {
		if x.Queued {
			out = append(out, x)
		}
	}
	return out
}

// Messages returns the messages the sweep would send, or sent: its bundles
// and any year-end review.
func (r *Run) Messages() []*actionbot.Outgoing {
	var out []*actionbot.Outgoing
	for _, b := range r.Bundles {
		out = append(out, b.Message)
	}
	return append(out, r.YearEnd...)
}

// env is what building messages needs, loaded once per sweep or digest.
type env struct {
	plan       *actionbot.Plan
	priorities []*actionbot.Priority
	dir        *actionbot.Directory
	now        time.Time
	today      actionbot.Date
	// notes are the latest notes of the actions a sweep's bundles name.
	notes map[int64]*actionbot.AuditEntry
}

func (s *Service) load(ctx context.Context, now time.Time) (*env, error) {
	plan, err := s.Store.CurrentPlan(ctx)
	if err != nil {
		return nil, err
	}
	priorities, err := s.Store.Priorities(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	dir, err := s.Store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	now = now.In(s.Rules.Location)
	return &env{plan: plan, priorities: priorities, dir: dir, now: now, today: actionbot.DateOf(now)}, nil
}

func (e *env) priority(n int) *actionbot.Priority {
	for _, p := range e.priorities {
		if p.Number == n {
			return p
		}
	}
	return &actionbot.Priority{Number: n, Title: fmt.Sprintf("Priority %d", n)}
}

// PrePlan reports whether an action's deadline falls before its plan's
// period starts and nobody has confirmed it: such an action's overdue
// reminders ask its leads to confirm or move it, and are never escalated
// (it still shows as overdue everywhere else).
func PrePlan(a *actionbot.Action, plan *actionbot.Plan, confirmed []string) bool {
	if a.Deadline.Ongoing || a.Deadline.Due.IsZero() || !a.Deadline.Due.Before(plan.Period.Start) {
		return false
	}
	return !slices.Contains(confirmed, a.Deadline.Due.String())
}

// AfterYearUntil is the last day a plan's actions due after its year are
// reminded: a year after the plan's year ends, by when the next plan should
// have carried them over.
func AfterYearUntil(plan *actionbot.Plan) actionbot.Date {
	return plan.Period.End.AddDays(365)
}

// people is who is registered, loaded once per sweep.
type people struct {
	byAgency map[string][]string // agency → user IDs
	modes    map[string]string   // user → "weekly", for those who asked
	// routes are where each person's reminders go: their Slack id, their
	// address, or both (actionbot.Routes).
	routes map[string][]string
}

// routesOf is where a person's direct messages go.
func (p *people) routesOf(id string) []string {
	if r, ok := p.routes[id]; ok {
		return r
	}
	return []string{id}
}

// Due works out the reminders due at now that have not gone out yet, to
// whom, and the bundles that carry them, without recording or queuing
// anything. It looks at each action once, whatever the downtime before
// now. On a day that is not a working day nothing is due: the steps of such
// days go out on the working day before, and a sweep on a bank holiday
// sends nothing. After the plan's period ends nothing is due.
func (s *Service) Due(ctx context.Context, now time.Time) (*Run, error) {
	e, err := s.load(ctx, now)
	if err != nil {
		return nil, err
	}
	run := &Run{At: e.now, Day: e.today, WorkingDay: s.Rules.Calendar.IsWorkingDay(e.today)}
	if !run.WorkingDay {
		run.NextWorkingDay = s.Rules.Calendar.NextWorkingDay(e.today)
		return run, nil
	}
	actions, err := s.Store.FindActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, NotDone: true})
	if err != nil {
		return nil, err
	}
	if e.today.After(e.plan.Period.End) {
		// Once the year is over, only what is due after it is reminded,
		// and only through the year after: a plan long gone sends nothing.
		run.Ended = true
		if e.today.After(AfterYearUntil(e.plan)) {
			return run, nil
		}
		var after []*actionbot.Action
		for _, a := range actions {
			if !a.Deadline.Ongoing && a.Deadline.Due.After(e.plan.Period.End) {
				after = append(after, a)
			}
		}
		if actions = after; len(actions) == 0 {
			return run, nil
		}
	}
	confirmed, err := s.Store.ConfirmedDeadlines(ctx, e.plan.ID)
	if err != nil {
		return nil, err
	}
	ppl, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	// First what is due, then which of it is recorded, in one lookup.
	type candidate struct {
		a       *actionbot.Action
		d       due
		confirm bool
	}
	cands := make([]candidate, 0, len(actions))
	keys := make([]actionbot.ReminderKey, 0, len(actions))
	for _, a := range actions {
		if a.SnoozedUntil.After(e.now) {
			run.Snoozed = append(run.Snoozed, a.Ref)
			continue
		}
		d, ok := s.Rules.due(a, e.plan.Period.Start, e.now)
		if !ok {
			continue
		}
		confirm := d.Step.Kind == StepOverdue && PrePlan(a, e.plan, confirmed[a.ID])
		if confirm {
			run.PrePlan = append(run.PrePlan, a.Ref)
			// Asking to confirm or move is a ladder of its own: once
			// confirmed, the first overdue reminder goes out at once.
			d.deadline = "confirm-" + d.deadline
		}
		cands = append(cands, candidate{a, d, confirm})
		keys = append(keys, actionbot.ReminderKey{ActionID: a.ID, Deadline: d.deadline})
	}
	latest, err := s.Store.LatestSteps(ctx, keys)
	if err != nil {
		return nil, err
	}
	weekStart := s.Rules.IsWeekStart(e.today)
	nobody := map[string]bool{}
	audiences := map[string]audience{}
	for _, c := range cands {
		a, d := c.a, c.d
		// The step, or a later one, went out: nothing is due. (Earlier
		// steps that never went out are never looked at again.)
		o, recorded := latest[actionbot.ReminderKey{ActionID: a.ID, Deadline: d.deadline}]
		if recorded && o >= d.Step.Ordinal() {
			run.AlreadySent++
			continue
		}
		// Past its first weeks overdue, an action is chased every few weeks.
		if d.rests(o, recorded) {
			run.Resting++
			continue
		}
		rem := &Reminder{Action: a, Step: d.Step, Deadline: d.deadline, SendOn: d.SendOn, Days: d.days, Since: d.since,
			Escalated: s.Rules.escalates(d) && !c.confirm, Confirm: c.confirm}
		// Who a reminder goes to depends only on its lead agencies, its
		// priority and whether it is escalated: worked out once for each,
		// and shared, so a catch-up of 100,000 actions does not build
		// 100,000 lists of recipients.
		key := audienceKey(a, rem.Escalated)
		if aud, ok := audiences[key]; ok {
			rem.Recipients, rem.Held = aud.recipients, aud.held
		} else {
			missing := s.address(e, rem, ppl, weekStart)
			for _, code := range missing {
				nobody[code] = true
			}
			if len(rem.Problems) == 0 { // problems name the action: not shared
				audiences[key] = audience{recipients: rem.Recipients, held: rem.Held}
			}
		}
		if len(rem.Recipients) == 0 && !rem.Held {
			run.Undelivered++
		}
		run.Reminders = append(run.Reminders, rem)
	}
	for code := range nobody {
		run.NobodyFor = append(run.NobodyFor, code)
	}
	slices.Sort(run.NobodyFor)
	run.Bundles = s.bundles(e, run, actions, ppl, weekStart)
	var ids []int64
	seen := map[int64]bool{}
	for _, b := range run.Bundles {
		for _, r := range b.Items {
			if !seen[r.Action.ID] {
				seen[r.Action.ID] = true
				ids = append(ids, r.Action.ID)
			}
		}
	}
	if e.notes, err = s.Store.ReminderNotes(ctx, ids); err != nil {
		return nil, err
	}
	if err := s.dropRepeats(ctx, e, run); err != nil {
		return nil, err
	}
	for _, b := range run.Bundles {
		b.Message = s.bundleMessage(e, b)
	}
	// A weekly message that only lists what is due this week goes once a
	// week: a second sweep that week does not send it again.
	kept := run.Bundles[:0]
	for _, b := range run.Bundles {
		if b.Weekly && !slices.ContainsFunc(b.Items, func(r *Reminder) bool { return r.Step.Kind != "" }) {
			sent, err := s.Store.QueuedWithPrefix(ctx, weekKey(e, b.To))
			if err != nil {
				return nil, err
			}
			if sent {
				continue
			}
		}
		kept = append(kept, b)
	}
	run.Bundles = kept
	return run, nil
}

func (s *Service) people(ctx context.Context) (*people, error) {
	ms, err := s.Store.Members(ctx)
	if err != nil {
		return nil, err
	}
	modes, err := s.Store.ReminderModes(ctx)
	if err != nil {
		return nil, err
	}
	emails, err := s.Store.MemberEmails(ctx)
	if err != nil {
		return nil, err
	}
	p := &people{byAgency: map[string][]string{}, modes: modes, routes: map[string][]string{}}
	for _, m := range ms {
		if _, ok := p.routes[m.UserID]; !ok {
			var r []string
			slack, email := actionbot.Routes(m.UserID, emails[m.UserID])
			if s.NoEmail && email != "" && slack == "" && !actionbot.IsEmail(m.UserID) {
				slack = m.UserID // their e-mail cannot go: Slack instead
			}
			if slack != "" {
				r = append(r, slack)
			}
			if email != "" && !s.NoEmail {
				r = append(r, email)
			}
			p.routes[m.UserID] = r
		}
		// A person with nowhere to be reached (their only address was
		// refused) counts as nobody: their agency's reminders go to its
		// channel, as for an agency nobody is registered with.
		if len(p.routes[m.UserID]) == 0 {
			continue
		}
		p.byAgency[m.Agency] = append(p.byAgency[m.Agency], m.UserID)
	}
	return p, nil
}

// leadsOf returns an action's lead agencies without repeats, the people
// registered with them (in order, each with the agencies they are
// registered with), and the lead agencies nobody can be reached for
// directly ("" for an action with no lead).
func leadsOf(a *actionbot.Action, ppl *people) (leads, order []string, users map[string][]string, missing []string) {
	users = make(map[string][]string, 4)
	for _, p := range a.Lead {
		if slices.Contains(leads, p.Agency) {
			continue
		}
		leads = append(leads, p.Agency)
		if p.Agency == actionbot.AllPartners {
			// "All Partners" as a lead would mean a direct message to everyone
			// registered: it goes to the channel instead.
			missing = append(missing, p.Agency)
			continue
		}
		ids := ppl.byAgency[p.Agency]
		if len(ids) == 0 {
			missing = append(missing, p.Agency)
		}
		for _, id := range ids {
			if _, seen := users[id]; !seen {
				order = append(order, id)
			}
			users[id] = append(users[id], p.Agency)
		}
	}
	if len(leads) == 0 {
		missing = append(missing, "")
	}
	return leads, order, users, missing
}

// address works out a reminder's recipients: each member of each lead
// agency directly (those who asked for weekly reminders only on the week's
// first working day); for lead agencies nobody is registered with, the
// priority's task-group channel or else the tasking channel; for an
// escalation, the tasking channel. It returns the agencies nobody is
// registered with.
func (s *Service) address(e *env, rem *Reminder, ppl *people, weekStart bool) []string {
	a := rem.Action
	leads, order, users, missing := leadsOf(a, ppl)
	held := 0
	for _, id := range order {
		if ppl.modes[id] == "weekly" && !weekStart {
			held++
			continue
		}
		rem.Recipients = append(rem.Recipients, Recipient{To: id, Kind: RecipientDirect, Agencies: users[id]})
	}
	fallback := e.priority(a.Priority).Channel
	if fallback == "" {
		fallback = s.TaskingChannel
	}
	switch {
	case rem.Escalated && s.DigestChannel != "":
		// The daily tasking digest carries the escalation: its week-start
		// long form lists every overdue action with its leads and counts
		// those escalated, so no second post repeats it half an hour later.
	case rem.Escalated:
		if s.TaskingChannel == "" {
			rem.Problems = append(rem.Problems, fmt.Sprintf("%s is %s overdue but there is no tasking channel to escalate it to", a.Ref, actionbot.Plural(-rem.Days, "day")))
		} else {
			rem.Recipients = append(rem.Recipients, Recipient{To: s.TaskingChannel, Kind: RecipientEscalation, Agencies: leads})
		}
	}
	if len(missing) > 0 {
		if fallback == "" {
			for _, code := range missing {
				rem.Problems = append(rem.Problems, fmt.Sprintf("%s: %s, and there is no task-group channel for priority %d and no tasking channel to send the reminder to instead",
					a.Ref, nobodyFor(code), a.Priority))
			}
		} else {
			rem.Recipients = append(rem.Recipients, Recipient{To: fallback, Kind: RecipientChannel, Agencies: missing})
		}
	}
	if len(rem.Recipients) == 0 && held > 0 && len(rem.Problems) == 0 {
		rem.Held = true
	}
	var out []string
	for _, code := range missing {
		if code != "" && code != actionbot.AllPartners {
			out = append(out, code)
		}
	}
	return out
}

// audience is who a reminder goes to, shared by the reminders with the
// same audienceKey.
type audience struct {
	recipients []Recipient
	held       bool
}

// audienceKey is what a reminder's recipients depend on: its lead
// agencies, its priority (whose channel stands in for agencies nobody is
// registered with) and whether it is escalated.
func audienceKey(a *actionbot.Action, escalated bool) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(a.Priority))
	if escalated {
		b.WriteString("!")
	}
	for _, p := range a.Lead {
		b.WriteByte(0)
		b.WriteString(p.Agency)
	}
	return b.String()
}

// nobodyFor says why an agency cannot be reached directly.
func nobodyFor(code string) string {
	switch code {
	case "":
		return "the action has no lead agency"
	case actionbot.AllPartners:
		return "the lead is All Partners, which is everyone rather than anyone in particular"
	}
	return "nobody is registered for " + code
}

// bundles gathers a sweep's reminders into one message per recipient: each
// person's in the order they come in the plan, then each channel's. On the
// week's first working day, a person who asked for weekly reminders gets
// one bundle with what is also due later in the week.
func (s *Service) bundles(e *env, run *Run, actions []*actionbot.Action, ppl *people, weekStart bool) []*Bundle {
	byTo := map[string]*Bundle{}
	var order []*Bundle
	get := func(to, person string, direct bool) *Bundle {
		b := byTo[to]
		if b == nil {
			b = &Bundle{To: to, Person: person, Direct: direct, Weekly: direct && weekStart && ppl.modes[person] == "weekly"}
			byTo[to] = b
			order = append(order, b)
		}
		return b
	}
	// A person's bundle goes to each of their routes: Slack, e-mail, or
	// both.
	gets := func(rcp Recipient) []*Bundle {
		if rcp.Kind != RecipientDirect {
			return []*Bundle{get(rcp.To, "", false)}
		}
		routes := ppl.routesOf(rcp.To)
		out := make([]*Bundle, len(routes))
		for i, to := range routes {
			out[i] = get(to, rcp.To, true)
		}
		return out
	}
	for _, rem := range run.Reminders {
		for _, rcp := range rem.Recipients {
			for _, b := range gets(rcp) {
				// A reminder names a recipient twice at most in a row (an
				// escalation and a channel reminder to the tasking channel):
				// list it once, without searching a list of thousands.
				if n := len(b.Items); n == 0 || b.Items[n-1] != rem {
					b.Items = append(b.Items, rem)
				}
				if rcp.Kind == RecipientChannel {
					for _, code := range rcp.Agencies {
						if !slices.Contains(b.Unregistered, code) {
							b.Unregistered = append(b.Unregistered, code)
						}
					}
				}
			}
		}
	}
	if weekStart {
		// What else a weekly person's actions have due this week: listed,
		// not steps of the ladder (those went out, or go out, on their day
		// to the others).
		sunday := monday(e.today).AddDays(6)
		inRun := map[int64]bool{}
		for _, rem := range run.Reminders {
			inRun[rem.Action.ID] = true
		}
		for _, a := range actions {
			if inRun[a.ID] || a.IsDone() || a.Deadline.Ongoing || a.Deadline.Due.IsZero() || a.SnoozedUntil.After(e.now) ||
				a.Deadline.Due.Before(e.today) || a.Deadline.Due.After(sunday) {
				continue
			}
			_, order, users, _ := leadsOf(a, ppl)
			for _, id := range order {
				if ppl.modes[id] != "weekly" {
					continue
				}
				rcp := Recipient{To: id, Kind: RecipientDirect, Agencies: users[id]}
				for _, b := range gets(rcp) {
					b.Items = append(b.Items, &Reminder{Action: a, Deadline: a.Deadline.Due.String(),
						Days: e.today.DaysUntil(a.Deadline.Due), Recipients: []Recipient{rcp}})
				}
			}
		}
	}
	slices.SortStableFunc(order, func(x, y *Bundle) int {
		if x.Direct != y.Direct {
			if x.Direct {
				return -1
			}
			return 1
		}
		return 0
	})
	return order
}

// bundleKey is the outbox key of a bundle: one per recipient per day (or
// week, for a weekly bundle) and set of steps: a second sweep that finds
// new steps sends them in a second bundle, never the first again. It ends
// with what the bundle shows (see shownHash), for the next sweep to know
// whether a bundle would repeat it.
func bundleKey(e *env, b *Bundle) string {
	return stepsKey(e, b) + ":" + shownHash(e, b)
}

// stepsKey is bundleKey without what the bundle shows.
func stepsKey(e *env, b *Bundle) string {
	// The same bytes as "%d/%s:%d/%s;" of each item's action, step and
	// deadline, appended rather than formatted: a catch-up hashes every
	// reminder of the day (80,000 at 100,000 actions), and fmt was an
	// eighth of the sweep's CPU.
	h := fnv.New64a()
	var buf []byte
	for _, r := range b.Items {
		buf = strconv.AppendInt(buf[:0], r.Action.ID, 10)
		buf = append(buf, '/')
		buf = append(buf, r.Step.Kind...)
		buf = append(buf, ':')
		buf = strconv.AppendInt(buf, int64(r.Step.N), 10)
		buf = append(buf, '/')
		buf = append(buf, r.Deadline...)
		buf = append(buf, ';')
		h.Write(buf)
	}
	if b.Weekly {
		return fmt.Sprintf("%s%x", weekKey(e, b.To), h.Sum64())
	}
	return fmt.Sprintf("reminders:%d:%s:%s:%x", e.plan.ID, e.today, b.To, h.Sum64())
}

// weekKey is the start of the keys of a person's weekly messages.
func weekKey(e *env, to string) string {
	return fmt.Sprintf("reminders:%d:week-%s:%s:", e.plan.ID, monday(e.today), to)
}

// sweepAttempts is how many times a sweep works out what is due again when
// a concurrent sweep recorded some of it first.
const sweepAttempts = 3

// Sweep sends the reminders due at now: it records every step in the
// ledger and queues the bundles that carry them in one transaction, so a
// second sweep, or one racing this, sends nothing again. What cannot be
// delivered is summarised in one log line, not recorded, and reported in
// the run. After the plan's period ends, the first sweep sends the
// year-end review instead (see YearEnd), once.
func (s *Service) Sweep(ctx context.Context, now time.Time) (*Run, error) {
	took := actionbot.Stopwatch() // how long the sweep took, for the log: not the sweep's instant
	for attempt := 1; ; attempt++ {
		run, err := s.Due(ctx, now)
		if err != nil {
			return nil, fmt.Errorf("reminder sweep at %s: %w", now.Format(time.RFC3339), err)
		}
		if !run.WorkingDay {
			s.logger().Info("reminder sweep: not a working day, nothing sent", "day", run.Day.String())
			return run, nil
		}
		if run.Ended {
			if err := s.yearEnd(ctx, run); err != nil || len(run.YearEnd) > 0 || len(run.Reminders) == 0 {
				// The day of the year-end review sends nothing else: the
				// reminders of actions due after the year go the next day.
				run.Reminders, run.Bundles = nil, nil
				return run, err
			}
		}
		steps := make([]actionbot.ReminderRecord, 0, len(run.Reminders))
		for _, rem := range run.Reminders {
			if len(rem.Recipients) == 0 {
				continue
			}
			steps = append(steps, actionbot.ReminderRecord{ReminderKey: actionbot.ReminderKey{ActionID: rem.Action.ID, Deadline: rem.Deadline, Step: rem.Step.Key()},
				SendOn: rem.SendOn})
		}
		msgs := run.Messages()
		ok := true
		if len(steps) > 0 || len(msgs) > 0 {
			if ok, err = s.Store.RecordSweep(ctx, steps, msgs); err != nil {
				return run, fmt.Errorf("reminder sweep of %s: %w", run.Day, err)
			}
		}
		if !ok {
			if attempt == sweepAttempts {
				return run, fmt.Errorf("reminder sweep of %s: %d concurrent sweeps recorded steps first; the next sweep sends what is left", run.Day, attempt)
			}
			continue
		}
		queued := 0
		for _, rem := range run.Reminders {
			rem.Queued = len(rem.Recipients) > 0
		}
		for _, b := range run.Bundles {
			if b.Queued = b.Message.ID != 0; b.Queued {
				queued++
			}
		}
		s.logSweep(run, len(steps), queued, took())
		return run, nil
	}
}

// logSweep writes a sweep's one line — with the agencies nobody is
// registered with, whose reminders went to a channel instead — and one
// warning more when some reminders had nowhere to go at all: counts and
// agencies, never a line per action.
func (s *Service) logSweep(run *Run, steps, queued int, took time.Duration) {
	const most = 30
	names := run.NobodyFor
	more := ""
	if len(names) > most {
		names, more = names[:most], fmt.Sprintf(" and %d more", len(run.NobodyFor)-most)
	}
	nobody := strings.Join(names, ",") + more
	s.logger().Info("reminder sweep", "day", run.Day.String(), "steps", steps, "messages", queued, "already_sent", run.AlreadySent,
		"snoozed", len(run.Snoozed), "resting", run.Resting, "repeats_not_sent", len(run.Repeats), "before_plan_year", len(run.PrePlan), "nobody_registered_for", nobody, "took", took.Round(time.Millisecond))
	if run.Undelivered > 0 {
		s.logger().Warn("reminders with nowhere to go: register someone for the agency, or set a task-group or tasking channel",
			"day", run.Day.String(), "undelivered", run.Undelivered, "nobody_registered_for", nobody)
	}
}

// leadNames names lead agencies with their codes: "Kent Police (POLICE) –
// Training, Community Safety Unit (CSU)".
func leadNames(dir *actionbot.Directory, ps []actionbot.Party) string {
	if len(ps) == 0 {
		return "no lead agency"
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = agencyName(dir, p.Agency)
		if p.Role != "" {
			out[i] += " – " + p.Role
		}
	}
	return strings.Join(out, ", ")
}

// agencyName is "Community Safety Unit (CSU)".
func agencyName(dir *actionbot.Directory, code string) string {
	if code == "" {
		return "no lead agency"
	}
	return dir.Label(code) // the one display rule for agencies
}

// leadCodes is "POLICE, CSU".
// leadLabel names an action's lead agencies by the one display rule (the
// plan's words, the code beside them), or says it has none. A digest line
// leaves out their roles in the action, which its card gives.
func leadLabel(dir *actionbot.Directory, a *actionbot.Action) string {
	if len(a.Lead) == 0 {
		return "no lead"
	}
	names := make([]string, len(a.Lead))
	for i, p := range a.Lead {
		names[i] = dir.Label(p.Agency)
	}
	return strings.Join(names, ", ")
}

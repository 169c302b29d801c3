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
	"errors"
	"fmt"
	"log/slog"
	"slices"
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

	// ReminderStates returns the ledger state ("sent" or "superseded") of
	// each of the steps that is recorded; steps not recorded are absent.
	ReminderStates(ctx context.Context, keys []actionbot.ReminderKey) (map[actionbot.ReminderKey]string, error)
	// RecordReminders records steps as sent, and the steps each supersedes,
	// and queues their messages, in one transaction; ok[i] is false when a
	// step was already recorded (nothing is queued for it then).
	RecordReminders(ctx context.Context, recs []actionbot.ReminderRecord) (ok []bool, err error)
	DigestPosted(ctx context.Context, day actionbot.Date) (bool, error)
	// LastDigestBefore is the end of the period the latest digest before
	// day covered; zero when there is none.
	LastDigestBefore(ctx context.Context, day actionbot.Date) (time.Time, error)
	// RecordDigest records a day's digest and queues it in one transaction;
	// false when that day's digest was already recorded.
	RecordDigest(ctx context.Context, planID int64, day actionbot.Date, from, to time.Time, msg *actionbot.Outgoing) (bool, error)
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

// Recipient is who one of a reminder's messages goes to, and why.
type Recipient struct {
	// To is a user ID (a direct message) or a channel ID.
	To string
	// Kind is RecipientDirect, RecipientChannel or RecipientEscalation.
	Kind string
	// Agencies are, for a direct message, the lead agencies the person is
	// registered with; for a channel, the lead agencies nobody is
	// registered with; for an escalation, every lead agency.
	Agencies []string
	// Unregistered are, for an escalation that also stands in for the
	// channel reminder, the lead agencies nobody is registered with.
	Unregistered []string
}

// Kinds of recipient.
const (
	RecipientDirect     = "direct"
	RecipientChannel    = "channel"
	RecipientEscalation = "escalation"
)

// Reminder is a step of an action's reminders that is due at an instant and
// has not gone out: what to send and to whom.
type Reminder struct {
	Action *actionbot.Action
	Step   Step
	// Deadline is the ledger's deadline key: the due date, or for a
	// check-in the last update it counts from.
	Deadline string
	SendOn   actionbot.Date
	// Superseded are the earlier steps that never went out and now never
	// will.
	Superseded []Step
	// Days is, for a dated action, the days from the sweep's day to the
	// deadline (negative when overdue); for a check-in, the days since the
	// last update.
	Days      int
	Escalated bool
	// Messages and Recipients correspond one to one.
	Messages   []*actionbot.Outgoing
	Recipients []Recipient
	// Problems say what could not be delivered, and why. A reminder with no
	// message at all is not recorded: it stays due, and is reported again,
	// until it has somewhere to go.
	Problems []string
	// Queued is set by Sweep when this sweep recorded the step and queued
	// its messages.
	Queued bool
}

// Run is what a sweep found, and did, at an instant.
type Run struct {
	At         time.Time
	Day        actionbot.Date
	WorkingDay bool
	// Reminders are the steps due and not yet recorded, in plan order.
	Reminders []*Reminder
	// AlreadySent counts the actions whose due step is already recorded.
	AlreadySent int
	// Snoozed are the actions whose reminders are held by a snooze.
	Snoozed []string
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

// env is what building messages needs, loaded once per sweep or digest.
type env struct {
	plan       *actionbot.Plan
	priorities []*actionbot.Priority
	dir        *actionbot.Directory
	now        time.Time
	today      actionbot.Date
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

// Due works out the reminders due at now that have not gone out yet, and
// to whom, without recording or queuing anything. On a day that is not a
// working day nothing is due: the steps of such days go out on the working
// day before, and a sweep on a bank holiday sends nothing.
func (s *Service) Due(ctx context.Context, now time.Time) (*Run, error) {
	e, err := s.load(ctx, now)
	if err != nil {
		return nil, err
	}
	run := &Run{At: e.now, Day: e.today, WorkingDay: s.Rules.Calendar.IsWorkingDay(e.today)}
	if !run.WorkingDay {
		return run, nil
	}
	actions, err := s.Store.FindActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, NotDone: true})
	if err != nil {
		return nil, err
	}
	// First what is due, then which of it is recorded, in one lookup.
	type candidate struct {
		a *actionbot.Action
		d due
	}
	var cands []candidate
	var keys []actionbot.ReminderKey
	for _, a := range actions {
		if a.SnoozedUntil.After(e.now) {
			run.Snoozed = append(run.Snoozed, a.Ref)
			continue
		}
		d, ok := s.Rules.due(a, e.plan.Period.Start, e.now)
		if !ok {
			continue
		}
		cands = append(cands, candidate{a, d})
		keys = append(keys, actionbot.ReminderKey{ActionID: a.ID, Deadline: d.deadline, Step: d.Step.Key()})
		if n := len(d.earlier); n > 0 {
			keys = append(keys, actionbot.ReminderKey{ActionID: a.ID, Deadline: d.deadline, Step: d.earlier[n-1].Key()})
		}
	}
	recorded, err := s.Store.ReminderStates(ctx, keys)
	if err != nil {
		return nil, err
	}
	members := map[string][]string{} // agency → user IDs, loaded once per agency
	for _, c := range cands {
		a, d := c.a, c.d
		if recorded[actionbot.ReminderKey{ActionID: a.ID, Deadline: d.deadline, Step: d.Step.Key()}] != "" {
			run.AlreadySent++
			continue
		}
		// When the step before this one is recorded, so are all before it
		// (recording a step records those it supersedes): there is nothing
		// to supersede. Otherwise the bot was down, or this is the first
		// sweep: the earlier steps are superseded now.
		if n := len(d.earlier); n > 0 && recorded[actionbot.ReminderKey{ActionID: a.ID, Deadline: d.deadline, Step: d.earlier[n-1].Key()}] != "" {
			d.earlier = nil
		}
		rem := &Reminder{Action: a, Step: d.Step, Deadline: d.deadline, SendOn: d.SendOn, Superseded: d.earlier,
			Days: d.days, Escalated: s.Rules.escalates(d)}
		if err := s.address(ctx, e, rem, d, members); err != nil {
			return nil, err
		}
		run.Reminders = append(run.Reminders, rem)
	}
	return run, nil
}

// address works out a reminder's recipients and builds its messages: a
// direct message to each member of each lead agency; for lead agencies
// nobody is registered with, one post to the priority's task-group channel
// or else the tasking channel, naming them; for an escalation, a post to the
// tasking channel naming every lead agency (one post, when that is the
// channel the no-member post would go to).
func (s *Service) address(ctx context.Context, e *env, rem *Reminder, d due, members map[string][]string) error {
	a := rem.Action
	var leads, missing []string
	users := map[string][]string{} // user → the lead agencies they are registered with
	var order []string
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
		ids, ok := members[p.Agency]
		if !ok {
			ms, err := s.Store.Members(ctx, p.Agency)
			if err != nil {
				return fmt.Errorf("reminder for %s: %w", a.Ref, err)
			}
			for _, m := range ms {
				ids = append(ids, m.UserID)
			}
			members[p.Agency] = ids
		}
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
	base := fmt.Sprintf("%d:%s:%s:%s", e.plan.ID, a.Ref, d.Step.Key(), d.deadline)
	add := func(kind, to string, agencies, unregistered []string, msg actionbot.Message) {
		outKind := "reminder"
		prefix := "reminder:"
		if kind == RecipientEscalation {
			outKind, prefix = "escalation", "escalation:"
		}
		rem.Messages = append(rem.Messages, &actionbot.Outgoing{Key: prefix + base + ":" + to, Kind: outKind, To: to, Message: msg})
		rem.Recipients = append(rem.Recipients, Recipient{To: to, Kind: kind, Agencies: agencies, Unregistered: unregistered})
	}
	for _, id := range order {
		add(RecipientDirect, id, users[id], nil, s.reminderMessage(e, rem, d, audience{direct: users[id]}))
	}
	fallback := e.priority(a.Priority).Channel
	if fallback == "" {
		fallback = s.TaskingChannel
	}
	merged := false
	if rem.Escalated {
		if s.TaskingChannel == "" {
			rem.Problems = append(rem.Problems, fmt.Sprintf("%s is %s overdue but there is no tasking channel to escalate it to", a.Ref, actionbot.Plural(-d.days, "day")))
		} else {
			aud := audience{escalation: true}
			if len(missing) > 0 && fallback == s.TaskingChannel {
				aud.missing, merged = missing, true
			}
			add(RecipientEscalation, s.TaskingChannel, leads, aud.missing, s.reminderMessage(e, rem, d, aud))
		}
	}
	if len(missing) > 0 && !merged {
		if fallback == "" {
			for _, code := range missing {
				rem.Problems = append(rem.Problems, fmt.Sprintf("%s: %s, and there is no task-group channel for priority %d and no tasking channel to send the reminder to instead",
					a.Ref, nobodyFor(code), a.Priority))
			}
		} else {
			add(RecipientChannel, fallback, missing, nil, s.reminderMessage(e, rem, d, audience{missing: missing}))
		}
	}
	return nil
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

// sweepBatch is how many reminders a sweep records per transaction: each
// commit costs a write to the log, and a daily sweep of a large plan queues
// thousands.
const sweepBatch = 200

// Sweep sends the reminders due at now: for each, it records the step in the
// ledger and queues its messages in one transaction (with others, in
// batches), so a second sweep, or
// one racing this, sends nothing again. A reminder with nowhere to go is
// logged as a warning, not recorded, and reported in the run. An error with
// one action does not stop the others; the errors are joined.
func (s *Service) Sweep(ctx context.Context, now time.Time) (*Run, error) {
	run, err := s.Due(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("reminder sweep at %s: %w", now.Format(time.RFC3339), err)
	}
	if !run.WorkingDay {
		s.logger().Info("reminder sweep: not a working day, nothing sent", "day", run.Day.String())
		return run, nil
	}
	var errs []error
	queued := 0
	var batch []*Reminder
	// record writes a batch of reminders in one transaction. If the batch
	// fails, each is tried alone, so that one bad reminder does not hold up
	// the others.
	record := func(batch []*Reminder) {
		recs := make([]actionbot.ReminderRecord, len(batch))
		for i, rem := range batch {
			var sup []string
			for _, st := range rem.Superseded {
				sup = append(sup, st.Key())
			}
			recs[i] = actionbot.ReminderRecord{ReminderKey: actionbot.ReminderKey{ActionID: rem.Action.ID, Deadline: rem.Deadline, Step: rem.Step.Key()},
				SendOn: rem.SendOn, Superseded: sup, Messages: rem.Messages}
		}
		ok, err := s.Store.RecordReminders(ctx, recs)
		if err != nil && len(recs) > 1 {
			ok = make([]bool, len(recs))
			for i := range recs {
				one, err := s.Store.RecordReminders(ctx, recs[i:i+1])
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ok[i] = one[0]
			}
		} else if err != nil {
			errs = append(errs, err)
			return
		}
		for i, rem := range batch {
			rem.Queued = ok[i]
			if ok[i] {
				queued++
			}
		}
	}
	for _, rem := range run.Reminders {
		for _, p := range rem.Problems {
			s.logger().Warn("reminder cannot be delivered in full", "action", rem.Action.Ref, "step", rem.Step.Key(), "problem", p)
		}
		if len(rem.Messages) == 0 {
			continue
		}
		if batch = append(batch, rem); len(batch) == sweepBatch {
			record(batch)
			batch = nil
		}
	}
	if len(batch) > 0 {
		record(batch)
	}
	s.logger().Info("reminder sweep", "day", run.Day.String(), "queued", queued, "already_sent", run.AlreadySent, "snoozed", len(run.Snoozed))
	return run, errors.Join(errs...)
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
func leadCodes(a *actionbot.Action) string {
	if len(a.Lead) == 0 {
		return "no lead"
	}
	return strings.Join(a.LeadCodes(), ", ")
}

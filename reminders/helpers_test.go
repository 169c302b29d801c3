package reminders_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// The store is what the reminders run on.
var _ reminders.Store = (*store.DB)(nil)

var london = storetest.London

// at is an instant on the wall clock in London.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, london)
}

// People in the tests (IDs, never names).
const (
	userCSU    = "U0CSU1"
	userCSU2   = "U0CSU2"
	userPolice = "U0POL1"
	userProb   = "U0PROB1"
	userCoord  = "U0COORD"
	tasking    = "CTASKING"
)

// fixture is the shipped plan in a real SQLite file, with a clock, and the
// reminders service on it.
type fixture struct {
	tb    testing.TB
	clock *storetest.Clock
	db    *store.DB
	plan  *actionbot.Plan
	svc   *reminders.Service
	logs  *storetest.LogBuffer
}

func mustCalendar(tb testing.TB, division string) *calendar.Calendar {
	tb.Helper()
	cal, err := calendar.Embedded(division)
	if err != nil {
		tb.Fatalf("calendar: %v", err)
	}
	return cal
}

// mustFixture opens the shipped plan with the clock at start and the
// default rules, a tasking channel and no members.
func mustFixture(tb testing.TB, start time.Time) *fixture {
	tb.Helper()
	clock := storetest.NewClock(start)
	db := storetest.MustOpen(tb, clock)
	plan, err := db.CurrentPlan(context.Background())
	if err != nil {
		tb.Fatalf("current plan: %v", err)
	}
	logs := &storetest.LogBuffer{}
	svc := &reminders.Service{
		Store:          db,
		Rules:          reminders.DefaultRules(london, mustCalendar(tb, calendar.DefaultDivision)),
		TaskingChannel: tasking,
		DigestChannel:  "CDIGEST",
		RAG:            actionbot.DefaultRAGRules(),
		Logger:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if err := svc.Rules.Validate(); err != nil {
		tb.Fatalf("rules: %v", err)
	}
	// The tests change actions through the store as the handler would
	// after its checks: the people in them may make any change.
	db.ConfiguredCoordinators = []string{userCSU, userCSU2, userPolice, userProb, userCoord}
	return &fixture{tb: tb, clock: clock, db: db, plan: plan, svc: svc, logs: logs}
}

func (f *fixture) mustAddMember(user, agency string) {
	f.tb.Helper()
	if err := f.db.AddMember(context.Background(), user, agency, userCoord); err != nil {
		f.tb.Fatalf("add %s to %s: %v", user, agency, err)
	}
}

// mustApply changes an action at t, as actor, through the store.
func (f *fixture) mustApply(t time.Time, ref, actor string, op actionbot.Op) {
	f.tb.Helper()
	f.clock.Set(t)
	_, _, err := f.db.UpdateAction(context.Background(), f.plan.ID, ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(op, actor, t)
	}, nil)
	if err != nil {
		f.tb.Fatalf("%s %s at %s: %v", ref, op.Verb, t, err)
	}
}

func mustDeadline(tb testing.TB, s string) actionbot.Deadline {
	tb.Helper()
	d, err := actionbot.ParseDeadline(s)
	if err != nil {
		tb.Fatalf("deadline %q: %v", s, err)
	}
	return d
}

// mustSweep runs the sweep at t with the clock set to t.
func (f *fixture) mustSweep(t time.Time) *reminders.Run {
	f.tb.Helper()
	f.clock.Set(t)
	run, err := f.svc.Sweep(context.Background(), t)
	if err != nil {
		f.tb.Fatalf("sweep at %s: %v", t, err)
	}
	return run
}

// outbox returns every queued message, oldest first.
func (f *fixture) outbox() []*actionbot.Outgoing {
	f.tb.Helper()
	out, err := f.db.Outgoing(context.Background(), "", 1000000)
	if err != nil {
		f.tb.Fatalf("outbox: %v", err)
	}
	return out
}

// ledger returns an action's recorded steps as "step=state".
func (f *fixture) ledger(ref string) []string {
	f.tb.Helper()
	es, err := f.db.ReminderLedger(context.Background(), f.plan.ID)
	if err != nil {
		f.tb.Fatalf("ledger: %v", err)
	}
	var out []string
	for _, e := range es {
		if e.Ref == ref {
			out = append(out, e.Step+"@"+e.Deadline+"="+e.State)
		}
	}
	return out
}

// reminderFor returns the reminder of ref in a run, or nil.
func reminderFor(run *reminders.Run, ref string) *reminders.Reminder {
	for _, r := range run.Reminders {
		if r.Action.Ref == ref {
			return r
		}
	}
	return nil
}

// plain renders a message's text as one string, blocks joined by newlines,
// for assertions.
func plain(m actionbot.Message) string {
	var parts []string
	for _, b := range m.Blocks {
		if len(b.Text) > 0 {
			parts = append(parts, b.Text.Plain())
		}
		for _, fl := range b.Fields {
			parts = append(parts, fl.Label+": "+fl.Value.Plain())
		}
		for _, btn := range b.Buttons {
			parts = append(parts, "["+btn.Label+"]")
		}
	}
	return strings.Join(parts, "\n")
}

func workingDays(cal *calendar.Calendar, from, to actionbot.Date) []actionbot.Date {
	var out []actionbot.Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			out = append(out, d)
		}
	}
	return out
}

// bundleTo returns the bundle of a run that goes to to, or nil.
func bundleTo(run *reminders.Run, to string) *reminders.Bundle {
	for _, b := range run.Bundles {
		if b.To == to {
			return b
		}
	}
	return nil
}

// textTo is the plain text of the bundle of a run that goes to to; "" when
// there is none.
func textTo(run *reminders.Run, to string) string {
	if b := bundleTo(run, to); b != nil {
		return plain(b.Message.Message)
	}
	return ""
}

// recipients lists a reminder's recipients as "kind to agencies".
func recipients(r *reminders.Reminder) []string {
	var got []string
	for _, rc := range r.Recipients {
		got = append(got, rc.Kind+" "+rc.To+" "+strings.Join(rc.Agencies, ","))
	}
	return got
}

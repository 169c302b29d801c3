package reminders_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
)

// TestWeeklyReminders: someone who asked for weekly reminders hears
// nothing between weeks' first working days, then gets one message with
// what is overdue or due that week; someone daily in the same agency is
// reminded on each step's day.
func TestWeeklyReminders(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	f.mustAddMember(userCSU, "CSU")
	f.mustAddMember(userCSU2, "CSU")
	if err := f.db.SetReminderMode(context.Background(), userCSU, store.RemindWeekly, userCSU); err != nil {
		t.Fatal(err)
	}
	// Friday 1 March: 28 days before 31 March, for many CSU actions.
	run := f.mustSweep(at(2013, 3, 1, 9, 0))
	if bundleTo(run, userCSU) != nil {
		t.Errorf("the weekly member got a message on a Friday")
	}
	if b := bundleTo(run, userCSU2); b == nil || b.Weekly || reminderFor(run, "3.2") == nil || !slices.Contains(b.Items, reminderFor(run, "3.2")) {
		t.Fatalf("the daily member's Friday message lacks 3.2")
	}
	// Monday 25 March: 3.2 is due on Sunday 31st; the weekly bundle lists
	// it with what is overdue.
	f.mustApply(at(2013, 3, 20, 10, 0), "4.5", userCSU2, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 50})
	run = f.mustSweep(at(2013, 3, 25, 9, 0))
	b := bundleTo(run, userCSU)
	if b == nil || !b.Weekly {
		t.Fatalf("no weekly message on Monday 25 March")
	}
	text := plain(b.Message.Message)
	for _, want := range []string{"Your reminders for the week — Mon 25 Mar 2013", "Coming up", "3.2 Work with Town & Parish Councils", "Overdue", "4.5 ", "`/action remind daily`"} {
		if !strings.Contains(text, want) {
			t.Errorf("the weekly message lacks %q:\n%s", want, text)
		}
	}
	// The same sweep again: nothing more, to either.
	again := f.mustSweep(at(2013, 3, 25, 9, 5))
	if len(again.Bundles) != 0 {
		for _, b := range again.Bundles {
			t.Errorf("a second sweep sent %s: %s", b.To, b.Message.Message.Text)
		}
	}
	// Tuesday: the daily member's ladder steps; the weekly member nothing.
	run = f.mustSweep(at(2013, 3, 26, 9, 0))
	if bundleTo(run, userCSU) != nil {
		t.Errorf("the weekly member got a message on a Tuesday")
	}

	// A week whose only news is what falls due in it: the weekly message
	// lists it, once.
	g := mustFixture(t, at(2013, 3, 25, 9, 0))
	g.mustAddMember(userCSU, "CSU")
	if err := g.db.SetReminderMode(context.Background(), userCSU, store.RemindWeekly, userCSU); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"1.5", "1.6", "3.1", "3.2", "3.3", "4.3", "4.7", "5.1", "5.3", "2.1", "2.2", "2.4", "4.5", "4.6", "1.7", "5.4", "5.5"} {
		g.mustApply(at(2013, 3, 20, 10, 0), ref, userCSU, actionbot.Op{Verb: actionbot.VerbSnooze, Until: at(2013, 3, 25, 8, 0)})
	}
	g.mustSweep(at(2013, 3, 22, 9, 0)) // the ladder's 7-day step of 31 March goes to nobody daily: held
	run = g.mustSweep(at(2013, 3, 25, 9, 0))
	if b := bundleTo(run, userCSU); b == nil || !b.Weekly || !b.Queued {
		t.Fatalf("no weekly message on 25 March")
	}
	again = g.mustSweep(at(2013, 3, 25, 11, 0))
	if b := bundleTo(again, userCSU); b != nil {
		t.Errorf("a second weekly message the same week: %s", b.Message.Message.Text)
	}
}

// TestDeadlineBeforeThePlanYear: 5.2 ("March 2012") is not escalated every
// week of 2012-13: it is kept out of the overdue reminders until a
// coordinator confirms the deadline, and then escalated on the next
// week's first working day.
func TestDeadlineBeforeThePlanYear(t *testing.T) {
	f := mustFixture(t, at(2012, 4, 2, 9, 0))
	f.mustAddMember(userPolice, "POLICE")
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2012, 6, 29)) {
		run := f.mustSweep(day.At(9, 0, london))
		if r := reminderFor(run, "5.2"); r != nil {
			t.Fatalf("%s: 5.2 was reminded (%s) before its deadline was confirmed", day, r.Step.Key())
		}
		if f.svc.Rules.IsWeekStart(day) && !slices.Contains(run.PrePlan, "5.2") {
			t.Errorf("%s: 5.2 is not reported as kept out of the overdue reminders", day)
		}
	}
	if _, err := f.db.ConfirmDeadline(context.Background(), f.plan.ID, "5.2", userCoord); err != nil {
		t.Fatal(err)
	}
	run := f.mustSweep(at(2012, 7, 2, 9, 0))
	r := reminderFor(run, "5.2")
	if r == nil || !r.Queued || !r.Escalated || !slices.Equal(recipients(r), []string{"direct U0POL1 POLICE", "escalation CTASKING POLICE,CSU", "channel CTASKING CSU"}) {
		t.Fatalf("5.2 after confirming: %+v", r)
	}
	if text := textTo(run, tasking); !strings.Contains(text, "Escalated for the daily tasking meeting") || !strings.Contains(text, "5.2 Promote Speedwatch") {
		t.Errorf("the tasking channel's post:\n%s", text)
	}
	// Moving it into the plan year instead needs no confirmation.
	g := mustFixture(t, at(2012, 4, 2, 9, 0))
	g.mustAddMember(userPolice, "POLICE")
	g.mustApply(at(2012, 4, 2, 8, 0), "5.2", userPolice, actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "2012-04-20"), Note: "moved into the year"})
	if r := reminderFor(g.mustSweep(at(2012, 4, 2, 9, 0)), "5.2"); r == nil || r.Step.Key() != "before:28" {
		t.Errorf("5.2 moved to 20 April: %+v; want the ladder", r)
	}
}

// TestBundleCut: a person with more reminders than a message holds gets
// the first twenty and "and N more", within Block Kit's limits.
func TestBundleCut(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	for _, agency := range []string{"CSU", "POLICE", "SDC", "KCC", "KFRS", "HIGHWAYS", "T&CG", "PROBATION"} {
		f.mustAddMember(userCSU, agency)
	}
	run := f.mustSweep(at(2013, 3, 1, 9, 0))
	b := bundleTo(run, userCSU)
	if b == nil || len(b.Items) <= 20 {
		t.Fatalf("want more than 20 reminders for one person; got %v", b)
	}
	checkLimits(t, b.Message.Message)
	text := plain(b.Message.Message)
	if want := "…and " + strconv.Itoa(len(b.Items)-20) + " more: /action mine"; !strings.Contains(text, want) {
		t.Errorf("the message lacks %q:\n%s", want, text)
	}
	if n := strings.Count(text, "[Mark done]"); n != 20 {
		t.Errorf("%d rows of buttons, want 20", n)
	}
}

package reminders_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
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

// TestDeadlineBeforeThePlanYearRemindsItsLeadUntilConfirmedOrMoved: 5.2
// ("March 2012", Kent Police's and the CSU's) is due before the plan's
// year begins. Its lead gets it in their own bundle as "confirm or move",
// with its buttons, on the overdue ladder (at least every RepeatDays days),
// never escalated, until a coordinator confirms the deadline; then it is
// an overdue action like any other, escalated at once. Moved into the year
// instead, it is on the ladder of its new date.
func TestDeadlineBeforeThePlanYearRemindsItsLeadUntilConfirmedOrMoved(t *testing.T) {
	f := mustFixture(t, at(2012, 4, 2, 9, 0))
	f.mustAddMember(userPolice, "POLICE")
	var asked []actionbot.Date
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2012, 6, 29)) {
		run := f.mustSweep(day.At(9, 0, london))
		r := reminderFor(run, "5.2")
		if r == nil {
			continue
		}
		if !r.Confirm || r.Escalated || !slices.Equal(recipients(r), []string{"direct U0POL1 POLICE", "channel CTASKING CSU"}) {
			t.Fatalf("%s: 5.2 reminded as %+v (recipients %v); want its leads asked to confirm or move it, not escalated", day, r, recipients(r))
		}
		b := bundleTo(run, userPolice)
		if b == nil || !b.Queued {
			continue // a repeat of the lead's previous bundle: not sent
		}
		text := plain(b.Message.Message)
		for _, want := range []string{"Deadline before the plan's year: confirm or move it", "5.2 Promote Speedwatch",
			"before the plan's year began on Sun 1 Apr 2012: move it with /action 5.2 due <date> <reason>, or a coordinator confirms it with /action 5.2 due confirm",
			"[Mark done]"} {
			if !strings.Contains(text, want) {
				t.Fatalf("%s: the lead's bundle lacks %q:\n%s", day, want, text)
			}
		}
		asked = append(asked, day)
	}
	if len(asked) == 0 || asked[0] != actionbot.D(2012, 4, 2) {
		t.Fatalf("the lead was asked to confirm or move 5.2 on %v; want from the first sweep", asked)
	}
	for i := 1; i < len(asked); i++ {
		if gap := asked[i-1].DaysUntil(asked[i]); gap > reminders.RepeatDays {
			t.Errorf("the lead was not asked about 5.2 from %s to %s: %d days", asked[i-1], asked[i], gap)
		}
	}
	if last := asked[len(asked)-1]; last.DaysUntil(actionbot.D(2012, 6, 29)) > reminders.RepeatDays {
		t.Errorf("the lead was last asked about 5.2 on %s, more than %d days before 29 June", last, reminders.RepeatDays)
	}
	t.Logf("5.2 asked on %v", asked)

	if _, err := f.db.ConfirmDeadline(context.Background(), f.plan.ID, "5.2", userCoord); err != nil {
		t.Fatal(err)
	}
	run := f.mustSweep(at(2012, 7, 2, 9, 0))
	r := reminderFor(run, "5.2")
	// Escalated, it is the daily tasking digest's to carry (issue 23: the
	// 09:00 escalation post repeated the 08:30 digest): the tasking channel
	// has it only as the reminder of CSU, which nobody is registered with.
	if r == nil || !r.Queued || r.Confirm || !r.Escalated || !slices.Equal(recipients(r), []string{"direct U0POL1 POLICE", "channel CTASKING CSU"}) {
		t.Fatalf("5.2 after confirming: %+v", r)
	}
	if text := textTo(run, tasking); strings.Contains(text, "Escalated for the daily tasking meeting") || !strings.Contains(text, "5.2 Promote Speedwatch") {
		t.Errorf("the tasking channel's post:\n%s", text)
	}
	// Moving it into the plan year instead needs no confirmation.
	g := mustFixture(t, at(2012, 4, 2, 9, 0))
	g.mustAddMember(userPolice, "POLICE")
	g.mustApply(at(2012, 4, 2, 8, 0), "5.2", userPolice, actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "2012-04-20"), Note: "moved into the year"})
	if r := reminderFor(g.mustSweep(at(2012, 4, 2, 9, 0)), "5.2"); r == nil || r.Step.Key() != "before:28" || r.Confirm {
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

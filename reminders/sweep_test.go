package reminders_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
)

// TestSweepSkipsWhatIsNotDue checks done actions, non-working days and the
// days between steps.
func TestSweepSkipsWhatIsNotDue(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		at    time.Time
		ref   string
		want  string // the step queued for ref, "" for none
	}{
		{"the 28-day step on its day", nil, at(2013, 3, 1, 9, 0), "3.2", "before:28"},
		{"a day between steps", func(f *fixture) { f.mustSweep(at(2013, 3, 1, 9, 0)) }, at(2013, 3, 4, 9, 0), "3.2", ""},
		{"a Saturday", nil, at(2013, 3, 2, 9, 0), "3.2", ""},
		{"Good Friday", func(f *fixture) { f.mustSweep(at(2013, 3, 28, 9, 0)) }, at(2013, 3, 29, 9, 0), "3.2", ""},
		{"a done action", func(f *fixture) {
			f.mustApply(at(2013, 2, 20, 10, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbDone})
		}, at(2013, 3, 1, 9, 0), "3.2", ""},
		{"a reopened action", func(f *fixture) {
			f.mustApply(at(2013, 2, 20, 10, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbDone})
			f.mustApply(at(2013, 2, 21, 10, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbReopen, Note: "second phase agreed"})
		}, at(2013, 3, 1, 9, 0), "3.2", "before:28"},
		{"a blocked action is still reminded, with its reason", func(f *fixture) {
			f.mustApply(at(2013, 2, 20, 10, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbBlocked, Note: "waiting for <National Trust> & parish data"})
		}, at(2013, 3, 1, 9, 0), "3.2", "before:28"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFixture(t, at(2013, 2, 1, 9, 0))
			f.mustAddMember(userCSU, "CSU")
			if tc.setup != nil {
				tc.setup(f)
			}
			run := f.mustSweep(tc.at)
			got := ""
			if r := reminderFor(run, tc.ref); r != nil && r.Queued {
				got = r.Step.Key()
				if r.Action.Status == actionbot.StatusBlocked {
					text := textTo(run, userCSU)
					if !strings.Contains(text, "blocked, 0%: waiting for <National Trust> & parish data") {
						t.Errorf("the reminder of a blocked action does not give the reason as written:\n%s", text)
					}
				}
			}
			if got != tc.want {
				t.Errorf("sweep at %s queued %q for %s, want %q", tc.at, got, tc.ref, tc.want)
			}
			if !f.svc.Rules.Calendar.IsWorkingDay(actionbot.DateOf(tc.at)) && len(run.Reminders) != 0 {
				t.Errorf("a sweep on a non-working day found %d reminders", len(run.Reminders))
			}
		})
	}
}

// TestCatchUpAfterDowntime: after days without a sweep, only the latest
// missed step goes out, decided without working out the missed ones; an
// earlier step never goes out once a later one has.
func TestCatchUpAfterDowntime(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	f.mustAddMember(userCSU, "CSU")
	f.mustSweep(at(2013, 3, 1, 9, 0)) // before:28

	// Down from Friday 1 March to Monday 25 March: the 14- and 7-day steps
	// (15 and 22 March) were missed.
	run := f.mustSweep(at(2013, 3, 25, 9, 0))
	r := reminderFor(run, "3.2")
	if r == nil || !r.Queued || r.Step.Key() != "before:7" {
		t.Fatalf("after downtime, 3.2 got %+v; want the 7-day step only", r)
	}
	if text := textTo(run, userCSU); !strings.Contains(text, "3.2 Reduce the number of deliberate") && !strings.Contains(text, "3.2 ") || !strings.Contains(text, "due in 6 days") {
		t.Errorf("the catch-up reminder should say where the action stands today:\n%s", text)
	}
	f.mustSweep(at(2013, 3, 28, 9, 0))
	want := []string{"before:28@2013-03-31=sent", "before:7@2013-03-31=sent", "before:0@2013-03-31=sent"}
	if got := f.ledger("3.2"); !slices.Equal(got, want) {
		t.Errorf("ledger of 3.2:\n got %v\nwant %v", got, want)
	}
	// A passed-by step never goes out, even if a sweep ran at its time
	// now (a clock put back).
	n := len(f.outbox())
	run = f.mustSweep(at(2013, 3, 15, 9, 0))
	if r := reminderFor(run, "3.2"); r != nil {
		t.Errorf("a passed-by step came back: %s", r.Step.Key())
	}
	if got := len(f.outbox()) - n; got != 0 {
		t.Errorf("a sweep at the passed-by step's time queued %d messages", got)
	}

	// An action overdue since before the bot existed gets one reminder,
	// and one ledger row: 2.3 was due on Thursday 30 June 2011; on Tuesday
	// 26 March 2013 its latest step is the 91st
	// week. Its deadline is before the plan year, so a coordinator
	// confirms it first.
	fresh := mustFixture(t, at(2013, 3, 26, 9, 0))
	fresh.mustAddMember(userCSU, "SDC")
	if _, err := fresh.db.ConfirmDeadline(context.Background(), fresh.plan.ID, "2.3", userCoord); err != nil {
		t.Fatal(err)
	}
	run = fresh.mustSweep(at(2013, 3, 26, 9, 0))
	r = reminderFor(run, "2.3")
	if r == nil || !r.Queued || r.Step.Key() != "overdue:91" || !r.Escalated {
		t.Fatalf("2.3 on 26 March 2013: %+v; want week 91 overdue, escalated", r)
	}
	if got := fresh.ledger("2.3"); len(got) != 1 {
		t.Errorf("2.3 has ledger rows %v, want the one step that went out", got)
	}
	if b := bundleTo(run, userCSU); b == nil || !slices.Contains(b.Items, r) {
		t.Errorf("2.3 is not in the SDC member's bundle")
	}
	// The digest carries escalations (issue 23): no second post repeats it.
	if b := bundleTo(run, tasking); b != nil && slices.Contains(b.Items, r) {
		t.Errorf("2.3 is escalated in a tasking channel post beside the digest")
	}
}

// TestSnooze: no reminder while an action is snoozed; when the snooze ends
// the latest due step goes out, not the ones it held.
func TestSnooze(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	f.mustAddMember(userCSU, "CSU")
	f.mustSweep(at(2013, 3, 1, 9, 0)) // before:28

	// Snoozed for 7 days on Thursday 14 March at 10:00: until 21 March 10:00.
	f.mustApply(at(2013, 3, 14, 10, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbSnooze, Until: at(2013, 3, 21, 10, 0)})
	tests := []struct {
		at   time.Time
		want string
	}{
		{at(2013, 3, 15, 9, 0), ""}, // the 14-day step, held
		{at(2013, 3, 21, 9, 0), ""}, // an hour before the snooze ends
		{at(2013, 3, 22, 9, 0), "before:7"},
		{at(2013, 3, 28, 9, 0), "before:0"},
	}
	for _, tc := range tests {
		run := f.mustSweep(tc.at)
		got := ""
		if r := reminderFor(run, "3.2"); r != nil && r.Queued {
			got = r.Step.Key()
		}
		if got != tc.want {
			t.Errorf("sweep at %s: 3.2 got %q, want %q", tc.at, got, tc.want)
		}
		snoozed := slices.Contains(run.Snoozed, "3.2")
		if wantSnoozed := tc.at.Before(at(2013, 3, 21, 10, 0)); snoozed != wantSnoozed {
			t.Errorf("sweep at %s: 3.2 snoozed %v, want %v", tc.at, snoozed, wantSnoozed)
		}
	}
	if got, want := f.ledger("3.2"), []string{"before:28@2013-03-31=sent", "before:7@2013-03-31=sent", "before:0@2013-03-31=sent"}; !slices.Equal(got, want) {
		t.Errorf("ledger of 3.2:\n got %v\nwant %v", got, want)
	}
	// The snooze is audited.
	h, err := f.db.History(context.Background(), f.plan.ID, "3.2", 0)
	if err != nil || len(h) != 1 || h[0].Verb != actionbot.VerbSnooze || h[0].Actor != userCSU {
		t.Errorf("history of 3.2: %v, %v; want the snooze by %s", h, err, userCSU)
	}
}

// TestMovedDeadline: a moved deadline restarts the ladder for the new date.
func TestMovedDeadline(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	f.mustAddMember(userCSU, "CSU")
	f.mustSweep(at(2013, 3, 1, 9, 0)) // 28 days before 31 March, for 3.2 and 3.3

	// 3.2 moves later, to June 2013; 3.3 earlier, to Friday 8 March.
	f.mustApply(at(2013, 3, 4, 11, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "June 2013"), Note: "National Trust season starts later"})
	f.mustApply(at(2013, 3, 4, 11, 5), "3.3", userCSU, actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "2013-03-08"), Note: "launch brought forward"})

	got := map[string][]string{}
	var first33 string
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2013, 3, 5), actionbot.D(2013, 6, 3)) {
		run := f.mustSweep(day.At(9, 0, london))
		if day == actionbot.D(2013, 3, 5) {
			first33 = textTo(run, userCSU)
		}
		for _, r := range run.Queued() {
			if r.Action.Ref == "3.2" || r.Action.Ref == "3.3" {
				got[r.Action.Ref] = append(got[r.Action.Ref], fmt.Sprintf("%s %s@%s", day, r.Step.Key(), r.Deadline))
			}
		}
	}
	want := map[string][]string{
		// Nothing for the old date; the new one, after the plan's year,
		// is on the ladder as any other: 28 days before Sunday 30 June is
		// Friday 31 May.
		"3.2": {"2013-05-31 before:28@2013-06-30"},
		// Moved to 3 days away: the 7-day step at once (the 28- and
		// 14-day steps of the new date passed by), then the ladder, then
		// weekly on the week's first working day until the plan's year
		// ends on 31 March.
		"3.3": {"2013-03-05 before:7@2013-03-08", "2013-03-07 before:1@2013-03-08", "2013-03-08 before:0@2013-03-08",
			"2013-03-11 overdue:1@2013-03-08", "2013-03-18 overdue:2@2013-03-08", "2013-03-25 overdue:3@2013-03-08"},
	}
	if !slices.Equal(got["3.2"], want["3.2"]) {
		t.Errorf("3.2 after moving to June 2013:\n got %v\nwant %v", got["3.2"], want["3.2"])
	}
	if g := got["3.3"]; !slices.Equal(g, want["3.3"]) {
		t.Errorf("3.3 after moving to 8 March:\n got %v\nwant %v", g, want["3.3"])
	}
	if !strings.Contains(first33, "due in 3 days, on Fri 8 Mar 2013 (moved from March 2013 (31 Mar 2013))") {
		t.Errorf("the first reminder for the new date should say so:\n%s", first33)
	}
}

// TestNoMembers: a lead agency nobody is registered with is never skipped
// silently.
func TestNoMembers(t *testing.T) {
	t.Run("priority channel", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 1, 9, 0))
		if err := f.db.SetPriorityChannel(context.Background(), 7, "C7DOMESTIC", userCoord); err != nil {
			t.Fatal(err)
		}
		run := f.mustSweep(at(2013, 3, 1, 9, 0))
		r := reminderFor(run, "7.3") // St Giles Trust
		if r == nil || len(r.Recipients) != 1 {
			t.Fatalf("7.3: %+v, want one recipient", r)
		}
		if got, want := recipients(r), []string{"channel C7DOMESTIC STGILES"}; !slices.Equal(got, want) {
			t.Errorf("7.3 went to %v; want the priority's task-group channel, naming STGILES", got)
		}
		if text := textTo(run, "C7DOMESTIC"); !strings.Contains(text, "Nobody is registered for CSP Domestic Abuse Task Group (DATG), Local Children's Trust Board (LCTB), St Giles Trust (STGILES)") ||
			!strings.Contains(text, "so their reminders come to this channel") || !strings.Contains(text, "(nobody registered for STGILES)") {
			t.Errorf("the channel reminder does not say who has nobody registered:\n%s", text)
		}
	})
	t.Run("some leads registered", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 1, 9, 0))
		f.mustAddMember(userCSU, "CSU")
		f.mustAddMember(userCSU2, "CSU")
		r := reminderFor(f.mustSweep(at(2013, 3, 1, 9, 0)), "5.1") // Kent Fire & Rescue Service; CSU
		var got []string
		for _, rc := range r.Recipients {
			got = append(got, rc.Kind+" "+rc.To+" "+strings.Join(rc.Agencies, ","))
		}
		want := []string{"direct U0CSU1 CSU", "direct U0CSU2 CSU", "channel CTASKING KFRS"}
		if !slices.Equal(got, want) {
			t.Errorf("5.1 recipients: %v, want %v", got, want)
		}
	})
	t.Run("a person in two lead agencies gets one message", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 1, 9, 0))
		f.mustAddMember(userCSU, "CSU")
		f.mustAddMember(userCSU, "KFRS")
		run := f.mustSweep(at(2013, 3, 1, 9, 0))
		r := reminderFor(run, "5.1")
		if got, want := recipients(r), []string{"direct U0CSU1 KFRS,CSU"}; !slices.Equal(got, want) || len(run.Bundles) != 2 {
			t.Errorf("5.1 went to %v in %d bundles; want one direct message to %s, and the channel's post", got, len(run.Bundles), userCSU)
		}
		if text := textTo(run, userCSU); !strings.Contains(text, "registered with CSU and KFRS") {
			t.Errorf("the bundle does not name both agencies:\n%s", text)
		}
	})
	t.Run("nowhere to send it", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 1, 9, 0))
		f.svc.TaskingChannel = ""
		run := f.mustSweep(at(2013, 3, 1, 9, 0))
		r := reminderFor(run, "7.3")
		if r == nil || len(r.Recipients) != 0 || r.Queued || run.Undelivered == 0 {
			t.Fatalf("7.3: %+v; want it reported, with nothing queued", r)
		}
		if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "nobody is registered for STGILES") {
			t.Errorf("7.3 problems: %q", r.Problems)
		}
		// One warning for the sweep, with the counts and the agencies, not
		// one per action.
		logs := f.logs.String()
		if strings.Count(logs, "level=WARN") != 1 || !strings.Contains(logs, "undelivered=") || !strings.Contains(logs, "STGILES") {
			t.Errorf("want one warning with the count and STGILES in the log:\n%s", logs)
		}
		if got := len(f.outbox()); got != 0 {
			t.Errorf("%d messages queued with nowhere to go", got)
		}
		if got := f.ledger("7.3"); len(got) != 0 {
			t.Errorf("7.3 was recorded as %v though nothing went out", got)
		}
		// Once there is somewhere to send it, it goes.
		f.svc.TaskingChannel = tasking
		run = f.mustSweep(at(2013, 3, 1, 11, 0))
		r = reminderFor(run, "7.3")
		if r == nil || !r.Queued || !slices.Equal(recipients(r), []string{"channel CTASKING STGILES"}) || bundleTo(run, tasking) == nil {
			t.Errorf("7.3 once a tasking channel is set: %+v", r)
		}
	})
	t.Run("an escalation with no tasking channel still sends the direct messages", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 11, 9, 0))
		f.mustAddMember(userCSU, "CSU")
		f.svc.TaskingChannel = ""
		f.svc.DigestChannel = "" // with a digest, the digest escalates
		// Moved the week before: acted on this week, it would rest until next.
		f.mustApply(at(2013, 3, 1, 8, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "2013-02-20"), Note: "earlier"})
		r := reminderFor(f.mustSweep(at(2013, 3, 11, 9, 0)), "3.2")
		if r == nil || !r.Queued || !r.Escalated || !slices.Equal(recipients(r), []string{"direct U0CSU1 CSU"}) {
			t.Fatalf("3.2: %+v", r)
		}
		if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "no tasking channel to escalate it to") {
			t.Errorf("problems: %q", r.Problems)
		}
	})
}

// TestLeadGuards: an action led by All Partners, or by nobody, goes to the
// channel rather than being skipped or sent to everyone.
func TestLeadGuards(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	f.mustAddMember(userCSU, "CSU")
	ctx := context.Background()
	imp := &actionbot.PlanImport{
		Name:       "Guard plan 2013-14",
		Period:     actionbot.Period{Start: actionbot.D(2013, 4, 1), End: actionbot.D(2014, 3, 31)},
		Priorities: []actionbot.Priority{{Number: 1, Title: "Everything"}},
		Actions: []*actionbot.Action{
			{Ref: "1.1", Priority: 1, Text: "Everyone leads this", Lead: []actionbot.Party{{Agency: actionbot.AllPartners}}, Deadline: mustDeadline(t, "2013-05-10")},
			{Ref: "1.2", Priority: 1, Text: "Nobody leads this", Deadline: mustDeadline(t, "2013-05-10")},
			{Ref: "1.3", Priority: 1, Text: "All Partners and CSU", Lead: []actionbot.Party{{Agency: "CSU"}, {Agency: actionbot.AllPartners}}, Deadline: mustDeadline(t, "2013-05-10")},
		},
		Source: "test", Actor: "test",
	}
	if _, err := f.db.ImportPlan(ctx, imp); err != nil {
		t.Fatal(err)
	}
	plan, err := f.db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.plan = plan
	run := f.mustSweep(at(2013, 4, 12, 9, 0)) // 28 days before Friday 10 May
	tests := []struct {
		ref  string
		want []string
		text string
	}{
		{"1.1", []string{"channel CTASKING ALL"}, "1.1 Everyone leads this — due in 28 days, on Fri 10 May 2013 — lead: All Partners — open, 0%\n"},
		{"1.2", []string{"channel CTASKING "}, "1.2 Nobody leads this — due in 28 days, on Fri 10 May 2013 — lead: no lead agency — open, 0%\n"},
		{"1.3", []string{"direct U0CSU1 CSU", "channel CTASKING ALL"}, "1.3 All Partners and CSU"},
	}
	for _, want := range []string{"Actions led by All Partners come to this channel rather than to everyone directly.", "Actions with no lead agency come to this channel."} {
		if text := textTo(run, tasking); !strings.Contains(text, want) {
			t.Errorf("the channel's post lacks %q:\n%s", want, text)
		}
	}
	if n := len(run.Bundles); n != 2 {
		t.Errorf("%d bundles; want one to the CSU member and one to the tasking channel", n)
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			r := reminderFor(run, tc.ref)
			if r == nil || !r.Queued {
				t.Fatalf("%s: %+v", tc.ref, r)
			}
			if got := recipients(r); !slices.Equal(got, tc.want) {
				t.Errorf("recipients %v, want %v", got, tc.want)
			}
			if text := textTo(run, tasking); !strings.Contains(text, tc.text) {
				t.Errorf("the channel message lacks %q:\n%s", tc.text, text)
			}
		})
	}
}

// TestClockChanges: days are days in London whatever the offset, around
// 25 March 2012, 28 October 2012 and 31 March 2013.
func TestClockChanges(t *testing.T) {
	tests := []struct {
		name    string
		at      time.Time
		confirm string // a deadline before the plan year to confirm first
		ref     string
		want    string // step queued; "" for none
		text    string
	}{
		// 00:30 BST on Friday 1 June is 23:30 UTC on Thursday 31 May: it is
		// Friday, and the week's overdue reminder, never sent (the database
		// is new), goes out.
		{"just after midnight in BST", at(2012, 6, 1, 0, 30), "7.6", "7.6", "overdue:17", "122 days overdue"},
		{"Monday after clocks went forward in 2012", at(2012, 3, 26, 9, 0), "", "5.2", "before:7", "due in 5 days, on Sat 31 Mar 2012"},
		{"Monday after clocks went back", at(2012, 10, 29, 9, 0), "", "1.1", "checkin:7", "no update for 211 days"},
		// 00:30 BST on Tuesday 2 April 2013 is still Easter Monday in UTC;
		// in London it is a working day, after the plan's year: nothing.
		{"the Tuesday after Easter 2013, just after midnight BST: the plan has ended", at(2013, 4, 2, 0, 30), "", "1.5", "", ""},
		{"Easter Monday 2013 late evening: not a working day", at(2013, 4, 1, 23, 30), "", "1.5", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFixture(t, tc.at)
			f.mustAddMember(userCSU, "CSU")
			f.mustAddMember(userPolice, "POLICE")
			if tc.confirm != "" {
				if _, err := f.db.ConfirmDeadline(context.Background(), f.plan.ID, tc.confirm, userCoord); err != nil {
					t.Fatal(err)
				}
			}
			run := f.mustSweep(tc.at)
			got, text := "", ""
			if r := reminderFor(run, tc.ref); r != nil && r.Queued {
				got = r.Step.Key()
				for _, rc := range r.Recipients {
					text += textTo(run, rc.To)
				}
			}
			if got != tc.want {
				t.Fatalf("%s at %s: %q, want %q", tc.ref, tc.at.UTC(), got, tc.want)
			}
			if !strings.Contains(text, tc.text) {
				t.Errorf("message lacks %q:\n%s", tc.text, text)
			}
		})
	}

	// A check-in waits for the week's first working day: updated at 09:30
	// BST on 1 October, the 30 days are up on 31 October; the check-in goes
	// out with the weekly reminders on Monday 5 November.
	t.Run("check-in on the week's first working day", func(t *testing.T) {
		f := mustFixture(t, at(2012, 10, 1, 9, 30))
		f.mustAddMember(userCSU, "CSU")
		f.mustApply(at(2012, 10, 1, 9, 30), "1.1", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "monthly review held"})
		for _, tc := range []struct {
			at   time.Time
			want string
		}{{at(2012, 10, 29, 9, 0), ""}, {at(2012, 10, 31, 9, 0), ""}, {at(2012, 11, 1, 9, 0), ""}, {at(2012, 11, 5, 9, 0), "checkin:1"}} {
			got := ""
			if r := reminderFor(f.mustSweep(tc.at), "1.1"); r != nil && r.Queued {
				got = r.Step.Key()
			}
			if got != tc.want {
				t.Errorf("1.1 at %s: %q, want %q", tc.at, got, tc.want)
			}
		}
	})
}

// TestCheckIns: an update restarts the check-in clock; at most one check-in
// per stale period.
func TestCheckIns(t *testing.T) {
	f := mustFixture(t, at(2012, 4, 2, 9, 0))
	f.mustAddMember(userCSU, "CSU")
	var got, texts []string
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2012, 7, 31)) {
		if day == actionbot.D(2012, 5, 10) {
			f.mustApply(at(2012, 5, 10, 14, 0), "1.4", userCSU, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 30, Note: "7 of 12 cameras deployed"})
		}
		run := f.mustSweep(day.At(9, 0, london))
		for _, r := range run.Queued() {
			if r.Action.Ref == "1.4" {
				got = append(got, day.String()+" "+r.Step.Key())
				texts = append(texts, textTo(run, userCSU))
			}
		}
	}
	// From the plan's start, Sunday 1 April: 30 days are up on 1 May, so
	// the week's first working day after, Tuesday 8 May (the 7th is a bank
	// holiday). Updated 10 May: up on 9 June, so Monday 11 June; 60 days
	// on 9 July, a Monday.
	want := []string{"2012-05-08 checkin:1", "2012-06-11 checkin:1", "2012-07-09 checkin:2"}
	if !slices.Equal(got, want) {
		t.Errorf("check-ins of 1.4:\n got %v\nwant %v", got, want)
	}
	if len(texts) != 3 || !strings.Contains(texts[1], "no update for 32 days (since Thu 10 May 2012)") {
		t.Errorf("the check-in after the update should count from it:\n%s", strings.Join(texts, "\n---\n"))
	}
}

// TestSweepExactlyOnce runs the same sweep twice, then sweeps racing each
// other in goroutines, and checks each step went out once.
func TestSweepExactlyOnce(t *testing.T) {
	t.Run("twice", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 1, 9, 0))
		f.mustAddMember(userCSU, "CSU")
		first := f.mustSweep(at(2013, 3, 1, 9, 0))
		n := len(f.outbox())
		if len(first.Queued()) == 0 || n == 0 {
			t.Fatal("the first sweep queued nothing")
		}
		second := f.mustSweep(at(2013, 3, 1, 9, 0))
		if len(second.Reminders) != 0 || second.AlreadySent != len(first.Queued()) {
			t.Errorf("second sweep: %d reminders, %d already sent; want 0 and %d", len(second.Reminders), second.AlreadySent, len(first.Queued()))
		}
		if got := len(f.outbox()); got != n {
			t.Errorf("the outbox grew from %d to %d", n, got)
		}
	})
	t.Run("racing", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 1, 9, 0))
		f.mustAddMember(userCSU, "CSU")
		f.mustAddMember(userPolice, "POLICE")
		preview, err := f.svc.Due(context.Background(), at(2013, 3, 1, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		wantMsgs := len(preview.Bundles)
		const sweepers = 8
		runs := make([]*reminders.Run, sweepers)
		errs := make([]error, sweepers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range sweepers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				runs[i], errs[i] = f.svc.Sweep(context.Background(), at(2013, 3, 1, 9, 0))
			}()
		}
		close(start)
		wg.Wait()
		queued := map[string]int{}
		for i, run := range runs {
			if errs[i] != nil {
				t.Fatalf("sweep %d: %v", i, errs[i])
			}
			for _, r := range run.Queued() {
				queued[r.Action.Ref]++
			}
		}
		for _, r := range preview.Reminders {
			if queued[r.Action.Ref] != 1 {
				t.Errorf("%s was queued by %d sweeps, want exactly 1", r.Action.Ref, queued[r.Action.Ref])
			}
		}
		out := f.outbox()
		if len(out) != wantMsgs {
			t.Errorf("%d messages queued, want %d", len(out), wantMsgs)
		}
		seen := map[string]bool{}
		for _, o := range out {
			if seen[o.Key] {
				t.Errorf("%s queued twice", o.Key)
			}
			seen[o.Key] = true
		}
	})
}

// TestRecordReminderIsAtomic: when queuing a step's messages fails, the
// step is not recorded either, so the next sweep sends it.
func TestRecordReminderIsAtomic(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	ctx := context.Background()
	a, err := f.db.FindAction(ctx, f.plan.ID, "3.2")
	if err != nil {
		t.Fatal(err)
	}
	good := &actionbot.Outgoing{Key: "reminder:test:good", Kind: "reminder", To: userCSU, Message: actionbot.Simple("hello")}
	bad := &actionbot.Outgoing{Key: "reminder:test:bad", Kind: "reminder", To: "", Message: actionbot.Simple("nowhere")}
	if ok, err := f.db.RecordReminder(ctx, a.ID, "2013-03-31", "before:28", actionbot.D(2013, 3, 1), []string{"before:60"}, []*actionbot.Outgoing{good, bad}); err == nil || ok {
		t.Fatalf("RecordReminder with an unqueueable message: %v, %v; want an error", ok, err)
	}
	if st, err := f.db.ReminderState(ctx, a.ID, "2013-03-31", "before:28"); err != nil || st != "" {
		t.Errorf("after the failure the step is %q (%v), want not recorded", st, err)
	}
	if st, _ := f.db.ReminderState(ctx, a.ID, "2013-03-31", "before:60"); st != "" {
		t.Errorf("after the failure the superseded step is %q, want not recorded", st)
	}
	if got := len(f.outbox()); got != 0 {
		t.Errorf("%d messages queued after the failure", got)
	}
	ok, err := f.db.RecordReminder(ctx, a.ID, "2013-03-31", "before:28", actionbot.D(2013, 3, 1), []string{"before:60"}, []*actionbot.Outgoing{good})
	if err != nil || !ok {
		t.Fatalf("RecordReminder: %v, %v", ok, err)
	}
	if st, _ := f.db.ReminderState(ctx, a.ID, "2013-03-31", "before:60"); st != store.ReminderSuperseded {
		t.Errorf("before:60 is %q, want superseded", st)
	}
	if ok, err := f.db.RecordReminder(ctx, a.ID, "2013-03-31", "before:28", actionbot.D(2013, 3, 1), nil, []*actionbot.Outgoing{{Key: "other", Kind: "reminder", To: userCSU}}); err != nil || ok {
		t.Errorf("recording the step again: %v, %v; want false, nil", ok, err)
	}
	if got := len(f.outbox()); got != 1 {
		t.Errorf("%d messages queued, want 1", got)
	}
}

// TestTheDigestCarriesEscalationsWhenThereIsOne: an action overdue two
// weeks or more is escalated to the tasking meeting by the digest, which
// lists it with its leads; only where no digest is posted does the sweep
// post it to the tasking channel itself.
func TestTheDigestCarriesEscalationsWhenThereIsOne(t *testing.T) {
	for _, digest := range []string{"CDIGEST", ""} {
		t.Run("digest channel "+digest, func(t *testing.T) {
			f := mustFixture(t, at(2012, 11, 5, 8, 0))
			f.mustAddMember(userCSU, "SDC")
			f.svc.DigestChannel = digest
			if _, err := f.db.ConfirmDeadline(context.Background(), f.plan.ID, "2.3", userCoord); err != nil {
				t.Fatal(err)
			}
			r := reminderFor(f.mustSweep(at(2012, 11, 5, 9, 0)), "2.3")
			if r == nil || !r.Escalated {
				t.Fatalf("2.3: %+v; want it escalated", r)
			}
			escalated := slices.ContainsFunc(r.Recipients, func(x reminders.Recipient) bool { return x.Kind == reminders.RecipientEscalation })
			if escalated != (digest == "") {
				t.Errorf("escalation post %v with digest channel %q; want one only without a digest", escalated, digest)
			}
		})
	}
}

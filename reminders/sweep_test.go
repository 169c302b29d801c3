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

// TestPlanYear runs the sweep at 09:00 on every working day of the 2012-13
// plan year, twice each time, as the bot would, and checks which days each
// action's reminders went out on, to whom, and that the second sweep of a
// day never sent anything.
func TestPlanYear(t *testing.T) {
	if testing.Short() {
		t.Skip("a year of sweeps")
	}
	f := mustFixture(t, at(2012, 4, 2, 8, 0))
	f.mustAddMember(userCSU, "CSU")
	f.mustAddMember(userPolice, "POLICE")
	f.mustAddMember(userProb, "PROBATION")

	type sent struct {
		day       actionbot.Date
		step      string
		escalated bool
	}
	got := map[string][]sent{}
	messages := 0
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2013, 4, 30)) {
		instant := day.At(9, 0, london)
		run := f.mustSweep(instant)
		for _, r := range run.Queued() {
			got[r.Action.Ref] = append(got[r.Action.Ref], sent{day, r.Step.Key(), r.Escalated})
			messages += len(r.Messages)
		}
		again := f.mustSweep(instant.Add(time.Minute))
		if n := len(again.Queued()); n != 0 || len(again.Reminders) != 0 {
			t.Fatalf("%s: the second sweep found %d reminders and queued %d; want none", day, len(again.Reminders), n)
		}
	}
	if n := len(f.outbox()); n != messages {
		t.Fatalf("the outbox holds %d messages; the first sweeps of each day queued %d", n, messages)
	}

	D := actionbot.D
	tests := []struct {
		ref  string
		want []sent
	}{
		{"3.2", []sent{ // CSU, March 2013 (Sunday 31st, Easter)
			{D(2013, 3, 1), "before:28", false},
			{D(2013, 3, 15), "before:14", false},
			{D(2013, 3, 22), "before:7", false},
			{D(2013, 3, 28), "before:0", false}, // with before:1 on the same day: one reminder
			{D(2013, 4, 5), "overdue:1", false},
			{D(2013, 4, 12), "overdue:2", false}, // 12 days overdue
			{D(2013, 4, 19), "overdue:3", true},  // 19 days: escalated
			{D(2013, 4, 26), "overdue:4", true},
		}},
		{"4.2", []sent{ // PROBATION, POLICE, BCRP: April 2012 (Monday 30th)
			{D(2012, 4, 2), "before:28", false},
			{D(2012, 4, 16), "before:14", false},
			{D(2012, 4, 23), "before:7", false},
			{D(2012, 4, 27), "before:1", false},
			{D(2012, 4, 30), "before:0", false},
			{D(2012, 5, 4), "overdue:1", false}, // 7 May is a bank holiday
			{D(2012, 5, 14), "overdue:2", true}, // 14 days: escalated
			{D(2012, 5, 21), "overdue:3", true},
			{D(2012, 5, 28), "overdue:4", true},
			{D(2012, 6, 1), "overdue:5", true}, // 4 June is the moved spring bank holiday
			{D(2012, 6, 11), "overdue:6", true},
		}},
		{"1.1", []sent{ // CSU, ongoing, never updated: a check-in every 30 days from the plan's start
			{D(2012, 5, 1), "checkin:1", false},
			{D(2012, 5, 31), "checkin:2", false},
			{D(2012, 7, 2), "checkin:3", false}, // 30 June is a Saturday
			{D(2012, 7, 30), "checkin:4", false},
			{D(2012, 8, 29), "checkin:5", false},
			{D(2012, 9, 28), "checkin:6", false},
			{D(2012, 10, 29), "checkin:7", false}, // 28 October, the day the clocks went back, is a Sunday
			{D(2012, 11, 27), "checkin:8", false},
			{D(2012, 12, 27), "checkin:9", false},
			{D(2013, 1, 28), "checkin:10", false},
			{D(2013, 2, 25), "checkin:11", false},
			{D(2013, 3, 27), "checkin:12", false},
			{D(2013, 4, 26), "checkin:13", false},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			g := got[tc.ref]
			if len(g) > len(tc.want) {
				g = g[:len(tc.want)]
			}
			if !slices.Equal(g, tc.want) {
				t.Errorf("reminders of %s:\n got %v\nwant %v", tc.ref, got[tc.ref], tc.want)
			}
		})
	}

	// 7.6 (Kent Police, January 2012) is overdue all year, weekly on
	// Tuesdays: the one for Tuesday 5 June, the Diamond Jubilee, went out on
	// Friday 1 June.
	t.Run("7.6 over the Jubilee", func(t *testing.T) {
		var days []string
		for _, s := range got["7.6"] {
			if s.day.Month == time.May || s.day.Month == time.June {
				days = append(days, s.day.String()+" "+s.step)
			}
		}
		want := []string{"2012-05-01 overdue:13", "2012-05-08 overdue:14", "2012-05-15 overdue:15", "2012-05-22 overdue:16", "2012-05-29 overdue:17",
			"2012-06-01 overdue:18", "2012-06-12 overdue:19", "2012-06-19 overdue:20", "2012-06-26 overdue:21"}
		if !slices.Equal(days, want) {
			t.Errorf("7.6 in May and June 2012:\n got %v\nwant %v", days, want)
		}
	})

	// Who got what: a direct message to each member of each lead agency,
	// the channel for lead agencies with nobody registered, and the
	// tasking channel for an escalation.
	t.Run("recipients", func(t *testing.T) {
		byKey := map[string]*actionbot.Outgoing{}
		for _, o := range f.outbox() {
			byKey[o.Key] = o
			checkLimits(t, o.Message)
		}
		id := f.plan.ID
		tests := []struct {
			key, kind, to string
			contains      []string
		}{
			{fmt.Sprintf("reminder:%d:3.2:before:28:2013-03-31:%s", id, userCSU), "reminder", userCSU,
				[]string{"3.2 is due in 30 days, on Sun 31 Mar 2013 (“March 2013”)", "registered with CSU", "[Mark done]", "[Update progress]", "[Snooze 7 days]"}},
			{fmt.Sprintf("reminder:%d:3.2:before:0:2013-03-31:%s", id, userCSU), "reminder", userCSU,
				[]string{"3.2 is due in 3 days, on Sun 31 Mar 2013"}},
			{fmt.Sprintf("reminder:%d:3.2:overdue:3:2013-03-31:%s", id, userCSU), "reminder", userCSU,
				[]string{"3.2 is 19 days overdue: it was due on Sun 31 Mar 2013"}},
			{fmt.Sprintf("escalation:%d:3.2:overdue:3:2013-03-31:%s", id, tasking), "escalation", tasking,
				[]string{"Escalation for the daily tasking meeting", "3.2 is 19 days overdue", "Lead agencies: Community Safety Unit (CSU)", "overdue for 14 days or more"}},
			{fmt.Sprintf("reminder:%d:4.2:before:28:2012-04-30:%s", id, userProb), "reminder", userProb,
				[]string{"4.2 is due in 28 days, on Mon 30 Apr 2012", "registered with PROBATION"}},
			{fmt.Sprintf("reminder:%d:4.2:before:28:2012-04-30:%s", id, userPolice), "reminder", userPolice, []string{"registered with POLICE"}},
			{fmt.Sprintf("reminder:%d:4.2:before:28:2012-04-30:%s", id, tasking), "reminder", tasking,
				[]string{"Nobody is registered for Business Crime Reduction Partnership (BCRP)", "/action admin member add @person BCRP"}},
			{fmt.Sprintf("escalation:%d:4.2:overdue:2:2012-04-30:%s", id, tasking), "escalation", tasking,
				[]string{"4.2 is 14 days overdue", "Kent Probation Service (PROBATION), Kent Police (POLICE), Business Crime Reduction Partnership (BCRP)",
					"Nobody is registered for Business Crime Reduction Partnership (BCRP)"}},
			{fmt.Sprintf("reminder:%d:1.1:checkin:1:since-2012-03-31T23:00:00Z:%s", id, userCSU), "reminder", userCSU,
				[]string{"Check-in: 1.1 is ongoing and nobody has updated it for 30 days (since the plan started on Sun 1 Apr 2012)", "/action 1.1 note"}},
		}
		for _, tc := range tests {
			o := byKey[tc.key]
			if o == nil {
				t.Errorf("nothing queued with key %s", tc.key)
				continue
			}
			if o.Kind != tc.kind || o.To != tc.to {
				t.Errorf("%s: kind %s to %s, want %s to %s", tc.key, o.Kind, o.To, tc.kind, tc.to)
			}
			text := plain(o.Message)
			for _, c := range tc.contains {
				if !strings.Contains(text, c) {
					t.Errorf("%s: message lacks %q:\n%s", tc.key, c, text)
				}
			}
		}
		// An escalation that goes to the channel the no-member reminder
		// would have used stands in for it: one post, not two.
		if o := byKey[fmt.Sprintf("reminder:%d:4.2:overdue:2:2012-04-30:%s", id, tasking)]; o != nil {
			t.Errorf("4.2 week 2: both a reminder and an escalation went to %s", tasking)
		}
	})
}

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
					text := plain(r.Messages[0].Message)
					if !strings.Contains(text, "Status: blocked, 0%: waiting for <National Trust> & parish data") {
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
// missed step goes out; the others are recorded as superseded and never go
// out later.
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
	if len(r.Messages) != 1 || !strings.Contains(plain(r.Messages[0].Message), "3.2 is due in 6 days") {
		t.Errorf("the catch-up reminder should say where the action stands today:\n%s", plain(r.Messages[0].Message))
	}
	if got := len(f.outboxFor("3.2")); got != 2 {
		t.Errorf("3.2 has %d messages queued, want 2 (28 days, then the latest missed)", got)
	}
	f.mustSweep(at(2013, 3, 28, 9, 0))
	want := []string{
		"before:28@2013-03-31=sent",
		"before:7@2013-03-31=sent",
		"before:14@2013-03-31=superseded",
		"before:0@2013-03-31=sent",
		"before:1@2013-03-31=superseded",
	}
	if got := f.ledger("3.2"); !slices.Equal(got, want) {
		t.Errorf("ledger of 3.2:\n got %v\nwant %v", got, want)
	}
	// A superseded step never goes out, even if a sweep ran at its time
	// now (a clock put back).
	n := len(f.outbox())
	run = f.mustSweep(at(2013, 3, 15, 9, 0))
	if r := reminderFor(run, "3.2"); r != nil {
		t.Errorf("a superseded step came back: %s", r.Step.Key())
	}
	if got := len(f.outbox()) - n; got != 0 {
		t.Errorf("a sweep at the superseded step's time queued %d messages", got)
	}

	// An action overdue since before the bot existed gets one reminder,
	// with every earlier step superseded: 2.3 was due on Thursday 30 June
	// 2011; on Tuesday 2 April 2013 its latest step is the 91st Thursday.
	fresh := mustFixture(t, at(2013, 4, 2, 9, 0))
	fresh.mustAddMember(userCSU, "SDC")
	r = reminderFor(fresh.mustSweep(at(2013, 4, 2, 9, 0)), "2.3")
	if r == nil || !r.Queued || r.Step.Key() != "overdue:91" || r.SendOn != actionbot.D(2013, 3, 28) || len(r.Superseded) != 95 {
		t.Fatalf("2.3 on 2 April 2013: %+v; want week 91 overdue, superseding the 5 ladder steps and 90 weeks", r)
	}
	if got := len(fresh.ledger("2.3")); got != 96 {
		t.Errorf("2.3 has %d ledger rows, want 96", got)
	}
	if len(fresh.outboxFor("2.3")) != 2 { // the member of SDC, and the escalation
		t.Errorf("2.3 queued %d messages, want 2", len(fresh.outboxFor("2.3")))
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
	if got, want := f.ledger("3.2"), []string{"before:28@2013-03-31=sent", "before:7@2013-03-31=sent", "before:14@2013-03-31=superseded",
		"before:0@2013-03-31=sent", "before:1@2013-03-31=superseded"}; !slices.Equal(got, want) {
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
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2013, 3, 5), actionbot.D(2013, 6, 3)) {
		for _, r := range f.mustSweep(day.At(9, 0, london)).Queued() {
			if r.Action.Ref == "3.2" || r.Action.Ref == "3.3" {
				got[r.Action.Ref] = append(got[r.Action.Ref], fmt.Sprintf("%s %s@%s", day, r.Step.Key(), r.Deadline))
			}
		}
	}
	want := map[string][]string{
		// Nothing for the old date; 28 days before Sunday 30 June is Friday 31 May.
		"3.2": {"2013-05-31 before:28@2013-06-30"},
		// Moved to 3 days away: the 7-day step at once (the 28- and
		// 14-day steps of the new date superseded), then the ladder.
		"3.3": {"2013-03-05 before:7@2013-03-08", "2013-03-07 before:1@2013-03-08", "2013-03-08 before:0@2013-03-08",
			"2013-03-15 overdue:1@2013-03-08", "2013-03-22 overdue:2@2013-03-08", "2013-03-28 overdue:3@2013-03-08",
			"2013-04-05 overdue:4@2013-03-08"},
	}
	if !slices.Equal(got["3.2"], want["3.2"]) {
		t.Errorf("3.2 after moving to June 2013:\n got %v\nwant %v", got["3.2"], want["3.2"])
	}
	if g := got["3.3"]; len(g) < len(want["3.3"]) || !slices.Equal(g[:len(want["3.3"])], want["3.3"]) {
		t.Errorf("3.3 after moving to 8 March:\n got %v\nwant %v…", g, want["3.3"])
	}
	if o := f.outboxFor("3.3"); len(o) < 2 || !strings.Contains(plain(o[1].Message), "3.3 is due in 3 days, on Fri 8 Mar 2013 (moved from March 2013 (31 Mar 2013))") {
		t.Errorf("the first reminder for the new date should say so:\n%s", plain(o[1].Message))
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
		r := reminderFor(f.mustSweep(at(2013, 3, 1, 9, 0)), "7.3") // St Giles Trust
		if r == nil || len(r.Messages) != 1 {
			t.Fatalf("7.3: %+v, want one message", r)
		}
		o := r.Messages[0]
		if o.To != "C7DOMESTIC" || o.IsDirect() || r.Recipients[0].Kind != reminders.RecipientChannel || !slices.Equal(r.Recipients[0].Agencies, []string{"STGILES"}) {
			t.Errorf("7.3 went to %s (%+v); want the priority's task-group channel, naming STGILES", o.To, r.Recipients[0])
		}
		if text := plain(o.Message); !strings.Contains(text, "Nobody is registered for St Giles Trust (STGILES), so this reminder comes to this channel") {
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
		r := reminderFor(f.mustSweep(at(2013, 3, 1, 9, 0)), "5.1")
		if len(r.Messages) != 1 || r.Messages[0].To != userCSU || !strings.Contains(plain(r.Messages[0].Message), "registered with KFRS and CSU") {
			t.Errorf("5.1: %d messages; want one to %s naming both agencies", len(r.Messages), userCSU)
		}
	})
	t.Run("nowhere to send it", func(t *testing.T) {
		f := mustFixture(t, at(2013, 3, 1, 9, 0))
		f.svc.TaskingChannel = ""
		run := f.mustSweep(at(2013, 3, 1, 9, 0))
		r := reminderFor(run, "7.3")
		if r == nil || len(r.Messages) != 0 || r.Queued {
			t.Fatalf("7.3: %+v; want it reported, with nothing queued", r)
		}
		if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "nobody is registered for STGILES") {
			t.Errorf("7.3 problems: %q", r.Problems)
		}
		logs := f.logs.String()
		if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "action=7.3") || !strings.Contains(logs, "STGILES") {
			t.Errorf("no warning naming 7.3 and STGILES in the log:\n%s", logs)
		}
		if got := len(f.outboxFor("7.3")); got != 0 {
			t.Errorf("%d messages queued for 7.3", got)
		}
		if got := f.ledger("7.3"); len(got) != 0 {
			t.Errorf("7.3 was recorded as %v though nothing went out", got)
		}
		// Once there is somewhere to send it, it goes.
		f.svc.TaskingChannel = tasking
		r = reminderFor(f.mustSweep(at(2013, 3, 1, 11, 0)), "7.3")
		if r == nil || !r.Queued || r.Messages[0].To != tasking {
			t.Errorf("7.3 once a tasking channel is set: %+v", r)
		}
	})
	t.Run("an escalation with no tasking channel still sends the direct messages", func(t *testing.T) {
		f := mustFixture(t, at(2013, 4, 19, 9, 0))
		f.mustAddMember(userCSU, "CSU")
		f.svc.TaskingChannel = ""
		r := reminderFor(f.mustSweep(at(2013, 4, 19, 9, 0)), "3.2")
		if r == nil || !r.Queued || !r.Escalated || len(r.Messages) != 1 || r.Messages[0].To != userCSU {
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
		{"1.1", []string{"channel CTASKING ALL"}, "led by All Partners, so its reminder comes to this channel"},
		{"1.2", []string{"channel CTASKING "}, "has no lead agency"},
		{"1.3", []string{"direct U0CSU1 CSU", "channel CTASKING ALL"}, "led by All Partners"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			r := reminderFor(run, tc.ref)
			if r == nil || !r.Queued {
				t.Fatalf("%s: %+v", tc.ref, r)
			}
			var got []string
			for _, rc := range r.Recipients {
				got = append(got, rc.Kind+" "+rc.To+" "+strings.Join(rc.Agencies, ","))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("recipients %v, want %v", got, tc.want)
			}
			if text := plain(r.Messages[len(r.Messages)-1].Message); !strings.Contains(text, tc.text) {
				t.Errorf("the channel message lacks %q:\n%s", tc.text, text)
			}
		})
	}
}

// TestClockChanges: days are days in London whatever the offset, around
// 25 March 2012, 28 October 2012 and 31 March 2013.
func TestClockChanges(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		ref  string
		want string // step queued; "" for none
		text string
	}{
		// 00:30 BST on Friday 1 June is 23:30 UTC on Thursday 31 May: it is
		// Friday, the day the Jubilee steps go out.
		{"just after midnight in BST", at(2012, 6, 1, 0, 30), "7.6", "overdue:18", "7.6 is 122 days overdue"},
		{"Monday after clocks went forward in 2012", at(2012, 3, 26, 9, 0), "5.2", "before:7", "5.2 is due in 5 days, on Sat 31 Mar 2012"},
		{"Monday after clocks went back", at(2012, 10, 29, 9, 0), "1.1", "checkin:7", "nobody has updated it for 211 days"},
		// 00:30 BST on Tuesday 2 April 2013 is still Easter Monday in UTC;
		// in London it is a working day, and the step of Thursday 28 March
		// (never sent: the database is new) goes out.
		{"the Tuesday after Easter 2013, just after midnight BST", at(2013, 4, 2, 0, 30), "1.5", "before:0", "1.5 is 2 days overdue"},
		{"Easter Monday 2013 late evening: not a working day", at(2013, 4, 1, 23, 30), "1.5", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFixture(t, tc.at)
			f.mustAddMember(userCSU, "CSU")
			f.mustAddMember(userPolice, "POLICE")
			run := f.mustSweep(tc.at)
			got, text := "", ""
			if r := reminderFor(run, tc.ref); r != nil && r.Queued {
				got, text = r.Step.Key(), plain(r.Messages[0].Message)
			}
			if got != tc.want {
				t.Fatalf("%s at %s: %q, want %q", tc.ref, tc.at.UTC(), got, tc.want)
			}
			if !strings.Contains(text, tc.text) {
				t.Errorf("message lacks %q:\n%s", tc.text, text)
			}
		})
	}

	// A check-in counts days on the wall clock: updated at 09:30 BST on
	// 1 October, the 30 days are up at 09:30 GMT on 31 October — not at
	// the 09:00 sweep that day, though 30×24 hours have passed by then.
	t.Run("check-in across the clock change", func(t *testing.T) {
		f := mustFixture(t, at(2012, 10, 1, 9, 30))
		f.mustAddMember(userCSU, "CSU")
		f.mustApply(at(2012, 10, 1, 9, 30), "1.1", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "monthly review held"})
		for _, tc := range []struct {
			at   time.Time
			want string
		}{{at(2012, 10, 31, 9, 0), ""}, {at(2012, 11, 1, 9, 0), "checkin:1"}} {
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
	var got []string
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2012, 7, 31)) {
		if day == actionbot.D(2012, 5, 10) {
			f.mustApply(at(2012, 5, 10, 14, 0), "1.4", userCSU, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 30, Note: "7 of 12 cameras deployed"})
		}
		for _, r := range f.mustSweep(day.At(9, 0, london)).Queued() {
			if r.Action.Ref == "1.4" {
				got = append(got, day.String()+" "+r.Step.Key())
			}
		}
	}
	// From the plan's start: 1 May. Updated 10 May at 14:00: 30 days later
	// is Saturday 9 June, so Monday 11 June; then 9 July at 14:00, after
	// that day's sweep, so Tuesday 10 July.
	want := []string{"2012-05-01 checkin:1", "2012-06-11 checkin:1", "2012-07-10 checkin:2"}
	if !slices.Equal(got, want) {
		t.Errorf("check-ins of 1.4:\n got %v\nwant %v", got, want)
	}
	var dms []*actionbot.Outgoing
	for _, o := range f.outboxFor("1.4") {
		if o.To == userCSU {
			dms = append(dms, o)
		}
	}
	if len(dms) != 3 || !strings.Contains(plain(dms[1].Message), "nobody has updated it for 32 days (since Thu 10 May 2012)") {
		t.Errorf("the check-in after the update should count from it: %d messages", len(dms))
		for _, o := range dms {
			t.Log(plain(o.Message))
		}
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
		wantMsgs := 0
		for _, r := range preview.Reminders {
			wantMsgs += len(r.Messages)
		}
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

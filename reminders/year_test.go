package reminders_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
)

// The six actions of the shipped plan whose deadline falls before its year
// (1 April 2012 to 31 March 2013) starts.
var prePlanRefs = []string{"1.3", "2.3", "3.4", "5.2", "6.2", "7.6"}

// yearCounts is what a year of sweeps and digests sent.
type yearCounts struct {
	sweepMessages, directs, channelPosts, digests int
	perPerson                                     map[string]int
	busiestDay                                    actionbot.Date
	busiest                                       int
}

// TestYearOfSweepsSendsOneMessagePerPersonADay is the partnership's year as
// it would have used the bot: one member for Kent Police, two for the CSU,
// one for KFRS; the digest at 08:30 and the sweep at 09:00 (run twice) on
// every working day from 2 April 2012 to 3 May 2013.
func TestYearOfSweepsSendsOneMessagePerPersonADay(t *testing.T) {
	if testing.Short() {
		t.Skip("a year of sweeps")
	}
	const userKFRS = "U0KFRS1"
	f := mustFixture(t, at(2012, 4, 2, 8, 0))
	f.mustAddMember(userPolice, "POLICE")
	f.mustAddMember(userCSU, "CSU")
	f.mustAddMember(userCSU2, "CSU")
	f.mustAddMember(userKFRS, "KFRS")
	ctx := context.Background()
	end := f.plan.Period.End

	c := yearCounts{perPerson: map[string]int{}}
	escalated := map[string]int{}
	var afterEnd []string
	confirmOrMove := map[string]int{}
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2013, 5, 3)) {
		perTo := map[string]int{}
		var sent []*actionbot.Outgoing

		f.clock.Set(day.At(8, 30, london))
		d, queued, err := f.svc.PostDigest(ctx, day.At(8, 30, london))
		if err != nil {
			t.Fatalf("%s: digest: %v", day, err)
		}
		if queued {
			c.digests++
			kind := "digest"
			if d.Ended {
				kind = "plan-ended"
			}
			sent = append(sent, &actionbot.Outgoing{Kind: kind, To: f.svc.DigestChannel, Message: d.Message})
			for _, ref := range d.PrePlan {
				confirmOrMove[ref]++
			}
		}
		run := f.mustSweep(day.At(9, 0, london))
		for _, m := range run.Messages() {
			if m.ID == 0 {
				continue
			}
			sent = append(sent, m)
			c.sweepMessages++
			if m.IsDirect() {
				c.directs++
				c.perPerson[m.To]++
			} else {
				c.channelPosts++
			}
		}
		for _, b := range run.Bundles {
			for _, r := range b.Items {
				if r.Escalated && !b.Direct {
					escalated[r.Action.Ref]++
				}
			}
		}
		if again := f.mustSweep(day.At(9, 1, london)); len(again.Reminders) != 0 || len(again.Bundles) != 0 || len(again.YearEnd) != 0 {
			t.Fatalf("%s: the second sweep found %d reminders, %d bundles; want none", day, len(again.Reminders), len(again.Bundles))
		}

		for _, m := range sent {
			perTo[m.To]++
			if day.After(end) {
				afterEnd = append(afterEnd, day.String()+" "+m.Kind+" "+m.To)
			}
		}
		total := 0
		for to, n := range perTo {
			total += n
			if strings.HasPrefix(to, "U") && n > 1 {
				t.Errorf("%s: %s got %d messages; want at most one a working day", day, to, n)
			}
			if !strings.HasPrefix(to, "U") && n > 2 {
				t.Errorf("%s: channel %s got %d posts from the sweep and the digest; want at most two", day, to, n)
			}
		}
		if total-btoi(queued) > c.busiest {
			c.busiest, c.busiestDay = total-btoi(queued), day
		}
	}

	t.Logf("a year of sweeps: %d messages (%d direct, %d channel posts), busiest day %s with %d; %d digests; per person %v",
		c.sweepMessages, c.directs, c.channelPosts, c.busiestDay, c.busiest, c.digests, c.perPerson)
	if limit := 2155 / 5; c.sweepMessages > limit {
		t.Errorf("the sweeps sent %d messages; want at most %d, a fifth of the 2,155 one message per step sent", c.sweepMessages, limit)
	}
	for _, ref := range prePlanRefs {
		if n := escalated[ref]; n != 0 {
			t.Errorf("%s (deadline before the plan year, unconfirmed) was escalated %d times; want none", ref, n)
		}
		if n := confirmOrMove[ref]; n != 1 {
			t.Errorf("%s was listed %d times as \"confirm or move\"; want once", ref, n)
		}
	}
	// After 31 March 2013: the year-end review once (2 April: Easter
	// Monday is the 1st), and the weekly notice on each week's first
	// working day, nothing else.
	want := []string{"2013-04-02 plan-ended CDIGEST", "2013-04-02 year-end " + tasking}
	for _, u := range []string{userCSU, userCSU2, userPolice, userKFRS} {
		want = append(want, "2013-04-02 year-end "+u)
	}
	want = append(want, "2013-04-08 plan-ended CDIGEST", "2013-04-15 plan-ended CDIGEST", "2013-04-22 plan-ended CDIGEST", "2013-04-29 plan-ended CDIGEST")
	sort.Strings(want)
	sort.Strings(afterEnd)
	if !slices.Equal(afterEnd, want) {
		t.Errorf("sent after the plan ended:\n got %v\nwant %v", afterEnd, want)
	}
	// Every message within Block Kit's limits.
	for _, o := range f.outbox() {
		checkLimits(t, o.Message)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestYearEndReview: the review says how the year ended, per priority with
// its measures, and lists what is incomplete; each lead agency's member
// gets their own list.
func TestYearEndReview(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 1, 9, 0))
	f.mustAddMember(userCSU, "CSU")
	f.mustApply(at(2013, 3, 1, 10, 0), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbDone})
	run := f.mustSweep(at(2013, 4, 2, 9, 0))
	if len(run.YearEnd) != 2 {
		t.Fatalf("%d year-end messages, want the review and the CSU member's list", len(run.YearEnd))
	}
	review, mine := plain(run.YearEnd[0].Message), plain(run.YearEnd[1].Message)
	for _, want := range []string{"Year-end review — Sevenoaks District CSP Action Plan 2012-13", "Of its 42 actions, 1 is done and 41 are not",
		"3 Burglary & Vehicle Crime: 1 of 5 done — measures: 0 met, 0 not met, 2 with no figure", "0 All recorded crime: measures: 0 met, 0 not met, 1 with no figure",
		"Incomplete (41)", "/action admin carry 2012-13/1.3 to 1.3"} {
		if !strings.Contains(review, want) {
			t.Errorf("the review lacks %q:\n%s", want, review)
		}
	}
	if run.YearEnd[1].To != userCSU || !strings.Contains(mine, "of yours incomplete") || strings.Contains(mine, "3.2 ") || !strings.Contains(mine, "`/action 1.1 note <where it got to>`") {
		t.Errorf("the CSU member's list (to %s):\n%s", run.YearEnd[1].To, mine)
	}
	if again := f.mustSweep(at(2013, 4, 3, 9, 0)); len(again.YearEnd) != 0 {
		t.Errorf("the review went out again the next day")
	}
	g := mustFixture(t, at(2013, 5, 1, 9, 0))
	if late := g.mustSweep(at(2013, 5, 1, 9, 0)); len(late.YearEnd) != 0 || len(late.Reminders) != 0 {
		t.Errorf("a month after the year ended, a first sweep sent %d year-end messages and %d reminders", len(late.YearEnd), len(late.Reminders))
	}
}

// The console's note under its banner: the -as-of clock it runs on, or
// that the plan has ended, or nothing in the plan's year.
func TestClockNote(t *testing.T) {
	plan := &actionbot.Plan{Name: "The Plan", Period: actionbot.Period{Start: actionbot.D(2012, 4, 1), End: actionbot.D(2013, 3, 31)}}
	if got := reminders.ClockNote(at(2012, 11, 5, 8, 29), plan, true); !strings.HasPrefix(got, "The clock starts at Mon 5 Nov 2012 08:29 GMT and runs forward") {
		t.Errorf("an -as-of clock: %q", got)
	}
	if got := reminders.ClockNote(at(2013, 6, 3, 9, 0), plan, false); got != reminders.PlanEndedText(plan) {
		t.Errorf("after the plan: %q", got)
	}
	if got := reminders.ClockNote(at(2012, 11, 5, 8, 29), plan, false); got != "" {
		t.Errorf("in the plan's year: %q", got)
	}
}

// Once the plan has ended, each place says what its reader can do: the
// console's line, on a newcomer's first screen (160 columns), how to try
// the plan as it was; the weekly notice to the tasking channel, whose
// members run the partnership, how to load the next plan.
func TestThePlanEndedLinesFitTheirReaders(t *testing.T) {
	f := mustFixture(t, at(2013, 4, 8, 8, 0))
	note := reminders.ClockNote(at(2013, 6, 3, 9, 0), f.plan, false)
	if n := utf8.RuneCountInString(note); n > 160 || !strings.Contains(note, "`actionbot -as-of 2012-11-05T08:29`") {
		t.Errorf("the console's line is %d characters (at most 160, one screen's width):\n%s", n, note)
	}
	d, err := f.svc.BuildDigest(context.Background(), at(2013, 4, 8, 8, 30))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Ended || !strings.Contains(d.Message.Text, "`actionbot import next-plan.csv`") {
		t.Errorf("the weekly notice (ended %v) says:\n%s", d.Ended, d.Message.Text)
	}
}

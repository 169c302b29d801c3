package reminders_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
)

const userKFRS = "U0KFRS1"

// bundleRefs are the actions a bundle names, sorted.
func bundleRefs(b *reminders.Bundle) []string {
	var out []string
	for _, r := range b.Items {
		out = append(out, r.Action.Ref)
	}
	slices.Sort(out)
	return out
}

// itemLineOf is the line of a bundle's text that lists ref.
func itemLineOf(text, ref string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, ref+" ") {
			return l
		}
	}
	return ""
}

// TestOctoberToFebruaryNobodyGetsTheSameBundleMoreThanSixTimes is the
// winter of the shipped plan as its leads would live it: one member each
// for Kent Police, the CSU and KFRS; the sweep on every working day from 1
// October 2012 to 28 February 2013; nobody acting but Kent Police
// recording `4.2 progress 60` on the first morning. Nobody gets more than
// six bundles that name exactly the actions of their previous one; every
// bundle that names 4.2 shows its 60%; Kent Police are asked to confirm or
// move 5.2 and 7.6 (due before the plan's year) all winter, at least every
// four weeks; and nobody gets more than one message a day.
func TestOctoberToFebruaryNobodyGetsTheSameBundleMoreThanSixTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("five months of sweeps")
	}
	f := mustFixture(t, at(2012, 10, 1, 7, 0))
	f.mustAddMember(userPolice, "POLICE")
	f.mustAddMember(userCSU, "CSU")
	f.mustAddMember(userKFRS, "KFRS")
	f.mustApply(at(2012, 10, 1, 8, 0), "4.2", userPolice, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60})

	bundles, repeats := map[string]int{}, map[string]int{}
	previous := map[string][]string{}
	asked := map[string][]actionbot.Date{} // 5.2 and 7.6: the days Kent Police were asked to confirm or move them
	last := actionbot.D(2013, 2, 28)
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 10, 1), last) {
		run := f.mustSweep(day.At(9, 0, london))
		perTo := map[string]int{}
		for _, b := range run.Bundles {
			if !b.Queued {
				continue
			}
			if perTo[b.To]++; perTo[b.To] > 1 {
				t.Errorf("%s: %s got %d messages from the sweep; want at most one", day, b.To, perTo[b.To])
			}
			if !b.Direct {
				continue
			}
			text := plain(b.Message.Message)
			refs := bundleRefs(b)
			bundles[b.To]++
			if prev, ok := previous[b.To]; ok && slices.Equal(prev, refs) {
				repeats[b.To]++
			}
			previous[b.To] = refs
			if slices.Contains(refs, "4.2") {
				if line := itemLineOf(text, "4.2"); !strings.Contains(line, "open, 60%") {
					t.Errorf("%s: the bundle to %s names 4.2 without its 60%%: %q", day, b.To, line)
				}
			}
			if b.To == userPolice {
				for _, r := range b.Items {
					if (r.Action.Ref == "5.2" || r.Action.Ref == "7.6") && r.Confirm {
						asked[r.Action.Ref] = append(asked[r.Action.Ref], day)
					}
				}
			}
		}
	}
	t.Logf("October to February: bundles per person %v; naming exactly the previous one's actions %v; Kent Police asked about 5.2 on %v, 7.6 on %v",
		bundles, repeats, asked["5.2"], asked["7.6"])
	for _, to := range slices.Sorted(maps.Keys(bundles)) {
		if n := repeats[to]; n > 6 {
			t.Errorf("%s got %d bundles naming exactly the actions of their previous one; want at most 6", to, n)
		}
	}
	for _, ref := range []string{"5.2", "7.6"} {
		days := asked[ref]
		if len(days) == 0 || days[0] != actionbot.D(2012, 10, 1) {
			t.Errorf("Kent Police were asked to confirm or move %s on %v; want from the first sweep", ref, days)
			continue
		}
		for i := 1; i < len(days); i++ {
			if gap := days[i-1].DaysUntil(days[i]); gap > reminders.RepeatDays {
				t.Errorf("Kent Police were not asked about %s from %s to %s: %d days", ref, days[i-1], days[i], gap)
			}
		}
		if end := days[len(days)-1]; end.DaysUntil(last) >= reminders.RepeatDays {
			t.Errorf("Kent Police were last asked about %s on %s; want until the end, as nobody confirmed or moved it", ref, end)
		}
	}
}

// TestOverdueIsChasedWeeklyForFourWeeksThenEveryFourUntilItsLeadActs: 1.7
// (the CSU's, due Saturday 30 June 2012) is chased on the first working day
// of each of its first four weeks overdue, then every four weeks; a note
// on Wednesday 19 September starts the weekly weeks again from the week
// after.
func TestOverdueIsChasedWeeklyForFourWeeksThenEveryFourUntilItsLeadActs(t *testing.T) {
	f := mustFixture(t, at(2012, 6, 25, 7, 0))
	f.mustAddMember(userCSU, "CSU")
	var got []string
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 7, 2), actionbot.D(2012, 11, 30)) {
		if day == actionbot.D(2012, 9, 19) {
			f.mustApply(day.At(14, 0, london), "1.7", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "Venue booked for October"})
		}
		if r := reminderFor(f.mustSweep(day.At(9, 0, london)), "1.7"); r != nil && r.Queued {
			got = append(got, day.String()+" "+r.Step.Key())
		}
	}
	want := []string{
		"2012-07-02 overdue:1", "2012-07-09 overdue:2", "2012-07-16 overdue:3", "2012-07-23 overdue:4", // weekly
		"2012-08-20 overdue:8", "2012-09-17 overdue:12", // every four weeks
		"2012-09-24 overdue:13", "2012-10-01 overdue:14", "2012-10-08 overdue:15", "2012-10-15 overdue:16", // noted on the 19th: weekly again
		"2012-11-12 overdue:20",
	}
	if !slices.Equal(got, want) {
		t.Errorf("1.7 was chased on\n %v\nwant\n %v", got, want)
	}
}

// TestABundleThatWouldRepeatThePreviousOneWaitsFourWeeks: KFRS's member
// gets 5.4 (overdue since June) on 1 October. A one-day snooze restarts its
// weekly chasing, but the weekly bundles would name 5.4 alone, unchanged:
// they are not sent until four weeks after the first. A note changes what
// the bundle shows, so the next one goes out, and the one after repeats it.
func TestABundleThatWouldRepeatThePreviousOneWaitsFourWeeks(t *testing.T) {
	f := mustFixture(t, at(2012, 10, 1, 7, 0))
	f.mustAddMember(userKFRS, "KFRS")
	var sent, held []string
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 10, 1), actionbot.D(2012, 11, 23)) {
		switch day {
		case actionbot.D(2012, 10, 2):
			f.mustApply(day.At(10, 0, london), "5.4", userKFRS, actionbot.Op{Verb: actionbot.VerbSnooze, Until: day.AddDays(1).At(9, 30, london)})
		case actionbot.D(2012, 11, 7):
			f.mustApply(day.At(10, 0, london), "5.4", userKFRS, actionbot.Op{Verb: actionbot.VerbNote, Note: "Smoke alarm visits booked for December"})
		}
		run := f.mustSweep(day.At(9, 0, london))
		if b := bundleTo(run, userKFRS); b != nil && b.Queued {
			sent = append(sent, day.String()+" "+strings.Join(bundleRefs(b), ","))
		}
		if slices.Contains(run.Repeats, userKFRS) {
			held = append(held, day.String())
			if r := reminderFor(run, "5.4"); r == nil || !r.Queued {
				t.Errorf("%s: 5.4's step was not recorded with its bundle held: %+v", day, r)
			}
		}
	}
	wantSent := []string{"2012-10-01 5.4", "2012-10-29 5.4", "2012-11-12 5.4"}
	wantHeld := []string{"2012-10-08", "2012-10-15", "2012-10-22", "2012-11-19"}
	if !slices.Equal(sent, wantSent) || !slices.Equal(held, wantHeld) {
		t.Errorf("KFRS's bundles went on %v and were held on %v; want %v and %v", sent, held, wantSent, wantHeld)
	}
}

// TestABundleItemShowsProgressStatusAndTheLatestNote: each item says where
// the action stands as its lead last said — status, progress and the
// latest note with who wrote it and when, clipped.
func TestABundleItemShowsProgressStatusAndTheLatestNote(t *testing.T) {
	f := mustFixture(t, at(2012, 9, 28, 7, 0))
	f.mustAddMember(userPolice, "POLICE")
	long := "Cameras ordered for the high street and the station car park; installation waits on the district council's planning consent, expected in November, and on the contractor's schedule"
	f.mustApply(at(2012, 9, 28, 10, 0), "4.2", userPolice, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60})
	f.mustApply(at(2012, 9, 28, 10, 5), "4.2", userPolice, actionbot.Op{Verb: actionbot.VerbNote, Note: long})
	f.mustApply(at(2012, 9, 28, 10, 10), "5.7", userPolice, actionbot.Op{Verb: actionbot.VerbBlocked, Note: "waiting for Highways' survey"})
	run := f.mustSweep(at(2012, 10, 1, 9, 0))
	text := textTo(run, userPolice)
	line := itemLineOf(text, "4.2")
	for _, want := range []string{"overdue", "— open, 60% — 📝 @U0POL1, Fri 28 Sep 2012: “Cameras ordered for the high street", "…”"} {
		if !strings.Contains(line, want) {
			t.Errorf("4.2's line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "contractor's schedule") {
		t.Errorf("4.2's note is not clipped:\n%s", line)
	}
	if line := itemLineOf(text, "7.6"); !strings.Contains(line, "— open, 0%") || strings.Contains(line, "📝") {
		t.Errorf("7.6, untouched, reads:\n%s", line)
	}
}

// TestActionsDueAfterThePlanYearAreRemindedOnTheSameLadder: 2.6 (KCC-CFE
// and Kent Police, due Sunday 30 June 2013) falls after the 2012-13 year.
// The year-end review flags it for carry-over, and it is reminded on the
// ladder as any other: 28 days before on Friday 31 May (the 1-day and
// on-the-day steps, Saturday and Sunday, go as one on Friday 28 June), overdue from
// Monday 1 July, until a year after the plan's year; the plan's other
// actions get nothing.
func TestActionsDueAfterThePlanYearAreRemindedOnTheSameLadder(t *testing.T) {
	f := mustFixture(t, at(2013, 4, 2, 7, 0))
	f.mustAddMember(userPolice, "POLICE")
	run := f.mustSweep(at(2013, 4, 2, 9, 0))
	if len(run.YearEnd) == 0 || len(run.Reminders) != 0 {
		t.Fatalf("the year-end day: %d year-end messages, %d reminders; want the review and nothing else", len(run.YearEnd), len(run.Reminders))
	}
	for _, m := range run.YearEnd {
		if text := plain(m.Message); !strings.Contains(text, "2.6 ") || !strings.Contains(text, "due Sun 30 Jun 2013, after the year: still reminded; carry it over") {
			t.Errorf("the year-end message to %s does not flag 2.6 for carry-over:\n%s", m.To, text)
		}
	}
	var got []string
	for _, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2013, 4, 3), actionbot.D(2013, 7, 31)) {
		run := f.mustSweep(day.At(9, 0, london))
		for _, r := range run.Queued() {
			got = append(got, day.String()+" "+r.Action.Ref+" "+r.Step.Key())
		}
	}
	want := []string{"2013-05-31 2.6 before:28", "2013-05-31 4.1 before:28", "2013-06-14 2.6 before:14", "2013-06-14 4.1 before:14",
		"2013-06-21 2.6 before:7", "2013-06-21 4.1 before:7", "2013-06-28 2.6 before:0", "2013-06-28 4.1 before:0",
		"2013-07-01 2.6 overdue:1", "2013-07-01 4.1 overdue:1", "2013-07-08 2.6 overdue:2", "2013-07-08 4.1 overdue:2",
		"2013-07-15 2.6 overdue:3", "2013-07-15 4.1 overdue:3", "2013-07-22 2.6 overdue:4", "2013-07-22 4.1 overdue:4"}
	if !slices.Equal(got, want) {
		t.Errorf("after the year, reminded:\n %v\nwant\n %v", got, want)
	}
	// A year after the plan's year, by when the next plan has carried them
	// over, they stop.
	if until := reminders.AfterYearUntil(f.plan); until != actionbot.D(2014, 3, 31) {
		t.Errorf("reminded until %s; want a year after the plan's end", until)
	}
	if late := f.mustSweep(at(2014, 4, 7, 9, 0)); len(late.Reminders) != 0 || len(late.Bundles) != 0 {
		t.Errorf("on 7 April 2014, %d reminders in %d messages; want none", len(late.Reminders), len(late.Bundles))
	}
}

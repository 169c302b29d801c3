package reminders_test

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// digestLines is how many lines a digest reads as: its blocks' text, line
// by line.
func digestLines(m actionbot.Message) int { return len(strings.Split(plain(m), "\n")) }

// refToken finds the action references a digest names: "4.2" standing as
// a word of its own.
var refToken = regexp.MustCompile(`(?:^|[\s,(])(\d+\.\d+)(?:[\s,:;)]|$)`)

// namedIn returns how many times each of the plan's actions is named in a
// digest; a command shown as an example ("/action 5.2 progress 60") names
// none.
func namedIn(m actionbot.Message, refs map[string]bool) map[string]int {
	out := map[string]int{}
	for _, b := range m.Blocks {
		var text strings.Builder
		for _, s := range b.Text {
			if s.Style != actionbot.Code {
				text.WriteString(s.Text)
			}
		}
		for _, l := range strings.Split(text.String(), "\n") {
			for _, sub := range refToken.FindAllStringSubmatch(l, -1) {
				if refs[sub[1]] {
					out[sub[1]]++
				}
			}
		}
	}
	return out
}

func (f *fixture) refSet() map[string]bool {
	f.tb.Helper()
	refs, err := f.db.Refs(context.Background(), f.plan.ID)
	if err != nil {
		f.tb.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range refs {
		out[r] = true
	}
	return out
}

// mustPostDigest posts the digest of t with the clock at t.
func (f *fixture) mustPostDigest(t time.Time) *digestPosted {
	f.tb.Helper()
	f.clock.Set(t)
	d, ok, err := f.svc.PostDigest(context.Background(), t)
	if err != nil || !ok {
		f.tb.Fatalf("digest at %s: %v, %v", t, ok, err)
	}
	return &digestPosted{d.Message, d.Changes, len(d.NewlyOverdue), d.Long}
}

type digestPosted struct {
	m            actionbot.Message
	changes, new int
	long         bool
}

// TestDigestOfADayWithNoChangeIsAtMostEightLines: on a day nobody changed
// anything and nothing became overdue the digest says so, gives the
// standing picture in counts with the commands that list them, and names
// what the meeting must decide (the blocked action, the deadlines to
// confirm or move), each once, in at most 8 lines.
func TestDigestOfADayWithNoChangeIsAtMostEightLines(t *testing.T) {
	f := mustFixture(t, at(2012, 11, 5, 8, 0))
	f.mustPostDigest(at(2012, 11, 5, 8, 30)) // the plan's first digest: the long form
	f.mustApply(at(2012, 11, 5, 10, 0), "5.7", userPolice, actionbot.Op{Verb: actionbot.VerbBlocked, Note: "waiting for the KCC Highways survey"})
	tue := f.mustPostDigest(at(2012, 11, 6, 8, 30))
	if tue.changes != 1 || tue.long {
		t.Fatalf("Tuesday: %d changes, long form %v; want the one change, short", tue.changes, tue.long)
	}
	wed := f.mustPostDigest(at(2012, 11, 7, 8, 30))
	if wed.changes != 0 || wed.new != 0 {
		t.Fatalf("Wednesday is not a day without change: %d changes, %d newly overdue", wed.changes, wed.new)
	}
	text := plain(wed.m)
	if n := digestLines(wed.m); n > 8 {
		t.Errorf("the digest of a day with no change is %d lines, want at most 8:\n%s", n, text)
	}
	for _, want := range []string{
		"No changes since Tue 6 Nov 08:30. Nothing became overdue.",
		"42 actions, 42 open: 17 overdue /action overdue · 0 due this week · 1 blocked /action list blocked · 0 at risk · 7 stale /action list stale",
		"⛔ 5.7 ", "blocked: waiting for the KCC Highways survey",
		"❓ Deadline before the plan year, to confirm or move (6): 1.3, 2.3, 3.4, 5.2, 6.2, 7.6",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the quiet digest lacks %q:\n%s", want, text)
		}
	}
	for ref, n := range namedIn(wed.m, f.refSet()) {
		if n != 1 {
			t.Errorf("%s is named %d times, want once:\n%s", ref, n, text)
		}
	}
}

// TestDigestShowsProgressFromToWithWhoAndWhenTheDayAfter: the lead's
// "4.2 progress 60" opens the next day's digest, from → to, with who and
// when.
func TestDigestShowsProgressFromToWithWhoAndWhenTheDayAfter(t *testing.T) {
	f := mustFixture(t, at(2012, 10, 1, 8, 0))
	f.mustPostDigest(at(2012, 10, 1, 8, 30))
	f.mustApply(at(2012, 10, 1, 11, 20), "4.2", userPolice, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60, Note: "IOM panel reviewed"})
	d := f.mustPostDigest(at(2012, 10, 2, 8, 30))
	lines, _, ok := digestSection(d.m, "What changed since Mon 1 Oct 08:30 (1)")
	want := []string{"Mon 1 Oct 11:20 @U0POL1 4.2 progress 0% → 60%: “IOM panel reviewed”"}
	if !ok || !slices.Equal(lines, want) {
		t.Errorf("changes %q, want %q:\n%s", lines, want, plain(d.m))
	}
	// It comes first, before the standing picture.
	change := slices.IndexFunc(d.m.Blocks, func(b actionbot.Block) bool { return strings.Contains(b.Text.Plain(), "4.2 progress 0% → 60%") })
	standing := slices.IndexFunc(d.m.Blocks, func(b actionbot.Block) bool { return strings.HasPrefix(b.Text.Plain(), "42 actions, ") })
	if change < 0 || standing < 0 || change > standing {
		t.Errorf("the change is block %d, the standing picture %d; want the change first", change, standing)
	}
}

// TestDigestNamesConfirmOrMoveActionsOncePerDigest: the six actions whose
// deadline falls before the plan year are overdue too, but each digest,
// long form or short, names each of them once.
func TestDigestNamesConfirmOrMoveActionsOncePerDigest(t *testing.T) {
	f := mustFixture(t, at(2012, 11, 5, 8, 0))
	refs := f.refSet()
	for _, when := range []time.Time{at(2012, 11, 5, 8, 30), at(2012, 11, 6, 8, 30), at(2012, 11, 12, 8, 30)} {
		d := f.mustPostDigest(when)
		named := namedIn(d.m, refs)
		for _, ref := range prePlanRefs {
			if named[ref] != 1 {
				t.Errorf("%s (long form %v): %s named %d times, want once:\n%s", when.Format("Mon 2 Jan"), d.long, ref, named[ref], plain(d.m))
			}
		}
	}
}

// TestDigestsOverTheWinterDoNotRepeatTheDayBefore: October 2012 to
// February 2013 on the shipped plan, the digest at 08:30 and the sweep at
// 09:00 on every working day, nobody acting but the Kent Police lead's
// "4.2 progress 60" at the start: at most 3 digests name more than 8
// actions that are exactly those of the digest before.
func TestDigestsOverTheWinterDoNotRepeatTheDayBefore(t *testing.T) {
	f := mustFixture(t, at(2012, 10, 1, 8, 0))
	f.mustAddMember(userPolice, "POLICE")
	f.mustAddMember(userCSU, "CSU")
	f.mustAddMember("U0KFRS1", "KFRS")
	refs := f.refSet()
	var prev []string
	repeats, digests, lines := 0, 0, []int{}
	var repeated []string
	for i, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 10, 1), actionbot.D(2013, 2, 28)) {
		d := f.mustPostDigest(day.At(8, 30, london))
		digests++
		lines = append(lines, digestLines(d.m))
		if i == 0 {
			f.mustApply(day.At(8, 45, london), "4.2", userPolice, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60})
		}
		if i == 1 && !strings.Contains(plain(d.m), "Mon 1 Oct 08:45 @U0POL1 4.2 progress 0% → 60%") {
			t.Errorf("the day after, the digest does not show 4.2's progress:\n%s", plain(d.m))
		}
		f.mustSweep(day.At(9, 0, london))
		var names []string
		for ref := range namedIn(d.m, refs) {
			names = append(names, ref)
		}
		sort.Strings(names)
		if len(names) > 8 && slices.Equal(names, prev) {
			repeats++
			repeated = append(repeated, day.String())
		}
		prev = names
	}
	sort.Ints(lines)
	t.Logf("%d digests, %d name more than 8 actions exactly those of the day before %v; lines per digest: median %d, max %d",
		digests, repeats, repeated, lines[len(lines)/2], lines[len(lines)-1])
	if repeats > 3 {
		t.Errorf("%d of %d digests name more than 8 actions, exactly those of the day before; want at most 3", repeats, digests)
	}
}

// TestDigestLeavesOutAChangeUndoneSinceTheLast: a progress recorded by
// mistake and undone before the digest is no change, and is not reported.
func TestDigestLeavesOutAChangeUndoneSinceTheLast(t *testing.T) {
	f := mustFixture(t, at(2012, 10, 1, 8, 0))
	f.db.ConfiguredCoordinators = append(f.db.ConfiguredCoordinators, "UCOORD1")
	f.mustAddMember(userPolice, "POLICE")
	f.mustPostDigest(at(2012, 10, 1, 8, 30))
	f.mustApply(at(2012, 10, 1, 11, 20), "4.2", userPolice, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60, Note: "typed on the wrong action"})
	f.clock.Set(at(2012, 10, 1, 11, 25))
	h := &commands.Handler{Store: f.db, Now: f.clock.Now, Location: london}
	if _, err := h.Do(context.Background(), commands.Request{UserID: userPolice, Text: "4.2 undo"}, &commands.Command{Verb: actionbot.VerbUndo, Ref: "4.2"}); err != nil {
		t.Fatalf("undo: %v", err)
	}
	d := f.mustPostDigest(at(2012, 10, 2, 8, 30))
	if text := plain(d.m); strings.Contains(text, "0% → 60%") || strings.Contains(text, "60% → 0%") || !strings.Contains(text, "No changes since Mon 1 Oct 08:30") {
		t.Errorf("the undone change (or its undo) is reported:\n%s", text)
	}
}

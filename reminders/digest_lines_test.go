package reminders_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// TestDigestLinesOverThePlanYear posts the digest on every working day of
// the shipped plan's year, nobody acting but the Kent Police lead's "4.2
// progress 60" on the first day, and reports how many lines each reads as:
// most days say what changed and the standing picture in counts, and only
// the week's first working day carries the full lists.
//
//	go test ./reminders/ -run TestDigestLinesOverThePlanYear -v
func TestDigestLinesOverThePlanYear(t *testing.T) {
	if testing.Short() {
		t.Skip("a year of digests")
	}
	f := mustFixture(t, at(2012, 4, 2, 8, 0))
	ctx := context.Background()
	var lines []int
	total, repeats := 0, 0
	refs := f.refSet()
	var prev []string
	for i, day := range workingDays(f.svc.Rules.Calendar, actionbot.D(2012, 4, 2), actionbot.D(2013, 3, 28)) {
		f.clock.Set(day.At(8, 30, london))
		d, ok, err := f.svc.PostDigest(ctx, day.At(8, 30, london))
		if err != nil || !ok {
			t.Fatalf("%s: %v, %v", day, ok, err)
		}
		n := len(strings.Split(plain(d.Message), "\n"))
		lines = append(lines, n)
		total += n
		var names []string
		for ref := range namedIn(d.Message, refs) {
			names = append(names, ref)
		}
		sort.Strings(names)
		if len(names) > 8 && slices.Equal(names, prev) {
			repeats++
		}
		prev = names
		if i == 0 {
			f.mustApply(day.At(8, 45, london), "4.2", userPolice, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60})
		}
	}
	sort.Ints(lines)
	median, most := lines[len(lines)/2], lines[len(lines)-1]
	t.Logf("%d digests, %d lines: median %d lines a digest, max %d; %d name more than 8 actions, exactly those of the digest before",
		len(lines), total, median, most, repeats)
	if median > 8 {
		t.Errorf("the median digest is %d lines; want at most 8", median)
	}
}

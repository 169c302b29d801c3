package reminders_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
)

// digestSection returns the lines of the digest section whose title starts
// with title, without the title, and the "…and N more" line after it, if
// any; ok is false when there is no such section.
func digestSection(m actionbot.Message, title string) (lines []string, more string, ok bool) {
	for i, b := range m.Blocks {
		if b.Kind != actionbot.BlockSection || len(b.Text) == 0 || b.Text[0].Style != actionbot.Bold || !strings.HasPrefix(b.Text[0].Text, title) {
			continue
		}
		all := strings.Split(b.Text.Plain(), "\n")
		if i+1 < len(m.Blocks) && m.Blocks[i+1].Kind == actionbot.BlockContext && strings.HasPrefix(m.Blocks[i+1].Text.Plain(), "…and") {
			more = m.Blocks[i+1].Text.Plain()
		}
		return all[1:], more, true
	}
	return nil, "", false
}

// refsOf returns the action references on lines such as "🔴 5.2 Promote…".
func refsOf(lines []string) []string {
	var out []string
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) > 1 {
			out = append(out, f[1])
		}
	}
	return out
}

// Block Kit's limits, which the digest's message keeps within whole (the
// bot would otherwise cut it): the digest itself knows only the neutral
// budget of actionbot.
const (
	slackMaxBlocks       = 50
	slackMaxSectionChars = 3000
)

// mrkdwnLen is the length of rich text as the Slack adapter really renders
// it (mrkdwn, escaped), in characters as Slack counts them.
func mrkdwnLen(rt actionbot.RichText) int {
	return utf8.RuneCountInString(bot.Mrkdwn(rt, math.MaxInt32))
}

// checkLimits checks a message keeps within Block Kit's limits.
func checkLimits(t *testing.T, m actionbot.Message) {
	t.Helper()
	if len(m.Blocks) > slackMaxBlocks {
		t.Errorf("%d blocks, over Slack's %d", len(m.Blocks), slackMaxBlocks)
	}
	for i, b := range m.Blocks {
		if n := mrkdwnLen(b.Text); n > slackMaxSectionChars {
			t.Errorf("block %d is %d characters as mrkdwn, over %d", i, n, slackMaxSectionChars)
		}
		if b.Kind == actionbot.BlockHeader && len([]rune(b.Text.Plain())) > 150 {
			t.Errorf("the header is over 150 characters")
		}
	}
}

// TestDigestContents builds the digest for the tasking meeting of Monday
// 5 November 2012 on the real plan, after a few updates over the weekend,
// and checks it section by section.
func TestDigestContents(t *testing.T) {
	f := mustFixture(t, at(2012, 11, 1, 9, 0))
	f.mustApply(at(2012, 11, 1, 10, 0), "4.5", userCSU, actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "2012-11-12"), Note: "Brands Hatch event moved"})
	f.mustApply(at(2012, 11, 2, 8, 15), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 20})
	f.mustApply(at(2012, 11, 2, 9, 0), "1.4", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "7 of 12 cameras deployed"})
	f.mustApply(at(2012, 11, 2, 14, 5), "3.2", userCSU, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 40, Note: "parish meetings booked"})
	f.mustApply(at(2012, 11, 3, 10, 0), "5.7", userPolice, actionbot.Op{Verb: actionbot.VerbBlocked, Note: "waiting for the <KCC Highways> survey & data"})
	f.mustApply(at(2012, 11, 5, 7, 45), "5.2", userCSU, actionbot.Op{Verb: actionbot.VerbDone, Note: "14 volunteers trained"})
	f.mustApply(at(2012, 11, 5, 8, 40), "3.3", userCSU, actionbot.Op{Verb: actionbot.VerbProgress, Progress: 10}) // after the digest

	now := at(2012, 11, 5, 8, 30)
	d, err := f.svc.BuildDigest(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	m := d.Message
	checkLimits(t, m)

	t.Run("period and headline", func(t *testing.T) {
		if !d.From.Equal(at(2012, 11, 2, 8, 30)) || !d.To.Equal(now) {
			t.Errorf("covers %s to %s, want Fri 2 Nov 08:30 to Mon 5 Nov 08:30", d.From, d.To)
		}
		if got := m.Blocks[0].Text.Plain(); m.Blocks[0].Kind != actionbot.BlockHeader || got != "Daily tasking digest — Mon 5 Nov 2012" {
			t.Errorf("header %q", got)
		}
		if got, want := m.Blocks[1].Text.Plain(), "Sevenoaks District CSP Action Plan 2012-13 · changes since Fri 2 Nov 08:30"; got != want {
			t.Errorf("context %q, want %q", got, want)
		}
		// Issue 23: the headline is the standing picture in counts, each
		// with the command that lists it, after what changed.
		standing := ""
		for _, b := range m.Blocks {
			if strings.HasPrefix(b.Text.Plain(), "42 actions") {
				standing = b.Text.Plain()
			}
		}
		if want := "42 actions, 41 open: 16 overdue /action overdue · 0 due this week · 1 blocked /action list blocked · 0 at risk · 6 stale /action list stale · 0 with no date · 1 done since the last digest /action list done"; standing != want {
			t.Errorf("headline\n got %q\nwant %q", standing, want)
		}
		if got, want := m.Text, "Daily tasking digest, Mon 5 Nov 2012: 16 overdue, 1 due in the next 14 days, 1 blocked, 4 changes"; got != want {
			t.Errorf("fallback text\n got %q\nwant %q", got, want)
		}
		if _, _, ok := digestSection(m, "✅"); ok || strings.Contains(plain(m), "Nothing overdue") {
			t.Error("a day with overdue actions says nothing is overdue")
		}
	})
	t.Run("overdue, most overdue first", func(t *testing.T) {
		lines, more, ok := digestSection(m, "Overdue (16)")
		if !ok {
			t.Fatalf("no overdue section:\n%s", plain(m))
		}
		want := []string{"2.3", "7.6", "1.3", "3.4", "6.2", "4.2", "4.6", "6.1", "7.2", "1.7", "2.4", "5.4", "6.4", "6.5", "7.4", "7.5"}
		if got := refsOf(lines); !slices.Equal(got, want) {
			t.Errorf("overdue\n got %v\nwant %v", got, want)
		}
		for i, want := range map[int]string{
			// Issue 23: a deadline before the plan year is marked ❓ in the
			// overdue list, not listed a second time to confirm or move.
			0: "🔴 2.3 Produce a directory of early intervention projects for young people, families a… — Sevenoaks District Council (SDC) — 494 days overdue (June 2011) ❓",
			5: "🔴 4.2 Target repeat offenders of acquisitive crime through the Offender Management Un… — Kent Probation Service (PROBATION), Kent Police (POLICE), Business Crime Reduction Partnership (BCRP) — 189 days overdue (April 2012)",
		} {
			if lines[i] != want {
				t.Errorf("overdue line %d\n got %q\nwant %q", i, lines[i], want)
			}
		}
		if more != "" {
			t.Errorf("16 overdue actions were cut: %q", more)
		}
	})
	t.Run("due in the next 14 days", func(t *testing.T) {
		lines, _, ok := digestSection(m, "Due in the next 14 days (1)")
		want := []string{"📅 4.5 Reduce Pedal Thefts by education, support and tactical operations. Consider rel… — Community Safety Unit (CSU) — due in 7 days, Mon 12 Nov 2012 — 0%"}
		if !ok || !slices.Equal(lines, want) {
			t.Errorf("due soon\n got %q\nwant %q", lines, want)
		}
	})
	t.Run("blocked with reasons", func(t *testing.T) {
		lines, _, ok := digestSection(m, "Blocked (1)")
		want := []string{"⛔ 5.7 Work with communities to identify long term road safety issues and work with KC… — Kent Police (POLICE), KCC Highways (HIGHWAYS) — blocked: waiting for the <KCC Highways> survey & data"}
		if !ok || !slices.Equal(lines, want) {
			t.Errorf("blocked\n got %q\nwant %q", lines, want)
		}
		// The reason is the user's text: a plain span, never markup.
		for _, b := range m.Blocks {
			for _, s := range b.Text {
				if strings.Contains(s.Text, "<KCC Highways>") && (s.Style != 0 || s.Text != "waiting for the <KCC Highways> survey & data") {
					t.Errorf("the blocked reason is not a span of its own in plain style: %+v", s)
				}
			}
		}
	})
	t.Run("what changed, and who", func(t *testing.T) {
		// Issue 23: each change reads "ref what from → to", after who and
		// when.
		lines, _, ok := digestSection(m, "What changed since Fri 2 Nov 08:30 (4)")
		want := []string{
			"Fri 2 Nov 09:00 @U0CSU1 1.4 note: “7 of 12 cameras deployed”",
			"Fri 2 Nov 14:05 @U0CSU1 3.2 progress 20% → 40%: “parish meetings booked”",
			"Sat 3 Nov 10:00 @U0POL1 5.7 blocked: “waiting for the <KCC Highways> survey & data”",
			"Mon 5 Nov 07:45 @U0CSU1 5.2 done: “14 volunteers trained”",
		}
		if !ok || !slices.Equal(lines, want) {
			t.Errorf("changes\n got %q\nwant %q", lines, want)
		}
	})
	t.Run("stale", func(t *testing.T) {
		lines, _, ok := digestSection(m, "Ongoing, no update for 30 days or more (6)")
		if got, want := refsOf(lines), []string{"1.1", "1.2", "2.1", "3.5", "6.3", "7.1"}; !ok || !slices.Equal(got, want) {
			t.Errorf("stale %v, want %v (1.4 had a note on Friday)", got, want)
		}
		if ok && !strings.HasSuffix(lines[0], "— Community Safety Unit (CSU) — no update for 218 days") {
			t.Errorf("stale line %q", lines[0])
		}
	})
	t.Run("RAG per priority, from Summarize", func(t *testing.T) {
		lines, _, ok := digestSection(m, "RAG by priority")
		if !ok {
			t.Fatal("no RAG section")
		}
		priorities, err := f.db.Priorities(context.Background(), f.plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		actions, err := f.db.FindActions(context.Background(), actionbot.ActionFilter{PlanID: f.plan.ID})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, s := range actionbot.Summarize(actionbot.DefaultRAGRules(), f.plan, priorities, actions, actionbot.D(2012, 11, 5), now) {
			if s.Total() == 0 {
				continue // priority 0 holds the plan-wide measures
			}
			want = append(want, fmt.Sprintf("%d", s.Priority.Number)+" ")
			for _, r := range actionbot.RAGs {
				want[len(want)-1] += fmt.Sprintf("%s %d ", r.Emoji(), s.Counts[r])
			}
		}
		if len(lines) != 7 || len(want) != 7 {
			t.Fatalf("%d RAG lines, want one for each of the 7 priorities with actions", len(lines))
		}
		for i, l := range lines {
			title, counts, _ := strings.Cut(l, ": ")
			counts = strings.ReplaceAll(strings.Split(counts, " — ")[0], "· ", "")
			if got := strings.Fields(title)[0] + " " + counts + " "; got != want[i] {
				t.Errorf("RAG line %d %q: counts %q, want %q", i, l, got, want[i])
			}
		}
		if !strings.HasPrefix(lines[4], "5 Speeding vehicles including road safety: ") || !strings.Contains(lines[4], "🔵 1") {
			t.Errorf("priority 5 should count 5.2 complete: %q", lines[4])
		}
	})
}

// TestDigestPeriods: each digest covers from the end of the previous one;
// with none, from the previous working day at the same time, across bank
// holidays and clock changes.
func TestDigestPeriods(t *testing.T) {
	tests := []struct {
		name    string
		changes []time.Time // a note on 1.1 at each
		at      time.Time
		from    time.Time
		want    int // changes reported
	}{
		{
			name:    "Monday after the clocks went back covers from Friday 08:30 BST",
			changes: []time.Time{at(2012, 10, 26, 8, 15), at(2012, 10, 26, 8, 45), at(2012, 10, 28, 1, 30)},
			at:      at(2012, 10, 29, 8, 30), from: at(2012, 10, 26, 8, 30), want: 2,
		},
		{
			name:    "Monday after the clocks went forward in 2012 covers from Friday 08:30 GMT",
			changes: []time.Time{at(2012, 3, 23, 8, 15), at(2012, 3, 23, 8, 45)},
			at:      at(2012, 3, 26, 8, 30), from: at(2012, 3, 23, 8, 30), want: 1,
		},
		{
			name:    "the Tuesday after the Jubilee covers from the Friday before",
			changes: []time.Time{at(2012, 6, 1, 9, 0), at(2012, 6, 5, 9, 0)},
			at:      at(2012, 6, 6, 8, 30), from: at(2012, 6, 1, 8, 30), want: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFixture(t, tc.changes[0])
			for i, c := range tc.changes {
				f.mustApply(c, "1.1", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: fmt.Sprintf("update %d", i)})
			}
			d, err := f.svc.BuildDigest(context.Background(), tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if !d.From.Equal(tc.from) || d.Changes != tc.want {
				t.Errorf("covers from %s (%s UTC) with %d changes; want from %s with %d", d.From, d.From.UTC(), d.Changes, tc.from, tc.want)
			}
		})
	}

	t.Run("from the end of the previous digest, posted late", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 9, 0))
		f.mustApply(at(2012, 11, 5, 9, 30), "1.1", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "before the late digest"})
		if _, ok, err := f.svc.PostDigest(context.Background(), at(2012, 11, 5, 10, 0)); err != nil || !ok {
			t.Fatalf("PostDigest: %v, %v", ok, err)
		}
		f.mustApply(at(2012, 11, 5, 10, 30), "1.1", userCSU, actionbot.Op{Verb: actionbot.VerbNote, Note: "after the late digest"})
		d, err := f.svc.BuildDigest(context.Background(), at(2012, 11, 6, 8, 30))
		if err != nil {
			t.Fatal(err)
		}
		lines, _, _ := digestSection(d.Message, "What changed since Mon 5 Nov 10:00 (1)")
		if !d.From.Equal(at(2012, 11, 5, 10, 0)) || len(lines) != 1 || !strings.Contains(lines[0], "after the late digest") {
			t.Errorf("Tuesday's digest covers from %s: %q", d.From, lines)
		}
	})
}

// TestDigestQuietDay: a day with nothing to report still says so.
func TestDigestQuietDay(t *testing.T) {
	f := mustFixture(t, at(2012, 4, 5, 10, 0))
	for i, ref := range []string{"2.3", "7.6", "1.3", "3.4", "5.2", "6.2"} { // everything overdue at the start of the plan
		f.mustApply(at(2012, 4, 5, 10, i), ref, userCoord, actionbot.Op{Verb: actionbot.VerbDone})
	}
	ctx := context.Background()
	tue, ok, err := f.svc.PostDigest(ctx, at(2012, 4, 10, 8, 30)) // after Good Friday and Easter Monday
	if err != nil || !ok {
		t.Fatalf("PostDigest: %v, %v", ok, err)
	}
	if !tue.From.Equal(at(2012, 4, 5, 8, 30)) || tue.DoneSince != 6 || tue.Overdue != 0 || tue.DueSoon != 0 {
		t.Errorf("Tuesday: from %s, %d done, %d overdue, %d due soon; want from Thursday 08:30, 6, 0, 0", tue.From, tue.DoneSince, tue.Overdue, tue.DueSoon)
	}
	wed, ok, err := f.svc.PostDigest(ctx, at(2012, 4, 11, 8, 30))
	if err != nil || !ok {
		t.Fatalf("PostDigest: %v, %v", ok, err)
	}
	text := plain(wed.Message)
	// Issue 23: the RAG per priority is the weekly long form's; a quiet
	// Wednesday says so in a few lines.
	if strings.Contains(text, "RAG by priority") || digestLines(wed.Message) > 8 {
		t.Errorf("the quiet Wednesday is %d lines, with the RAG per priority:\n%s", digestLines(wed.Message), text)
	}
	if !strings.Contains(plain(tue.Message), "RAG by priority") {
		t.Errorf("the plan's first digest, the long form, lacks the RAG per priority:\n%s", plain(tue.Message))
	}
	for _, want := range []string{"✅ Nothing overdue, nothing due in the next 14 days.", "No changes since Tue 10 Apr 08:30."} {
		if !strings.Contains(text, want) {
			t.Errorf("the quiet digest lacks %q:\n%s", want, text)
		}
	}
	for _, section := range []string{"Overdue", "Due in", "Blocked"} {
		if _, _, ok := digestSection(wed.Message, section); ok {
			t.Errorf("the quiet digest has an empty %q section", section)
		}
	}
}

// TestDigestCut: long sections are cut within Block Kit's limits with a
// pointer to the full list.
func TestDigestCut(t *testing.T) {
	f := mustFixture(t, at(2013, 3, 20, 8, 0))
	for _, ref := range []string{"1.5", "1.6", "3.2", "3.3", "4.3"} { // more overdue than a section shows
		f.mustApply(at(2013, 3, 20, 10, 0), ref, userCSU, actionbot.Op{Verb: actionbot.VerbDue, Deadline: mustDeadline(t, "2013-03-01"), Note: "late"})
	}
	long := strings.Repeat("Speedwatch & <volunteers> ", 6) // 156 characters, with characters that mrkdwn escapes
	for i := 1; i <= 60; i++ {
		f.mustApply(at(2013, 3, 28, 7, 0).Add(time.Duration(i)*time.Second), "3.1", userCSU, actionbot.Op{Verb: actionbot.VerbProgress, Progress: i, Note: long})
	}
	d, err := f.svc.BuildDigest(context.Background(), at(2013, 3, 28, 8, 30))
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, d.Message)
	// The overdue lines name each lead agency in the plan's words, so the
	// section's length cuts it before its twenty lines.
	lines, more, ok := digestSection(d.Message, fmt.Sprintf("Overdue (%d)", d.Overdue))
	if want := fmt.Sprintf("…and %d more — /action list overdue", d.Overdue-17); d.Overdue <= 20 || !ok || len(lines) != 17 || more != want {
		t.Errorf("overdue (%d): %d lines, then %q; want 17 and %q", d.Overdue, len(lines), more, want)
	}
	lines, more, ok = digestSection(d.Message, "What changed since Wed 27 Mar 08:30 (60)")
	if !ok || len(lines) == 0 || len(lines) >= 20 {
		t.Fatalf("changes: %d lines; want them cut by length", len(lines))
	}
	if want := fmt.Sprintf("…and %d more — /action <ref> history", 60-len(lines)); more != want {
		t.Errorf("changes: %q, want %q", more, want)
	}
}

// TestDigestExactlyOnce posts the digest twice, then from racing
// goroutines, and checks one went out.
func TestDigestExactlyOnce(t *testing.T) {
	ctx := context.Background()
	digests := func(f *fixture) int {
		n := 0
		for _, o := range f.outbox() {
			if o.Kind == "digest" {
				n++
				if o.Key != "digest:2012-11-05" || o.To != "CDIGEST" {
					t.Errorf("digest queued as %s to %s", o.Key, o.To)
				}
			}
		}
		return n
	}
	t.Run("twice", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 8, 30))
		if _, ok, err := f.svc.PostDigest(ctx, at(2012, 11, 5, 8, 30)); err != nil || !ok {
			t.Fatalf("first: %v, %v", ok, err)
		}
		if d, ok, err := f.svc.PostDigest(ctx, at(2012, 11, 5, 14, 0)); err != nil || ok || d != nil {
			t.Fatalf("second: %v, %v; want nothing queued", ok, err)
		}
		if n := digests(f); n != 1 {
			t.Errorf("%d digests queued", n)
		}
	})
	t.Run("racing", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 8, 30))
		const posters = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		queued := 0
		start := make(chan struct{})
		for range posters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, ok, err := f.svc.PostDigest(ctx, at(2012, 11, 5, 8, 30))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					queued++
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		if queued != 1 || digests(f) != 1 {
			t.Errorf("%d posters queued it, %d digests in the outbox; want 1 and 1", queued, digests(f))
		}
	})
	t.Run("not on a non-working day", func(t *testing.T) {
		f := mustFixture(t, at(2013, 4, 1, 8, 30))
		for _, when := range []time.Time{at(2013, 4, 1, 8, 30), at(2013, 3, 30, 8, 30)} {
			_, ok, err := f.svc.PostDigest(ctx, when)
			if ok || actionbot.ErrorCode(err) != actionbot.EINVALID || !strings.Contains(actionbot.ErrorMessage(err), "not a working day") {
				t.Errorf("PostDigest at %s: %v, %v; want an error saying it is not a working day", when, ok, err)
			}
		}
		if n := len(f.outbox()); n != 0 {
			t.Errorf("%d messages queued", n)
		}
	})
	t.Run("no channel", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 8, 30))
		f.svc.DigestChannel = ""
		if _, _, err := f.svc.PostDigest(ctx, at(2012, 11, 5, 8, 30)); !strings.Contains(actionbot.ErrorMessage(err), "ACTIONBOT_DIGEST_CHANNEL") {
			t.Errorf("PostDigest with no channel: %v", err)
		}
	})
}

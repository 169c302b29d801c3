package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

const (
	repCoordinator = "UREPCOORD"
	repCSU         = "UREPCSU"
)

// repFixture is the shipped plan in a real database with a handler whose
// clock the test sets: a coordinator named by configuration and a member
// of the Community Safety Unit.
type repFixture struct {
	db    *store.DB
	clock *storetest.Clock
	h     *commands.Handler
	plan  *actionbot.Plan
}

func mustRepFixture(tb testing.TB) *repFixture {
	tb.Helper()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpen(tb, clock)
	db.ConfiguredCoordinators = []string{repCoordinator} // coordinators by the wiring's word
	if err := db.AddMember(context.Background(), repCSU, "CSU", repCoordinator); err != nil {
		tb.Fatal(err)
	}
	plan, err := db.CurrentPlan(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return &repFixture{db: db, clock: clock, plan: plan, h: &commands.Handler{
		Store: db, Now: clock.Now, Location: storetest.London,
	}}
}

// say runs a command at an instant and returns the reply as text.
func (f *repFixture) say(at time.Time, user, text string) string {
	f.clock.Set(at)
	m := f.h.Handle(context.Background(), commands.Request{UserID: user, ChannelID: "CREPORT", Text: text})
	var b strings.Builder
	b.WriteString(m.Text + "\n")
	for _, bl := range m.Blocks {
		b.WriteString(bl.Text.Plain() + "\n")
	}
	return b.String()
}

func (f *repFixture) mustSay(tb testing.TB, at time.Time, user, text string) {
	tb.Helper()
	if reply := f.say(at, user, text); !strings.Contains(reply, "✅") {
		tb.Fatalf("/action %s: %s", text, reply)
	}
}

func repAt(y int, m time.Month, d, hour int) time.Time {
	return time.Date(y, m, d, hour, 0, 0, 0, storetest.London)
}

// repFirstQuarter is some of April to June 2012, as officers type it.
func repFirstQuarter(tb testing.TB, f *repFixture) {
	tb.Helper()
	f.mustSay(tb, repAt(2012, time.May, 10, 14), repCoordinator, "6.1 done IBA refresher delivered to 24 front-line staff")
	f.mustSay(tb, repAt(2012, time.June, 1, 11), repCoordinator, "6.5 blocked Awaiting KDAAT decision on funding the post")
	f.mustSay(tb, repAt(2012, time.June, 29, 15), repCoordinator, "6.3 note Test purchasing operation with Trading Standards")
	f.mustSay(tb, repAt(2012, time.June, 29, 16), repCSU, "1.7 progress 30")
}

func TestActionReport(t *testing.T) {
	f := mustRepFixture(t)
	repFirstQuarter(t, f)
	july1 := repAt(2012, time.July, 1, 12)
	tests := []struct {
		name    string
		text    string
		want    []string
		notWant []string
	}{
		{"the whole plan", "report", []string{
			"Action plan report, 1 Jul 2012",
			"As of 1 Jul 2012.",
			"All recorded crime\nMeasure 1: All Crime reduced by 1% compared with the previous year — target 1% reduction — no data",
			"6. Substance Misuse\n🔴 3  🟠 0  🟢 1  🔵 1 — 40% on target (2 of 5); target 85%: not met",
			"7. Domestic Abuse\n🔴 4  🟠 2  🟢 0  🔵 0 — 0% on target (0 of 6); target 80%: not met",
			"🔴 6.5 Locate a drugs worker in the Community Safety Unit — blocked: Awaiting KDAAT decision on funding the post",
			"🔴 1.7 Conduct a campaign to reduce the impact of fly-tipping on the environ… — 1 day overdue",
			"Whole plan: 🔴 16  🟠 22  🟢 3  🔵 1 — 10% of 42 actions on target.",
		}, nil},
		{"one priority", "report priority 6", []string{
			"6. Substance Misuse\n🔴 3  🟠 0  🟢 1  🔵 1 — 40% on target (2 of 5); target 85%: not met",
			"🔴 6.2 ", "🔴 6.4 ", "🔴 6.5 ",
		}, []string{"7. Domestic Abuse", "Whole plan", "🔴 6.1", "🔴 6.3"}},
		{"one priority, short form", "report 3", []string{
			"3. Burglary & Vehicle Crime",
			"Measure 1: Number of dwelling & non dwelling (shed, commercial/retail premises) burglaries to be reduced by 2% — target 2% reduction — no data",
		}, []string{"6. Substance Misuse"}},
		{"no such priority", "report priority 9", []string{"There is no priority 9 in Sevenoaks District CSP Action Plan 2012-13."}, []string{"On target"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reply := f.say(july1, repCSU, tc.text)
			for _, w := range tc.want {
				if !strings.Contains(reply, w) {
					t.Errorf("/action %s lacks %q:\n%s", tc.text, w, reply)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(reply, w) {
					t.Errorf("/action %s has %q:\n%s", tc.text, w, reply)
				}
			}
		})
	}
}

// TestActionReportAgreesWithTheBoardReport checks that /action report and
// the board report give the same figures at the same instant.
func TestActionReportAgreesWithTheBoardReport(t *testing.T) {
	f := mustRepFixture(t)
	repFirstQuarter(t, f)
	instants := []struct {
		name string
		at   time.Time
	}{
		{"1 July 2012", repAt(2012, time.July, 1, 12)},
		{"15 January 2013", repAt(2013, time.January, 15, 12)},
	}
	for _, tc := range instants {
		t.Run(tc.name, func(t *testing.T) {
			mustHaveThePapersFigures(t, f, f.say(tc.at, repCSU, "report"), tc.at)
		})
	}
}

// mustHaveThePapersFigures checks that reply, an /action report, has the
// figures of the board report as of at, priority by priority and whole.
func mustHaveThePapersFigures(tb testing.TB, f *repFixture, reply string, at time.Time) {
	tb.Helper()
	r, err := report.Build(context.Background(), f.db, f.plan, report.Options{At: at})
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range r.Priorities {
		if p.Total() == 0 {
			continue
		}
		line := fmt.Sprintf("%s\n🔴 %d  🟠 %d  🟢 %d  🔵 %d — %s on target (%d of %d)", p.Title(),
			p.Counts[actionbot.RAGRed], p.Counts[actionbot.RAGAmber], p.Counts[actionbot.RAGGreen], p.Counts[actionbot.RAGComplete],
			actionbot.FormatPercent(p.OnTargetPercent()), p.OnTarget(), p.Total())
		if !strings.Contains(reply, line) {
			tb.Errorf("/action report does not have the board report's %q:\n%s", line, reply)
		}
	}
	if whole := fmt.Sprintf("— %s of 42 actions on target", actionbot.FormatPercent(r.Overall.OnTargetPercent())); !strings.Contains(reply, whole) {
		tb.Errorf("/action report lacks the board report's %q:\n%s", whole, reply)
	}
}

// Once the plan has ended, /action report is headed "As of" its last day:
// it is that day's board paper, not today's statuses under that date. It
// counted a 5.2 and 5.3 marked done years later, while the paper as of
// the same day (actionbot report --as-of 2013-03-31) did not.
func TestAnEndedPlansReportIsThePaperOfItsLastDay(t *testing.T) {
	f := mustRepFixture(t)
	repFirstQuarter(t, f)
	later := repAt(2014, time.June, 2, 10)
	f.mustSay(t, later, repCoordinator, "5.2 done")
	f.mustSay(t, later, repCoordinator, "5.3 done")
	f.mustSay(t, later, repCoordinator, "6.5 progress 80")
	reply := f.say(later, repCSU, "report")
	if !strings.Contains(reply, "As of 31 Mar 2013, when the plan ended.") {
		t.Fatalf("the report of an ended plan is not headed with its last day:\n%s", reply)
	}
	mustHaveThePapersFigures(t, f, reply, actionbot.EndOfDay(actionbot.D(2013, time.March, 31), storetest.London))
}

// A figure typed after the plan's year ended is dated that day, and told
// how to date it at the year's end, which "as of" then does.
func TestAMeasureRecordedAfterThePlanYearSaysHowToDateIt(t *testing.T) {
	f := mustRepFixture(t)
	may := repAt(2013, time.May, 7, 10)
	reply := f.say(may, repCoordinator, "measure 3 1 -2.5 year-end police figures")
	if want := "⚠️ 7 May 2013 is after Sevenoaks District CSP Action Plan 2012-13 ended (31 Mar 2013). If the figure stands at the year's end, record it again as of that day: /action measure 3 1 -2.5 as of 2013-03-31."; !strings.Contains(reply, want) {
		t.Errorf("reply:\n%s\nwant %q", reply, want)
	}
	reply = f.say(may, repCoordinator, "measure 3 1 -2.5 as of 2013-03-31 year-end police figures")
	if !strings.Contains(reply, "Recorded fell 2.5% as of 31 Mar 2013") || strings.Contains(reply, "⚠️") {
		t.Errorf("reply:\n%s", reply)
	}
}

func TestActionMeasure(t *testing.T) {
	f := mustRepFixture(t)
	sept := repAt(2012, time.September, 30, 10)
	tests := []struct {
		name   string
		user   string
		text   string
		want   string
		stored *float64 // the figure then latest for the measure; nil: none
		key    string
	}{
		{"a partner cannot", repCSU, "measure 3 1 2.5 police figures", "Only a coordinator can record success measures", nil, "3.1"},
		{"a reduction", repCoordinator, "measure 3 1 -2.5 Kent Police figures to September",
			"Recorded fell 2.5% as of 30 Sep 2012 for measure 3.1 (“Number of dwelling & non dwelling (shed, commercial/retail premises) burglaries to be reduced by 2%”): target 2% reduction — met.",
			actionbot.Float(2.5), "3.1"},
		{"a rise", repCoordinator, "measure 0 1 rose 0.8% all crime up slightly",
			"Recorded rose 0.8% as of 30 Sep 2012 for measure 0.1 (“All Crime reduced by 1% compared with the previous year”): target 1% reduction — not met.",
			actionbot.Float(-0.8), "0.1"},
		{"yes", repCoordinator, "measure 5 1 yes Speedwatch in 6 parishes", "Recorded yes as of 30 Sep 2012 for measure 5.1", actionbot.Float(1), "5.1"},
		{"a rate over 100%", repCoordinator, "measure 1 2 140", "This measure is a rate from 0% to 100%; 140 is outside that.", nil, "1.2"},
		{"words for a figure", repCoordinator, "measure 4 1 lots", `"lots" is not a change I can read`, nil, "4.1"},
		{"an on-target measure is worked out", repCoordinator, "measure 6 1 90", "This measure is worked out from the actions themselves", nil, "6.1"},
		{"no such measure", repCoordinator, "measure 5 2 yes", "Priority 5 has no measure 2.", nil, "5.2"},
		{"a figure with no direction", repCoordinator, "measure 4 1 12 safer town scheme", `Did it fall or rise by 12? Give a change with its direction: "-2.5%" or "fell 2.5%"`, nil, "4.1"},
		{"personal data in the note", repCoordinator, "measure 4 2 +12 from j.smith@example.org", "personal data", nil, "4.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reply := f.say(sept, tc.user, tc.text)
			if !strings.Contains(reply, tc.want) {
				t.Errorf("/action %s:\n%s\nwant %q", tc.text, reply, tc.want)
			}
			latest, err := f.db.LatestMeasureValues(context.Background(), f.plan.ID, actionbot.DateOf(sept))
			if err != nil {
				t.Fatal(err)
			}
			got := latest[tc.key]
			switch {
			case tc.stored == nil && got != nil:
				t.Errorf("measure %s holds %v; nothing should have been recorded", tc.key, got.Value)
			case tc.stored != nil && (got == nil || got.Value != *tc.stored || got.Actor != repCoordinator || got.AsOf != actionbot.DateOf(sept)):
				t.Errorf("measure %s holds %+v, want %v recorded by %s as of %s", tc.key, got, *tc.stored, repCoordinator, actionbot.DateOf(sept))
			}
		})
	}
	// The report shows the figures with their dates.
	reply := f.say(repAt(2012, time.October, 1, 9), repCSU, "report priority 3")
	if want := "target 2% reduction, actual fell 2.5% (as of 30 Sep 2012) — met"; !strings.Contains(reply, want) {
		t.Errorf("/action report priority 3 lacks %q:\n%s", want, reply)
	}
}

package report_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// quarterYear changes actions and records figures on known dates either
// side of the third quarter (1 October to 31 December 2012).
func quarterYear(tb testing.TB) []step {
	return []step{
		// Q2, before the quarter.
		change(london(2012, time.July, 10, 9, 0), "1.7", actionbot.VerbDone, "Campaign ran"),
		change(london(2012, time.August, 20, 9, 0), "6.5", actionbot.VerbBlocked, "Awaiting KDAAT decision"),
		moved(tb, london(2012, time.September, 30, 23, 30), "4.6", "December 2012", "Marking kits late"),
		// Q3.
		change(london(2012, time.October, 1, 0, 30), "2.5", actionbot.VerbDone, "Diversionary activities held"),
		moved(tb, london(2012, time.October, 1, 10, 0), "5.5", "June 2013", "Campaign moved to the spring"),
		figure(london(2012, time.October, 10, 9, 0), 3, 1, 2.5, actionbot.D(2012, time.September, 30), "Kent Police figures to September"),
		change(london(2012, time.November, 5, 9, 0), "3.3", actionbot.VerbBlocked, "Social media officer post vacant"),
		change(london(2012, time.December, 20, 14, 0), "6.5", actionbot.VerbUnblock, "KDAAT agreed funding"),
		change(london(2012, time.December, 31, 23, 0), "6.5", actionbot.VerbDone, "Worker in post"),
		// Q4, after the quarter; the December figure arrives in January.
		figure(london(2013, time.January, 7, 9, 0), 3, 1, 1.5, actionbot.D(2012, time.December, 31), "Kent Police figures to December"),
		change(london(2013, time.January, 2, 9, 0), "4.1", actionbot.VerbDone, "Scheme relaunched"),
		moved(tb, london(2013, time.January, 3, 9, 0), "7.6", "March 2013", "MARAC review"),
		change(london(2013, time.January, 8, 9, 0), "1.7", actionbot.VerbReopen, "A second campaign is needed"),
	}
}

func refsOf(rows []report.ActionRow) []string {
	out := []string{}
	for _, a := range rows {
		out = append(out, a.Ref)
	}
	return out
}

// TestQuarterlyReportListsExactlyTheQuartersChanges runs a scripted year
// and reports on 2012-Q3 in January 2013: the changes listed are exactly
// those made in the quarter, and the RAG movements are those between the
// reports as of 30 September and 31 December.
func TestQuarterlyReportListsExactlyTheQuartersChanges(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, quarterYear(t)...)
	now := london(2013, time.January, 9, 9, 0)
	q, err := actionbot.ParseQuarter("2012-Q3")
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.BuildQuarter(context.Background(), f.db, f.plan, q, now, report.Options{Produced: now})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Quarter
	if r.AsOf != actionbot.D(2012, time.December, 31) {
		t.Errorf("as of %s, want the quarter's last day", r.AsOf)
	}
	if got := refsOf(s.Completed); !slices.Equal(got, []string{"2.5", "6.5"}) {
		t.Errorf("completed %v, want 2.5 and 6.5 (1.7 was done in Q2, 4.1 in Q4)", got)
	}
	if got := refsOf(s.NewlyBlocked); !slices.Equal(got, []string{"3.3"}) {
		t.Errorf("newly blocked %v, want 3.3 (6.5 was blocked in Q2)", got)
	}
	var moved []string
	for _, m := range s.Moved {
		moved = append(moved, m.Ref+" "+m.From+" → "+m.To+": "+m.Reason)
	}
	if want := []string{"5.5 December 2012 → June 2013: Campaign moved to the spring"}; !slices.Equal(moved, want) {
		t.Errorf("deadlines moved %q, want %q", moved, want)
	}
	var figures []string
	for _, m := range s.Measures {
		figures = append(figures, m.Key+" "+m.Value+" as of "+m.AsOf.String()+" "+string(m.Status))
	}
	if want := []string{"3.1 fell 1.5% as of 2012-12-31 not met"}; !slices.Equal(figures, want) {
		t.Errorf("figures %q, want %q (the September figure belongs to Q2)", figures, want)
	}

	// Movements and newly red: against the two as-of reports.
	before := f.mustBuild(t, london(2012, time.September, 30, 23, 59))
	after := f.mustBuild(t, london(2012, time.December, 31, 23, 59))
	rag := func(r *report.Report) map[string]actionbot.RAG {
		out := map[string]actionbot.RAG{}
		for _, p := range r.Priorities {
			for _, a := range p.Actions {
				out[a.Ref] = a.RAG
			}
		}
		return out
	}
	was, now2 := rag(before), rag(after)
	var wantMoves, wantRed []string
	for _, p := range after.Priorities {
		for _, a := range p.Actions {
			if was[a.Ref] != now2[a.Ref] {
				wantMoves = append(wantMoves, a.Ref+" "+string(was[a.Ref])+"→"+string(now2[a.Ref]))
				if now2[a.Ref] == actionbot.RAGRed {
					wantRed = append(wantRed, a.Ref)
				}
			}
		}
	}
	var gotMoves []string
	for _, a := range s.Movements {
		gotMoves = append(gotMoves, a.Ref+" "+string(a.Was)+"→"+string(a.RAG))
	}
	if !slices.Equal(gotMoves, wantMoves) || len(gotMoves) == 0 {
		t.Errorf("movements %q\nwant %q", gotMoves, wantMoves)
	}
	if got := refsOf(s.NewlyRed); !slices.Equal(got, wantRed) || !slices.Contains(got, "3.3") {
		t.Errorf("newly red %v, want %v (with 3.3, blocked)", got, wantRed)
	}

	// Each format says so.
	md := mustWrite(t, "md", r)
	for _, want := range []string{
		"## This quarter: Q3 2012-13 (October to December 2012)",
		"### Completed (2)", "- **2.5** ", "- **6.5** ",
		"### Newly blocked (1)", "- **3.3** ",
		"### Deadlines moved (1)", "- **5.5** from December 2012 to June 2013 on 1 Oct 2012: Campaign moved to the spring",
		"### Measure figures recorded (1)", "fell 1.5% as of 31 Dec 2012 (Kent Police figures to December) — target 2% reduction: **not met**",
		"### RAG movement since 30 Sep 2012",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	html := mustWrite(t, "html", r)
	for _, want := range []string{`<h2>This quarter: Q3 2012-13 (October to December 2012)</h2>`, `<h3>Completed (2)</h3>`, `<span class="was">was `} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	if h := r.Headline(); !strings.HasPrefix(h, "Q3 2012-13 (October to December 2012): ") || !strings.Contains(h, "2 completed, "+strconv.Itoa(len(wantRed))+" newly red, 1 newly blocked, 1 deadline moved, 1 measure figure recorded.") {
		t.Errorf("headline %q", h)
	}
}

func TestQuarterlyReportRefusesAQuarterNotOver(t *testing.T) {
	f := mustReportFixture(t)
	q := actionbot.Quarter{Year: 2012, N: 3}
	_, err := report.BuildQuarter(context.Background(), f.db, f.plan, q, london(2012, time.December, 31, 18, 0), report.Options{})
	if actionbot.ErrorCode(err) != actionbot.EINVALID || !strings.Contains(actionbot.ErrorMessage(err), "ends on 31 Dec 2012, which is still to come") {
		t.Errorf("BuildQuarter on the quarter's last day: %v; want EINVALID saying it is not over", err)
	}
}

// The plan year's first quarter starts from the plan's first morning: an
// action whose deadline fell on the eve of the plan (March 2012) was
// already missed when the plan was adopted, and is not newly red.
func TestTheFirstQuarterDoesNotCountDeadlinesMissedBeforeThePlanAsNewlyRed(t *testing.T) {
	f := mustReportFixture(t)
	now := london(2012, time.July, 9, 9, 0)
	q, err := actionbot.ParseQuarter("2012-Q2")
	if err != nil {
		t.Fatal(err)
	}
	if q.Period().Start != f.plan.Period.Start {
		q, err = actionbot.ParseQuarter("2012-Q1")
		if err != nil || q.Period().Start != f.plan.Period.Start {
			t.Fatalf("no quarter starts the plan year: %v", err)
		}
	}
	r, err := report.BuildQuarter(context.Background(), f.db, f.plan, q, now, report.Options{Produced: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range r.Quarter.NewlyRed {
		if a.Original.Due.Before(f.plan.Period.Start) {
			t.Errorf("%s, due %s before the plan began, is listed as newly red", a.Ref, a.Original.Due.UK())
		}
	}
}

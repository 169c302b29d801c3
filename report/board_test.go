package report_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// november are the changes of issue 26's "done when": recorded in November
// 2012, in the plan year's third quarter (October to December, "2012-Q3").
func november(tb testing.TB) []step {
	return []step{
		progress(london(2012, time.November, 6, 10, 0), "4.2", 60, "Repeat offenders reviewed at tasking: 12 of 20 engaged"),
		change(london(2012, time.November, 14, 15, 30), "5.4", actionbot.VerbBlocked, "Waiting for KCC Highways to agree the camera sites"),
	}
}

var q3 = actionbot.Quarter{Year: 2012, N: 3}

func mustQuarter(tb testing.TB, f *reportFixture, q actionbot.Quarter, now time.Time, cover report.Cover) *report.Report {
	tb.Helper()
	r, err := report.BuildQuarter(context.Background(), f.db, f.plan, q, now, report.Options{Produced: now, Cover: cover})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func changedRow(s *report.QuarterSection, ref string) (report.PriorityChanges, report.ChangedAction, bool) {
	for _, p := range s.Changed {
		for _, a := range p.Actions {
			if a.Ref == ref {
				return p, a, true
			}
		}
	}
	return report.PriorityChanges{}, report.ChangedAction{}, false
}

func exceptionRow(s *report.QuarterSection, ref string) (report.Exception, bool) {
	for _, e := range s.Exceptions {
		if e.Ref == ref {
			return e, true
		}
	}
	return report.Exception{}, false
}

// TestQuarterPaperShowsNovembersChanges is issue 26's first "done when":
// 4.2's progress 0% → 60% and 5.4's block, with its reason, are in the
// quarter's section (grouped under their priorities, with lead and latest
// note) and 5.4 is in the exceptions with the lead's commentary.
func TestQuarterPaperShowsNovembersChanges(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, november(t)...)
	r := mustQuarter(t, f, q3, london(2013, time.January, 2, 9, 0), report.Cover{})
	s := r.Quarter

	p, a, ok := changedRow(s, "4.2")
	if !ok {
		t.Fatalf("4.2 is not among the quarter's changes: %+v", s.Changed)
	}
	if p.Number != 4 || !slices.Contains(a.Changes, report.FieldChange{Field: "Progress", From: "0%", To: "60%"}) {
		t.Errorf("4.2 under priority %d with %+v; want priority 4 with Progress 0%% → 60%%", p.Number, a.Changes)
	}
	if a.Lead == "" || a.Note == nil || a.Note.Note != "Repeat offenders reviewed at tasking: 12 of 20 engaged" {
		t.Errorf("4.2's lead %q and latest note %+v", a.Lead, a.Note)
	}
	p, a, ok = changedRow(s, "5.4")
	if !ok {
		t.Fatalf("5.4 is not among the quarter's changes")
	}
	var status report.FieldChange
	for _, c := range a.Changes {
		if c.Field == "Status" {
			status = c
		}
	}
	if p.Number != 5 || status.To != "Blocked: Waiting for KCC Highways to agree the camera sites" {
		t.Errorf("5.4 under priority %d, status change %+v", p.Number, status)
	}
	e, ok := exceptionRow(s, "5.4")
	if !ok {
		t.Fatalf("5.4 is not an exception")
	}
	if !slices.Contains(e.Reasons, "Blocked: Waiting for KCC Highways to agree the camera sites") || e.Ask == "" {
		t.Errorf("5.4's exception: %q, ask %q", e.Reasons, e.Ask)
	}
	if e.Note == nil || e.Note.Actor != "ULEAD" || !e.Note.At.Equal(london(2012, time.November, 14, 15, 30)) {
		t.Errorf("5.4's commentary: %+v; want the lead's, of 14 Nov 2012", e.Note)
	}
	if _, _, ok := changedRow(s, "1.1"); ok {
		t.Errorf("1.1 did not change and is listed")
	}

	html := mustWrite(t, "html", r)
	for _, want := range []string{
		`<tr class="changed" data-ref="4.2">`, `<span class="field">Progress</span> <span class="from">0%</span> → <span class="to">60%</span>`,
		`Blocked: Waiting for KCC Highways to agree the camera sites`,
		`<tr class="exception" data-ref="5.4">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML paper lacks %q", want)
		}
	}
	md := mustWrite(t, "md", r)
	for _, want := range []string{"**4.2**", "Progress 0% → 60%", "### Exceptions for the board", "Blocked: Waiting for KCC Highways to agree the camera sites"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown paper lacks %q", want)
		}
	}
}

// TestExceptionsTable: an action overdue with no update for 30 days, one
// whose deadline moved twice and one at risk are each listed, with why;
// one updated recently and on schedule is not.
func TestExceptionsTable(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t,
		moved(t, london(2012, time.May, 1, 9, 0), "7.6", "September 2012", "MARAC review"),
		moved(t, london(2012, time.October, 3, 9, 0), "7.6", "March 2013", "MARAC review again"),
		change(london(2012, time.December, 3, 9, 0), "3.3", actionbot.VerbAtRisk, "Officer post vacant"),
		// Moved twice, then done: nothing left for the board.
		moved(t, london(2012, time.July, 2, 9, 0), "6.4", "September 2012", "Mapping delayed"),
		moved(t, london(2012, time.October, 2, 9, 0), "6.4", "December 2012", "Mapping delayed again"),
		change(london(2012, time.December, 10, 9, 0), "6.4", actionbot.VerbDone, "Directory published"),
	)
	if e, ok := exceptionRow(q3Section(t, f), "6.4"); ok {
		t.Errorf("6.4, done, is an exception: %q", e.Reasons)
	}
	r := mustQuarter(t, f, q3, london(2013, time.January, 2, 9, 0), report.Cover{})
	e, ok := exceptionRow(r.Quarter, "7.6")
	if !ok || !slices.ContainsFunc(e.Reasons, func(s string) bool { return strings.HasPrefix(s, "Deadline moved 2 times") }) {
		t.Errorf("7.6, moved twice: %+v", e.Reasons)
	}
	if e, ok := exceptionRow(r.Quarter, "3.3"); !ok || e.Reasons[0] != "At risk: Officer post vacant" {
		t.Errorf("3.3, at risk: %+v", e.Reasons)
	}
	// 5.2 (March 2012) was overdue when the plan began and nobody has
	// updated it.
	if e, ok := exceptionRow(r.Quarter, "5.2"); !ok || !slices.ContainsFunc(e.Reasons, func(s string) bool { return strings.Contains(s, "overdue, no update since the plan began") }) {
		t.Errorf("5.2, overdue and never updated: %+v", e.Reasons)
	}
	for _, x := range r.Quarter.Exceptions {
		if x.RAG == actionbot.RAGComplete || x.RAG == actionbot.RAGGreen && x.Moves < 2 {
			t.Errorf("%s (%s) is listed as an exception: %q", x.Ref, x.RAG, x.Reasons)
		}
	}
}

func q3Section(t *testing.T, f *reportFixture) *report.QuarterSection {
	return mustQuarter(t, f, q3, london(2013, time.January, 2, 9, 0), report.Cover{}).Quarter
}

// TestDirectionOfTravelAndMeasureTrends: the on-target share per priority
// against the previous quarter's end, and a recorded measure's figures at
// each quarter's end with its direction.
func TestDirectionOfTravelAndMeasureTrends(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t,
		figure(london(2012, time.July, 5, 9, 0), 3, 1, 2.5, actionbot.D(2012, time.June, 30), "Kent Police figures to June"),
		figure(london(2012, time.October, 5, 9, 0), 3, 1, 1.0, actionbot.D(2012, time.September, 30), "Kent Police figures to September"),
		figure(london(2012, time.December, 31, 9, 0), 3, 1, 1.5, actionbot.D(2012, time.December, 31), "Kent Police figures to December"),
		change(london(2012, time.November, 6, 10, 0), "2.5", actionbot.VerbDone, "Held"),
	)
	r := mustQuarter(t, f, q3, london(2013, time.January, 2, 9, 0), report.Cover{})
	prev := f.mustBuild(t, london(2012, time.September, 30, 23, 59))
	var whole report.Direction
	for _, d := range r.Quarter.Directions {
		if d.Number == -1 {
			whole = d
		}
		if d.Number == 2 && d.Trend != "better" {
			t.Errorf("priority 2, an action done: %+v", d)
		}
	}
	if whole.Title != "Whole plan" || actionbot.FormatPercent(whole.Was) != actionbot.FormatPercent(prev.Overall.OnTargetPercent()) {
		t.Errorf("whole plan %+v; the report as of 30 Sep had %s", whole, actionbot.FormatPercent(prev.Overall.OnTargetPercent()))
	}
	var m report.MeasureTrend
	for _, tr := range r.Quarter.Trends {
		if tr.Key == "3.1" {
			m = tr
		}
	}
	var got []string
	for _, p := range m.Points {
		got = append(got, p.Quarter.String()+" "+p.Text)
	}
	if want := []string{"2012-Q1 fell 2.5%", "2012-Q2 fell 1%", "2012-Q3 fell 1.5%"}; !slices.Equal(got, want) || m.Direction != "better" {
		t.Errorf("3.1 over time %q (%s), want %q, better", got, m.Direction, want)
	}
	html := mustWrite(t, "html", r)
	if !strings.Contains(html, `<svg class="trend"`) || strings.Contains(html, "<script") {
		t.Errorf("the paper has no inline trend chart, or has a script")
	}
}

// TestCoverAndRecommendations: the cover names the partnership, meeting,
// date, author, period and plan version; the coordinator's notes appear as
// written, escaped, paragraphs and lists laid out.
func TestCoverAndRecommendations(t *testing.T) {
	f := mustReportFixture(t)
	notes := "The board is asked to:\n\n- note the paper;\n- agree <b>new</b> dates for 5.2 & 5.4.\n\nAny other business: \"none\"."
	r := mustQuarter(t, f, q3, london(2013, time.January, 2, 9, 0),
		report.Cover{Meeting: "CSP Board, 17 Jan 2013", Author: "Community Safety Manager", Recommendations: notes})
	html := mustWrite(t, "html", r)
	for _, want := range []string{
		"Sevenoaks District CSP Action Plan 2012-13", "CSP Board, 17 Jan 2013", "Community Safety Manager",
		"Q3 2012-13 (October to December 2012)", "2 Jan 2013", "as imported on",
		"<p>The board is asked to:</p>", "<li>note the paper;</li>", "<li>agree &lt;b&gt;new&lt;/b&gt; dates for 5.2 &amp; 5.4.</li>",
		"<p>Any other business: &#34;none&#34;.</p>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the cover lacks %q", want)
		}
	}
	if strings.Contains(html, "<b>new</b>") {
		t.Error("the notes' markup reached the page unescaped")
	}
	if md := mustWrite(t, "md", r); !strings.Contains(md, "- agree <b>new</b> dates") && !strings.Contains(md, `- agree \<b\>new\</b\> dates`) {
		t.Errorf("the Markdown lacks the notes:\n%s", md)
	}
}

// TestPastQuarterPaperIsTheSameWhenProducedLater: the 2012-Q3 paper
// produced on 2 Jan 2013 and produced again years later, after a year of
// further changes, figures and deadline moves, is byte for byte the same
// in every format (given the same production date and cover).
func TestPastQuarterPaperIsTheSameWhenProducedLater(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, quarterYear(t)[:9]...)
	f.mustDo(t, november(t)...)
	cover := report.Cover{Meeting: "CSP Board, 17 Jan 2013", Author: "Community Safety Manager", Recommendations: "Note the paper."}
	produced := london(2013, time.January, 2, 9, 0)
	then := map[string]string{}
	r := mustQuarter(t, f, q3, produced, cover)
	for format := range formats {
		then[format] = mustWrite(t, format, r)
	}
	f.mustDo(t,
		change(london(2013, time.January, 3, 9, 0), "4.2", actionbot.VerbDone, "Third event held"),
		change(london(2013, time.February, 1, 9, 0), "5.4", actionbot.VerbUnblock, "Sites agreed"),
		moved(t, london(2013, time.February, 2, 9, 0), "7.6", "June 2013", "Moved again"),
		figure(london(2013, time.April, 10, 9, 0), 3, 1, 3, actionbot.D(2013, time.March, 31), "Kent Police year end"),
		change(london(2013, time.March, 1, 9, 0), "1.1", actionbot.VerbNote, "Year-end review"),
	)
	f.clock.Set(london(2026, time.December, 6, 9, 0))
	r, err := report.BuildQuarter(context.Background(), f.db, f.plan, q3, london(2026, time.December, 6, 9, 0), report.Options{Produced: produced, Cover: cover})
	if err != nil {
		t.Fatal(err)
	}
	for format, want := range then {
		if got := mustWrite(t, format, r); got != want {
			t.Errorf("the %s paper produced later differs from the one produced then:\n%s", format, firstDiff(got, want))
		}
	}
}

// TestAPaperAsOfADayHasTheCoverItWasGiven: a paper for a meeting that is
// not a quarter's (the report as of a day, with --meeting and --author)
// carries its cover too; before, the two were dropped without a word.
func TestAPaperAsOfADayHasTheCoverItWasGiven(t *testing.T) {
	f := mustReportFixture(t)
	at := london(2012, time.November, 30, 17, 0)
	r, err := report.Build(context.Background(), f.db, f.plan, report.Options{At: at, Produced: london(2012, time.December, 3, 9, 0),
		Cover: report.Cover{Meeting: "CSP Board, 6 Dec 2012", Author: "Community Safety Manager"}})
	if err != nil {
		t.Fatal(err)
	}
	html := mustWrite(t, "html", r)
	for _, want := range []string{"CSP Board, 6 Dec 2012", "Community Safety Manager", "1 Apr 2012 to 30 Nov 2012", "3 Dec 2012"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML cover lacks %q", want)
		}
	}
	md := mustWrite(t, "md", r)
	for _, want := range []string{"| Meeting | CSP Board, 6 Dec 2012 |", "| Author | Community Safety Manager |", "| Period | 1 Apr 2012 to 30 Nov 2012 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown cover lacks %q", want)
		}
	}
	// With no cover given, the report as of a day stays as it was: no
	// table of dashes.
	plain := mustWrite(t, "md", f.mustBuild(t, at))
	if strings.Contains(plain, "| Meeting |") {
		t.Errorf("a report with no cover has a cover table:\n%s", plain[:min(len(plain), 600)])
	}
}

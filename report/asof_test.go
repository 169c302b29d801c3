package report_test

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// formats are every way a report is written.
var formats = map[string]func(io.Writer, *report.Report) error{
	"md":   report.WriteMarkdown,
	"csv":  report.WriteCSV,
	"html": report.WriteHTML,
	"ics":  report.WriteICS,
}

func mustWrite(tb testing.TB, format string, r *report.Report) string {
	tb.Helper()
	var b bytes.Buffer
	if err := formats[format](&b, r); err != nil {
		tb.Fatalf("write %s: %v", format, err)
	}
	return b.String()
}

// scriptedYear marks actions done, blocked, at risk and moved at known
// instants; each figure is recorded on the day it stands at.
func scriptedYear(tb testing.TB) []step {
	return []step{
		progress(london(2012, time.May, 2, 10, 0), "1.7", 40, "Kits ordered"),
		change(london(2012, time.May, 20, 9, 0), "6.5", actionbot.VerbBlocked, "Awaiting KDAAT decision on funding the post"),
		moved(tb, london(2012, time.June, 5, 16, 0), "5.5", "March 2013", "National campaign dates moved to the spring"),
		figure(london(2012, time.June, 30, 15, 0), 3, 1, 2.5, actionbot.D(2012, time.June, 30), "Kent Police figures to June"),
		change(london(2012, time.July, 10, 9, 0), "1.7", actionbot.VerbDone, "Campaign ran; 3 convictions publicised"),
		change(london(2012, time.August, 1, 11, 0), "6.5", actionbot.VerbUnblock, "KDAAT agreed funding"),
		change(london(2012, time.September, 3, 9, 0), "3.3", actionbot.VerbAtRisk, "Social media officer post vacant"),
		moved(tb, london(2012, time.October, 1, 10, 0), "5.5", "June 2013", "Campaign moved again"),
		change(london(2012, time.December, 20, 14, 0), "6.5", actionbot.VerbDone, "Worker in post"),
		change(london(2013, time.January, 8, 9, 0), "1.7", actionbot.VerbReopen, "A second campaign is needed"),
	}
}

// TestReportAsOfEqualsTheReportProducedThen produces the report, in every
// format, right after each change of a scripted year and half-way to the
// next; once the year is over, the report as of each of those instants must
// be the very same, byte for byte.
func TestReportAsOfEqualsTheReportProducedThen(t *testing.T) {
	f := mustReportFixture(t)
	produced := london(2013, time.April, 8, 9, 0) // printed in both, so that they can be compared
	steps := scriptedYear(t)
	type snapshot struct {
		at  time.Time
		out map[string]string
	}
	var then []snapshot
	take := func(at time.Time) {
		r, err := report.Build(context.Background(), f.db, f.plan, report.Options{At: at, Produced: produced})
		if err != nil {
			t.Fatal(err)
		}
		s := snapshot{at: at, out: map[string]string{}}
		for format := range formats {
			s.out[format] = mustWrite(t, format, r)
		}
		then = append(then, s)
	}
	for i, s := range steps {
		f.mustDo(t, s)
		take(s.at)
		if i+1 < len(steps) {
			take(s.at.Add(steps[i+1].at.Sub(s.at) / 2))
		}
	}
	for _, s := range then {
		r, err := report.Build(context.Background(), f.db, f.plan, report.Options{At: s.at, Produced: produced})
		if err != nil {
			t.Fatal(err)
		}
		for format, want := range s.out {
			if got := mustWrite(t, format, r); got != want {
				t.Errorf("the %s report as of %s differs from the one produced then:\n%s", format, s.at.Format(time.RFC3339), firstDiff(got, want))
			}
		}
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return "got:  " + g[i] + "\nwant: " + w[i]
		}
	}
	return "lengths differ"
}

// TestReportAsOfFieldByField checks, between the changes of the scripted
// year, what the report says of the actions changed: status, progress,
// deadline, RAG and latest note, in the report and in every format.
func TestReportAsOfFieldByField(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, scriptedYear(t)...)
	type want struct {
		status, deadline, rag, note string
		progress                    int
	}
	tests := []struct {
		at   time.Time
		ref  string
		want want
	}{
		{london(2012, time.May, 1, 12, 0), "1.7", want{"Open", "June 2012 (30 Jun 2012)", "amber", "", 0}},
		{london(2012, time.May, 3, 12, 0), "1.7", want{"Open", "June 2012 (30 Jun 2012)", "green", "2 May 2012: Kits ordered", 40}},
		{london(2012, time.July, 9, 12, 0), "1.7", want{"Open", "June 2012 (30 Jun 2012)", "red", "2 May 2012: Kits ordered", 40}},
		{london(2012, time.July, 11, 12, 0), "1.7", want{"Done", "June 2012 (30 Jun 2012)", "complete", "10 Jul 2012: Campaign ran; 3 convictions publicised", 100}},
		{london(2013, time.January, 9, 12, 0), "1.7", want{"Open", "June 2012 (30 Jun 2012)", "red", "8 Jan 2013: A second campaign is needed", 90}},
		{london(2012, time.May, 19, 12, 0), "6.5", want{"Open", "June 2012 (30 Jun 2012)", "amber", "", 0}},
		{london(2012, time.June, 1, 12, 0), "6.5", want{"Blocked", "June 2012 (30 Jun 2012)", "red", "20 May 2012: Awaiting KDAAT decision on funding the post", 0}},
		{london(2012, time.December, 21, 12, 0), "6.5", want{"Done", "June 2012 (30 Jun 2012)", "complete", "20 Dec 2012: Worker in post", 100}},
		{london(2012, time.June, 4, 12, 0), "5.5", want{"Open", "December 2012 (31 Dec 2012)", "green", "", 0}},
		{london(2012, time.June, 6, 12, 0), "5.5", want{"Open", "March 2013 (31 Mar 2013)", "green", "5 Jun 2012: National campaign dates moved to the spring", 0}},
		{london(2012, time.October, 2, 12, 0), "5.5", want{"Open", "June 2013 (30 Jun 2013)", "amber", "1 Oct 2012: Campaign moved again", 0}},
		{london(2012, time.September, 2, 12, 0), "3.3", want{"Open", "March 2013 (31 Mar 2013)", "amber", "", 0}},
		{london(2012, time.September, 4, 12, 0), "3.3", want{"At risk", "March 2013 (31 Mar 2013)", "amber", "3 Sep 2012: Social media officer post vacant", 0}},
	}
	for _, tc := range tests {
		t.Run(tc.ref+" on "+tc.at.Format("2 Jan 2006"), func(t *testing.T) {
			r := f.mustBuild(t, tc.at)
			var row *report.ActionRow
			for _, p := range r.Priorities {
				for i := range p.Actions {
					if p.Actions[i].Ref == tc.ref {
						row = &p.Actions[i]
					}
				}
			}
			if row == nil {
				t.Fatalf("no %s in the report", tc.ref)
			}
			got := want{row.StatusText(), row.CurrentDeadline(), string(row.RAG), row.NoteText(r.Location()), row.Progress}
			if got != tc.want {
				t.Errorf("%s as of %s:\n got %+v\nwant %+v", tc.ref, tc.at, got, tc.want)
			}
			// Every format says the same.
			md := mdActions(t, mustWrite(t, "md", r))[tc.ref]
			if len(md) != 8 || md[4] != tc.want.status || !strings.HasPrefix(md[3], tc.want.deadline) || md[5] != strconv.Itoa(tc.want.progress)+"%" {
				t.Errorf("markdown row of %s: %q", tc.ref, md)
			}
			html := mustWrite(t, "html", r)
			if !strings.Contains(html, `data-ref="`+tc.ref+`" data-rag="`+tc.want.rag+`" data-progress="`+strconv.Itoa(tc.want.progress)+`"`) {
				t.Errorf("the HTML does not rate %s %s at %d%%", tc.ref, tc.want.rag, tc.want.progress)
			}
			csvText := mustWrite(t, "csv", r)
			if !strings.Contains(csvText, ","+tc.want.status+","+strconv.Itoa(tc.want.progress)+",") {
				t.Errorf("the CSV lacks %s's status %s at %d%%", tc.ref, tc.want.status, tc.want.progress)
			}
		})
	}
}

package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// reportFixture is the shipped plan in a real database, with the clock
// under the test's control.
type reportFixture struct {
	db    *store.DB
	clock *storetest.Clock
	plan  *actionbot.Plan
}

func mustReportFixture(tb testing.TB) *reportFixture {
	tb.Helper()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpen(tb, clock)
	plan, err := db.CurrentPlan(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	// Updates are made through the store as the handler makes them after
	// its checks: ULEAD stands for the people let through, UCOORD for the
	// coordinator who records measures.
	db.ConfiguredCoordinators = []string{"ULEAD", "UCOORD"}
	return &reportFixture{db: db, clock: clock, plan: plan}
}

// step is one thing a partner does during the year: an update to an action
// (through the store, audited, as the command handler makes it) or a
// coordinator recording a measure's figure.
type step struct {
	at      time.Time
	ref     string
	op      actionbot.Op
	measure *actionbot.MeasureValue
}

func london(y int, m time.Month, d, hour, min int) time.Time {
	return time.Date(y, m, d, hour, min, 0, 0, storetest.London)
}

func change(at time.Time, ref string, verb actionbot.Verb, note string) step {
	return step{at: at, ref: ref, op: actionbot.Op{Verb: verb, Note: note}}
}

func progress(at time.Time, ref string, p int, note string) step {
	return step{at: at, ref: ref, op: actionbot.Op{Verb: actionbot.VerbProgress, Progress: p, Note: note}}
}

func moved(tb testing.TB, at time.Time, ref, deadline, reason string) step {
	tb.Helper()
	d, err := actionbot.ParseDeadline(deadline)
	if err != nil {
		tb.Fatal(err)
	}
	return step{at: at, ref: ref, op: actionbot.Op{Verb: actionbot.VerbDue, Deadline: d, Note: reason}}
}

func figure(at time.Time, priority, n int, value float64, asOf actionbot.Date, source string) step {
	return step{at: at, measure: &actionbot.MeasureValue{Priority: priority, N: n, Value: value, AsOf: asOf, Source: source, Actor: "UCOORD", At: at}}
}

func (f *reportFixture) mustDo(tb testing.TB, steps ...step) {
	tb.Helper()
	ctx := context.Background()
	for _, s := range steps {
		f.clock.Set(s.at)
		if s.measure != nil {
			if err := f.db.RecordMeasure(ctx, s.measure); err != nil {
				tb.Fatalf("record measure %d.%d: %v", s.measure.Priority, s.measure.N, err)
			}
			continue
		}
		_, _, err := f.db.UpdateAction(ctx, f.plan.ID, s.ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(s.op, "ULEAD", s.at)
		}, nil)
		if err != nil {
			tb.Fatalf("%s %s at %s: %v", s.ref, s.op.Verb, s.at, err)
		}
	}
}

func (f *reportFixture) mustBuild(tb testing.TB, at time.Time) *report.Report {
	tb.Helper()
	r, err := report.Build(context.Background(), f.db, f.plan, report.Options{At: at, Produced: at})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// firstHalf is what the partners record from April to June 2012.
func firstHalf(tb testing.TB) []step {
	return []step{
		progress(london(2012, time.April, 20, 10, 0), "1.7", 30, "Smart Water kits ordered for 3 hotspots (Swanley | Edenbridge | Westerham)"),
		change(london(2012, time.May, 10, 14, 0), "6.1", actionbot.VerbDone, "IBA refresher delivered to 24 front-line staff"),
		change(london(2012, time.May, 15, 9, 30), "1.1", actionbot.VerbNote, "Risk matrix in use at daily tasking"),
		change(london(2012, time.June, 1, 11, 0), "6.5", actionbot.VerbBlocked, "Awaiting KDAAT decision on funding the post"),
		moved(tb, london(2012, time.June, 5, 16, 0), "5.5", "March 2013", "National campaign dates moved to the spring"),
		change(london(2012, time.June, 20, 10, 0), "3.3", actionbot.VerbAtRisk, "Social media officer post vacant"),
		progress(london(2012, time.June, 25, 12, 0), "7.4", 80, "+6 volunteers booked on training, agreed at the <Exec Group> meeting & minuted"),
		figure(london(2012, time.June, 28, 15, 0), 3, 1, 2.5, actionbot.D(2012, time.May, 31), "Kent Police figures to May"),
		change(london(2012, time.June, 29, 11, 0), "2.4", actionbot.VerbDone, "Olympic torch relay activities held in Sevenoaks and Swanley"),
		change(london(2012, time.June, 29, 15, 0), "6.3", actionbot.VerbNote, "Test purchasing operation with Trading Standards; 2 of 10 premises sold"),
	}
}

// secondHalf is what they record from July 2012 to mid-January 2013.
func secondHalf(tb testing.TB) []step {
	return []step{
		change(london(2012, time.July, 10, 9, 0), "1.7", actionbot.VerbDone, "Campaign ran; 3 convictions publicised"),
		change(london(2012, time.July, 20, 10, 0), "6.5", actionbot.VerbUnblock, "KDAAT agreed funding"),
		moved(tb, london(2012, time.July, 20, 10, 5), "6.5", "December 2012", "Post funded from October"),
		change(london(2012, time.August, 15, 11, 0), "6.2", actionbot.VerbDone, "Referral pathway to alcohol clinics agreed"),
		change(london(2012, time.September, 3, 9, 0), "3.3", actionbot.VerbUnblock, "Officer appointed"),
		progress(london(2012, time.October, 15, 10, 0), "1.5", 75, "Three Community Payback projects completed"),
		progress(london(2012, time.November, 5, 10, 0), "3.3", 70, ""),
		progress(london(2012, time.November, 20, 10, 0), "7.3", 60, ""),
		change(london(2012, time.December, 14, 16, 0), "6.5", actionbot.VerbDone, "Drugs worker started at the CSU on 10 December"),
		change(london(2013, time.January, 7, 9, 0), "1.1", actionbot.VerbNote, "ASB Task Group reviewed 12 cases in December"),
		figure(london(2013, time.January, 10, 10, 0), 3, 1, 1.5, actionbot.D(2012, time.December, 31), "Kent Police figures to December"),
		figure(london(2013, time.January, 10, 10, 5), 0, 1, -0.8, actionbot.D(2012, time.December, 31), "Kent Police figures to December"),
		figure(london(2013, time.January, 10, 10, 10), 5, 1, 1, actionbot.D(2013, time.January, 10), "Speedwatch running in 6 parishes"),
		change(london(2013, time.January, 14, 12, 0), "6.4", actionbot.VerbDone, "Directory of services published"),
	}
}

// mdTable returns the rows of the first Markdown table after the heading,
// as cells (escapes kept), header and separator left out.
func mdTable(tb testing.TB, md, heading string) [][]string {
	tb.Helper()
	i := strings.Index(md, "\n"+heading+"\n")
	if i < 0 {
		tb.Fatalf("no %q in the report", heading)
	}
	var rows [][]string
	inTable := false
	for _, line := range strings.Split(md[i+len(heading)+2:], "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := mdCells(line)
		if strings.HasPrefix(cells[0], "--") || strings.HasPrefix(cells[0], "-") && strings.Trim(cells[0], "-:") == "" {
			continue
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		tb.Fatalf("no table under %q", heading)
	}
	return rows[1:]
}

// mdCells splits a table row on its unescaped pipes.
func mdCells(line string) []string {
	var cells []string
	var cur strings.Builder
	line = strings.TrimSpace(line)
	for i := 1; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			cur.WriteByte(line[i])
			cur.WriteByte(line[i+1])
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return cells
}

// mdActions returns every action row of the report, by reference.
func mdActions(tb testing.TB, md string) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, line := range strings.Split(md, "\n") {
		cells := mdCells(line)
		if len(cells) != 8 {
			continue
		}
		if _, ok := actionbot.ParseRef(cells[0]); ok && cells[0] != "Ref" {
			out[cells[0]] = cells
		}
	}
	return out
}

func TestBoardReportAtTwoInstants(t *testing.T) {
	f := mustReportFixture(t)
	tests := []struct {
		name  string
		steps []step
		at    time.Time
		// summary is the Markdown summary table: priority, actions, red,
		// amber, green, complete, on target, target, result.
		summary [][]string
		// actions are rows of the actions tables: ref, text prefix, lead,
		// deadline, status, progress, RAG, latest note.
		actions [][]string
		// measures are "priority.n" with actual, as of, source, result.
		measures map[string][]string
	}{
		{
			name:  "the first quarter, reported on 1 July 2012",
			steps: firstHalf(t),
			at:    london(2012, time.July, 1, 12, 0),
			summary: [][]string{
				{"1. Anti-Social Behaviour (incl flytipping & graffiti)", "7", "2", "5", "0", "0", "0%", "—", "—"},
				{"2. Young People's Issues", "6", "1", "3", "1", "1", "33%", "—", "—"},
				{"3. Burglary & Vehicle Crime", "5", "1", "4", "0", "0", "0%", "—", "—"},
				{"4. Theft offences + handling stolen goods (including Shoplifting, Theft of Metal and Theft offences)", "6", "2", "3", "1", "0", "17%", "—", "—"},
				{"5. Speeding vehicles including road safety", "7", "2", "5", "0", "0", "0%", "—", "—"},
				{"6. Substance Misuse", "5", "3", "0", "1", "1", "40%", "85%", "not met"},
				{"7. Domestic Abuse", "6", "4", "2", "0", "0", "0%", "80%", "not met"},
				{"**Whole plan**", "42", "15", "22", "3", "2", "12%", "—", "—"},
			},
			actions: [][]string{
				{"1.1", "Implement risk assessments", "Community Safety Unit", "Ongoing", "Open", "0%", "**Amber** — ongoing, no update for 47 days", "15 May 2012: Risk matrix in use at daily tasking"},
				{"1.7", "Conduct a campaign", "Community Safety Unit", "June 2012 (30 Jun 2012)", "Open", "30%", "**Red** — 1 day overdue", `20 Apr 2012: Smart Water kits ordered for 3 hotspots (Swanley \| Edenbridge \| Westerham)`},
				{"2.6", "Deliver a programme in schools", "KCC Children & Families, Kent Police", "June 2013 (30 Jun 2013)", "Open", "0%", "**Green** — on schedule", "—"},
				{"3.3", "Increase proactive use of social media", "Community Safety Unit", "March 2013 (31 Mar 2013)", "At risk", "0%", "**Amber** — at risk: Social media officer post vacant", "20 Jun 2012: Social media officer post vacant"},
				{"5.2", "Promote Speedwatch", "Kent Police – Training, Community Safety Unit – Promotion/Volunteers", "March 2012 (31 Mar 2012)", "Open", "0%", "**Red** — 92 days overdue", "—"},
				{"5.5", "Arrange activities around national road safety campaigns", "Community Safety Unit", "March 2013 (31 Mar 2013); plan: December 2012 (31 Dec 2012)", "Open", "0%", "**Amber** — behind schedule: 0% done with 25% of the time gone", "5 Jun 2012: National campaign dates moved to the spring"},
				{"6.1", "Follow up on implementation", "Substance Misuse Task Group", "May 2012 (31 May 2012)", "Done", "100%", "**Complete** — done", "10 May 2012: IBA refresher delivered to 24 front-line staff"},
				{"6.3", "Use a partnership approach", "KCC Trading Standards", "Ongoing", "Open", "0%", "**Green** — ongoing, updated 2 days ago", "29 Jun 2012: Test purchasing operation with Trading Standards; 2 of 10 premises sold"},
				{"6.5", "Locate a drugs worker", "CRI (substance misuse charity commissioned by KDAAT)", "June 2012 (30 Jun 2012)", "Blocked", "0%", "**Red** — blocked: Awaiting KDAAT decision on funding the post", "1 Jun 2012: Awaiting KDAAT decision on funding the post"},
				{"7.4", "Support voluntary support workers", "DA Working Group, CSP Executive Group", "June 2012 (30 Jun 2012)", "Open", "80%", "**Red** — 1 day overdue", `25 Jun 2012: +6 volunteers booked on training, agreed at the \<Exec Group\> meeting & minuted`},
			},
			measures: map[string][]string{
				"0.1": {"—", "—", "—", "**no data**"},
				"3.1": {"fell 2.5%", "31 May 2012", "Kent Police figures to May", "**met**"},
				"3.2": {"—", "—", "—", "**no data**"},
				"6.1": {"40%", "1 Jul 2012", "worked out from the actions", "**not met**"},
				"7.2": {"0%", "1 Jul 2012", "worked out from the actions", "**not met**"},
			},
		},
		{
			name:  "the third quarter, reported on 15 January 2013",
			steps: secondHalf(t),
			at:    london(2013, time.January, 15, 12, 0),
			summary: [][]string{
				{"1. Anti-Social Behaviour (incl flytipping & graffiti)", "7", "1", "3", "2", "1", "43%", "—", "—"},
				{"2. Young People's Issues", "6", "1", "4", "0", "1", "17%", "—", "—"},
				{"3. Burglary & Vehicle Crime", "5", "1", "4", "0", "0", "0%", "—", "—"},
				{"4. Theft offences + handling stolen goods (including Shoplifting, Theft of Metal and Theft offences)", "6", "3", "3", "0", "0", "0%", "—", "—"},
				{"5. Speeding vehicles including road safety", "7", "2", "5", "0", "0", "0%", "—", "—"},
				{"6. Substance Misuse", "5", "0", "1", "0", "4", "80%", "85%", "not met"},
				{"7. Domestic Abuse", "6", "4", "2", "0", "0", "0%", "80%", "not met"},
				{"**Whole plan**", "42", "12", "22", "2", "6", "19%", "—", "—"},
			},
			actions: [][]string{
				{"1.1", "Implement risk assessments", "Community Safety Unit", "Ongoing", "Open", "0%", "**Green** — ongoing, updated 8 days ago", "7 Jan 2013: ASB Task Group reviewed 12 cases in December"},
				{"1.5", "Maximise the use of the Probation Service", "Community Safety Unit", "March 2013 (31 Mar 2013)", "Open", "75%", "**Green** — on schedule", "15 Oct 2012: Three Community Payback projects completed"},
				{"1.7", "Conduct a campaign", "Community Safety Unit", "June 2012 (30 Jun 2012)", "Done", "100%", "**Complete** — done", "10 Jul 2012: Campaign ran; 3 convictions publicised"},
				{"3.3", "Increase proactive use of social media", "Community Safety Unit", "March 2013 (31 Mar 2013)", "Open", "70%", "**Amber** — behind schedule: 70% done with 79% of the time gone", "3 Sep 2012: Officer appointed"},
				{"4.5", "Reduce Pedal Thefts", "Community Safety Unit", "December 2012 (31 Dec 2012)", "Open", "0%", "**Red** — 15 days overdue", "—"},
				{"6.3", "Use a partnership approach", "KCC Trading Standards", "Ongoing", "Open", "0%", "**Amber** — ongoing, no update for 200 days", "29 Jun 2012: Test purchasing operation with Trading Standards; 2 of 10 premises sold"},
				{"6.5", "Locate a drugs worker", "CRI (substance misuse charity commissioned by KDAAT)", "December 2012 (31 Dec 2012); plan: June 2012 (30 Jun 2012)", "Done", "100%", "**Complete** — done", "14 Dec 2012: Drugs worker started at the CSU on 10 December"},
				{"7.3", "At least 3 perpetrators", "St Giles Trust", "March 2013 (31 Mar 2013)", "Open", "60%", "**Amber** — behind schedule: 60% done with 79% of the time gone", "—"},
			},
			measures: map[string][]string{
				"0.1": {"rose 0.8%", "31 Dec 2012", "Kent Police figures to December", "**not met**"},
				"3.1": {"fell 1.5%", "31 Dec 2012", "Kent Police figures to December", "**not met**"},
				"5.1": {"yes", "10 Jan 2013", "Speedwatch running in 6 parishes", "**met**"},
				"6.1": {"80%", "15 Jan 2013", "worked out from the actions", "**not met**"},
			},
		},
	}
	for _, tc := range tests { // in order: each quarter builds on the last
		t.Run(tc.name, func(t *testing.T) {
			f.mustDo(t, tc.steps...)
			r := f.mustBuild(t, tc.at)
			var b bytes.Buffer
			if err := report.WriteMarkdown(&b, r); err != nil {
				t.Fatal(err)
			}
			md := b.String()
			if got := mdTable(t, md, "## Summary"); !equalRows(got, tc.summary) {
				t.Errorf("summary table:\n%s\nwant:\n%s", rowsText(got), rowsText(tc.summary))
			}
			rows := mdActions(t, md)
			if len(rows) != 42 {
				t.Errorf("%d action rows, want 42", len(rows))
			}
			for _, want := range tc.actions {
				got, ok := rows[want[0]]
				if !ok {
					t.Errorf("no row for %s", want[0])
					continue
				}
				if !strings.HasPrefix(got[1], want[1]) || !equalRows([][]string{append(got[:1:1], got[2:]...)}, [][]string{append(want[:1:1], want[2:]...)}) {
					t.Errorf("row %s:\n got %q\nwant %q", want[0], got, want)
				}
			}
			checkMeasures(t, md, tc.measures)
			if !strings.Contains(md, "As of "+r.AsOf.UK()) {
				t.Errorf("the report does not say its date, %s", r.AsOf.UK())
			}
		})
	}
}

// checkMeasures finds each measure's row, under its priority's heading.
func checkMeasures(t *testing.T, md string, want map[string][]string) {
	t.Helper()
	for key, cells := range want {
		p, n, _ := strings.Cut(key, ".")
		heading := "## " + p + ". "
		if p == "0" {
			heading = "## All recorded crime"
		}
		i := strings.Index(md, "\n"+heading)
		if i < 0 {
			t.Errorf("no section %q", heading)
			continue
		}
		section := md[i+1:]
		if j := strings.Index(section[3:], "\n## "); j >= 0 {
			section = section[:j+3]
		}
		found := false
		for _, line := range strings.Split(section, "\n") {
			c := mdCells(line)
			if len(c) == 7 && c[0] == n {
				found = true
				if got := c[3:]; !equalRows([][]string{got}, [][]string{cells}) {
					t.Errorf("measure %s: got %q, want %q", key, got, cells)
				}
			}
		}
		if !found {
			t.Errorf("no row for measure %s", key)
		}
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") {
			return false
		}
	}
	return true
}

func rowsText(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("  " + strings.Join(r, " | ") + "\n")
	}
	return b.String()
}

// TestReportAsOfAnEarlierDate reports on 1 July 2012 after everything up to
// January 2013 has been recorded: figures and notes are those of 1 July,
// status and progress are those recorded by then, and an ongoing action
// updated since is judged on its updates until then.
func TestReportAsOfAnEarlierDate(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, firstHalf(t)...)
	f.mustDo(t, secondHalf(t)...)
	r, err := report.Build(context.Background(), f.db, f.plan, report.Options{At: london(2012, time.July, 1, 12, 0), Produced: london(2013, time.January, 16, 9, 15)})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if want := "As recorded by the partners on 1 Jul 2012; produced on 16 Jan 2013."; !strings.Contains(md, want) {
		t.Errorf("the report does not say what it shows as of when: want %q", want)
	}
	rows := mdActions(t, md)
	tests := []struct {
		ref, rag, note string
	}{
		// Updated again in January, but not between 15 May and 1 July.
		{"1.1", "**Amber** — ongoing, no update for 47 days", "15 May 2012: Risk matrix in use at daily tasking"},
		{"6.3", "**Green** — ongoing, updated 2 days ago", "29 Jun 2012: Test purchasing operation with Trading Standards; 2 of 10 premises sold"},
		// The state is the one recorded by 1 July, replayed from the audit
		// trail: 1.5 was not started then (75% since October), 3.3 was
		// flagged at risk (cleared since).
		{"1.5", "**Amber** — behind schedule: 0% done with 25% of the time gone", "—"},
		{"3.3", "**Amber** — at risk: Social media officer post vacant", "20 Jun 2012: Social media officer post vacant"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			got := rows[tc.ref]
			if len(got) != 8 || got[6] != tc.rag || got[7] != tc.note {
				t.Errorf("%s as of 1 July: %q\nwant RAG %q and note %q", tc.ref, got, tc.rag, tc.note)
			}
		})
	}
	checkMeasures(t, md, map[string][]string{
		"3.1": {"fell 2.5%", "31 May 2012", "Kent Police figures to May", "**met**"},
		"5.1": {"—", "—", "—", "**no data**"},
	})
}

func TestInstant(t *testing.T) {
	now := london(2012, time.November, 2, 15, 30)
	tests := []struct {
		name    string
		asOf    actionbot.Date
		want    time.Time
		wantErr bool
	}{
		{"today is now", actionbot.D(2012, time.November, 2), now, false},
		{"no date is now", actionbot.Date{}, now, false},
		{"a past day is its last moment", actionbot.D(2012, time.September, 30), london(2012, time.October, 1, 0, 0).Add(-time.Microsecond), false},
		{"the 25-hour day the clocks go back", actionbot.D(2012, time.October, 28), london(2012, time.October, 29, 0, 0).Add(-time.Microsecond), false},
		{"tomorrow is refused", actionbot.D(2012, time.November, 3), time.Time{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := report.Instant(tc.asOf, now)
			if tc.wantErr {
				if actionbot.ErrorCode(err) != actionbot.EINVALID {
					t.Fatalf("Instant(%s) = %v, %v; want EINVALID", tc.asOf, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Fatalf("Instant(%s) = %v, %v; want %v", tc.asOf, got, err, tc.want)
			}
			if !tc.asOf.IsZero() && actionbot.DateOf(got) != tc.asOf {
				t.Errorf("the instant falls on %s, not %s", actionbot.DateOf(got), tc.asOf)
			}
		})
	}
}

// mustCSV writes a CSV table and reads it back as Excel would, checking the
// byte-order mark, the CRLF line endings and that it is one flat table:
// every row as wide as the header.
func mustCSV(tb testing.TB, write func(io.Writer, *report.Report) error, r *report.Report) [][]string {
	tb.Helper()
	var b bytes.Buffer
	if err := write(&b, r); err != nil {
		tb.Fatal(err)
	}
	raw := b.String()
	if !strings.HasPrefix(raw, "\ufeff") {
		tb.Fatal("no UTF-8 byte-order mark: Excel would read the file as ANSI")
	}
	if strings.Count(raw, "\n") != strings.Count(raw, "\r\n") {
		tb.Error("line endings are not all CRLF")
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff"))).ReadAll() // fails on a ragged row
	if err != nil {
		tb.Fatalf("not one flat table: %v", err)
	}
	return records
}

func TestCSVIsOneFlatTableExcelOpens(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, firstHalf(t)...)
	r := f.mustBuild(t, london(2012, time.July, 1, 12, 0))
	actions := mustCSV(t, report.WriteCSV, r)
	measures := mustCSV(t, report.WriteMeasuresCSV, r)
	if len(actions) != 1+42 || len(measures) != 1+14 {
		t.Fatalf("%d action rows and %d measure rows; want a header and 42, a header and 14", len(actions), len(measures))
	}
	col := func(table [][]string, name string) int {
		for i, h := range table[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %q", name, table[0])
		return -1
	}
	pick := func(table [][]string, row []string, names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = row[col(table, n)]
		}
		return out
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"every row carries its priority's figures", pick(actions, actionRow(actions, "6.3"), "Plan", "As of", "Priority", "Priority title", "Priority actions", "Priority on target", "Priority on target %", "Priority target %", "Priority target result"),
			[]string{"Sevenoaks District CSP Action Plan 2012-13", "2012-07-01", "6", "Substance Misuse", "5", "2", "40", "85", "not met"}},
		{"a share rounded half up to a whole percent", pick(actions, actionRow(actions, "2.1"), "Priority on target", "Priority on target %"), []string{"2", "33"}},
		{"a moved deadline beside the plan's", pick(actions, actionRow(actions, "5.5"), "Ref", "Plan deadline", "Plan due date", "Current deadline", "Current due date", "Deadline moved", "Status", "Progress %", "RAG", "Why", "Latest note", "Note date"),
			[]string{"5.5", "December 2012", "2012-12-31", "March 2013", "2013-03-31", "yes", "Open", "0", "Amber", "behind schedule: 0% done with 25% of the time gone", "National campaign dates moved to the spring", "2012-06-05"}},
		{"a note Excel would take for a formula", pick(actions, actionRow(actions, "7.4"), "Progress %", "RAG", "Latest note"), []string{"80", "Red", "'+6 volunteers booked on training, agreed at the <Exec Group> meeting & minuted"}},
		{"a fall, as typed", pick(measures, measureRow(measures, "3", "1"), "Priority", "Measure", "Kind", "Target", "Target %", "Actual", "Value", "Figure as of", "Source", "Result"),
			[]string{"3", "1", "reduction", "2% reduction", "2", "fell 2.5%", "-2.5", "2012-05-31", "Kent Police figures to May", "met"}},
		{"a share worked out from the actions", pick(measures, measureRow(measures, "6", "1"), "Actual", "Value", "Figure as of", "Result"), []string{"40%", "40", "2012-07-01", "not met"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Join(tc.got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Errorf("got  %q\nwant %q", tc.got, tc.want)
			}
		})
	}
}

func measureRow(rows [][]string, priority, n string) []string {
	for _, r := range rows {
		if len(r) > 4 && r[2] == priority && r[4] == n {
			return r
		}
	}
	return nil
}

func actionRow(rows [][]string, ref string) []string {
	for _, r := range rows {
		if len(r) > 9 && r[9] == ref {
			return r
		}
	}
	return nil
}

// TestReportAsOfNamesTheLeadOfTheTime: 5.2 was led by Kent Police (training)
// and the CSU (promotion) when the board met on 1 July; in August a
// coordinator made the CSU its only lead and added KFRS as a partner. The
// paper as of 1 July, made in January, names the agencies of 1 July; one
// as of January names today's.
func TestReportAsOfNamesTheLeadOfTheTime(t *testing.T) {
	f := mustReportFixture(t)
	ctx := context.Background()
	f.clock.Set(london(2012, time.August, 6, 10, 0))
	if _, _, err := f.db.SetLead(ctx, f.plan.ID, "5.2", []actionbot.Party{{Agency: "CSU"}}, "UCOORD"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.AddPartners(ctx, f.plan.ID, "5.2", []actionbot.Party{{Agency: "KFRS"}}, "UCOORD"); err != nil {
		t.Fatal(err)
	}
	lead := func(at time.Time) string {
		t.Helper()
		r, err := report.Build(ctx, f.db, f.plan, report.Options{At: at, Produced: london(2013, time.January, 16, 9, 15)})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := report.WriteCSV(&b, r); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.Contains(line, ",5.2,Promote Speedwatch") {
				return line
			}
		}
		t.Fatalf("no row for 5.2 in:\n%s", b.String())
		return ""
	}
	july := lead(london(2012, time.July, 1, 12, 0))
	if !strings.Contains(july, "Kent Police – Training") || strings.Contains(july, "Kent Fire") {
		t.Errorf("as of 1 July 5.2 reads\n%s\nwant Kent Police as a lead and no KFRS", july)
	}
	jan := lead(london(2013, time.January, 16, 9, 0))
	if strings.Contains(jan, "Kent Police") || !strings.Contains(jan, "Kent Fire") {
		t.Errorf("as of January 5.2 reads\n%s\nwant the CSU alone as lead, KFRS a partner", jan)
	}
}

// TestReportAsOfLeavesOutActionsAddedSince: in August the partnership added
// 5.8 to its plan by re-importing it. The paper as of 1 July, made later,
// neither lists 5.8 nor counts it in priority 5; the paper as of January
// does. The plan's first import is never "added since", however late it was
// loaded: a database started today still papers 2012.
func TestReportAsOfLeavesOutActionsAddedSince(t *testing.T) {
	f := mustReportFixture(t)
	ctx := context.Background()
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	imp.Actions = append(imp.Actions, &actionbot.Action{Ref: "5.8", Priority: 5, Text: "Pilot average-speed cameras on the A25",
		Lead: []actionbot.Party{{Agency: "HIGHWAYS"}}, Deadline: mustDeadline(t, "March 2013")})
	f.clock.Set(london(2012, time.August, 6, 10, 0))
	if _, err := f.db.ImportPlan(ctx, imp); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{london(2012, time.July, 1, 12, 0), false},
		{london(2013, time.January, 16, 9, 0), true},
	} {
		r, err := report.Build(ctx, f.db, f.plan, report.Options{At: c.at, Produced: london(2013, time.January, 16, 9, 15)})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Priorities {
			if p.Priority.Number != 5 {
				continue
			}
			listed := false
			for _, a := range p.Actions {
				listed = listed || a.Ref == "5.8"
			}
			if listed != c.want || p.Total() != 7+map[bool]int{true: 1}[c.want] {
				t.Errorf("as of %s: 5.8 listed %v, priority 5 counts %d actions; want listed %v", c.at.Format("2 Jan 2006"), listed, p.Total(), c.want)
			}
		}
	}
}

func mustDeadline(tb testing.TB, s string) actionbot.Deadline {
	tb.Helper()
	d, err := actionbot.ParseDeadline(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

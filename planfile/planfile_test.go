package planfile_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

const header = "id,priority,priority_title,action,lead,partners,by_when,funding\n"

func mustDirectory(tb testing.TB) *actionbot.Directory {
	tb.Helper()
	as, err := planfile.Agencies()
	if err != nil {
		tb.Fatal(err)
	}
	return actionbot.NewDirectory(as)
}

func TestReadValidFile(t *testing.T) {
	in := header +
		"1.1,1,Anti-social behaviour,Reduce graffiti,CSU,Police;SDC (Parking),March 2016,Existing resources\n" +
		"1.2,1,Anti-social behaviour,\"Run four events, one per quarter\",Kent Police (Training),,On going,\n" +
		"2.1,2,Young people,Youth diversion,KCC,All Partners,30/06/2015,Grant\n"
	res, err := planfile.Read(strings.NewReader(in), mustDirectory(t), planfile.Options{Source: "t.csv"})
	if err != nil {
		t.Fatal(err)
	}
	imp := res.Import
	if imp.Period.String() != "2015-04-01..2016-03-31" || imp.Name != "t" {
		t.Fatalf("derived %q %s", imp.Name, imp.Period)
	}
	if len(res.Chose) != 2 {
		t.Fatalf("chose %v: want the period and the name explained", res.Chose)
	}
	if len(imp.Actions) != 3 || len(imp.Priorities) != 2 {
		t.Fatalf("%d actions, %d priorities", len(imp.Actions), len(imp.Priorities))
	}
	a := imp.Actions[0]
	if a.Ref != "1.1" || a.Lead[0].Agency != "CSU" || a.Partners[1] != (actionbot.Party{Agency: "SDC", Role: "Parking"}) {
		t.Fatalf("action %+v", a)
	}
	if a.Deadline.Due != actionbot.D(2016, 3, 31) || a.Original != a.Deadline {
		t.Fatalf("deadline %+v", a.Deadline)
	}
	if imp.Actions[1].Text != "Run four events, one per quarter" || !imp.Actions[1].Deadline.Ongoing {
		t.Fatalf("action 1.2 %+v", imp.Actions[1])
	}
	if len(res.Warnings) != 0 {
		t.Fatalf("warnings %v", res.Warnings)
	}
}

func TestReadWarnsOfDeadlinesBeforeThePlan(t *testing.T) {
	in := header +
		"5.2,5,Speeding,Promote Speedwatch,Police,DVLA,March 2012,Existing resources\n" +
		"5.3,5,Speeding,Op Zig Zag,KCC,,March 2013,\n"
	res, err := planfile.Read(strings.NewReader(in), mustDirectory(t), planfile.Options{Period: actionbot.Period{Start: actionbot.D(2012, 4, 1), End: actionbot.D(2013, 3, 31)}, Name: "Plan"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Line != 2 || res.Warnings[0].Column != "by_when" || !strings.Contains(res.Warnings[0].Message, "5.2") {
		t.Fatalf("warnings %v", res.Warnings)
	}
	if res.Import.Actions[0].Deadline.Written != "March 2012" || res.Import.Actions[0].Deadline.Due != actionbot.D(2012, 3, 31) {
		t.Fatalf("the early deadline must be kept as written: %+v", res.Import.Actions[0].Deadline)
	}
	if len(res.Chose) != 0 {
		t.Fatalf("chose %v though name and period were given", res.Chose)
	}
}

func TestReadReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // each a problem's text, line first
	}{
		{"empty file", "", []string{"the file is empty"}},
		{"wrong header", "id,text\n1.1,x\n", []string{"line 1: no header row"}},
		{"header only", header, []string{"no actions"}},
		{"id too long", header + "one two three four five,1,T,Text,CSU,,March 2013,\n", []string{`line 2, column id: "one two three four five" is too long for an action id`}},
		{"duplicate id", header + "1.1,1,T,A,CSU,,March 2013,\n1.1,1,T,B,CSU,,March 2013,\n", []string{"line 3, column id: action 1.1 appears twice, here and on line 2"}},
		{"unknown priority", header + "1.1,x,T,A,CSU,,March 2013,\n", []string{`line 2, column priority: "x" is not a priority number`}},
		{"priority mismatch", header + "1.1,2,T,A,CSU,,March 2013,\n", []string{"line 2, column priority: action 1.1 is numbered under priority 1 but this row says priority 2"}},
		{"title mismatch", header + "1.1,1,T,A,CSU,,March 2013,\n1.2,1,U,B,CSU,,March 2013,\n", []string{`line 3, column priority_title: priority 1 is titled "T" on line 2 but "U" here`}},
		{"empty action text", header + "1.1,1,T,  ,CSU,,March 2013,\n", []string{"line 2, column action: the action text is empty"}},
		{"agency twice", header + "1.1,1,T,A,CSU;Community Safety Unit,,March 2013,\n", []string{"line 2, column lead: Community Safety Unit is listed twice"}},
		{"short row", header + "1.1,1,T\n", []string{"line 2: has 3 cells; a row needs 8"}},
		{"bad quoting", header + "1.1,1,T,\"A,CSU,,March 2013,\n", []string{"not valid CSV"}},
		{"not utf-8", header + "1.1,1,T,Caf\xe9,CSU,,March 2013,\n", []string{"not UTF-8"}},
		{"no dated deadline", header + "1.1,1,T,A,CSU,,Ongoing,\n", []string{"cannot be worked out: give it with --period"}},
		{"several at once", header + "1.1,1,T,,CSU,,soon,\n1.1,1,T,B,CSU,,March 2013,\n", []string{"line 2, column action", "line 3, column id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(tc.in), mustDirectory(t), planfile.Options{})
			var inv *planfile.InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Read = %+v, %v; want *InvalidError", res, err)
			}
			if res != nil {
				t.Fatal("an invalid file must yield no plan")
			}
			if len(inv.Problems) != len(tc.want) {
				t.Fatalf("problems %v, want %d", inv.Problems, len(tc.want))
			}
			for i, w := range tc.want {
				if got := inv.Problems[i].String(); !strings.Contains(got, w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got, w)
				}
			}
		})
	}
}

func TestReadNewAgencyIsWarnedAndCreated(t *testing.T) {
	in := header + "1.1,1,T,A,National Trust,Neighbourhood Watch (Edenbridge),March 2013,\n"
	res, err := planfile.Read(strings.NewReader(in), mustDirectory(t), planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, a := range res.Import.Agencies {
		got = append(got, a.Code+"="+a.Name)
	}
	if strings.Join(got, ",") != "NATIONAL-TRUST=National Trust,NEIGHBOURHOOD-WATCH=Neighbourhood Watch" {
		t.Fatalf("new agencies %v", got)
	}
	if p := res.Import.Actions[0].Partners[0]; p.Role != "Edenbridge" {
		t.Fatalf("partner %+v", p)
	}
	if len(res.Warnings) != 2 {
		t.Fatalf("warnings %v", res.Warnings)
	}
}

func TestReadExcelFile(t *testing.T) {
	// Excel writes a byte order mark, CRLF line endings and quoted cells with
	// line breaks in them.
	in := "\xef\xbb\xbf" + strings.ReplaceAll(header, "\n", "\r\n") +
		"1.1,1,T,\"Two lines\r\nof text\",CSU,,\"March\r\n2013\",\r\n"
	res, err := planfile.Read(strings.NewReader(in), mustDirectory(t), planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Import.Actions[0]
	if a.Text != "Two lines of text" || a.Deadline.Written != "March 2013" {
		t.Fatalf("action %+v", a)
	}
}

func TestWriteThenReadRoundTrip(t *testing.T) {
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	var prios []*actionbot.Priority
	for i := range imp.Priorities {
		prios = append(prios, &imp.Priorities[i])
	}
	rate := func(*actionbot.Action) actionbot.RAG { return actionbot.RAGGreen }
	var first bytes.Buffer
	plan := &actionbot.Plan{Name: imp.Name, Period: imp.Period}
	if err := planfile.Write(&first, plan, prios, imp.Actions, rate, time.UTC); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(first.Bytes(), []byte("\xef\xbb\xbfid,priority,priority_title,action,lead,partners,by_when,funding,status,progress,rag,updated,current_by_when,notes,plan,period\r\n")) {
		t.Fatalf("header %q", first.String()[:120])
	}
	// No name or period given: the file's plan and period columns carry them.
	res, err := planfile.Read(bytes.NewReader(first.Bytes()), mustDirectory(t), planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := planfile.Write(&second, plan, prios, res.Import.Actions, rate, time.UTC); err != nil {
		t.Fatal(err)
	}
	if res.Import.Name != imp.Name || res.Import.Period != imp.Period {
		t.Fatalf("the round trip gave %q %s, want %q %s", res.Import.Name, res.Import.Period, imp.Name, imp.Period)
	}
	if first.String() != second.String() {
		t.Fatalf("round trip differs:\n%s\n---\n%s", first.String(), second.String())
	}
	if n := strings.Count(first.String(), "\r\n"); n != 43 {
		t.Fatalf("%d lines, want a header and 42 actions", n)
	}
}

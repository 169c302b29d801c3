package planfile_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// otherCounty is a plan as another partnership writes it: a title row, its
// own column names, priorities as section rows, its own ids, leads as comma
// lists and roles after an en dash, and a column the bot has no use for.
const otherCounty = "Northshire Community Safety Plan 2019-20,,,,,\n" +
	"Ref,Action,Lead Officer,Supported by,Timescale,Budget,Outcome\n" +
	"1. Hate crime,,,,,,\n" +
	"a),Run a reporting campaign,\"Police, Council\",Fire Service,Q2 2019/20,£2000,More reports\n" +
	"1b,Train third-party reporting centres,Prevent Officer – A. Person,\"Faith Forums\nVoluntary Action\",TBC,,\n" +
	"2. Road safety\n" + // a section row as one cell
	"2.1,Speedwatch in villages,Police and Fire Service,Parish Councils,Monthly to 2027,,\n" +
	"2.2,Review collision hot spots,Council,Police & Fire Service,Review April 2019. Report June 2019,,\n"

func TestReadAPlanAsAnotherPartnershipWritesIt(t *testing.T) {
	empty := actionbot.NewDirectory(nil)
	res, err := planfile.Read(strings.NewReader(otherCounty), empty, planfile.Options{Source: "plan.csv"})
	if err != nil {
		t.Fatal(err)
	}
	imp := res.Import
	if imp.Name != "Northshire Community Safety Plan 2019-20" || imp.Period.Label() != "2019-20" {
		t.Fatalf("plan %q %s: want the title row's name and the financial year most deadlines fall in", imp.Name, imp.Period)
	}
	if len(imp.Priorities) != 2 || imp.Priorities[0].Title != "Hate crime" || imp.Priorities[1].Title != "Road safety" {
		t.Fatalf("priorities %+v", imp.Priorities)
	}
	var codes []string
	for _, a := range imp.Agencies {
		codes = append(codes, a.Code+"="+a.Name)
	}
	want := "COUNCIL=Council,FAITH-FORUMS=Faith Forums,FIRE-SERVICE=Fire Service,PARISH-COUNCILS=Parish Councils,POLICE=Police,PREVENT-OFFICER=Prevent Officer,VOLUNTARY-ACTION=Voluntary Action"
	if got := strings.Join(codes, ","); got != want {
		t.Fatalf("agencies\n got %s\nwant %s", got, want)
	}
	byText := map[string]*actionbot.Action{}
	for _, a := range imp.Actions {
		byText[a.Text] = a
	}
	tests := []struct {
		text, ref, lead, partners string
		due                       actionbot.Date
		ongoing, needsDate        bool
		notes                     string
	}{
		{text: "Run a reporting campaign", ref: "a", lead: "POLICE;COUNCIL", partners: "FIRE-SERVICE", due: actionbot.D(2019, 9, 30),
			notes: "Outcome: More reports"},
		{text: "Train third-party reporting centres", ref: "1b", lead: "PREVENT-OFFICER (A. Person)", partners: "FAITH-FORUMS;VOLUNTARY-ACTION",
			needsDate: true},
		{text: "Speedwatch in villages", ref: "2.1", lead: "POLICE;FIRE-SERVICE", partners: "PARISH-COUNCILS", ongoing: true},
		{text: "Review collision hot spots", ref: "2.2", lead: "COUNCIL", partners: "POLICE;FIRE-SERVICE", due: actionbot.D(2019, 6, 30)},
	}
	for _, tc := range tests {
		a := byText[tc.text]
		if a == nil {
			t.Fatalf("no action %q", tc.text)
		}
		if a.Ref != tc.ref || planfile.PartiesCell(a.Lead) != tc.lead || planfile.PartiesCell(a.Partners) != tc.partners {
			t.Errorf("%q: ref %s lead %s partners %s, want %s %s %s", tc.text, a.Ref, planfile.PartiesCell(a.Lead), planfile.PartiesCell(a.Partners), tc.ref, tc.lead, tc.partners)
		}
		if a.Deadline.Due != tc.due || a.Deadline.Ongoing != tc.ongoing || a.Deadline.NeedsDate() != tc.needsDate {
			t.Errorf("%q: deadline %+v", tc.text, a.Deadline)
		}
		if a.Notes != tc.notes {
			t.Errorf("%q: notes %q, want %q", tc.text, a.Notes, tc.notes)
		}
	}
	if len(res.NeedsDate) != 1 || res.NeedsDate[0].Line != 5 || !strings.Contains(res.NeedsDate[0].String(), `"TBC"`) {
		t.Fatalf("needs a date %v: want the TBC cell with its line", res.NeedsDate)
	}
}

func TestReadWarnsInsteadOfRefusing(t *testing.T) {
	dir := actionbot.NewDirectory([]*actionbot.Agency{
		{Code: "CSU", Name: "Community Safety Unit"}, {Code: "POLICE", Name: "Kent Police"},
		{Code: "KCC", Name: "Kent County Council"}, {Code: "SDC", Name: "Sevenoaks District Council"},
	})
	tests := []struct {
		name, row string
		warn      string
	}{
		{"a near miss is suggested", "1.1,1,T,A,Kent Polise,,March 2013,\n", `"Kent Polise" is not a known agency but is close to POLICE`},
		{"a generic name that fits several says so", "1.1,1,T,A,Council,,March 2013,\n", `"Council" could be any of`},
		{"no lead is flagged", "1.1,1,T,A,,CSU,March 2013,\n", "no lead agency"},
		{"an empty id is numbered", ",1,T,A,CSU,,March 2013,\n", "the action id is empty"},
		{"two new names one letter apart are pointed out", "1.1,1,T,A,Parish Councils,Parish Council,March 2013,\n",
			`"Parish Council" is added as PARISH-COUNCIL, but is close to "Parish Councils" (PARISH-COUNCILS), also new in this plan`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(header+tc.row), dir, planfile.Options{})
			if err != nil {
				t.Fatalf("Read: %v; want a warning, not a refusal", err)
			}
			var all []string
			for _, w := range res.Warnings {
				all = append(all, w.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.warn) {
				t.Fatalf("warnings %q, want one containing %q", all, tc.warn)
			}
		})
	}
}

func TestAgencyMapSettlesAName(t *testing.T) {
	m, err := planfile.ParseAgencyMap([]string{"Council=SDC"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := planfile.Read(strings.NewReader(header+"1.1,1,T,A,Council,,March 2013,\n"), mustDirectory(t), planfile.Options{AgencyMap: m})
	if err != nil {
		t.Fatal(err)
	}
	if got := planfile.PartiesCell(res.Import.Actions[0].Lead); got != "SDC" || len(res.Import.Agencies) != 0 {
		t.Fatalf("lead %s, new agencies %v", got, res.Import.Agencies)
	}
}

func TestFormulaCellsAreNeutralisedAndRestored(t *testing.T) {
	texts := []string{"=HYPERLINK(\"http://x\")", "+44 1732", "-", "@SUM(A1)", "'=already quoted", "plain"}
	var actions []*actionbot.Action
	for i, tx := range texts {
		dl, _ := actionbot.ReadDeadline("March 2013")
		actions = append(actions, &actionbot.Action{Ref: "1." + string(rune('1'+i)), Priority: 1, Text: tx, Lead: []actionbot.Party{{Agency: "CSU"}}, Deadline: dl, Original: dl, Status: actionbot.StatusOpen})
	}
	plan := &actionbot.Plan{Name: "P", Period: actionbot.D(2012, 4, 1).FinancialYear()}
	prios := []*actionbot.Priority{{Number: 1, Title: "T"}}
	rate := func(*actionbot.Action) actionbot.RAG { return actionbot.RAGGreen }
	var first bytes.Buffer
	if err := planfile.Write(&first, plan, prios, actions, rate, time.UTC); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(first.String(), "\r\n")[1:] {
		if line != "" && strings.ContainsAny(line[strings.Index(line, ",T,")+3:][:1], "=+-@") {
			t.Fatalf("a formula reaches the spreadsheet: %s", line)
		}
	}
	res, err := planfile.Read(bytes.NewReader(first.Bytes()), mustDirectory(t), planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range res.Import.Actions {
		if a.Text != texts[i] {
			t.Errorf("action %d text %q, want %q back", i, a.Text, texts[i])
		}
	}
	var second bytes.Buffer
	if err := planfile.Write(&second, plan, prios, res.Import.Actions, rate, time.UTC); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Fatalf("export, import, export differs:\n%s\n---\n%s", first.String(), second.String())
	}
}

func TestReadStopsAtMaxSize(t *testing.T) {
	big := strings.NewReader(header + strings.Repeat("x", 2000))
	_, err := planfile.Read(big, mustDirectory(t), planfile.Options{MaxSize: 1000})
	if _, ok := err.(*planfile.TooLargeError); !ok {
		t.Fatalf("Read = %v, want *TooLargeError", err)
	}
}

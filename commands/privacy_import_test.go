package commands_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// A spreadsheet column can carry what no officer would type into Slack: a
// victim's date of birth, a phone number, a National Insurance number. The
// importer meets every cell with the guard typed notes meet.
const planWithPersonalData = "Ref,Action,Lead,Timescale,Victim details,Funding\n" +
	"1a,Support repeat victims of ASB,Council,March 2020,DOB 01/02/1990 tel 07700 900123,£2000\n" +
	"1b,Call Mrs Jones at 12 Acacia Avenue about the hedge,Council,June 2019,,\n" +
	"1c,Promote the reporting app,Police,June 2019,,QQ 12 34 56 C\n"

func TestImportLeavesOutEveryCellThatHoldsPersonalData(t *testing.T) {
	res, err := planfile.Read(strings.NewReader(planWithPersonalData), actionbot.NewDirectory(nil),
		planfile.Options{Name: "Westshire 2019-20", Guard: commands.PersonalDataIn})
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]*actionbot.Action{}
	for _, a := range res.Import.Actions {
		byRef[a.Ref] = a
	}
	if a := byRef["1a"]; a == nil || strings.Contains(a.Notes, "1990") || strings.Contains(a.Notes, "07700") || a.Funding != "£2000" {
		t.Fatalf("1a: %+v: want the victim's details left out and the rest kept", a)
	}
	if a := byRef["1b"]; a == nil || strings.Contains(a.Text, "Jones") || strings.Contains(a.Text, "Acacia") || a.Review == "" {
		t.Fatalf("1b: %+v: want its text replaced, saying why, and flagged for review", a)
	}
	if a := byRef["1c"]; a == nil || a.Funding != "" || a.Text != "Promote the reporting app" {
		t.Fatalf("1c: %+v: want the NI number left out", a)
	}
	var said []string
	for _, w := range res.Warnings {
		said = append(said, w.String())
	}
	for _, want := range []string{"line 2, column Victim details: the cell seems to hold", "line 3, column Action:", "line 4, column Funding:"} {
		if !strings.Contains(strings.Join(said, "\n"), want) {
			t.Errorf("warnings lack %q:\n%s", want, strings.Join(said, "\n"))
		}
	}
	for _, w := range said {
		if strings.Contains(w, "07700") || strings.Contains(w, "Jones") || strings.Contains(w, "1990") {
			t.Errorf("the report repeats the personal data: %s", w)
		}
	}
}

func TestStrictImportRefusesAFileThatHoldsPersonalData(t *testing.T) {
	_, err := planfile.Read(strings.NewReader(planWithPersonalData), actionbot.NewDirectory(nil),
		planfile.Options{Name: "Westshire 2019-20", Guard: commands.PersonalDataIn, Strict: true})
	var inv *planfile.InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 3 {
		t.Fatalf("err %v: want the three cells listed and nothing imported", err)
	}
}

func TestTheShippedPlanPassesTheImportGuard(t *testing.T) {
	dir := actionbot.NewDirectory(nil)
	if as, err := planfile.Agencies(); err == nil {
		dir = actionbot.NewDirectory(as)
	}
	res, err := planfile.Read(bytes.NewReader(planfile.SevenoaksCSV()), dir, planfile.Options{Guard: commands.PersonalDataIn, Strict: true})
	if err != nil {
		t.Fatalf("the shipped plan trips the guard: %v", err)
	}
	if len(res.Import.Actions) < 40 {
		t.Fatalf("%d actions", len(res.Import.Actions))
	}
}

// The state columns (status, progress, commentary) and a plan's own extra
// columns meet the same guard as the action's text: what officers type
// into a spreadsheet's update column is what they type into Slack.
const planWithTypedPersonalData = "Ref,Action,Lead,Timescale,Status,Progress update,Comments,Contact\n" +
	"2a,Reduce shed burglaries,Council,March 2020,Blocked - waiting for mrs jones at no 12,40%,,\n" +
	"2b,Promote Speedwatch,Police,June 2019,On track,spoke to wojciech nowak re his van KX12 ABC,,\n" +
	"2c,Youth diversion,Council,June 2019,,,the lad from flat 3b (aged 15),\n" +
	"2d,Repeat victims of DA,Council,June 2019,,,,nhs no 943 476 5919\n" +
	"2e,Speedwatch on the A25 at Riverhead,Police,June 2019,On track,A21 by Pembury site agreed,Mr Men road safety books,\n"

func TestImportKeepsOutTypedPersonalDataFromEveryColumn(t *testing.T) {
	res, err := planfile.Read(strings.NewReader(planWithTypedPersonalData), actionbot.NewDirectory(nil),
		planfile.Options{Name: "Westshire 2019-20", Guard: commands.PersonalDataIn})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%+v", res.Import.Actions)
	for _, a := range res.Import.Actions {
		got += fmt.Sprintf("%+v %+v", *a, a.Imported)
		if a.Imported != nil {
			got += fmt.Sprintf("%+v", *a.Imported)
		}
	}
	secrets := []string{"jones", "nowak", "KX12", "flat 3b", "5919"}
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("%q was imported: %s", s, got)
		}
	}
	for _, keep := range []string{"A21 by Pembury site agreed", "Mr Men road safety books", "Speedwatch on the A25 at Riverhead"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%q, harmless, was left out", keep)
		}
	}
	var said []string
	for _, w := range res.Warnings {
		said = append(said, w.String())
	}
	report := strings.Join(said, "\n")
	for _, want := range []string{
		"line 2, column Status: the cell seems to hold a person's name",
		"line 3, column Progress update: the cell seems to hold",
		"line 4, column Comments: the cell seems to hold",
		"line 5, column Contact: the cell seems to hold an NHS number",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the import report lacks %q:\n%s", want, report)
		}
	}
	for _, s := range secrets {
		if strings.Contains(report, s) {
			t.Errorf("the import report repeats %q:\n%s", s, report)
		}
	}
}

package commands_test

import (
	"bytes"
	"errors"
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

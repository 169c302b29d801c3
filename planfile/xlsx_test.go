package planfile_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// synonymPlan uses each header synonym the reader knows for the main columns.
var synonymPlan = [][]string{
	{"Hate Crime Delivery Plan 2023-24"},
	{"Ref", "Priority", "Theme", "Action", "By whom", "Supported by", "Target date", "Budget cost", "Comments"},
	{"1.1", "1", "Reporting", "Promote third-party reporting", "Council – Community Safety", "Police; Victim Support", "Q2 2023/24", "£500", "Start with libraries"},
	{"1.2", "1", "Reporting", "Publish the hate crime figures", "Police", "", "Annual", "", ""},
	{"2.1", "2", "Education", "Schools workshops", "Youth Service\nPolice", "Schools", "Summer 2023", "Existing resources", ""},
	{"2.2", "2", "Education", "Faith leaders' forum", "Faith Forum", "Council and Police", "TBC", "", ""},
}

func mustXLSX(tb testing.TB, sheet string, rows [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			tb.Fatal(err)
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			tb.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func mustCSV(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestAnXLSXPlanImportsAsItsCSVTwin(t *testing.T) {
	empty := actionbot.NewDirectory(nil)
	fromCSV, err := planfile.ReadFile(bytes.NewReader(mustCSV(t, synonymPlan)), "", empty, planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromXLSX, err := planfile.ReadFile(bytes.NewReader(mustXLSX(t, "Plan", synonymPlan)), "", empty, planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, x := fromCSV.Import, fromXLSX.Import
	if x.Name != "Hate Crime Delivery Plan 2023-24" || x.Name != c.Name || x.Period != c.Period {
		t.Fatalf("xlsx plan %q %s, csv plan %q %s", x.Name, x.Period, c.Name, c.Period)
	}
	if len(x.Actions) != 4 || !reflect.DeepEqual(x.Actions, c.Actions) {
		t.Fatalf("xlsx actions differ from csv:\n%+v\n%+v", x.Actions, c.Actions)
	}
	if !reflect.DeepEqual(x.Agencies, c.Agencies) || !reflect.DeepEqual(x.Priorities, c.Priorities) {
		t.Fatalf("agencies or priorities differ:\n%v %v\n%v %v", x.Agencies, x.Priorities, c.Agencies, c.Priorities)
	}
	first := x.Actions[0]
	if planfile.PartiesCell(first.Lead) != "COUNCIL (Community Safety)" || planfile.PartiesCell(first.Partners) != "POLICE;VICTIM-SUPPORT" ||
		first.Deadline.Due != actionbot.D(2023, 9, 30) || first.Funding != "£500" || first.Notes != "Start with libraries" {
		t.Fatalf("first action %+v", first)
	}
	if !x.Actions[1].Deadline.Ongoing || x.Actions[1].Deadline.Cadence() != actionbot.CadenceAnnual || !x.Actions[3].Deadline.NeedsDate() {
		t.Fatalf("deadlines %+v %+v", x.Actions[1].Deadline, x.Actions[3].Deadline)
	}
	if planfile.PartiesCell(x.Actions[2].Lead) != "YOUTH-SERVICE;POLICE" || planfile.PartiesCell(x.Actions[3].Partners) != "COUNCIL;POLICE" {
		t.Fatalf("leads %s, partners %s", planfile.PartiesCell(x.Actions[2].Lead), planfile.PartiesCell(x.Actions[3].Partners))
	}
}

func TestXLSXDateCellsAreReadAsDates(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{
		{"Action", "Lead", "Target date"},
		{"Publish the figures", "Police", time.Date(2015, time.March, 31, 0, 0, 0, 0, time.UTC)},
		{"Train the staff", "Police", "Q1 2014/15"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	res, err := planfile.ReadFile(&b, "", actionbot.NewDirectory(nil), planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Import.Actions[0].Deadline
	if got.Due != actionbot.D(2015, 3, 31) || got.Written != "31 March 2015" {
		t.Fatalf("a date cell reads as %+v", got)
	}
	if res.Import.Actions[1].Deadline.Due != actionbot.D(2014, 6, 30) {
		t.Fatalf("a text cell reads as %+v", res.Import.Actions[1].Deadline)
	}
}

func TestXLSXSheetIsChosenByName(t *testing.T) {
	data := mustXLSX(t, "Plan", synonymPlan)
	empty := actionbot.NewDirectory(nil)
	if _, err := planfile.ReadFile(bytes.NewReader(data), "Plan", empty, planfile.Options{}); err != nil {
		t.Fatal(err)
	}
	_, err := planfile.ReadFile(bytes.NewReader(data), "Actions", empty, planfile.Options{})
	if err == nil || !strings.Contains(err.Error(), `no sheet "Actions"; it has "Plan"`) {
		t.Fatalf("err = %v", err)
	}
}

// An empty sheet, or one whose XML cannot be read (excelize then returns
// no rows), is named with what to do; never called an empty file.
func TestXLSXSheetWithNoReadableRowsSaysWhatToDo(t *testing.T) {
	empty := actionbot.NewDirectory(nil)
	blank := mustXLSX(t, "Plan", nil)
	// The same workbook with its sheet's XML broken.
	broken := mustReplaceSheet(t, blank, func(zw *zip.Writer, name string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"") // cut off
	})
	for name, data := range map[string][]byte{"empty": blank, "broken": broken} {
		_, err := planfile.ReadFile(bytes.NewReader(data), "", empty, planfile.Options{})
		var inv *planfile.InvalidError
		if !errors.As(err, &inv) || !strings.Contains(err.Error(), `the sheet "Plan" has no rows I can read`) || strings.Contains(err.Error(), "the file is empty") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// A workbook that unpacks to far more than any plan (a "zip bomb": a 1 MB
// file of 400 MB) is refused from the sizes it declares, before anything
// is unpacked.
func TestXLSXThatUnpacksToMoreThanAnyPlanIsRefused(t *testing.T) {
	bomb := mustReplaceSheet(t, mustXLSX(t, "Plan", nil), func(zw *zip.Writer, name string) {
		// Declared as 400 MB; its few bytes are never unpacked.
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, UncompressedSize64: 400 << 20, CompressedSize64: 2})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{3, 0})
	})
	_, err := planfile.ReadFile(bytes.NewReader(bomb), "", actionbot.NewDirectory(nil), planfile.Options{})
	var big *planfile.TooLargeError
	if !errors.As(err, &big) || !strings.Contains(err.Error(), "the workbook unpacks to more than 64 MB") {
		t.Fatalf("err = %v, want the workbook refused as too large unpacked", err)
	}
}

// mustReplaceSheet copies a workbook, writing its first sheet with write
// instead.
func mustReplaceSheet(tb testing.TB, workbook []byte, write func(zw *zip.Writer, name string)) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			write(zw, f.Name)
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			tb.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

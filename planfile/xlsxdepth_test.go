package planfile_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// A workbook whose XML nests elements far deeper than any spreadsheet does
// is refused quickly, before excelize parses it: a 56 KB file of nested
// tags took 9.9 s and 1.48 GB (issue 24, item 7). A real workbook's XML is
// a few levels deep.
func TestXLSXWithDeeplyNestedXMLIsRefusedQuickly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		depth int
	}{
		{"nested 100,000 deep", 100000},
		{"nested 65 deep", 65},
	} {
		t.Run(tc.name, func(t *testing.T) {
			deep := mustReplaceSheet(t, mustXLSX(t, "Plan", nil), func(zw *zip.Writer, name string) {
				w, err := zw.Create(name)
				if err != nil {
					t.Fatal(err)
				}
				io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
					`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Action</t></is></c></row></sheetData><extLst>`+
					strings.Repeat("<ext>", tc.depth)+strings.Repeat("</ext>", tc.depth)+`</extLst></worksheet>`)
			})
			start := time.Now()
			_, err := planfile.ReadFile(bytes.NewReader(deep), "", actionbot.NewDirectory(nil), planfile.Options{})
			took := time.Since(start)
			var inv *planfile.InvalidError
			if !errors.As(err, &inv) || !strings.Contains(err.Error(), "nested") {
				t.Fatalf("err = %v, want the workbook refused for its nesting", err)
			}
			if took > 2*time.Second {
				t.Errorf("took %v to refuse", took)
			}
		})
	}
}

// A real workbook, nested as Excel nests, is read as before.
func TestXLSXNestingLimitLeavesRealWorkbooksAlone(t *testing.T) {
	wb := mustXLSX(t, "Plan", [][]string{{"Action", "Lead"}, {"Promote Speedwatch", "CSU"}})
	_, err := planfile.ReadFile(bytes.NewReader(wb), "", actionbot.NewDirectory(nil), planfile.Options{})
	if err != nil && strings.Contains(err.Error(), "nested") {
		t.Fatalf("a plain workbook refused for nesting: %v", err)
	}
}

// Reading a workbook is cut off at Options.XLSXTimeout (DefaultXLSXTimeout
// when 0): a workbook that takes longer is refused, saying so, rather than
// holding the import (issue 24, item 7).
func TestXLSXThatTakesTooLongToReadIsRefused(t *testing.T) {
	wb := mustXLSX(t, "Plan", [][]string{{"Action", "Lead"}, {"Promote Speedwatch", "CSU"}})
	_, err := planfile.ReadFile(bytes.NewReader(wb), "", actionbot.NewDirectory(nil), planfile.Options{XLSXTimeout: time.Nanosecond})
	var inv *planfile.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "took longer than") {
		t.Fatalf("err = %v, want the workbook refused for the time it takes", err)
	}
	if planfile.DefaultXLSXTimeout <= 0 || planfile.DefaultXLSXTimeout > time.Minute {
		t.Errorf("DefaultXLSXTimeout = %v", planfile.DefaultXLSXTimeout)
	}
}

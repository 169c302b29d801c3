package planfile

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sevenoaks-csp/actionbot"
)

// IsXLSX reports whether data is an Excel workbook (a zip file) rather than
// CSV text.
func IsXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// ReadFile reads a plan from CSV or an Excel workbook, whichever data is.
func ReadFile(r io.Reader, sheet string, dir *actionbot.Directory, opt Options) (*Result, error) {
	data, err := readAll(r, opt.MaxSize)
	if err != nil {
		return nil, err
	}
	if IsXLSX(data) {
		return readXLSXData(data, sheet, dir, opt)
	}
	if sheet != "" {
		return nil, &InvalidError{[]Problem{{Message: "--sheet is for Excel workbooks; this file is CSV text"}}}
	}
	return Read(bytes.NewReader(data), dir, opt)
}

// maxUnzipped is the most a workbook may unpack to, whatever its packed
// size: a plan of 10,000 actions unpacks to about 10 MB, and a 1 MB
// "zip bomb" to 400 MB took 2 GB of memory and a minute to refuse.
const maxUnzipped = 64 << 20

// maxXMLDepth is the deepest a workbook's XML may nest elements: Excel's
// own are a dozen levels deep at most. A 56 KB file of nested tags took
// excelize 9.9 s and 1.48 GB.
const maxXMLDepth = 64

// errTooDeep stops the scan of a part at the first element past maxXMLDepth.
var errTooDeep = errors.New("nested too deep")

// checkXMLDepth reads every XML part of the workbook as tokens, in time
// and memory linear in its size, and refuses it when elements nest deeper
// than maxXMLDepth. A part that is not well-formed is left to excelize.
func checkXMLDepth(zr *zip.Reader) error {
	for _, zf := range zr.File {
		name := strings.ToLower(zf.Name)
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") && !strings.HasSuffix(name, ".vml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			continue // excelize says what is wrong with it
		}
		err = xmlDepthWithin(rc, maxXMLDepth)
		rc.Close()
		if errors.Is(err, errTooDeep) {
			return &InvalidError{[]Problem{{Message: fmt.Sprintf(
				"the workbook's part %s has elements nested more than %d deep, which no spreadsheet has: it is damaged or not a plan. Open it in Excel and save it again, or save it as CSV UTF-8",
				actionbot.Clip(zf.Name, 80), maxXMLDepth)}}}
		}
	}
	return nil
}

func xmlDepthWithin(r io.Reader, max int) error {
	d := xml.NewDecoder(r)
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > max {
				return errTooDeep
			}
		case xml.EndElement:
			depth--
		}
	}
}

func readXLSXData(data []byte, sheet string, dir *actionbot.Directory, opt Options) (*Result, error) {
	limit := max(int64(maxUnzipped), opt.MaxSize)
	// The sizes a zip declares bound what it unpacks to: Go's reader fails
	// a part that unpacks to more than it declared.
	if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		var total uint64
		for _, zf := range zr.File {
			total += zf.UncompressedSize64
		}
		if total > uint64(limit) {
			return nil, &TooLargeError{Max: limit, Unpacked: true}
		}
		if err := checkXMLDepth(zr); err != nil {
			return nil, err
		}
	}
	// excelize cannot be stopped: past the timeout the import is refused
	// and the read, bounded by the size and depth checks above, finishes
	// on its own.
	timeout := opt.XLSXTimeout
	if timeout <= 0 {
		timeout = DefaultXLSXTimeout
	}
	type result struct {
		rows []Row
		err  error
	}
	done := make(chan result, 1)
	took := actionbot.Stopwatch()
	go func() {
		rows, err := xlsxRows(data, sheet, limit)
		done <- result{rows, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	tooLong := &InvalidError{[]Problem{{Message: fmt.Sprintf("the workbook took longer than %s to read, far more than any plan: check it is the right file, or save the plan as CSV UTF-8", timeout)}}}
	select {
	case r := <-done:
		// A read that ended as the timer fired is judged by the time it
		// took, not by which of the two the select happened to take.
		if took() > timeout {
			return nil, tooLong
		}
		if r.err != nil {
			return nil, r.err
		}
		return ReadRows(r.rows, nil, dir, opt, false)
	case <-t.C:
		return nil, tooLong
	}
}

// DefaultXLSXTimeout is how long a workbook may take to read: a plan of
// 10,000 actions takes under a second.
const DefaultXLSXTimeout = 30 * time.Second

// xlsxRows reads a workbook's sheet (the first when sheet is "") as rows,
// with the export's Agencies sheet after them.
func xlsxRows(data []byte, sheet string, limit int64) ([]Row, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, 16<<20)})
	if err != nil {
		return nil, &InvalidError{[]Problem{{Message: "the file is not an Excel workbook I can read (" + err.Error() + "): save it as .xlsx or as CSV UTF-8"}}}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &InvalidError{[]Problem{{Message: "the workbook has no sheets"}}}
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		return nil, &InvalidError{[]Problem{{Message: fmt.Sprintf("the workbook has no sheet %q; it has %s", sheet, strings.Join(quoteAll(sheets), ", "))}}}
	}
	cells, err := f.GetRows(sheet)
	if err != nil {
		return nil, fmt.Errorf("read sheet %q: %w", sheet, err)
	}
	if len(cells) == 0 {
		// An empty sheet, or one whose XML excelize could not read (it
		// then returns no rows rather than an error).
		return nil, &InvalidError{[]Problem{{Message: fmt.Sprintf("the sheet %q has no rows I can read: it is empty, or the workbook is damaged. Open it in Excel and save it again, or save it as CSV UTF-8; it needs %s, and one row per action", sheet, neededHeader())}}}
	}
	raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read sheet %q: %w", sheet, err)
	}
	rows := make([]Row, 0, len(cells))
	for i, c := range cells {
		for j := range c {
			if i < len(raw) && j < len(raw[i]) {
				c[j] = excelDate(c[j], raw[i][j])
			}
		}
		rows = append(rows, Row{Line: i + 1, Cells: c})
	}
	rows = append(rows, agencySheet(f, sheet)...)
	return rows, nil
}

// agencySheet returns an export's Agencies sheet as the agencies section
// that follows the actions in CSV (its title row, then the sheet's rows),
// for ReadRows to cut off; nothing when the workbook has no such sheet, or
// it is the sheet being read.
func agencySheet(f *excelize.File, reading string) []Row {
	if strings.EqualFold(reading, agenciesTitle) {
		return nil
	}
	for _, name := range f.GetSheetList() {
		if !strings.EqualFold(name, agenciesTitle) {
			continue
		}
		cells, err := f.GetRows(name)
		if err != nil || len(cells) == 0 || len(cells[0]) < 2 || squash(cells[0][0]) != "code" || squash(cells[0][1]) != "name" {
			return nil
		}
		rows := []Row{{Line: 0, Cells: []string{agenciesTitle}}}
		for i, c := range cells {
			rows = append(rows, Row{Line: i + 1, Cells: c})
		}
		return rows
	}
	return nil
}

// WriteExportXLSX writes the plan as an Excel workbook: an Actions sheet
// with the table WriteExport writes, and an Agencies sheet
// (code,name,aliases). Cells hold text, as the CSV does, but for the
// priority and progress, which are numbers.
func WriteExportXLSX(w io.Writer, ex *Export) error {
	actions, agencies := ex.table()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), "Actions"); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	numeric := map[int]bool{1: true, 9: true} // priority, progress
	if err := writeSheet(f, "Actions", actions, numeric, bold); err != nil {
		return err
	}
	if len(agencies) > 0 {
		if _, err := f.NewSheet(agenciesTitle); err != nil {
			return fmt.Errorf("write workbook: %w", err)
		}
		if err := writeSheet(f, agenciesTitle, agencies[1:], nil, bold); err != nil {
			return err
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// writeSheet writes rows to a sheet, the first in bold; the columns in
// numeric hold numbers below the header.
func writeSheet(f *excelize.File, sheet string, rows [][]string, numeric map[int]bool, header int) error {
	for i, rec := range rows {
		vals := make([]any, len(rec))
		for j, v := range rec {
			vals[j] = v
			if n, err := strconv.Atoi(v); err == nil && i > 0 && numeric[j] {
				vals[j] = n
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return fmt.Errorf("write sheet %s: %w", sheet, err)
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return fmt.Errorf("write sheet %s, row %d: %w", sheet, i+1, err)
		}
	}
	if len(rows) > 0 {
		end, err := excelize.CoordinatesToCellName(len(rows[0]), 1)
		if err != nil {
			return fmt.Errorf("write sheet %s: %w", sheet, err)
		}
		if err := f.SetCellStyle(sheet, "A1", end, header); err != nil {
			return fmt.Errorf("write sheet %s: %w", sheet, err)
		}
	}
	return nil
}

// excelDate turns a cell Excel shows as a date (its value a day number, its
// text in a date format such as 03-31-15 or 31/03/2015) into the date
// written out, "31 March 2015", which reads the same in any locale.
func excelDate(shown, raw string) string {
	if shown == raw || !strings.ContainsAny(shown, "/-. ") {
		return shown
	}
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil || serial < 36526 || serial > 73051 { // 2000 to 2100
		return shown
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return shown
	}
	return t.Format("2 January 2006")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

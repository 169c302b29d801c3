package planfile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sevenoaks-csp/actionbot"
)

// IsXLSX reports whether data is an Excel workbook (a zip file) rather than
// CSV text.
func IsXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// ReadXLSX reads a plan from an Excel workbook: the first sheet, or the one
// named. Rows are numbered as Excel numbers them.
func ReadXLSX(r io.Reader, sheet string, dir *actionbot.Directory, opt Options) (*Result, error) {
	data, err := readAll(r, opt.MaxSize)
	if err != nil {
		return nil, err
	}
	return readXLSXData(data, sheet, dir, opt)
}

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
	}
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
		return nil, &InvalidError{[]Problem{{Message: fmt.Sprintf("the sheet %q has no rows I can read: it is empty, or the workbook is damaged. Open it in Excel and save it again, or save it as CSV UTF-8; it needs a header row (%s) and one row per action", sheet, strings.Join(Columns, ","))}}}
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
	return ReadRows(rows, nil, dir, opt, false)
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

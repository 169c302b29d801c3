package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// The format given wins; else the output file's extension; else Markdown.
// An unknown format is the command line's mistake.
func TestFormatIsGivenOrFromTheFilesExtension(t *testing.T) {
	for _, tc := range []struct{ format, out, want string }{
		{"", "", "md"}, {"", "q2.CSV", "csv"}, {"", "q2.htm", "html"}, {"", "board.pdf", "pdf"}, {"", "notes.txt", "md"},
		{"Markdown", "x.csv", "md"}, {"htm", "", "html"}, {"pdf", "", "pdf"},
	} {
		if got, err := report.Format(tc.format, tc.out); err != nil || got != tc.want {
			t.Errorf("Format(%q, %q) = %q, %v; want %q", tc.format, tc.out, got, err, tc.want)
		}
	}
	_, err := report.Format("docx", "")
	if actionbot.ErrorCode(err) != actionbot.EUSAGE || actionbot.ErrorMessage(err) != `unknown report format "docx": use md, csv, html or pdf` {
		t.Errorf("Format(docx): %v", err)
	}
}

func TestReadCoverCleansTheFlagsAndRefusesWhatIsNotANote(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.md")
	if err := os.WriteFile(notes, []byte("\ufeff  Note the \x1b[2Jfigures.\n\n- one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cv, err := report.ReadCover("  CSP Board,\t17 Jan 2013 ", "Community\nSafety Manager", notes)
	if err != nil || cv.Meeting != "CSP Board, 17 Jan 2013" || cv.Author != "Community Safety Manager" || !strings.HasPrefix(cv.Recommendations, "Note the ") || strings.Contains(cv.Recommendations, "\x1b") {
		t.Errorf("ReadCover = %+v, %v", cv, err)
	}
	latin1 := filepath.Join(dir, "latin1.txt")
	os.WriteFile(latin1, []byte("caf\xe9"), 0o600)
	big := filepath.Join(dir, "big.txt")
	os.WriteFile(big, []byte(strings.Repeat("x", 65<<10)), 0o600)
	for _, f := range []string{latin1, big} {
		if _, err := report.ReadCover("", "", f); actionbot.ErrorCode(err) != actionbot.EUSAGE {
			t.Errorf("ReadCover(%s): %v, want a usage error", f, err)
		}
	}
	if _, err := report.ReadCover("", "", filepath.Join(dir, "missing")); err == nil || actionbot.ErrorCode(err) == actionbot.EUSAGE {
		t.Errorf("a missing file: %v, want an error that is not the usage's", err)
	}
}

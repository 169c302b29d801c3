package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The board paper of issue 26 from the command line: the cover's flags,
// the recommendations file shown as written, and the PDF printed by
// Chromium.
func TestReportQuarterPaperWithCoverAsPDF(t *testing.T) {
	c := newReportCLI(t)
	c.mustUpdate(t)
	notes := filepath.Join(c.dir, "notes.md")
	if err := os.WriteFile(notes, []byte("The board is asked to:\n\n- note the paper;\n- agree <new> dates & owners.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cover := []string{"report", "--quarter", "2012-Q3", "--meeting", "CSP Board, 17 Jan 2013", "--author", "Community Safety Manager", "--recommendations", notes}

	html := filepath.Join(c.dir, "paper.html")
	if code, _, errs := c.run(t, nil, append(cover, "-o", html)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CSP Board, 17 Jan 2013", "Community Safety Manager", "<li>agree &lt;new&gt; dates &amp; owners.</li>", "Exceptions for the board"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the HTML paper lacks %q", want)
		}
	}
	if code, _, errs := c.run(t, nil, "report", "--quarter", "2012-Q3", "--recommendations", filepath.Join(c.dir, "missing.md")); code == 0 || !strings.Contains(errs, "read the recommendations") {
		t.Errorf("a missing notes file: exit %d, %s", code, errs)
	}

	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (CI=true: this check may not be skipped): apt-get install chromium")
		}
		t.Skip("chromium is not installed: apt-get install chromium")
	}
	pdf := filepath.Join(c.dir, "paper.pdf")
	code, _, errs := c.run(t, nil, append(cover, "--format", "pdf", "-o", pdf)...)
	if code != 0 || !strings.Contains(errs, "printed by Chromium") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err = os.ReadFile(pdf)
	if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("%s is not a PDF (%v)", pdf, err)
	}
	if info, err := exec.Command("pdfinfo", pdf).Output(); err == nil {
		m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
		if n, _ := strconv.Atoi(string(m[1])); m == nil || n > 10 {
			t.Errorf("the paper is %s pages; the board wants at most 10", m[1])
		}
	}
}

// Without Chromium, --format pdf is refused before anything is read,
// naming the Debian package.
func TestReportPDFWithoutChromiumNamesThePackage(t *testing.T) {
	c := newReportCLI(t)
	t.Setenv("PATH", t.TempDir())
	code, _, errs := c.run(t, nil, "report", "--quarter", "2012-Q3", "-o", filepath.Join(c.dir, "paper.pdf"))
	if code == 0 || !strings.Contains(errs, "apt-get install chromium") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "paper.pdf")); err == nil {
		t.Error("a paper was written")
	}
}

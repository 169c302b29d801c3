package report_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// updateDocs rewrites docs/board-report-page1.png from the printed PDF:
// go test ./report -run TestBoardReportPrints -update-docs
var updateDocs = flag.Bool("update-docs", false, "write page 1 of the printed board report to docs/board-report-page1.png")

// mustTool finds a program the print test needs. Where it is missing the
// test is skipped with a message saying how to install it, except in CI
// (CI=true), where it fails: the check must never pass unseen there.
func mustTool(tb testing.TB, name, pkg string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " is not installed, so the board report cannot be printed in a real browser: apt-get install " + pkg
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg + " (CI=true: this check may not be skipped)")
	}
	tb.Skip(msg)
	return ""
}

// mustRun runs a program, failing the test with its output on error.
func mustRun(tb testing.TB, ctx context.Context, name string, args ...string) string {
	tb.Helper()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// printed is the shipped plan's board report printed to PDF by Chromium.
type printed struct {
	pdf   string
	info  string   // pdfinfo
	pages []string // pdftotext -layout, page by page
}

func mustPrint(tb testing.TB, r *report.Report) *printed {
	tb.Helper()
	chromium := mustTool(tb, "chromium", "chromium")
	pdfinfo := mustTool(tb, "pdfinfo", "poppler-utils")
	pdftotext := mustTool(tb, "pdftotext", "poppler-utils")
	dir := tb.TempDir()
	page := filepath.Join(dir, "board.html")
	f, err := os.Create(page)
	if err != nil {
		tb.Fatal(err)
	}
	if err := report.WriteHTML(f, r); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	// Printed as "report --format pdf" prints it.
	html, err := os.ReadFile(page)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b, err := (&report.Printer{Browser: chromium}).Print(ctx, html)
	if err != nil {
		tb.Fatal(err)
	}
	pdf := filepath.Join(dir, "board.pdf")
	if err := os.WriteFile(pdf, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	p := &printed{pdf: pdf, info: mustRun(tb, ctx, pdfinfo, pdf)}
	text := mustRun(tb, ctx, pdftotext, "-layout", pdf, "-")
	p.pages = strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	return p
}

var (
	reA4    = regexp.MustCompile(`Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)`)
	rePages = regexp.MustCompile(`Pages:\s+(\d+)`)
	// An action row starts with its number.
	reActionRow = regexp.MustCompile(`(?m)^\s*(\d+\.\d+)\s`)
)

// TestBoardReportPrintsOnA4InChromium prints the shipped plan's report, as
// of the end of the third quarter of a scripted year, with headless
// Chromium and reads the PDF back: A4, at most 10 pages, every action and
// the summary's figures present, every table heading whole on every page
// where its table runs.
func TestBoardReportPrintsOnA4InChromium(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, firstHalf(t)...)
	f.mustDo(t, secondHalf(t)...)
	r, err := report.Build(context.Background(), f.db, f.plan, report.Options{At: london(2012, time.December, 31, 23, 59), Produced: london(2013, time.January, 8, 9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	p := mustPrint(t, r)
	if !reA4.MatchString(p.info) {
		t.Errorf("not A4 portrait:\n%s", p.info)
	}
	m := rePages.FindStringSubmatch(p.info)
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", p.info)
	}
	if n, _ := strconv.Atoi(m[1]); n > 10 || n != len(p.pages) {
		t.Errorf("%d pages (pdftotext read %d); the board wants at most 10", n, len(p.pages))
	}
	all := strings.Join(p.pages, "\n")

	// Every action, by its number at the start of a row.
	seen := map[string]bool{}
	for _, m := range reActionRow.FindAllStringSubmatch(all, -1) {
		seen[m[1]] = true
	}
	for _, pr := range r.Priorities {
		for _, a := range pr.Actions {
			if !seen[a.Ref] {
				t.Errorf("action %s is not in the printed report", a.Ref)
			}
		}
	}

	// The summary table's figures, each row on one line.
	for _, pr := range r.Priorities {
		if pr.Total() == 0 {
			continue
		}
		figures := []string{strconv.Itoa(pr.Total())}
		for _, n := range []int{pr.Counts["red"], pr.Counts["amber"], pr.Counts["green"], pr.Counts["complete"]} {
			figures = append(figures, strconv.Itoa(n))
		}
		figures = append(figures, strconv.Itoa(int(pctOf(pr.OnTarget(), pr.Total())))+"%")
		row := regexp.MustCompile(`(?m)^\s*` + strconv.Itoa(pr.Number()) + `\.\s.*\s` + strings.Join(figures, `\s+`) + `(\s|$)`)
		if !row.MatchString(p.pages[0]) {
			t.Errorf("page 1 lacks the summary row of priority %d with %v", pr.Number(), figures)
		}
	}
	whole := regexp.MustCompile(`(?m)^\s*Whole plan\s+` + strconv.Itoa(r.Overall.Total()) + `\s`)
	if !whole.MatchString(p.pages[0]) {
		t.Errorf("page 1 lacks the whole plan's row:\n%s", p.pages[0])
	}

	// Table headings: whole words, and repeated on every page the table
	// runs on.
	headings := []struct {
		name  string
		words []string
		rows  *regexp.Regexp // a row of the table
	}{
		{"actions", []string{"Ref", "Action", "Lead", "Deadline", "Status", "Progress", "RAG", "Latest note"}, reActionRow},
		{"summary", []string{"Priority", "Actions", "Red", "Amber", "Green", "Complete", "On target", "Target", "Result"}, nil},
	}
	for _, h := range headings {
		header := regexp.MustCompile(`(?m)^\s*` + strings.Join(h.words, `\s+`) + `\s*$`)
		if !header.MatchString(all) {
			t.Errorf("the %s table's heading is not printed whole on one line (%s)", h.name, strings.Join(h.words, " | "))
		}
		if h.rows == nil {
			continue
		}
		for i, page := range p.pages {
			if h.rows.MatchString(page) && !header.MatchString(page) {
				t.Errorf("page %d has rows of the %s table without its heading", i+1, h.name)
			}
		}
	}
	for _, w := range []string{"Actio ns", "Re d", "Amb er", "Compl ete", "Targ et", "Resul t", "Progre ss"} {
		if strings.Contains(all, w) {
			t.Errorf("a heading is split mid-word: %q", w)
		}
	}
	if !strings.Contains(p.pages[0], "As recorded by the partners on 31 Dec 2012; produced on 8 Jan 2013") {
		t.Errorf("page 1 does not say when the paper stands and when it was produced:\n%s", p.pages[0])
	}

	if *updateDocs {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out := filepath.Join(t.TempDir(), "page")
		mustRun(t, ctx, mustTool(t, "pdftoppm", "poppler-utils"), "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", p.pdf, out)
		b, err := os.ReadFile(out + ".png")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "board-report-page1.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if dir := os.Getenv("ACTIONBOT_PRINT_DIR"); dir != "" {
		// To look at the pages: ACTIONBOT_PRINT_DIR=/tmp/board go test ./report -run Prints
		b, err := os.ReadFile(p.pdf)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "board.pdf"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// pctOf is n of total in percent, rounded half up as the report rounds.
func pctOf(n, total int) float64 { return float64((200*n + total) / (2 * total)) }

// paperNotes are a coordinator's recommendations, as the board paper's
// test prints them.
const paperNotes = `The board is asked to:

- note progress in the third quarter, including 4.2 (repeat offenders);
- agree that the Community Safety Manager writes to KCC Highways about 5.4's camera sites;
- agree new deadlines for the actions overdue since the plan began, or close them.

Figures for 2012-13 to December will be tabled at the meeting.`

// TestQuarterlyPaperPrintsOnA4InChromium prints the shipped plan's 2012-Q3
// board paper, with its cover and recommendations, with Chromium and reads
// the PDF back: A4, at most 10 pages, the cover, the quarter's page and the
// exceptions each where the board expects them, every table heading whole
// and repeated on each page its table runs on, and nothing printed beyond
// the page's margins.
func TestQuarterlyPaperPrintsOnA4InChromium(t *testing.T) {
	f := mustReportFixture(t)
	f.mustDo(t, quarterYear(t)...)
	f.mustDo(t, november(t)...)
	now := london(2013, time.January, 9, 9, 0)
	r, err := report.BuildQuarter(context.Background(), f.db, f.plan, actionbot.Quarter{Year: 2012, N: 3}, now, report.Options{Produced: now,
		Cover: report.Cover{Meeting: "CSP Board, 17 Jan 2013", Author: "Community Safety Manager", Recommendations: paperNotes}})
	if err != nil {
		t.Fatal(err)
	}
	p := mustPrint(t, r)
	if dir := os.Getenv("ACTIONBOT_PRINT_DIR"); dir != "" {
		b, err := os.ReadFile(p.pdf)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "quarter.pdf"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !reA4.MatchString(p.info) || len(p.pages) > 10 {
		t.Errorf("%d pages, or not A4; the board wants at most 10:\n%s", len(p.pages), p.info)
	}
	t.Logf("the 2012-Q3 paper prints on %d A4 pages", len(p.pages))
	if len(p.pages) < 3 {
		t.Fatalf("%d pages", len(p.pages))
	}
	for _, want := range []string{"CSP Board, 17 Jan 2013", "Community Safety Manager", "Recommendations", "Sevenoaks District Community Safety", "as imported on"} {
		if !strings.Contains(p.pages[0], want) {
			t.Errorf("the cover (page 1) lacks %q", want)
		}
	}
	if !strings.Contains(p.pages[1], "This quarter: Q3 2012-13 (October to December 2012)") {
		t.Errorf("page 2 is not the quarter's:\n%s", p.pages[1])
	}
	if !regexp.MustCompile(`(?m)^\s*4\.2\s.*Progress\s+0%\s+→\s+60%`).MatchString(p.pages[1]) {
		t.Errorf("page 2 does not show 4.2 moving 0%% → 60%%:\n%s", p.pages[1])
	}
	exc := -1
	for i, page := range p.pages {
		if strings.Contains(page, "Exceptions for the board") {
			exc = i
			break
		}
	}
	if exc < 0 || !regexp.MustCompile(`(?m)^\s*5\.4\s+RED\s.*Blocked: Waiting for KCC`).MatchString(strings.Join(p.pages[exc:], "\n")) {
		t.Errorf("the exceptions (page %d) lack 5.4, red, blocked with its reason", exc+1)
	}
	all := strings.Join(p.pages, "\n")
	headings := []struct {
		name  string
		words []string
		row   *regexp.Regexp
	}{
		{"changes", []string{"Ref", "Action", "Lead", "From", "→", "to", "Latest note"}, regexp.MustCompile(`(?m)^\s*\d+\.\d+\s.*\s(Progress|Status|RAG|Deadline)\s.*→`)},
		{"exceptions", []string{"Ref", "RAG", "Action", "Lead", "Why", "Latest commentary", "Ask of the board"}, regexp.MustCompile(`(?m)^\s*\d+\.\d+\s+(RED|AMBER|GREEN)\s`)},
		{"direction", []string{"Priority", "30 Sep 2012", "31 Dec 2012", "Direction", "Target"}, nil},
		{"trends", []string{"No.", "Measure", "Target", "Q1", "Q2", "Q3", "Trend", "Chart"}, nil},
		{"actions", []string{"Ref", "Action", "Lead", "Deadline", "Status", "Progress", "RAG", "Latest note"}, reActionsTableRow},
	}
	for _, h := range headings {
		header := regexp.MustCompile(`(?m)^\s*` + strings.Join(h.words, `\s+`) + `\s*$`)
		if !header.MatchString(all) {
			t.Errorf("the %s table's heading is not printed whole on one line (%s)", h.name, strings.Join(h.words, " | "))
		}
		if h.row == nil {
			continue
		}
		for i, page := range p.pages {
			if h.row.MatchString(page) && !header.MatchString(page) {
				t.Errorf("page %d has rows of the %s table without its heading", i+1, h.name)
			}
		}
	}
	mustFitThePage(t, p.pdf)
	if *updateDocs {
		for name, page := range map[string]int{"board-paper-cover": 1, "board-paper-quarter": 2, "board-paper-exceptions": exc + 1} {
			writeDocsPage(t, p.pdf, page, name)
		}
	}
}

// reActionsTableRow is the first line of a row of a priority's actions
// table: its number, and later its status and progress.
var reActionsTableRow = regexp.MustCompile(`(?m)^\s*\d+\.\d+\s.*\s(Open|Done|Blocked|At risk)\s+\d+%`)

// reWord is a word's box in pdftotext -bbox's output.
var (
	rePageBox = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	reWordBox = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// mustFitThePage checks that every word printed lies within the page's
// margins (the style sheet's 10 mm at the sides, 12 mm at the top and 14 mm
// at the foot, less a point): nothing cut at the page's edge.
func mustFitThePage(tb testing.TB, pdf string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := mustRun(tb, ctx, mustTool(tb, "pdftotext", "poppler-utils"), "-bbox", pdf, "-")
	const mm = 72 / 25.4
	pages := strings.Split(out, "<page ")
	for i, page := range pages[1:] {
		m := rePageBox.FindStringSubmatch("<page " + page)
		if m == nil {
			tb.Fatalf("pdftotext -bbox: page %d has no size", i+1)
		}
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		for _, wm := range reWordBox.FindAllStringSubmatch(page, -1) {
			x0, _ := strconv.ParseFloat(wm[1], 64)
			y0, _ := strconv.ParseFloat(wm[2], 64)
			x1, _ := strconv.ParseFloat(wm[3], 64)
			y1, _ := strconv.ParseFloat(wm[4], 64)
			if x0 < 10*mm-1 || x1 > w-10*mm+1 || y0 < 12*mm-1 || y1 > h-14*mm+1 {
				// The page number sits in the foot's margin, as @page puts it.
				if strings.HasPrefix(wm[5], "Page") || regexp.MustCompile(`^(\d+|of)$`).MatchString(wm[5]) && y0 > h-14*mm {
					continue
				}
				tb.Errorf("page %d: %q at (%.0f, %.0f)-(%.0f, %.0f) is outside the margins of a %.0f×%.0f page", i+1, wm[5], x0, y0, x1, y1, w, h)
			}
		}
	}
}

// writeDocsPage writes one page of a printed PDF to docs/NAME.png at 60 dpi.
func writeDocsPage(tb testing.TB, pdf string, page int, name string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := filepath.Join(tb.TempDir(), "page")
	n := strconv.Itoa(page)
	mustRun(tb, ctx, mustTool(tb, "pdftoppm", "poppler-utils"), "-png", "-r", "60", "-f", n, "-l", n, "-singlefile", pdf, out)
	b, err := os.ReadFile(out + ".png")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", name+".png"), b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// recordingTB notes how a helper ends a test, without ending this one.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Fatal(args ...any) {
	r.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recordingTB) Skip(args ...any) {
	r.skip = fmt.Sprint(args...)
	runtime.Goexit()
}

// TestPrintCheckIsNeverSkippedInCI: a missing browser skips the print test
// with a message saying what to install, but fails it under CI=true.
func TestPrintCheckIsNeverSkippedInCI(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			r := &recordingTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				mustTool(r, "no-such-browser-for-actionbot", "no-such-package")
			}()
			<-done
			const msg = "no-such-browser-for-actionbot is not installed, so the board report cannot be printed in a real browser: apt-get install no-such-package"
			switch {
			case ci == "true" && (r.fatal != msg+" (CI=true: this check may not be skipped)" || r.skip != ""):
				t.Errorf("under CI=true: fatal %q, skip %q; want it to fail", r.fatal, r.skip)
			case ci == "" && (r.skip != msg || r.fatal != ""):
				t.Errorf("outside CI: fatal %q, skip %q; want it skipped saying what to install", r.fatal, r.skip)
			}
		})
	}
}

package commands_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/report"
)

// The board paper goes to coordinators, where papers are made: the PDF of
// the quarter asked for, kept in the directory; anyone else is refused,
// and so is everyone where ACTIONBOT_REPORT_DIR is not set.
func TestQuarterPaperIsForCoordinators(t *testing.T) {
	f := mustRepFixture(t)
	f.clock.Set(repAt(2013, 1, 9, 9))
	ctx := context.Background()
	cmd, err := f.h.Parse(ctx, "report quarter 2012-Q3")
	if err != nil {
		t.Fatal(err)
	}
	if f.h.WantsPaper(ctx, repCoordinator, cmd) {
		t.Error("a paper is wanted with papers off")
	}
	if _, err := f.h.QuarterPaper(ctx, repCoordinator, cmd); actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Errorf("papers off: %v", err)
	}
	dir := t.TempDir()
	f.h.Papers = &commands.Papers{Dir: dir, Print: func(_ context.Context, r *report.Report) ([]byte, error) {
		return []byte("%PDF-1.4 " + r.Headline()), nil
	}}
	if !f.h.WantsPaper(ctx, repCoordinator, cmd) || f.h.WantsPaper(ctx, repCSU, cmd) {
		t.Error("WantsPaper: want it for the coordinator only")
	}
	if other, _ := f.h.Parse(ctx, "report"); f.h.WantsPaper(ctx, repCoordinator, other) {
		t.Error("a paper is wanted for /action report")
	}
	if _, err := f.h.QuarterPaper(ctx, repCSU, cmd); actionbot.ErrorCode(err) != actionbot.EUNAUTHORIZED {
		t.Errorf("a member asks: %v", err)
	}
	p, err := f.h.QuarterPaper(ctx, repCoordinator, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "sevenoaks-district-csp-action-plan-2012-13-2012-Q3.pdf" || !strings.HasPrefix(p.Headline, "Q3 2012-13 (October to December 2012): ") {
		t.Errorf("paper %q, headline %q", p.Name, p.Headline)
	}
	if b, err := os.ReadFile(filepath.Join(dir, p.Name)); err != nil || !bytes.Equal(b, p.PDF) {
		t.Errorf("kept %q (%v)", b, err)
	}
	if reply := f.say(repAt(2013, 1, 9, 9), repCoordinator, "report quarter 2012-Q3"); !strings.Contains(reply, "The board paper (PDF) follows in a direct message.") {
		t.Errorf("the coordinator's answer: %s", reply)
	}
	if reply := f.say(repAt(2013, 1, 9, 9), repCSU, "report quarter 2012-Q3"); strings.Contains(reply, "follows") {
		t.Errorf("a member's answer: %s", reply)
	}
}

// Papers are made only where a directory is set and Chromium can print;
// otherwise the log says why not.
func TestPapersInNeedsADirectoryAndABrowser(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if p := commands.PapersIn("", &report.Printer{}, log); p != nil || logs.Len() != 0 {
		t.Errorf("no directory: %+v, logged %q", p, logs.String())
	}
	if p := commands.PapersIn(t.TempDir(), &report.Printer{Browser: "/nonexistent/chromium"}, log); p != nil || !strings.Contains(logs.String(), "cannot be printed") {
		t.Errorf("no browser: %+v, logged %q", p, logs.String())
	}
	dir := t.TempDir()
	if p := commands.PapersIn(dir, &report.Printer{Browser: "/bin/true"}, log); p == nil || p.Dir != dir || p.Print == nil {
		t.Errorf("a browser: %+v", p)
	}
}

package commands

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// Papers delivers the quarterly board paper as a PDF to the coordinator who
// asks for "/action report quarter" (issue 26): made here, transport-neutral
// (a file and its name), and handed to the adapter, which sends it.
type Papers struct {
	// Dir is where the PDF is kept (ACTIONBOT_REPORT_DIR); papers are
	// made only where it is set.
	Dir string
	// Print prints a report to PDF (report.Printer's PrintPDF).
	Print func(ctx context.Context, r *report.Report) ([]byte, error)
}

// PapersIn turns on the board paper in Slack where dir
// (ACTIONBOT_REPORT_DIR) is set: the PDF, printed by p, is kept there and
// uploaded to the coordinator who asked. Where p cannot print (no
// Chromium) it is nil, as without dir: the headline alone is sent, and
// the log says what to install.
func PapersIn(dir string, p *report.Printer, log *slog.Logger) *Papers {
	if dir == "" {
		return nil
	}
	if err := p.Check(); err != nil {
		log.Warn("ACTIONBOT_REPORT_DIR is set but the board paper cannot be printed: /action report quarter sends the headline alone", "why", actionbot.ErrorMessage(err))
		return nil
	}
	return &Papers{Dir: dir, Print: p.PrintPDF}
}

// Paper is a board paper made for a person.
type Paper struct {
	Quarter actionbot.Quarter
	// Name is the file's name, "sevenoaks-district-csp-action-plan-2012-13-2012-Q3.pdf";
	// Path where it is kept.
	Name, Path string
	Title      string
	PDF        []byte
	// Headline is the quarter's headline, to go with the file.
	Headline string
}

// papersOn reports whether papers are made at all.
func (h *Handler) papersOn() bool {
	return h.Papers != nil && h.Papers.Dir != "" && h.Papers.Print != nil
}

// WantsPaper reports whether cmd, asked by userID, is a request for the
// quarterly report that is answered with the board paper as well: papers
// are on and the person is a coordinator.
func (h *Handler) WantsPaper(ctx context.Context, userID string, cmd *Command) bool {
	if cmd == nil || cmd.Verb != actionbot.VerbReport || cmd.Quarter == "" || !h.papersOn() {
		return false
	}
	ok, err := h.isCoordinator(ctx, userID)
	return err == nil && ok
}

// QuarterPaper makes the board paper of the quarter cmd asks for, as a PDF
// kept in Papers.Dir, for the coordinator userID. It is refused
// (EUNAUTHORIZED) to anyone else, and when papers are off (EINVALID).
func (h *Handler) QuarterPaper(ctx context.Context, userID string, cmd *Command) (*Paper, error) {
	if !h.papersOn() {
		return nil, actionbot.Errorf(actionbot.EINVALID, "The board paper is not made here: ACTIONBOT_REPORT_DIR is not set.")
	}
	if ok, err := h.isCoordinator(ctx, userID); err != nil {
		return nil, fmt.Errorf("quarterly paper: %w", err)
	} else if !ok {
		return nil, actionbot.Errorf(actionbot.EUNAUTHORIZED, "The board paper goes to coordinators.")
	}
	e, err := h.env(ctx)
	if err != nil {
		return nil, fmt.Errorf("quarterly paper: %w", err)
	}
	r, err := h.buildQuarter(ctx, e, cmd.Quarter)
	if err != nil {
		return nil, err
	}
	pdf, err := h.Papers.Print(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("quarterly paper %s: %w", r.Quarter.Quarter, err)
	}
	name := strings.TrimSuffix(report.FileName(e.plan, r.Quarter.Quarter), ".html") + ".pdf"
	path, err := keepPaper(h.Papers.Dir, name, pdf)
	if err != nil {
		return nil, err
	}
	return &Paper{Quarter: r.Quarter.Quarter, Name: name, Path: path, PDF: pdf, Headline: r.Headline(),
		Title: e.plan.Name + " — board paper, " + r.Quarter.Quarter.Label()}, nil
}

// keepPaper writes the PDF to dir/name, whole or not at all.
func keepPaper(dir, name string, pdf []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", fmt.Errorf("keep the paper in ACTIONBOT_REPORT_DIR: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(pdf); err != nil {
		f.Close()
		return "", fmt.Errorf("keep the paper %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("keep the paper %s: %w", name, err)
	}
	if err := os.Chmod(f.Name(), 0o640); err != nil {
		return "", fmt.Errorf("keep the paper %s: %w", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("keep the paper %s: %w", name, err)
	}
	return path, nil
}

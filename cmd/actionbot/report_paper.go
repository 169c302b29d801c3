package main

import (
	"log/slog"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/report"
)

// slackPapers turns on the board paper for "/action report quarter" in
// Slack where ACTIONBOT_REPORT_DIR is set: the PDF, printed by Chromium,
// is kept there and uploaded to the coordinator who asked. Without
// Chromium the headline alone is sent, and the log says what to install.
func slackPapers(dir string, log *slog.Logger) *commands.Papers {
	if dir == "" {
		return nil
	}
	p := &report.Printer{}
	if err := p.Check(); err != nil {
		log.Warn("ACTIONBOT_REPORT_DIR is set but the board paper cannot be printed: /action report quarter sends the headline alone", "why", actionbot.ErrorMessage(err))
		return nil
	}
	return &commands.Papers{Dir: dir, Print: p.PrintPDF}
}

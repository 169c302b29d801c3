package main

import (
	"io"
	"log/slog"

	"github.com/sevenoaks-csp/actionbot/internal/cli"
	"github.com/sevenoaks-csp/actionbot/internal/config"
)

// newLogger logs to w, every line through actionbot.Redact.
func newLogger(c *config.Config, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(cli.Redacting(w), &slog.HandlerOptions{Level: c.LogLevel}))
}

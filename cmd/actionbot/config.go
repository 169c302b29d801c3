package main

import (
	"flag"
	"io"
	"log/slog"

	"github.com/sevenoaks-csp/actionbot/internal/config"
)

// dbFlag adds -db to a flag set, defaulting to the configured path.
func dbFlag(fs *flag.FlagSet, c *config.Config) {
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database `file`, or a postgres:// URL (ACTIONBOT_DB)")
}

// newLogger logs to w, every line through actionbot.Redact.
func newLogger(c *config.Config, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(redacting(w), &slog.HandlerOptions{Level: c.LogLevel}))
}

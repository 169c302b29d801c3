package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Config is the bot's configuration, from the environment with flags for
// the common settings. README.md has a table of every variable.
type Config struct {
	DB           string
	TZ           *time.Location
	TZName       string
	Coordinators []string
	LogLevel     slog.Level
	Sync         string
	ConsoleUser  string
	RAG          actionbot.RAGRules
	// Slack is how to reach Slack, read once (slack.go); nil when no Slack
	// setting is given and the console runs, and for the commands that do
	// not talk to Slack (loadConfig).
	Slack *slackConfig
	// Web is where the link pages are (web.go), read with the Slack
	// settings; nil when they are not configured.
	Web *webConfig
	// Mail is how e-mail goes out (mail.go); nil without mail settings,
	// and for the commands that send nothing (loadConfig). It needs Web:
	// every e-mailed action links to its page.
	Mail *mailConfig
}

// getenv looks up environment variables; tests supply their own.
type getenv func(string) string

// loadConfig reads the configuration of a command that does not talk to
// Slack (backup, export, import, member…) from the environment and
// validates it, reporting every problem at once. The Slack settings are
// not its business: a mistyped token in the shared environment file must
// not stop the nightly backup.
func loadConfig(env getenv) (*Config, error) { return readConfig(env, false) }

// loadSlackAppConfig is loadConfig for a command that talks to Slack or
// chooses between Slack and the console (serve, remind, digest): the Slack
// settings' problems are reported with the others.
func loadSlackAppConfig(env getenv) (*Config, error) { return readConfig(env, true) }

func readConfig(env getenv, withSlack bool) (*Config, error) {
	c := &Config{
		DB:          or(env("ACTIONBOT_DB"), "actionbot.db"),
		TZName:      or(env("ACTIONBOT_TZ"), "Europe/London"),
		Sync:        strings.ToUpper(or(env("ACTIONBOT_SYNC"), "normal")),
		ConsoleUser: or(env("ACTIONBOT_CONSOLE_USER"), "UCONSOLE"),
		RAG:         actionbot.DefaultRAGRules(),
	}
	var problems []error
	var err error
	if c.TZ, err = time.LoadLocation(c.TZName); err != nil {
		problems = append(problems, fmt.Errorf("ACTIONBOT_TZ=%q is not an IANA time zone such as Europe/London: %w", c.TZName, err))
	}
	for _, id := range strings.Split(env("ACTIONBOT_COORDINATORS"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			c.Coordinators = append(c.Coordinators, id)
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(or(env("ACTIONBOT_LOG_LEVEL"), "info"))); err != nil {
		problems = append(problems, fmt.Errorf("ACTIONBOT_LOG_LEVEL: %w", err))
	}
	if err := loadRAG(env, &c.RAG); err != nil {
		problems = append(problems, err)
	}
	if withSlack {
		if c.Slack, err = loadSlackConfig(env); err != nil {
			problems = append(problems, err)
		}
		// The link pages are served, and links made, only by the
		// commands that talk to people (web.go).
		var webErr error
		if c.Web, webErr = loadWebConfig(env); webErr != nil {
			problems = append(problems, webErr)
		}
		if c.Mail, err = loadMailConfig(env); err != nil {
			problems = append(problems, err)
		} else if c.Mail != nil && c.Web == nil && webErr == nil {
			problems = append(problems, errors.New("e-mail (ACTIONBOT_SMTP_URL) needs ACTIONBOT_PUBLIC_URL and ACTIONBOT_LINK_SECRET: every e-mailed action links to its page there"))
		}
	}
	if err := c.Validate(); err != nil {
		problems = append(problems, err)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks the settings that are read without error but may still
// be wrong, reporting every problem at once.
func (c *Config) Validate() error {
	var problems []error
	if c.Sync != "NORMAL" && c.Sync != "FULL" {
		problems = append(problems, fmt.Errorf("ACTIONBOT_SYNC=%q: use normal or full", c.Sync))
	}
	if err := c.RAG.Validate(); err != nil {
		problems = append(problems, err)
	}
	return errors.Join(problems...)
}

func loadRAG(env getenv, r *actionbot.RAGRules) error {
	var problems []error
	for _, v := range []struct {
		name string
		f    *float64
		i    *int
	}{
		{"ACTIONBOT_RAG_BEHIND_RATIO", &r.BehindRatio, nil},
		{"ACTIONBOT_RAG_MIN_ELAPSED", &r.MinElapsed, nil},
		{"ACTIONBOT_RAG_DUE_SOON_DAYS", nil, &r.DueSoonDays},
		{"ACTIONBOT_RAG_DUE_SOON_PROGRESS", nil, &r.DueSoonProgress},
		{"ACTIONBOT_STALE_DAYS", nil, &r.StaleDays},
	} {
		s := env(v.name)
		if s == "" {
			continue
		}
		var err error
		if v.f != nil {
			_, err = fmt.Sscanf(s, "%g", v.f)
		} else {
			_, err = fmt.Sscanf(s, "%d", v.i)
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("%s=%q is not a number: %w", v.name, s, err))
		}
	}
	return errors.Join(problems...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// dbFlag adds -db to a flag set, defaulting to the configured path.
func dbFlag(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database `file`, or a postgres:// URL (ACTIONBOT_DB)")
}

// newLogger logs to w, every line through actionbot.Redact.
func newLogger(c *Config, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(redacting(w), &slog.HandlerOptions{Level: c.LogLevel}))
}

package config

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot"
)

// Validate checks every setting of a Config however it was made: one read
// from a full environment passes, and each value broken by hand is named.
func TestValidateCoversEverySetting(t *testing.T) {
	env := map[string]string{
		"SLACK_BOT_TOKEN": testBotToken, "SLACK_APP_TOKEN": testAppToken,
		"ACTIONBOT_PUBLIC_URL": "https://actions.example.org", "ACTIONBOT_LINK_SECRET": testLinkSecret,
		"ACTIONBOT_SMTP_URL": "smtp://mail.example.org:587", "ACTIONBOT_MAIL_FROM": "actions@example.org",
	}
	get := func(k string) string { return env[k] }
	load := func(t *testing.T) *Config {
		t.Helper()
		c, err := LoadSlackApp(get)
		if err != nil {
			t.Fatal(err)
		}
		if c.Jobs, err = LoadJobs(get, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if err := load(t).Validate(); err != nil {
		t.Fatalf("a Config read from a good environment: %v", err)
	}
	for _, tc := range []struct {
		says  string
		spoil func(c *Config)
	}{
		{"ACTIONBOT_DB", func(c *Config) { c.DB = "" }},
		{"ACTIONBOT_TZ", func(c *Config) { c.TZ = nil }},
		{"ACTIONBOT_SYNC", func(c *Config) { c.Sync = "SOMETIMES" }},
		{"ACTIONBOT_CONSOLE_USER", func(c *Config) { c.ConsoleUser = "" }},
		{"ACTIONBOT_RAG_BEHIND_RATIO", func(c *Config) { c.RAG.BehindRatio = -1 }},
		{"SLACK_BOT_TOKEN", func(c *Config) { c.Slack.BotToken = "xoxp-user" }},
		{"SLACK_APP_TOKEN", func(c *Config) { c.Slack.AppToken = "" }},
		{"SLACK_SIGNING_SECRET", func(c *Config) { c.Slack.Mode = ModeHTTP }},
		{"Slack mode", func(c *Config) { c.Slack.Mode = "carrier pigeon" }},
		{"ACTIONBOT_ADDR", func(c *Config) { c.Slack.Addr = "" }},
		{"ACTIONBOT_SLACK_PACE", func(c *Config) { c.Slack.Pace = time.Hour }},
		{"ACTIONBOT_POST_WAIT", func(c *Config) { c.Slack.PostWait = 0 }},
		{"ACTIONBOT_SLASH_COMMAND", func(c *Config) { c.Slack.Command = "action" }},
		{"ACTIONBOT_HTTP_MAX_REQUESTS", func(c *Config) { c.Slack.HTTP = bot.HTTPLimits{MaxConns: 1} }},
		{"ACTIONBOT_HTTP_MAX_CONNS", func(c *Config) { c.Slack.HTTP.MaxConns = 0 }},
		{"response URLs", func(c *Config) { c.Slack.ResponseURLs = nil }},
		{"ACTIONBOT_PUBLIC_URL", func(c *Config) { c.Web.PublicURL = "actions.example.org" }},
		{"ACTIONBOT_LINK_SECRET", func(c *Config) { c.Web.Secret = []byte("short") }},
		{"needs ACTIONBOT_PUBLIC_URL", func(c *Config) { c.Web = nil }},
		{"ACTIONBOT_SMTP_URL", func(c *Config) { c.Mail.Server = nil }},
		{"ACTIONBOT_MAIL_FROM", func(c *Config) { c.Mail.From = "" }},
		{"reminder rules", func(c *Config) { c.Jobs.Remind.Rules.Days = nil }},
		{"ACTIONBOT_HOLIDAY_DIVISION", func(c *Config) { c.Jobs.Remind.Rules.Calendar = nil }},
		{"ACTIONBOT_STALE_DAYS", func(c *Config) { c.RAG.StaleDays = 400 }},
		{"ACTIONBOT_QUARTERLY_CRON", func(c *Config) { c.Jobs.Quarterly.Spec = "" }},
	} {
		c := load(t)
		tc.spoil(c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: Validate() = %v", tc.says, err)
		} else if strings.Contains(err.Error(), testLinkSecret) || strings.Contains(err.Error(), testBotToken) {
			t.Errorf("%s: the error shows a secret: %v", tc.says, err)
		}
	}
}

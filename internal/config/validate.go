package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/linktoken"
)

// Validate checks every setting of c, however it was made (read from the
// environment, changed by a flag, or built by a test), reporting every
// problem at once, each naming its variable. The loaders refuse what they
// cannot read; Validate is what a Config must be to be used.
func (c *Config) Validate() error { return c.validate(true) }

func (c *Config) validate(mailNeedsWeb bool) error {
	var problems []error
	if c.DB == "" {
		problems = append(problems, errors.New("ACTIONBOT_DB is empty: give the database's file, or a postgres:// URL"))
	}
	if c.TZ == nil {
		problems = append(problems, fmt.Errorf("ACTIONBOT_TZ=%q is not an IANA time zone such as Europe/London", c.TZName))
	}
	if c.Sync != "NORMAL" && c.Sync != "FULL" {
		problems = append(problems, fmt.Errorf("ACTIONBOT_SYNC=%q: use normal or full", c.Sync))
	}
	if c.ConsoleUser == "" {
		problems = append(problems, errors.New("ACTIONBOT_CONSOLE_USER is empty: give the console's user, such as UCONSOLE"))
	}
	if err := c.RAG.Validate(); err != nil {
		problems = append(problems, err)
	}
	if c.Slack != nil {
		problems = append(problems, c.Slack.Validate())
	}
	if c.Web != nil {
		problems = append(problems, c.Web.Validate())
	}
	if c.Mail != nil {
		problems = append(problems, c.Mail.Validate())
		if c.Web == nil && mailNeedsWeb {
			problems = append(problems, errors.New("e-mail (ACTIONBOT_SMTP_URL) needs ACTIONBOT_PUBLIC_URL and ACTIONBOT_LINK_SECRET: every e-mailed action links to its page there"))
		}
	}
	if c.Jobs != nil {
		problems = append(problems, c.Jobs.Validate(c))
	}
	return errors.Join(problems...)
}

// Validate checks the Slack settings (LoadSlack refuses the same).
func (s *Slack) Validate() error {
	var problems []error
	if !strings.HasPrefix(s.BotToken, "xoxb-") {
		problems = append(problems, errors.New("SLACK_BOT_TOKEN does not look like a bot token: it starts with xoxb-"))
	}
	switch s.Mode {
	case ModeSocket:
		if !strings.HasPrefix(s.AppToken, "xapp-") {
			problems = append(problems, errors.New("SLACK_APP_TOKEN does not look like an app-level token: it starts with xapp-"))
		}
	case ModeHTTP:
		if s.SigningSecret == "" {
			problems = append(problems, errors.New("SLACK_SIGNING_SECRET is not set: HTTP mode checks every request's signature with it"))
		}
	default:
		problems = append(problems, fmt.Errorf("the Slack mode %q is neither %s nor %s", s.Mode, ModeSocket, ModeHTTP))
	}
	if s.Addr == "" {
		problems = append(problems, errors.New("ACTIONBOT_ADDR is empty: give the address to listen on, such as :3000"))
	}
	if s.Pace < 0 || s.Pace > time.Minute {
		problems = append(problems, fmt.Errorf("ACTIONBOT_SLACK_PACE=%s is not a duration from 0s to 1m such as 1s", s.Pace))
	}
	if s.PostWait <= 0 || s.PostWait > time.Minute {
		problems = append(problems, fmt.Errorf("ACTIONBOT_POST_WAIT=%s is not a duration from 1s to 1m such as %s", s.PostWait, DefaultPostWait))
	}
	if !bot.ValidCommand(s.Command) {
		problems = append(problems, fmt.Errorf("ACTIONBOT_SLASH_COMMAND=%q is not a slash command such as %s", s.Command, bot.DefaultCommand))
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"ACTIONBOT_HTTP_MAX_REQUESTS", s.HTTP.MaxRequests}, {"ACTIONBOT_HTTP_MAX_CONNS", s.HTTP.MaxConns}} {
		if l.n < 1 || l.n > 100000 {
			problems = append(problems, fmt.Errorf("%s=%d is not a number from 1 to 100000", l.name, l.n))
		}
	}
	if len(s.ResponseURLs) == 0 {
		problems = append(problems, errors.New("no response URLs: Slack's hooks at least (ACTIONBOT_SLACK_RESPONSE_URLS adds to them)"))
	}
	return errors.Join(problems...)
}

// Validate checks the link pages' settings (LoadWeb refuses the same).
func (w *Web) Validate() error {
	var problems []error
	u, err := url.Parse(w.PublicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		problems = append(problems, fmt.Errorf("ACTIONBOT_PUBLIC_URL=%q is not an http or https address such as https://actions.example.org (no user, query or fragment)", redactURL(w.PublicURL)))
	}
	if err := linktoken.CheckKey(w.Secret); err != nil {
		problems = append(problems, fmt.Errorf("ACTIONBOT_LINK_SECRET: %w", err))
	}
	return errors.Join(problems...)
}

// Validate checks the mail settings (LoadMail refuses the same).
func (m *Mail) Validate() error {
	var problems []error
	if m.Server == nil {
		problems = append(problems, errors.New("ACTIONBOT_SMTP_URL is not set: e-mail needs the mail server"))
	}
	if m.From == "" {
		problems = append(problems, errors.New("ACTIONBOT_MAIL_FROM is empty: e-mail needs the address it is from"))
	}
	return errors.Join(problems...)
}

// Validate checks the background jobs' settings against c (LoadJobs
// refuses the same).
func (j *Jobs) Validate(c *Config) error {
	var problems []error
	if j.Remind == nil {
		problems = append(problems, errors.New("the reminders' settings are missing"))
	} else {
		if err := j.Remind.Rules.Validate(); err != nil {
			problems = append(problems, err)
		}
		if j.Remind.Rules.Calendar == nil {
			problems = append(problems, errors.New("ACTIONBOT_HOLIDAY_DIVISION: no bank holidays are loaded"))
		}
	}
	if c.RAG.StaleDays < 1 || c.RAG.StaleDays > 366 {
		problems = append(problems, fmt.Errorf("ACTIONBOT_STALE_DAYS=%d: give a number of days from 1 to 366", c.RAG.StaleDays))
	}
	if j.Quarterly == nil {
		problems = append(problems, errors.New("the quarterly paper's settings are missing"))
	} else if j.QuarterlySched != nil && j.Quarterly.Spec == "" {
		problems = append(problems, errors.New("ACTIONBOT_QUARTERLY_CRON is empty: give a cron schedule, or off"))
	}
	return errors.Join(problems...)
}

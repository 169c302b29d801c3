// Package config is actionbot's one configuration: every setting is read
// from the environment here, into typed values, and checked, with every
// problem reported at once.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/reminders"
)

// Config is the bot's configuration, from the environment (cmd/actionbot
// adds flags for the common settings): every setting is read in this
// package, and nowhere else. docs/settings.md has a table of every
// variable.
type Config struct {
	DB           string
	TZ           *time.Location
	TZName       string
	Coordinators []string
	LogLevel     slog.Level
	Sync         string
	ConsoleUser  string
	RAG          actionbot.RAGRules
	// Slack is how to reach Slack, read once (cmd/actionbot/slack.go); nil when no Slack
	// setting is given and the console runs, and for the commands that do
	// not talk to Slack (Load).
	Slack *Slack
	// Web is where the link pages are (package web), read with the Slack
	// settings; nil when they are not configured.
	Web *Web
	// Mail is how e-mail goes out (package mail); nil without mail settings,
	// and for the commands that send nothing (Load). It needs Web:
	// every e-mailed action links to its page.
	Mail *Mail
	// ReportDir is where the quarterly paper is written and the board
	// papers printed for Slack are kept (ACTIONBOT_REPORT_DIR); "" for none.
	ReportDir string
	// LogLevelSet says ACTIONBOT_LOG_LEVEL is set: the console quietens the
	// jobs' routine lines unless it is.
	LogLevelSet bool
	// GCPercentSet says GOGC is set: serve's own target yields to it.
	GCPercentSet bool
	// Jobs are the background jobs' settings, read by serve before anything
	// starts (LoadJobs); nil for the other commands.
	Jobs *Jobs
}

// ConsoleChannel is the channel the console pretends to be in: without
// Slack, the digest and channel reminders go there, and the console prints
// them as posted.
const ConsoleChannel = "CCONSOLE"

// Getenv looks up environment variables; tests supply their own.
type Getenv func(string) string

// Load reads the configuration of a command that does not talk to
// Slack (backup, export, import, member…) from the environment and
// validates it, reporting every problem at once. The Slack settings are
// not its business: a mistyped token in the shared environment file must
// not stop the nightly backup.
func Load(env Getenv) (*Config, error) { return read(env, false) }

// LoadSlackApp is Load for a command that talks to Slack or
// chooses between Slack and the console (serve, remind, digest): the Slack
// settings' problems are reported with the others.
func LoadSlackApp(env Getenv) (*Config, error) { return read(env, true) }

func read(env Getenv, withSlack bool) (*Config, error) {
	c := &Config{
		DB:          or(env("ACTIONBOT_DB"), "actionbot.db"),
		TZName:      or(env("ACTIONBOT_TZ"), "Europe/London"),
		Sync:        strings.ToUpper(or(env("ACTIONBOT_SYNC"), "normal")),
		ConsoleUser: or(env("ACTIONBOT_CONSOLE_USER"), "UCONSOLE"),
		RAG:         actionbot.DefaultRAGRules(),
		ReportDir:   strings.TrimSpace(env("ACTIONBOT_REPORT_DIR")),
		LogLevelSet: strings.TrimSpace(env("ACTIONBOT_LOG_LEVEL")) != "",
		// GOGC is the Go runtime's, read here only to know it is set.
		GCPercentSet: strings.TrimSpace(env("GOGC")) != "",
	}
	var problems []error
	var err, webErr error
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
		if c.Slack, err = LoadSlack(env); err != nil {
			problems = append(problems, err)
		}
		// The link pages are served, and links made, only by the
		// commands that talk to people (package web).
		if c.Web, webErr = LoadWeb(env); webErr != nil {
			problems = append(problems, webErr)
		}
		if c.Mail, err = LoadMail(env); err != nil {
			problems = append(problems, err)
		}
	}
	// A mail setting without the link pages' is reported, unless the link
	// pages' own settings were wrong: that is said already.
	if err := c.validate(webErr == nil); err != nil {
		problems = append(problems, err)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return c, nil
}

func loadRAG(env Getenv, r *actionbot.RAGRules) error {
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

// Slack modes.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// Slack is the Slack part of the configuration, from the environment.
type Slack struct {
	Mode          string
	AppToken      string // SLACK_APP_TOKEN, xapp-: Socket Mode
	BotToken      string // SLACK_BOT_TOKEN, xoxb-
	SigningSecret string // SLACK_SIGNING_SECRET: HTTP mode
	Addr          string // ACTIONBOT_ADDR, default :3000
	APIURL        string // SLACK_API_URL: the Web API base URL
	// Pace is the least time between two posts to one conversation
	// (ACTIONBOT_SLACK_PACE, default 1s: Slack allows about one a second).
	Pace time.Duration
	// ResponseURLs are where replies may be posted: Slack's hooks, what
	// ACTIONBOT_SLACK_RESPONSE_URLS adds, and SLACK_API_URL's server (a
	// fake Slack, or a proxy the bot token already goes to).
	ResponseURLs []string
	// HTTP bounds the HTTP door: requests in hand at once
	// (ACTIONBOT_HTTP_MAX_REQUESTS) and connections open
	// (ACTIONBOT_HTTP_MAX_CONNS).
	HTTP bot.HTTPLimits
	// Command is the slash command the bot answers
	// (ACTIONBOT_SLASH_COMMAND, default /action); others are refused.
	Command string
	// PostWait is how long remind/digest --post go on while Slack takes
	// none of their messages (ACTIONBOT_POST_WAIT).
	PostWait time.Duration
}

// LoadSlack reads the Slack settings: Socket Mode with SLACK_APP_TOKEN
// and SLACK_BOT_TOKEN; otherwise HTTP with SLACK_SIGNING_SECRET and
// SLACK_BOT_TOKEN. It returns nil when no Slack setting is given (the
// console runs), and an error naming what is missing when some are. No
// error ever shows a token.
func LoadSlack(env Getenv) (*Slack, error) {
	c := &Slack{
		AppToken:      strings.TrimSpace(env("SLACK_APP_TOKEN")),
		BotToken:      strings.TrimSpace(env("SLACK_BOT_TOKEN")),
		SigningSecret: strings.TrimSpace(env("SLACK_SIGNING_SECRET")),
		Addr:          or(env("ACTIONBOT_ADDR"), ":3000"),
		APIURL:        strings.TrimSpace(env("SLACK_API_URL")),
	}
	if c.AppToken == "" && c.BotToken == "" && c.SigningSecret == "" {
		return nil, nil
	}
	if c.BotToken == "" {
		return nil, errors.New("SLACK_BOT_TOKEN is not set: Slack needs the bot token (xoxb-…) from the app's OAuth & Permissions page, with SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP; unset the Slack variables to use the console")
	}
	if !strings.HasPrefix(c.BotToken, "xoxb-") {
		return nil, errors.New("SLACK_BOT_TOKEN does not look like a bot token: it starts with xoxb-")
	}
	switch {
	case c.AppToken != "":
		if !strings.HasPrefix(c.AppToken, "xapp-") {
			return nil, errors.New("SLACK_APP_TOKEN does not look like an app-level token: it starts with xapp- (Basic Information → App-Level Tokens, scope connections:write)")
		}
		c.Mode = ModeSocket
	case c.SigningSecret != "":
		c.Mode = ModeHTTP
	default:
		return nil, errors.New("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is")
	}
	if p := strings.TrimSpace(env("ACTIONBOT_SLACK_PACE")); p != "" {
		d, err := time.ParseDuration(p)
		if err != nil || d < 0 || d > time.Minute {
			return nil, fmt.Errorf("ACTIONBOT_SLACK_PACE=%q is not a duration from 0s to 1m such as 1s", p)
		}
		c.Pace = d
	}
	if c.APIURL != "" && !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	urls, err := bot.ResponseURLs(env("ACTIONBOT_SLACK_RESPONSE_URLS"), c.APIURL)
	if err != nil {
		return nil, err
	}
	c.ResponseURLs = urls
	if c.PostWait, err = LoadPostWait(env); err != nil {
		return nil, err
	}
	c.Command = or(strings.TrimSpace(env("ACTIONBOT_SLASH_COMMAND")), bot.DefaultCommand)
	if !bot.ValidCommand(c.Command) {
		return nil, fmt.Errorf("ACTIONBOT_SLASH_COMMAND=%q is not a slash command such as %s (a slash, then lower-case letters, digits, - or _): give the command the Slack app defines", c.Command, bot.DefaultCommand)
	}
	for _, l := range []struct {
		name string
		dst  *int
		def  int
	}{
		{"ACTIONBOT_HTTP_MAX_REQUESTS", &c.HTTP.MaxRequests, bot.DefaultMaxRequests},
		{"ACTIONBOT_HTTP_MAX_CONNS", &c.HTTP.MaxConns, bot.DefaultMaxConns},
	} {
		*l.dst = l.def
		if v := strings.TrimSpace(env(l.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100000 {
				return nil, fmt.Errorf("%s=%q is not a number from 1 to 100000 (default %d)", l.name, v, l.def)
			}
			*l.dst = n
		}
	}
	return c, nil
}

// Web is where the link pages (package web) are, from the
// environment: ACTIONBOT_PUBLIC_URL, the address people reach the bot at
// (the links in e-mails start with it), and ACTIONBOT_LINK_SECRET, the key
// the links are signed with. nil when neither is set: no pages are served.
type Web struct {
	PublicURL string
	Secret    []byte
}

// LoadWeb reads the link pages' settings. Both or neither: a public
// address without a secret could serve no link, and a secret without an
// address could make none. No error shows the secret.
func LoadWeb(env Getenv) (*Web, error) {
	pub := strings.TrimSpace(env("ACTIONBOT_PUBLIC_URL"))
	secret := strings.TrimSpace(env("ACTIONBOT_LINK_SECRET"))
	switch {
	case pub == "" && secret == "":
		return nil, nil
	case secret == "":
		return nil, errors.New("ACTIONBOT_PUBLIC_URL is set but ACTIONBOT_LINK_SECRET is not: the links' pages need the secret they are signed with (e.g. `openssl rand -hex 32`)")
	case pub == "":
		return nil, errors.New("ACTIONBOT_LINK_SECRET is set but ACTIONBOT_PUBLIC_URL is not: give the https address people reach the bot at, such as https://actions.example.org")
	}
	var problems []error
	u, err := url.Parse(pub)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		problems = append(problems, fmt.Errorf("ACTIONBOT_PUBLIC_URL=%q is not an http or https address such as https://actions.example.org (no user, query or fragment)", redactURL(pub)))
	}
	if err := linktoken.CheckKey([]byte(secret)); err != nil {
		problems = append(problems, fmt.Errorf("ACTIONBOT_LINK_SECRET: %w", err))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return &Web{PublicURL: strings.TrimRight(pub, "/"), Secret: []byte(secret)}, nil
}

// redactURL is a URL for an error message, without any password in it.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return s
}

// Remind is the reminders' and digest's configuration.
type Remind struct {
	Rules reminders.Rules
	// RemindCron and digestCron are the schedules; "" when off.
	RemindCron, DigestCron string
	DigestChannel          string
	TaskingChannel         string
	// Console is true when no Slack setting is given: posts are printed.
	Console bool
}

// LoadRemind reads the reminder settings from the environment. Errors
// name the variable at fault.
func LoadRemind(env Getenv, c *Config) (*Remind, error) {
	// Without any Slack setting the bot runs as the console (see slack.go).
	rc := &Remind{Console: c.Slack == nil}
	var err error
	schedule := func(name, def string) (string, error) {
		v := strings.TrimSpace(env(name))
		if v == "" {
			v = def
		}
		if strings.EqualFold(v, "off") {
			return "", nil
		}
		if _, err := reminders.ParseSchedule(v); err != nil {
			return "", fmt.Errorf("%s=%q is not a cron schedule like %q (minute hour day-of-month month day-of-week, in ACTIONBOT_TZ), or off: %w", name, v, def, err)
		}
		return v, nil
	}
	if rc.RemindCron, err = schedule("ACTIONBOT_REMIND_CRON", reminders.DefaultRemindCron); err != nil {
		return nil, err
	}
	if rc.DigestCron, err = schedule("ACTIONBOT_DIGEST_CRON", reminders.DefaultDigestCron); err != nil {
		return nil, err
	}
	days, err := reminders.ParseDays(or(env("ACTIONBOT_REMIND_DAYS"), "28,14,7,1,0"))
	if err != nil {
		return nil, fmt.Errorf("ACTIONBOT_REMIND_DAYS=%q: %w", env("ACTIONBOT_REMIND_DAYS"), err)
	}
	esc, err := strconv.Atoi(strings.TrimSpace(or(env("ACTIONBOT_ESCALATE_AFTER"), "14")))
	if err != nil || esc < 1 || esc > 366 {
		return nil, fmt.Errorf("ACTIONBOT_ESCALATE_AFTER=%q is not a number of days overdue from 1 to 366", env("ACTIONBOT_ESCALATE_AFTER"))
	}
	if c.RAG.StaleDays < 1 || c.RAG.StaleDays > 366 {
		return nil, fmt.Errorf("ACTIONBOT_STALE_DAYS=%d: give a number of days from 1 to 366", c.RAG.StaleDays)
	}
	channel := func(name string) (string, error) {
		v := strings.TrimSpace(env(name))
		if v == "" {
			return "", nil
		}
		// A channel copied from Slack (<#C0123ABCD|tasking>) is taken too.
		id, ok := commands.ParseChannel(bot.PlainText(v))
		if !ok {
			return "", fmt.Errorf("%s=%q is not a Slack channel ID such as C0123ABCDEF (the channel's details in Slack show it)", name, v)
		}
		return id, nil
	}
	if rc.DigestChannel, err = channel("ACTIONBOT_DIGEST_CHANNEL"); err != nil {
		return nil, err
	}
	if rc.TaskingChannel, err = channel("ACTIONBOT_TASKING_CHANNEL"); err != nil {
		return nil, err
	}
	if rc.Console && rc.DigestChannel == "" {
		rc.DigestChannel = ConsoleChannel
	}
	if rc.TaskingChannel == "" {
		rc.TaskingChannel = rc.DigestChannel
	}
	if rc.DigestChannel == "" && (c.Mail == nil || len(c.Mail.DigestEmail) == 0) {
		rc.DigestCron = "" // nowhere to post it
	}
	cal, err := LoadCalendar(env)
	if err != nil {
		return nil, err
	}
	rc.Rules = reminders.Rules{Location: c.TZ, Calendar: cal, Days: days, EscalateAfter: esc, StaleDays: c.RAG.StaleDays}
	if err := rc.Rules.Validate(); err != nil {
		return nil, err
	}
	return rc, nil
}

// LoadCalendar loads the bank holidays: the embedded gov.uk copy, or a newer
// one from ACTIONBOT_HOLIDAYS_FILE, for ACTIONBOT_HOLIDAY_DIVISION.
func LoadCalendar(env Getenv) (*calendar.Calendar, error) {
	division := strings.TrimSpace(or(env("ACTIONBOT_HOLIDAY_DIVISION"), calendar.DefaultDivision))
	file := env("ACTIONBOT_HOLIDAYS_FILE")
	if file == "" {
		cal, err := calendar.Embedded(division)
		if err != nil {
			return nil, fmt.Errorf("ACTIONBOT_HOLIDAY_DIVISION=%q: %w", division, err)
		}
		return cal, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("ACTIONBOT_HOLIDAYS_FILE: %w", err)
	}
	defer f.Close()
	cal, err := calendar.Load(f, division)
	if err != nil {
		return nil, fmt.Errorf("ACTIONBOT_HOLIDAYS_FILE=%q with ACTIONBOT_HOLIDAY_DIVISION=%q: %w", file, division, err)
	}
	return cal, nil
}

// The quarterly monitoring paper is made by serve on the first working day
// after each quarter ends: ACTIONBOT_QUARTERLY_CRON says when the job looks
// (default 08:30 every day, in ACTIONBOT_TZ; "off" stops it), the headline
// goes to ACTIONBOT_TASKING_CHANNEL (or ACTIONBOT_DIGEST_CHANNEL) and the
// HTML paper to ACTIONBOT_REPORT_DIR when set.
const DefaultQuarterlyCron = "30 8 * * *"

// Quarterly are the job's settings.
type Quarterly struct {
	Spec, Channel, Dir string
}

func LoadQuarterly(env Getenv) (*Quarterly, reminders.Schedule, error) {
	s := &Quarterly{Spec: strings.TrimSpace(or(env("ACTIONBOT_QUARTERLY_CRON"), DefaultQuarterlyCron)), Dir: strings.TrimSpace(env("ACTIONBOT_REPORT_DIR"))}
	if strings.EqualFold(s.Spec, "off") {
		return s, nil, nil
	}
	sched, err := reminders.ParseSchedule(s.Spec)
	if err != nil {
		return nil, nil, fmt.Errorf("ACTIONBOT_QUARTERLY_CRON=%q is not a cron schedule like %q (minute hour day-of-month month day-of-week, in ACTIONBOT_TZ), or off: %w", s.Spec, DefaultQuarterlyCron, err)
	}
	for _, name := range []string{"ACTIONBOT_TASKING_CHANNEL", "ACTIONBOT_DIGEST_CHANNEL"} {
		if v := strings.TrimSpace(env(name)); v != "" {
			// A channel copied from Slack (<#C0123ABCD|tasking>) is taken too.
			id, ok := commands.ParseChannel(bot.PlainText(v))
			if !ok {
				return nil, nil, fmt.Errorf("%s=%q is not a Slack channel ID such as C0123ABCDEF", name, v)
			}
			s.Channel = id
			break
		}
	}
	if s.Dir != "" {
		if st, err := os.Stat(s.Dir); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("ACTIONBOT_REPORT_DIR=%q is not a directory the quarterly paper can be written to", s.Dir)
		}
	}
	return s, sched, nil
}

// Jobs are the background jobs' settings, read once by serve before
// anything starts, every problem reported at once, and handed to the jobs.
type Jobs struct {
	Remind         *Remind
	Quarterly      *Quarterly
	QuarterlySched reminders.Schedule // nil when the quarterly paper is off
	PprofAddr      string
}

func LoadJobs(env Getenv, c *Config) (*Jobs, error) {
	s := &Jobs{}
	var errR, errQ, errP error
	s.Remind, errR = LoadRemind(env, c)
	s.Quarterly, s.QuarterlySched, errQ = LoadQuarterly(env)
	s.PprofAddr, errP = LoadPprofAddr(env)
	if err := errors.Join(errQ, errR, errP); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadPprofAddr reads ACTIONBOT_PPROF_ADDR, refusing at start an address
// that is not loopback (127.0.0.0/8, ::1, localhost): the profiler, which
// shows memory and command line, would be open to anyone who can reach
// the host. ACTIONBOT_PPROF_FORCE=1 allows any address.
func LoadPprofAddr(env Getenv) (string, error) {
	addr := strings.TrimSpace(env("ACTIONBOT_PPROF_ADDR"))
	if addr == "" {
		return "", nil
	}
	force := false
	if v := strings.TrimSpace(env("ACTIONBOT_PPROF_FORCE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("ACTIONBOT_PPROF_FORCE=%q is not 1 or 0", v)
		}
		force = b
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("ACTIONBOT_PPROF_ADDR=%q is not host:port, e.g. 127.0.0.1:6060", addr)
	}
	if force {
		return addr, nil
	}
	ip := net.ParseIP(host)
	switch {
	case strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback():
		return addr, nil
	case host == "" || ip != nil && ip.IsUnspecified():
		return "", fmt.Errorf("ACTIONBOT_PPROF_ADDR=%q listens on every interface, and the profiler is not authenticated: give a loopback address such as 127.0.0.1:6060, or set ACTIONBOT_PPROF_FORCE=1 to serve it there anyway", addr)
	}
	return "", fmt.Errorf("ACTIONBOT_PPROF_ADDR=%q is not a loopback address, and the profiler is not authenticated: give one such as 127.0.0.1:6060, or set ACTIONBOT_PPROF_FORCE=1 to serve it there anyway", addr)
}

// Mail is how e-mail goes out (issue 27): nil when no mail setting
// is given. The links in e-mails use the link pages' settings
// (ACTIONBOT_PUBLIC_URL, ACTIONBOT_LINK_SECRET: Web), which e-mail
// needs.
type Mail struct {
	Server         *mail.Server
	FromName, From string
	DigestEmail    []string
}

// DigestEmail are the addresses the digest is e-mailed to
// (ACTIONBOT_DIGEST_EMAIL): none without mail settings.
func (c *Config) DigestEmail() []string {
	if c.Mail == nil {
		return nil
	}
	return c.Mail.DigestEmail
}

// LoadMail reads the mail settings: nil when none is given. Every
// problem is reported at once, and none shows the SMTP password.
func LoadMail(env Getenv) (*Mail, error) {
	any := false
	// Any of these turns e-mail on.
	for _, name := range []string{"ACTIONBOT_SMTP_URL", "ACTIONBOT_MAIL_FROM", "ACTIONBOT_DIGEST_EMAIL"} {
		if strings.TrimSpace(env(name)) != "" {
			any = true
		}
	}
	if !any {
		return nil, nil
	}
	mc := &Mail{}
	var problems []error
	var err error
	if raw := strings.TrimSpace(env("ACTIONBOT_SMTP_URL")); raw == "" {
		problems = append(problems, errors.New("ACTIONBOT_SMTP_URL is not set: e-mail needs the mail server, such as smtp://user:password@smtp.example.org:587 (the other mail settings are set)"))
	} else if mc.Server, err = mail.ParseServer(raw); err != nil {
		problems = append(problems, err)
	}
	if mc.FromName, mc.From, err = mail.ParseFrom(env("ACTIONBOT_MAIL_FROM")); err != nil {
		problems = append(problems, err)
	}
	if mc.DigestEmail, err = mail.ParseAddresses("ACTIONBOT_DIGEST_EMAIL", env("ACTIONBOT_DIGEST_EMAIL")); err != nil {
		problems = append(problems, err)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return mc, nil
}

// DefaultPostWait is how long --post goes on trying while Slack takes
// none of its messages (ACTIONBOT_POST_WAIT, at most a minute): then it
// gives up, exits non-zero, and leaves what is left queued for the serving
// bot. While Slack takes them it goes on as long as the pace needs.
const DefaultPostWait = 30 * time.Second

// LoadPostWait reads ACTIONBOT_POST_WAIT.
func LoadPostWait(env Getenv) (time.Duration, error) {
	v := strings.TrimSpace(env("ACTIONBOT_POST_WAIT"))
	if v == "" {
		return DefaultPostWait, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > time.Minute {
		return 0, fmt.Errorf("ACTIONBOT_POST_WAIT=%q is not a duration from 1s to 1m such as %s", v, DefaultPostWait)
	}
	return d, nil
}

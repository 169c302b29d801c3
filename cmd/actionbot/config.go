package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
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
	"github.com/sevenoaks-csp/actionbot/reminders"
)

// Config is the bot's configuration, from the environment with flags for
// the common settings: every setting is read in this file, and nowhere
// else (mail.go's and post.go's loaders are called from here).
// docs/settings.md has a table of every variable.
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
	// ReportDir is where the quarterly paper is written and the board
	// papers printed for Slack are kept (ACTIONBOT_REPORT_DIR); "" for none.
	ReportDir string
	// LogLevelSet says ACTIONBOT_LOG_LEVEL is set: the console quietens the
	// jobs' routine lines unless it is.
	LogLevelSet bool
	// GCPercentSet says GOGC is set: serve's own target yields to it.
	GCPercentSet bool
	// Jobs are the background jobs' settings, read by serve before anything
	// starts (loadJobSettings); nil for the other commands.
	Jobs *jobSettings
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
		ReportDir:   strings.TrimSpace(env("ACTIONBOT_REPORT_DIR")),
		LogLevelSet: strings.TrimSpace(env("ACTIONBOT_LOG_LEVEL")) != "",
		// GOGC is the Go runtime's, read here only to know it is set.
		GCPercentSet: strings.TrimSpace(env("GOGC")) != "",
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

// Slack modes.
const (
	modeSocket = "socket"
	modeHTTP   = "http"
)

// slackConfig is the Slack part of the configuration, from the environment.
type slackConfig struct {
	mode          string
	appToken      string // SLACK_APP_TOKEN, xapp-: Socket Mode
	botToken      string // SLACK_BOT_TOKEN, xoxb-
	signingSecret string // SLACK_SIGNING_SECRET: HTTP mode
	addr          string // ACTIONBOT_ADDR, default :3000
	apiURL        string // SLACK_API_URL: the Web API base URL
	// pace is the least time between two posts to one conversation
	// (ACTIONBOT_SLACK_PACE, default 1s: Slack allows about one a second).
	pace time.Duration
	// responseURLs are where replies may be posted: Slack's hooks, what
	// ACTIONBOT_SLACK_RESPONSE_URLS adds, and SLACK_API_URL's server (a
	// fake Slack, or a proxy the bot token already goes to).
	responseURLs []string
	// http bounds the HTTP door: requests in hand at once
	// (ACTIONBOT_HTTP_MAX_REQUESTS) and connections open
	// (ACTIONBOT_HTTP_MAX_CONNS).
	http bot.HTTPLimits
	// command is the slash command the bot answers
	// (ACTIONBOT_SLASH_COMMAND, default /action); others are refused.
	command string
	// postWait is how long remind/digest --post go on while Slack takes
	// none of their messages (ACTIONBOT_POST_WAIT).
	postWait time.Duration
}

// loadSlackConfig reads the Slack settings: Socket Mode with SLACK_APP_TOKEN
// and SLACK_BOT_TOKEN; otherwise HTTP with SLACK_SIGNING_SECRET and
// SLACK_BOT_TOKEN. It returns nil when no Slack setting is given (the
// console runs), and an error naming what is missing when some are. No
// error ever shows a token.
func loadSlackConfig(env getenv) (*slackConfig, error) {
	c := &slackConfig{
		appToken:      strings.TrimSpace(env("SLACK_APP_TOKEN")),
		botToken:      strings.TrimSpace(env("SLACK_BOT_TOKEN")),
		signingSecret: strings.TrimSpace(env("SLACK_SIGNING_SECRET")),
		addr:          or(env("ACTIONBOT_ADDR"), ":3000"),
		apiURL:        strings.TrimSpace(env("SLACK_API_URL")),
	}
	if c.appToken == "" && c.botToken == "" && c.signingSecret == "" {
		return nil, nil
	}
	if c.botToken == "" {
		return nil, errors.New("SLACK_BOT_TOKEN is not set: Slack needs the bot token (xoxb-…) from the app's OAuth & Permissions page, with SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP; unset the Slack variables to use the console")
	}
	if !strings.HasPrefix(c.botToken, "xoxb-") {
		return nil, errors.New("SLACK_BOT_TOKEN does not look like a bot token: it starts with xoxb-")
	}
	switch {
	case c.appToken != "":
		if !strings.HasPrefix(c.appToken, "xapp-") {
			return nil, errors.New("SLACK_APP_TOKEN does not look like an app-level token: it starts with xapp- (Basic Information → App-Level Tokens, scope connections:write)")
		}
		c.mode = modeSocket
	case c.signingSecret != "":
		c.mode = modeHTTP
	default:
		return nil, errors.New("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is")
	}
	if p := strings.TrimSpace(env("ACTIONBOT_SLACK_PACE")); p != "" {
		d, err := time.ParseDuration(p)
		if err != nil || d < 0 || d > time.Minute {
			return nil, fmt.Errorf("ACTIONBOT_SLACK_PACE=%q is not a duration from 0s to 1m such as 1s", p)
		}
		c.pace = d
	}
	if c.apiURL != "" && !strings.HasSuffix(c.apiURL, "/") {
		c.apiURL += "/"
	}
	urls, err := bot.ResponseURLs(env("ACTIONBOT_SLACK_RESPONSE_URLS"), c.apiURL)
	if err != nil {
		return nil, err
	}
	c.responseURLs = urls
	if c.postWait, err = loadPostWait(env); err != nil {
		return nil, err
	}
	c.command = or(strings.TrimSpace(env("ACTIONBOT_SLASH_COMMAND")), bot.DefaultCommand)
	if !bot.ValidCommand(c.command) {
		return nil, fmt.Errorf("ACTIONBOT_SLASH_COMMAND=%q is not a slash command such as %s (a slash, then lower-case letters, digits, - or _): give the command the Slack app defines", c.command, bot.DefaultCommand)
	}
	for _, l := range []struct {
		name string
		dst  *int
		def  int
	}{
		{"ACTIONBOT_HTTP_MAX_REQUESTS", &c.http.MaxRequests, bot.DefaultMaxRequests},
		{"ACTIONBOT_HTTP_MAX_CONNS", &c.http.MaxConns, bot.DefaultMaxConns},
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

// webConfig is where the link pages (package web) are, from the
// environment: ACTIONBOT_PUBLIC_URL, the address people reach the bot at
// (the links in e-mails start with it), and ACTIONBOT_LINK_SECRET, the key
// the links are signed with. nil when neither is set: no pages are served.
type webConfig struct {
	publicURL string
	secret    []byte
}

// loadWebConfig reads the link pages' settings. Both or neither: a public
// address without a secret could serve no link, and a secret without an
// address could make none. No error shows the secret.
func loadWebConfig(env getenv) (*webConfig, error) {
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
	return &webConfig{publicURL: strings.TrimRight(pub, "/"), secret: []byte(secret)}, nil
}

// redactURL is a URL for an error message, without any password in it.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return s
}

// remindConfig is the reminders' and digest's configuration.
type remindConfig struct {
	rules reminders.Rules
	// remindCron and digestCron are the schedules; "" when off.
	remindCron, digestCron string
	digestChannel          string
	taskingChannel         string
	// console is true when no Slack setting is given: posts are printed.
	console bool
}

// loadRemindConfig reads the reminder settings from the environment. Errors
// name the variable at fault.
func loadRemindConfig(env getenv, c *Config) (*remindConfig, error) {
	// Without any Slack setting the bot runs as the console (see slack.go).
	rc := &remindConfig{console: c.Slack == nil}
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
	if rc.remindCron, err = schedule("ACTIONBOT_REMIND_CRON", reminders.DefaultRemindCron); err != nil {
		return nil, err
	}
	if rc.digestCron, err = schedule("ACTIONBOT_DIGEST_CRON", reminders.DefaultDigestCron); err != nil {
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
	if rc.digestChannel, err = channel("ACTIONBOT_DIGEST_CHANNEL"); err != nil {
		return nil, err
	}
	if rc.taskingChannel, err = channel("ACTIONBOT_TASKING_CHANNEL"); err != nil {
		return nil, err
	}
	if rc.console && rc.digestChannel == "" {
		rc.digestChannel = consoleChannel
	}
	if rc.taskingChannel == "" {
		rc.taskingChannel = rc.digestChannel
	}
	if rc.digestChannel == "" && (c.Mail == nil || len(c.Mail.digestEmail) == 0) {
		rc.digestCron = "" // nowhere to post it
	}
	cal, err := loadCalendar(env)
	if err != nil {
		return nil, err
	}
	rc.rules = reminders.Rules{Location: c.TZ, Calendar: cal, Days: days, EscalateAfter: esc, StaleDays: c.RAG.StaleDays}
	if err := rc.rules.Validate(); err != nil {
		return nil, err
	}
	return rc, nil
}

// loadCalendar loads the bank holidays: the embedded gov.uk copy, or a newer
// one from ACTIONBOT_HOLIDAYS_FILE, for ACTIONBOT_HOLIDAY_DIVISION.
func loadCalendar(env getenv) (*calendar.Calendar, error) {
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
const defaultQuarterlyCron = "30 8 * * *"

// quarterlySettings are the job's settings.
type quarterlySettings struct {
	spec, channel, dir string
}

func loadQuarterly(env getenv) (*quarterlySettings, reminders.Schedule, error) {
	s := &quarterlySettings{spec: strings.TrimSpace(or(env("ACTIONBOT_QUARTERLY_CRON"), defaultQuarterlyCron)), dir: strings.TrimSpace(env("ACTIONBOT_REPORT_DIR"))}
	if strings.EqualFold(s.spec, "off") {
		return s, nil, nil
	}
	sched, err := reminders.ParseSchedule(s.spec)
	if err != nil {
		return nil, nil, fmt.Errorf("ACTIONBOT_QUARTERLY_CRON=%q is not a cron schedule like %q (minute hour day-of-month month day-of-week, in ACTIONBOT_TZ), or off: %w", s.spec, defaultQuarterlyCron, err)
	}
	for _, name := range []string{"ACTIONBOT_TASKING_CHANNEL", "ACTIONBOT_DIGEST_CHANNEL"} {
		if v := strings.TrimSpace(env(name)); v != "" {
			// A channel copied from Slack (<#C0123ABCD|tasking>) is taken too.
			id, ok := commands.ParseChannel(bot.PlainText(v))
			if !ok {
				return nil, nil, fmt.Errorf("%s=%q is not a Slack channel ID such as C0123ABCDEF", name, v)
			}
			s.channel = id
			break
		}
	}
	if s.dir != "" {
		if st, err := os.Stat(s.dir); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("ACTIONBOT_REPORT_DIR=%q is not a directory the quarterly paper can be written to", s.dir)
		}
	}
	return s, sched, nil
}

// jobSettings are the background jobs' settings, read once by serve before
// anything starts, every problem reported at once, and handed to the jobs.
type jobSettings struct {
	remind         *remindConfig
	quarterly      *quarterlySettings
	quarterlySched reminders.Schedule // nil when the quarterly paper is off
	pprofAddr      string
}

func loadJobSettings(env getenv, c *Config) (*jobSettings, error) {
	s := &jobSettings{}
	var errR, errQ, errP error
	s.remind, errR = loadRemindConfig(env, c)
	s.quarterly, s.quarterlySched, errQ = loadQuarterly(env)
	s.pprofAddr, errP = loadPprofAddr(env)
	if err := errors.Join(errQ, errR, errP); err != nil {
		return nil, err
	}
	return s, nil
}

// loadPprofAddr reads ACTIONBOT_PPROF_ADDR, refusing at start an address
// that is not loopback (127.0.0.0/8, ::1, localhost): the profiler, which
// shows memory and command line, would be open to anyone who can reach
// the host. ACTIONBOT_PPROF_FORCE=1 allows any address.
func loadPprofAddr(env getenv) (string, error) {
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

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/store"
)

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

// serveSlack runs the bot on Slack when the environment configures it.
func serveSlack(ctx context.Context, a *app, c *Config, db *store.DB) (bool, error) {
	sc := c.Slack // read and checked with the rest of the configuration
	if sc == nil {
		return false, nil
	}
	log := newLogger(c, os.Stderr)
	opts := []slack.Option{slack.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug))}
	if sc.apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(sc.apiURL))
	}
	if sc.appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(sc.appToken))
	}
	api := slack.New(sc.botToken, opts...)

	authCtx, cancelAuth := context.WithTimeout(ctx, 15*time.Second)
	who, err := api.AuthTestContext(authCtx)
	cancelAuth()
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && bot.RefusedToken(se.Err):
		log.Error("Slack refused the bot token", "error", se.Err)
		return true, fmt.Errorf("Slack refused SLACK_BOT_TOKEN (%s): reinstall the app and copy the Bot User OAuth Token again", se.Err)
	case err != nil:
		// Slack may be unreachable for a while: start anyway; the sender
		// retries and Socket Mode reconnects.
		log.Warn("could not check the bot token with Slack; starting anyway", "err", err.Error())
	default:
		log.Info("Slack bot token accepted", "bot_user", who.UserID, "team", who.TeamID)
	}

	h := a.handler(c, db)
	h.Logger = log
	h.Papers = slackPapers(a.env, log) // report_paper.go
	// Typed changes are made before Slack is answered while no more than
	// this many are in hand: each takes milliseconds, well inside Slack's
	// 3 seconds. A burst beyond it is made after the ack. Every change is
	// recorded before its ack either way.
	b := &bot.Bot{Handler: h, Store: db, API: api, Logger: log, SyncChanges: 16, ResponseURLs: sc.responseURLs, Command: sc.command}
	sender := &bot.Sender{Outbox: db, API: api, Logger: log, PerChannel: sc.pace}
	// E-mail goes out beside Slack, from the same outbox (mail.go).
	mailer := c.mailSender(db, log)
	if mailer != nil {
		b.HealthDetail = mailHealth(db, time.Now)
		log.Info("sending e-mail", "server", c.Mail.server.String(), "from", c.Mail.from)
	}

	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	// The link pages of the e-mails (web.go): under /a/ on HTTP mode's
	// server, or on a server of their own in Socket Mode.
	pages := linkPages(c, h, db, log)
	if pages != nil && sc.mode == modeSocket {
		waitPages, err := bot.ListenLinkPages(serveCtx, pages, sc.addr, sc.http, log)
		if err != nil {
			return true, err
		}
		defer waitPages()
	}
	// The sender outlives the server by a little: it stops after the last
	// request in hand is answered, and finishes the post it is making.
	senderCtx, stopSender := context.WithCancel(context.WithoutCancel(ctx))
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		if mailer != nil {
			mailDone := make(chan struct{})
			go func() { defer close(mailDone); mailer.Run(senderCtx) }()
			defer func() { <-mailDone }()
		}
		sender.Run(senderCtx)
	}()
	waitJobs := a.startJobs(serveCtx, c, db, backgroundJobs())
	// Changes acknowledged before the last stop but not made are made now,
	// and those made but not confirmed are confirmed.
	if err := b.RecoverInbox(serveCtx); err != nil {
		log.Error("could not recover acknowledged changes", "err", err)
	}

	switch sc.mode {
	case modeSocket:
		log.Info("starting in Slack Socket Mode")
		client := socketmode.New(api, socketmode.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug)))
		err = b.RunSocketMode(serveCtx, client)
		var fatal *bot.FatalSocketError
		if errors.As(err, &fatal) {
			log.Error("Slack refused the Socket Mode connection; stopping", "error", fatal.Cause.Error())
		}
	case modeHTTP:
		err = b.ListenAndServe(serveCtx, sc.addr, bot.NewVerifier(sc.signingSecret), sc.http, log, pages)
	}
	stopServing()
	b.Wait()
	waitJobs()
	stopSender()
	<-senderDone
	if err == nil {
		log.Info("stopped cleanly")
	}
	return true, err
}

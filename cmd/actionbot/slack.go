package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store"
)

// serveSlack runs the bot on Slack when the environment configures it.
func serveSlack(ctx context.Context, a *app, c *config.Config, db *store.DB) (bool, error) {
	sc := c.Slack // read and checked with the rest of the configuration
	if sc == nil {
		return false, nil
	}
	log := newLogger(c, os.Stderr)
	api := slackAPI(sc, log)

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
	h.Papers = commands.PapersIn(c.ReportDir, &report.Printer{}, log)
	// Typed changes are made before Slack is answered while no more than
	// this many are in hand: each takes milliseconds, well inside Slack's
	// 3 seconds. A burst beyond it is made after the ack. Every change is
	// recorded before its ack either way.
	b := &bot.Bot{Handler: h, Store: db, API: api, Logger: log, SyncChanges: 16, ResponseURLs: sc.ResponseURLs, Command: sc.Command}
	// Slack's messages, and e-mail beside them, go out from the one outbox.
	slackSender, mailer := bot.NewSender(db, api, sc.Command, a.clock(), sc.Pace, log), mailSender(c, db, log, a.clock(), 0)
	if mailer != nil {
		b.HealthDetail = mail.Health(db, time.Now)
		log.Info("sending e-mail", "server", c.Mail.Server.String(), "from", c.Mail.From)
	}

	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	// The link pages of the e-mails (web.go): under /a/ on HTTP mode's
	// server, or on a server of their own in Socket Mode.
	pages := linkPages(c, h, db, log)
	if pages != nil && sc.Mode == config.ModeSocket {
		waitPages, err := bot.ListenLinkPages(serveCtx, pages, sc.Addr, sc.HTTP, log)
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
		outbox.RunAll(senderCtx, db, slackSender, mailer)
	}()
	waitJobs := a.startJobs(serveCtx, c, db, true)
	// Changes acknowledged before the last stop but not made are made now,
	// and those made but not confirmed are confirmed.
	if err := b.RecoverInbox(serveCtx); err != nil {
		log.Error("could not recover acknowledged changes", "err", err)
	}

	switch sc.Mode {
	case config.ModeSocket:
		log.Info("starting in Slack Socket Mode")
		client := socketmode.New(api, socketmode.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug)))
		err = b.RunSocketMode(serveCtx, client)
		var fatal *bot.FatalSocketError
		if errors.As(err, &fatal) {
			log.Error("Slack refused the Socket Mode connection; stopping", "error", fatal.Cause.Error())
		}
	case config.ModeHTTP:
		err = b.ListenAndServe(serveCtx, sc.Addr, bot.NewVerifier(sc.SigningSecret), sc.HTTP, log, pages)
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

package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/store"
)

// mailTransport is the SMTP transport of the mail outbox on db, or nil
// without mail settings. Its links are the link pages' (readConfig makes
// sure they are set).
func mailTransport(c *config.Config, db *store.DB, log *slog.Logger) *mail.Transport {
	if c.Mail == nil {
		return nil
	}
	t := &mail.Transport{Store: db, Server: c.Mail.Server, FromName: c.Mail.FromName, From: c.Mail.From, Logger: log}
	if c.Web != nil {
		t.PublicURL, t.LinkKey = c.Web.PublicURL, c.Web.Secret
	}
	return t
}

// mailSender is the delivery loop of the mail outbox on db, on the clock
// now, or nil without mail settings.
func mailSender(c *config.Config, db *store.DB, log *slog.Logger, now func() time.Time) *outbox.Sender {
	t := mailTransport(c, db, log)
	if t == nil {
		return nil
	}
	return mail.NewSender(db, t, now, log)
}

// deliverAll delivers a --post's messages before the command exits:
// Slack's through Slack, e-mails through the mail server, each with the
// bot's own sender on the invocation's clock (db.Now), each accounted for
// by outbox.Summarise.
func deliverAll(ctx context.Context, w io.Writer, c *config.Config, log *slog.Logger, db *store.DB, msgs []*actionbot.Outgoing) error {
	var slackIDs, mailIDs []int64
	for _, m := range msgs {
		switch {
		case m == nil || m.ID == 0:
		case m.IsEmail():
			mailIDs = append(mailIDs, m.ID)
		default:
			slackIDs = append(slackIDs, m.ID)
		}
	}
	wait := config.DefaultPostWait
	if c.Slack != nil && c.Slack.PostWait > 0 {
		wait = c.Slack.PostWait
	}
	// Each owner's messages go through its sender, or wait for want of
	// settings (Missing says so).
	slackRoute := outbox.Route{IDs: slackIDs, Words: outbox.Words{Who: "Slack", Short: "Slack", Noun: "message"},
		Missing: "Not posted, for want of Slack settings: %s for Slack, left queued for a bot serving this database.\n"}
	if c.Slack != nil {
		slackRoute.Sender = func() *outbox.Sender { return postSlackSender(c.Slack, db, log) }
	}
	mailRoute := outbox.Route{IDs: mailIDs, Words: outbox.Words{Short: "The mail server", Noun: "e-mail"},
		Missing: "Not sent, for want of a mail server (ACTIONBOT_SMTP_URL): %s, left queued.\n"}
	if c.Mail != nil {
		mailRoute.Words.Who = "The mail server (" + c.Mail.Server.String() + ")"
		mailRoute.Sender = func() *outbox.Sender {
			t := mailTransport(c, db, log)
			t.Timeout = postTimeout // each SMTP conversation, as each call to Slack
			return mail.NewSender(db, t, db.Now, log)
		}
	}
	return outbox.DeliverRoutes(ctx, w, db, []outbox.Route{slackRoute, mailRoute}, wait)
}

// checkPostAll is checkPost for a command that may post to Slack or send
// e-mail: one of the two must be configured.
func checkPostAll(c *config.Config) error {
	if c.Mail != nil {
		return nil
	}
	return checkPost(c.Slack)
}

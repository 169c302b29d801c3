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
// now, each SMTP conversation bounded by timeout (0: the sender's
// default), or nil without mail settings.
func mailSender(c *config.Config, db *store.DB, log *slog.Logger, now func() time.Time, timeout time.Duration) *outbox.Sender {
	t := mailTransport(c, db, log)
	if t == nil {
		return nil
	}
	t.Timeout = timeout
	return mail.NewSender(db, t, now, log)
}

// deliverAll delivers a --post's messages before the command exits:
// Slack's through Slack, e-mails through the mail server, each with the
// bot's own sender on the invocation's clock (db.Now), each accounted for
// by outbox.Summarise.
func deliverAll(ctx context.Context, w io.Writer, c *config.Config, log *slog.Logger, db *store.DB, msgs []*actionbot.Outgoing) error {
	wait := config.DefaultPostWait
	if c.Slack != nil && c.Slack.PostWait > 0 {
		wait = c.Slack.PostWait
	}
	// Each owner's messages go through its sender, or wait for want of
	// settings (outbox.PostRoutes says so).
	var slack, mailer func() *outbox.Sender
	var server string
	if c.Slack != nil {
		slack = func() *outbox.Sender { return postSlackSender(c.Slack, db, log) }
	}
	if c.Mail != nil {
		server = c.Mail.Server.String()
		// Each SMTP conversation is bounded as each call to Slack is.
		mailer = func() *outbox.Sender { return mailSender(c, db, log, db.Now, postTimeout) }
	}
	return outbox.DeliverRoutes(ctx, w, db, outbox.PostRoutes(msgs, slack, mailer, server), wait)
}

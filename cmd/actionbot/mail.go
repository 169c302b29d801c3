package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/store"
)

// mailConfig is how e-mail goes out (issue 27): nil when no mail setting
// is given. The links in e-mails use the link pages' settings
// (ACTIONBOT_PUBLIC_URL, ACTIONBOT_LINK_SECRET: webConfig), which e-mail
// needs.
type mailConfig struct {
	server         *mail.Server
	fromName, from string
	digestEmail    []string
}

// mailSettings are the settings that turn e-mail on.
var mailSettings = []string{"ACTIONBOT_SMTP_URL", "ACTIONBOT_MAIL_FROM", "ACTIONBOT_DIGEST_EMAIL"}

// loadMailConfig reads the mail settings: nil when none is given. Every
// problem is reported at once, and none shows the SMTP password.
func loadMailConfig(env getenv) (*mailConfig, error) {
	any := false
	for _, name := range mailSettings {
		if strings.TrimSpace(env(name)) != "" {
			any = true
		}
	}
	if !any {
		return nil, nil
	}
	mc := &mailConfig{}
	var problems []error
	var err error
	if raw := strings.TrimSpace(env("ACTIONBOT_SMTP_URL")); raw == "" {
		problems = append(problems, errors.New("ACTIONBOT_SMTP_URL is not set: e-mail needs the mail server, such as smtp://user:password@smtp.example.org:587 (the other mail settings are set)"))
	} else if mc.server, err = mail.ParseServer(raw); err != nil {
		problems = append(problems, err)
	}
	if mc.fromName, mc.from, err = mail.ParseFrom(env("ACTIONBOT_MAIL_FROM")); err != nil {
		problems = append(problems, err)
	}
	if mc.digestEmail, err = mail.ParseAddresses("ACTIONBOT_DIGEST_EMAIL", env("ACTIONBOT_DIGEST_EMAIL")); err != nil {
		problems = append(problems, err)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return mc, nil
}

// mailSender is the mail sender on db, or nil without mail settings. Its
// links are the link pages' (readConfig makes sure they are set).
func (c *Config) mailSender(db *store.DB, log *slog.Logger) *mail.Sender {
	if c.Mail == nil {
		return nil
	}
	s := &mail.Sender{Outbox: db, Server: c.Mail.server, FromName: c.Mail.fromName, From: c.Mail.from, Logger: log}
	if c.Web != nil {
		s.PublicURL, s.LinkKey = c.Web.publicURL, c.Web.secret
	}
	return s
}

// mailHealth is /healthz's line about e-mail: nothing while it flows, a
// line when e-mail waits and the last attempt failed, or has waited long.
func mailHealth(db *store.DB, now func() time.Time) func(ctx context.Context) []string {
	return func(ctx context.Context) []string {
		q, err := db.QueuedForMail(ctx)
		if err != nil {
			return []string{"mail: the queue cannot be read"}
		}
		var out []string
		if q.Queued > 0 && (q.LastError != "" || now().Sub(q.Oldest) > 10*time.Minute) {
			line := fmt.Sprintf("mail: %s queued, the oldest since %s", actionbot.Plural(q.Queued, "e-mail"), q.Oldest.UTC().Format("2006-01-02 15:04 UTC"))
			if q.LastError != "" {
				line += "; the mail server is failing (/action admin failed says why)"
			}
			out = append(out, line)
		}
		if q.Failed > 0 {
			out = append(out, fmt.Sprintf("mail: %s failed (/action admin failed)", actionbot.Plural(q.Failed, "e-mail")))
		}
		return out
	}
}

// deliverAll delivers a --post's messages before the command exits:
// Slack's through Slack (deliverNow), e-mails through the mail server.
func deliverAll(ctx context.Context, w io.Writer, c *Config, log *slog.Logger, db *store.DB, msgs []*actionbot.Outgoing) error {
	var slackMsgs, mailMsgs []*actionbot.Outgoing
	for _, m := range msgs {
		switch {
		case m == nil || m.ID == 0:
		case m.IsEmail():
			mailMsgs = append(mailMsgs, m)
		default:
			slackMsgs = append(slackMsgs, m)
		}
	}
	var errs []error
	if len(slackMsgs) > 0 {
		if c.Slack == nil {
			fmt.Fprintf(w, "Not posted, for want of Slack settings: %s for Slack, left queued for a bot serving this database.\n", actionbot.Plural(len(slackMsgs), "message"))
			errs = append(errs, actionbot.Errorf(actionbot.EINVALID, "Not every message was delivered."))
		} else if err := deliverNow(ctx, w, c.Slack, log, db, slackMsgs); err != nil {
			errs = append(errs, err)
		}
	}
	if len(mailMsgs) > 0 {
		if err := deliverMailNow(ctx, w, c, log, db, mailMsgs); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// checkPostAll is checkPost for a command that may post to Slack or send
// e-mail: one of the two must be configured.
func checkPostAll(c *Config) error {
	if c.Mail != nil {
		return nil
	}
	return checkPost(c.Slack)
}

// deliverMailNow sends queued e-mails before the command exits, with the
// bot's own mail sender (claimed first, so a serving bot never sends them
// again), giving up when the server takes none for the post wait.
func deliverMailNow(ctx context.Context, w io.Writer, c *Config, log *slog.Logger, db *store.DB, msgs []*actionbot.Outgoing) error {
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	if c.Mail == nil {
		fmt.Fprintf(w, "Not sent, for want of a mail server (ACTIONBOT_SMTP_URL): %s, left queued.\n", actionbot.Plural(len(ids), "e-mail"))
		return actionbot.Errorf(actionbot.EINVALID, "Not every message was delivered.")
	}
	sender := c.mailSender(db, log)
	sender.Timeout = postTimeout
	wait := defaultPostWait
	if c.Slack != nil && c.Slack.postWait > 0 {
		wait = c.Slack.postWait
	}
	out, gaveUp, err := drainOutbox(ctx, db, ids, wait, 250*time.Millisecond, func(ctx context.Context) error {
		_, err := sender.Step(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("send e-mail: %w", err)
	}
	sent, failed, left, lastErr := 0, 0, 0, ""
	var why []string
	for _, o := range out {
		switch o.State {
		case actionbot.OutboxSent:
			sent++
		case actionbot.OutboxFailed:
			failed++
			why = append(why, o.Destination()+": "+o.LastError)
		default:
			left++
			if o.LastError != "" {
				lastErr = o.LastError
			}
		}
	}
	fmt.Fprintf(w, "The mail server (%s) accepted %d of %s.\n", c.Mail.server, sent, actionbot.Plural(len(out), "e-mail"))
	if failed > 0 {
		fmt.Fprintf(w, "%d could not be delivered (/action admin failed lists them): %s.\n", failed, strings.Join(why, "; "))
	}
	if left > 0 {
		last := ""
		if lastErr != "" {
			last = " (last: " + lastErr + ")"
		}
		if gaveUp {
			fmt.Fprintf(w, "The mail server took no e-mail for %s%s, so this gave up: %d still queued; a running bot, or the next --post, sends them.\n", wait, last, left)
		} else {
			fmt.Fprintf(w, "%d still queued%s: a running bot, or the next --post, sends them.\n", left, last)
		}
	}
	if failed > 0 || left > 0 {
		return actionbot.Errorf(actionbot.EINVALID, "Not every message was delivered.")
	}
	return nil
}

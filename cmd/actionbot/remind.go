package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/internal/cli"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
)

func remindService(rc *config.Remind, c *config.Config, db *store.DB, log *slog.Logger) *reminders.Service {
	return &reminders.Service{
		Store:          db,
		Rules:          rc.Rules,
		TaskingChannel: rc.TaskingChannel,
		DigestChannel:  rc.DigestChannel,
		DigestEmail:    c.DigestEmail(),
		NoEmail:        c.Mail == nil,
		RAG:            c.RAG,
		Logger:         log,
	}
}

// reminderScheduler is the sweep and the digest, for the bot's runner, in
// every mode. In the console the outbox is printed as it is delivered, so
// the console shows scheduled posts as they happen.
func (a *app) reminderScheduler(c *config.Config, db *store.DB) *reminders.Scheduler {
	s := a.scheduler(c, db, newLogger(c, a.stderr).With("job", "reminders"))
	s.Service.WarnSettings(s.Logger, actionbot.Today(a.clock()(), c.TZ))
	return s
}

// scheduler is the reminders' scheduler on the bot's clock.
func (a *app) scheduler(c *config.Config, db *store.DB, log *slog.Logger) *reminders.Scheduler {
	rc := c.Jobs.Remind
	return &reminders.Scheduler{
		Service:    remindService(rc, c, db, log),
		RemindSpec: rc.RemindCron,
		DigestSpec: rc.DigestCron,
		Now:        a.clock(),
		Logger:     log,
	}
}

// remindRequest is what digest and remind read before the database is
// opened: the reminders' settings, the instant asked for and, for a
// preview of remind's, its days.
type remindRequest struct {
	rc       *config.Remind
	at       time.Time
	from, to actionbot.Date
}

// remindCheck reads digest's and remind's settings and flags.
func remindCheck(a *app) error {
	if err := cli.NoArgs(a.name, a.args); err != nil {
		return err
	}
	c, r := a.c, &remindRequest{}
	rc, err := config.LoadRemind(a.env, c)
	if err != nil {
		return err
	}
	sched, def := rc.RemindCron, reminders.DefaultRemindCron
	if a.name == "digest" {
		sched, def = rc.DigestCron, reminders.DefaultDigestCron
	}
	if r.at, err = reminders.ParseInstant(a.opt.asOf, a.clock(), c.TZ, sched, def); err != nil {
		return err
	}
	if a.opt.from != "" || a.opt.to != "" {
		if r.from, r.to, err = reminders.ParsePreviewRange(a.opt.from, a.opt.to, a.opt.post); err != nil {
			return err
		}
	}
	r.rc, a.remind = rc, r
	return nil
}

// remindCmd is digest and remind: what the digest or the sweep would
// send at an instant, or, with --post, sending it; remind's --from and
// --to preview a range of days instead.
func (a *app) remindCmd(ctx context.Context) error {
	c, r, log, post := a.c, a.remind, newLogger(a.c, a.stderr), a.opt.post
	if !r.from.IsZero() {
		return a.preview(ctx)
	}
	if err := a.checkPost(); err != nil {
		return err
	}
	r.rc.Rules.WarnCalendar(log, actionbot.DateOf(r.at))
	svc := remindService(r.rc, c, a.db, log)
	var msgs []*actionbot.Outgoing
	var err error
	if a.name == "digest" {
		msgs, err = svc.DigestAccount(ctx, a.stdout, r.at, post, a.wall(), console.Render)
	} else {
		msgs, err = svc.SweepAccount(ctx, a.stdout, r.at, post, console.Render)
	}
	if err == nil && post { // and what an earlier --post left queued
		msgs, err = outbox.WithEarlier(ctx, a.stdout, a.db, msgs, c.Slack != nil, c.Mail != nil)
	}
	if err != nil || len(msgs) == 0 {
		return err
	}
	return deliverAll(ctx, a.stdout, c, log, a.db, msgs)
}

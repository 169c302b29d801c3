package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/internal/safefile"
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

func (a *app) remindLogger(c *config.Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: c.LogLevel}))
}

// reminderScheduler is the sweep and the digest, for the bot's runner, in
// every mode. In the console the outbox is printed as it is delivered, so
// the console shows scheduled posts as they happen.
func (a *app) reminderScheduler(c *config.Config, db *store.DB) *reminders.Scheduler {
	log := a.remindLogger(c).With("job", "reminders")
	rc := c.Jobs.Remind // read and checked by serve before starting
	if rc.DigestChannel == "" {
		log.Warn("the daily digest is off: set ACTIONBOT_DIGEST_CHANNEL to the channel of the daily tasking meeting")
	}
	if rc.TaskingChannel == "" {
		log.Warn("no tasking channel: escalations, and reminders for agencies nobody is registered with (where the priority has no task-group channel), cannot be delivered; set ACTIONBOT_TASKING_CHANNEL or ACTIONBOT_DIGEST_CHANNEL")
	}
	rc.Rules.WarnCalendar(log, actionbot.Today(a.clock()(), c.TZ))
	return a.scheduler(c, db, log)
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

// parseAsOf reads --as-of (reminders.ParseInstant); a mistake is a usage
// error.
func parseAsOf(s string, now func() time.Time, loc *time.Location, sched, def string) (time.Time, error) {
	t, err := reminders.ParseInstant(s, now, loc, sched, def)
	if err != nil {
		return t, actionbot.Errorf(actionbot.EUSAGE, "%s", err.Error())
	}
	return t, nil
}

// remindRun is what the digest and remind commands share: the settings, the
// instant asked for, the database and the service.
type remindRun struct {
	c    *config.Config
	rc   *config.Remind
	at   time.Time
	post bool
	db   *store.DB
	log  *slog.Logger
	svc  *reminders.Service
}

// remindSetup parses a digest or remind command's flags and opens what it
// needs; the caller closes run.db.
func (a *app) remindSetup(ctx context.Context, name string, args []string, asOfHelp, postHelp string, schedule func(*config.Remind) string, def string,
	extra ...func(*flag.FlagSet)) (*remindRun, error) {
	c, err := config.LoadSlackApp(a.env)
	if err != nil {
		return nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dbFlag(fs, c)
	asOf := fs.String("as-of", "", asOfHelp)
	post := fs.Bool("post", false, postHelp)
	for _, f := range extra {
		f(fs)
	}
	if err := a.flags(name, "", fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, actionbot.Errorf(actionbot.EUSAGE, "%s", name+" takes no arguments besides its flags")
	}
	rc, err := config.LoadRemind(a.env, c)
	if err != nil {
		return nil, err
	}
	at, err := parseAsOf(*asOf, a.clock(), c.TZ, schedule(rc), def)
	if err != nil {
		return nil, err
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return nil, err
	}
	log := a.remindLogger(c)
	return &remindRun{c: c, rc: rc, at: at, post: *post, db: db, log: log, svc: remindService(rc, c, db, log)}, nil
}

func (a *app) digestCmd(ctx context.Context, args []string) error {
	r, err := a.remindSetup(ctx, "digest", args,
		"the `instant` to build the digest for, in ACTIONBOT_TZ, such as 2012-11-05T08:30 (a date alone means the digest's scheduled time that day; default now)",
		"post it to the digest channel through Slack before exiting: once per working day, however often this runs",
		func(rc *config.Remind) string { return rc.DigestCron }, reminders.DefaultDigestCron)
	if err != nil {
		return err
	}
	defer r.db.Close()
	c, rc, at, db, log, svc, post := r.c, r.rc, r.at, r.db, r.log, r.svc, r.post
	if post {
		if err := checkPostAll(c); err != nil {
			return err
		}
	}
	rc.Rules.WarnCalendar(log, actionbot.DateOf(at))
	msgs, err := svc.DigestAccount(ctx, a.stdout, at, post, a.wall(), console.Render)
	if err != nil || msgs == nil {
		return err
	}
	return deliverAll(ctx, a.stdout, c, log, db, msgs)
}

func (a *app) remindCmd(ctx context.Context, args []string) error {
	var from, to string
	r, err := a.remindSetup(ctx, "remind", args,
		"the `instant` of the sweep, in ACTIONBOT_TZ, such as 2013-03-01 (the sweep's scheduled time that day) or 2013-03-01T09:00 (default now)",
		"send them through Slack before exiting: record each step and post its message, once",
		func(rc *config.Remind) string { return rc.RemindCron }, reminders.DefaultRemindCron, previewFlags(&from, &to))
	if err != nil {
		return err
	}
	defer r.db.Close()
	if from != "" || to != "" {
		return a.preview(ctx, r, from, to)
	}
	rc, at, db, log, svc, post := r.rc, r.at, r.db, r.log, r.svc, r.post
	if post {
		if err := checkPostAll(r.c); err != nil {
			return err
		}
	}
	rc.Rules.WarnCalendar(log, actionbot.DateOf(at))
	var run *reminders.Run
	if post {
		run, err = svc.Sweep(ctx, at)
	} else {
		run, err = svc.Due(ctx, at)
	}
	if run == nil {
		return err
	}
	// Action text may hold what a terminal would obey, stored before text
	// was cleaned at the door: shown escaped.
	safefile.Printable(func(w io.Writer) error { run.WriteAccount(w, console.Render, post); return nil })(a.stdout)
	if err != nil {
		return err
	}
	if post {
		return deliverAll(ctx, a.stdout, r.c, log, db, run.Messages())
	}
	return nil
}

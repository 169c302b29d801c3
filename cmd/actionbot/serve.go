package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/internal/cli"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/schedule"
	"github.com/sevenoaks-csp/actionbot/store"
)

// open opens the database; unless bare, it loads the shipped plan into an
// empty one. It creates a missing database only for the commands that may
// (a.mustExist is false): see the table's createsFile and createsDir.
func (a *app) open(ctx context.Context, c *config.Config, bare bool) (*store.DB, error) {
	db := store.NewDB(c.DB)
	db.Sync = c.Sync
	db.MustExist = a.mustExist
	db.MustHaveDir = a.mustHaveDir
	db.Now = a.clock() // what is recorded is dated on the invocation's clock
	// The store enforces the rules again: it must know who coordinates by
	// configuration as well as by the database.
	db.ConfiguredCoordinators = slices.Clone(c.Coordinators)
	if err := db.Open(); err != nil {
		return nil, store.Advice(err)
	}
	for _, f := range db.Tightened {
		fmt.Fprintf(a.stderr, "Made %s readable by its owner only: it holds notes and blocked reasons.\n", f)
	}
	if !bare {
		loaded, err := planfile.EnsurePlan(ctx, db)
		if err != nil {
			db.Close()
			return nil, err
		}
		switch {
		case loaded && db.Created:
			fmt.Fprintf(a.stderr, "Created %s with the shipped plan (Sevenoaks District CSP Action Plan 2012-13).\n", actionbot.Redact(c.DB))
		case loaded:
			fmt.Fprintf(a.stderr, "Loaded the shipped plan (Sevenoaks District CSP Action Plan 2012-13) into %s, which held no plan.\n", actionbot.Redact(c.DB))
		}
	}
	return db, nil
}

func (a *app) handler(c *config.Config, db *store.DB) *commands.Handler {
	return &commands.Handler{
		Store:    db,
		Now:      a.clock(),
		Location: c.TZ,
		RAG:      c.RAG,
		Logger:   newLogger(c, os.Stderr),
	}
}

// serveGCPercent is the garbage collector's target (GOGC) for serve unless
// the environment sets GOGC.
const serveGCPercent = 45

func (a *app) serve(ctx context.Context) error {
	c := a.c
	// On Slack the database must exist: a mistyped path must not start a
	// fresh one and post to real channels. The console may create it.
	if c.Slack != nil {
		a.mustExist = true
	}
	if err := a.startClock(c, a.opt.asOf, a.opt.speed); err != nil {
		return err
	}
	if !c.GCPercentSet {
		// Memory bounded: serve holds the whole current plan in memory, and
		// its peaks (the start-up catch-up, a burst of changes) are twice
		// the live heap at Go's default of 100. At 45 a 10,000-action plan
		// stays under 64 MB for about 4 µs more CPU per look-up
		// (BENCHMARKS.md). An operator's GOGC wins.
		debug.SetGCPercent(serveGCPercent)
	}
	// Settings are checked before anything starts: a mistake stops the bot
	// with a message naming the variable, rather than a bot half running.
	var err error
	if c.Jobs, err = config.LoadJobs(a.env, c); err != nil {
		return err
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := store.Advice(db.QuickCheck(ctx)); err != nil { // a damaged database stops the bot
		return err
	}
	// The bot answers from memory; a change the CLI makes meanwhile is seen
	// within this. Its own changes are seen at once.
	db.RecheckEvery = 250 * time.Millisecond
	if db.Postgres() {
		// Replicas hear of each other's changes by notice, and a change
		// returns once they have (store.DB.ListenForChanges): a lookup while
		// nothing changes asks nothing. Otherwise every request asks.
		db.RecheckEvery = 0
		if err := db.ListenForChanges(ctx); err != nil {
			newLogger(c, os.Stderr).Warn("replicas: cannot listen for changes; every request will ask the database instead", "err", err)
		}
	}
	if handled, err := serveSlack(ctx, a, c, db); handled {
		return err
	}
	return a.runConsole(ctx, c, db)
}

// startJobs starts beside the bot the profiler (when ACTIONBOT_PPROF_ADDR
// is set) and the runner of every periodic job on the bot's clock (the
// wall clock, or the console's -as-of clock): the daily integrity check
// and, when sending, the reminders' sweep and the digest (caught up at
// start) and the quarterly paper (made at start if due). A console on a
// database a Slack bot uses sends nothing: it leaves those to the bot.
// The returned function waits for the jobs to return after ctx is done.
func (a *app) startJobs(ctx context.Context, c *config.Config, db *store.DB, sending bool) (wait func()) {
	log := newLogger(c, os.Stderr)
	r := &schedule.Runner{Now: a.clock(), Location: c.TZ, Logger: log.With("job", "scheduler")}
	r.Jobs = append(r.Jobs, schedule.Job{Name: "integrity check", Spec: "@every " + integrityEvery.String(), Run: integrityCheck(db, log)})
	if sending {
		s := a.reminderScheduler(c, db)
		r.Start = append(r.Start, s.StartUp)
		r.Jobs = append(r.Jobs, s.Jobs()...)
		if q := quarterlyRun(c, db); q != nil {
			r.Start = append(r.Start, q)
			r.Jobs = append(r.Jobs, schedule.Job{Name: "quarterly paper", Spec: c.Jobs.Quarterly.Spec, Run: q})
		}
	}
	var wg sync.WaitGroup
	for _, job := range []func(context.Context) error{r.Run, func(ctx context.Context) error { return servePprof(ctx, c.Jobs.PprofAddr, log) }} {
		wg.Go(func() {
			if err := job(ctx); err != nil && ctx.Err() == nil {
				log.Error("background job stopped", "err", err)
			}
		})
	}
	return wg.Wait
}

// runConsole runs the console adapter until input ends.
func (a *app) runConsole(ctx context.Context, c *config.Config, db *store.DB) error {
	// The console is a conversation: the jobs' routine lines ("scheduled",
	// "digest posted") would interleave with its answers. Warnings and
	// errors still show; ACTIONBOT_LOG_LEVEL=info brings the rest back.
	if !c.LogLevelSet {
		c.LogLevel = slog.LevelWarn
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		return err
	}
	h := a.handler(c, db)
	// The person at the console owns the database file: they coordinate.
	db.ConfiguredCoordinators = append(db.ConfiguredCoordinators, c.ConsoleUser)
	con := &console.Console{Handler: h, In: a.stdin, Out: a.stdout, User: c.ConsoleUser, Channel: config.ConsoleChannel, Prompt: cli.IsTerminal(a.stdin), Logger: h.Logger}
	con.Banner(plan.Name)
	// Before anything is queued: the console shows its own run's posts
	// only (store.ConsoleOwner), and leaves the messages queued for Slack
	// (by the bot, paced or waiting out an outage, before a stop) to the
	// Slack sender, saying how many wait, so that nobody takes the
	// console's silence for an empty queue.
	db.Owner = store.ConsoleOwner()
	slack, err := console.NoteOutbox(ctx, a.stdout, db)
	if err != nil {
		return err
	}
	if a.moving != nil && c.Jobs != nil && c.Jobs.Remind != nil && !slack {
		s := a.scheduler(c, db, newLogger(c, a.stderr).With("job", "next"))
		con.Next = func(ctx context.Context) (string, error) {
			return s.RunNext(ctx, a.moving.Now().In(c.TZ), a.moving.Jump)
		}
		con.Box, con.Clock = db, a.clock()
	}
	if note := reminders.ClockNote(a.clock()().In(c.TZ), plan, a.moving != nil); note != "" {
		fmt.Fprintf(a.stdout, "%s\n\n", note)
	}
	return con.Serve(ctx, db, a.clock(), func(ctx context.Context) func() { return a.startJobs(ctx, c, db, !slack) })
}

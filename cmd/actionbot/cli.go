package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/internal/safefile"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/schedule"
	"github.com/sevenoaks-csp/actionbot/store"
)

// flags parses a subcommand's flags; -h prints its usage and returns flag.ErrHelp.
func (a *app) flags(name, args string, fs *flag.FlagSet, argv []string) error {
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Usage: actionbot %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	if err := fs.Parse(argv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return actionbot.Errorf(actionbot.EUSAGE, "%s", err.Error())
	}
	return nil
}

// open opens the database; unless bare, it loads the shipped plan into an
// empty one. It creates a missing database only for the commands that may
// (a.mustExist is false): see database.go.
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

func (a *app) serve(ctx context.Context, args []string) error {
	c, err := config.LoadSlackApp(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dbFlag(fs, c)
	fs.StringVar(&c.ConsoleUser, "user", c.ConsoleUser, "acting `user` in the console (ACTIONBOT_CONSOLE_USER)")
	asOf := asOfFlag(fs)
	speed := speedFlag(fs)
	if err := a.flags("serve", "", fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// "actionbot -db x.db membr list": a command mistyped after -db.
		if msg := unknownCommand(fs.Arg(0)); strings.Contains(msg, "did you mean") {
			return actionbot.Errorf(actionbot.EUSAGE, "%s", msg)
		}
		return actionbot.Errorf(actionbot.EUSAGE, "serve takes flags only, not %q", fs.Arg(0))
	}
	// On Slack the database must exist: a mistyped path must not start a
	// fresh one and post to real channels. The console may create it.
	if c.Slack != nil {
		a.mustExist = true
	}
	if err := a.startClock(c, *asOf, *speed); err != nil {
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
	if c.Jobs, err = config.LoadJobs(a.env, c); err != nil {
		return err
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkIntegrity(ctx, db); err != nil {
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

// backgroundJob runs beside the bot in every mode (the reminder scheduler)
// until ctx is done. The console is given so jobs can show what they do.
type backgroundJob func(ctx context.Context, a *app, c *config.Config, db *store.DB) error

// backgroundJobs are the jobs that run beside the bot: the profiler (when
// ACTIONBOT_PPROF_ADDR is set) and the runner of every periodic job.
func backgroundJobs() []backgroundJob {
	return []backgroundJob{pprofJob, scheduledJobs(true)}
}

// keepingJobs are the background jobs that send nothing: a console on a
// database a Slack bot uses runs only these (the integrity check), and
// leaves the reminders, the digest and the quarterly paper to the bot.
func keepingJobs() []backgroundJob {
	return []backgroundJob{pprofJob, scheduledJobs(false)}
}

// scheduledJobs runs every periodic job through one runner on the bot's
// clock (the wall clock, or the console's -as-of clock): the daily
// integrity check and, when sending, the reminders' sweep and the digest
// (caught up at start) and the quarterly paper (made at start if due).
func scheduledJobs(sending bool) backgroundJob {
	return func(ctx context.Context, a *app, c *config.Config, db *store.DB) error {
		log := newLogger(c, os.Stderr)
		r := &schedule.Runner{Now: a.clock(), Location: c.TZ, Logger: log.With("job", "scheduler")}
		r.Jobs = append(r.Jobs, schedule.Job{Name: "integrity check", Spec: "@every " + integrityEvery.String(), Run: integrityCheck(db, log)})
		if sending {
			s := a.reminderScheduler(c, db)
			r.Start = append(r.Start, s.StartUp)
			r.Jobs = append(r.Jobs, s.Jobs()...)
			if q := quarterlyRun(a, c, db); q != nil {
				r.Start = append(r.Start, q)
				r.Jobs = append(r.Jobs, schedule.Job{Name: "quarterly paper", Spec: c.Jobs.Quarterly.Spec, Run: q})
			}
		}
		return r.Run(ctx)
	}
}

// startJobs starts the background jobs; the returned function waits for
// them to return after ctx is done.
func (a *app) startJobs(ctx context.Context, c *config.Config, db *store.DB, jobs []backgroundJob) (wait func()) {
	log := newLogger(c, os.Stderr)
	done := make(chan struct{}, len(jobs))
	for _, job := range jobs {
		go func() {
			defer func() { done <- struct{}{} }()
			if err := job(ctx, a, c, db); err != nil && ctx.Err() == nil {
				log.Error("background job stopped", "err", err)
			}
		}()
	}
	return func() {
		for range jobs {
			<-done
		}
	}
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
	con := &console.Console{Handler: h, In: a.stdin, Out: a.stdout, User: c.ConsoleUser, Channel: config.ConsoleChannel, Prompt: isTerminal(a.stdin), Logger: h.Logger}
	con.Banner(plan.Name)
	// Before anything is queued: the console shows its own run's posts only.
	slack, err := a.ownConsoleOutbox(ctx, db)
	if err != nil {
		return err
	}
	if a.moving != nil && c.Jobs != nil && c.Jobs.Remind != nil && !slack {
		s := a.scheduler(c, db, a.remindLogger(c).With("job", "next"))
		con.Next = func(ctx context.Context) (string, error) {
			return s.RunNext(ctx, a.moving.Now().In(c.TZ), a.moving.Jump)
		}
		con.Box, con.Clock = db, a.clock()
	}
	a.bannerNote(c, plan)
	dctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		con.Deliver(dctx, db, a.clock(), time.Second)
	}()
	jobs := backgroundJobs()
	if slack {
		jobs = keepingJobs()
	}
	waitJobs := a.startJobs(dctx, c, db, jobs)
	err = con.Run(ctx)
	cancel()
	<-done
	waitJobs()
	// Show what the last command queued before leaving.
	if derr := con.DeliverOnce(context.WithoutCancel(ctx), db, a.clock()()); derr != nil && err == nil {
		err = derr
	}
	return err
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (a *app) importCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dbFlag(fs, c)
	f := importFlags(fs)
	if err := a.flags("import", "FILE.csv|FILE.xlsx", fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return actionbot.Errorf(actionbot.EUSAGE, "import takes one plan file, CSV or .xlsx")
	}
	return a.importPlan(ctx, c, f, fs.Arg(0))
}

func (a *app) exportCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dbFlag(fs, c)
	out := fs.String("o", "", "write to `file` instead of standard output")
	format := fs.String("format", "csv", "csv, xlsx (an Actions and an Agencies sheet), or another registered `format` ("+strings.Join(exportFormatNames(), ", ")+")")
	shipped := fs.Bool("shipped", false, "write the shipped plan as a template (CSV or xlsx), without any database")
	if err := a.flags("export", "", fs, args); err != nil {
		return err
	}
	ex, ok := exportFormat(*format)
	plan := *format == "csv" || *format == "xlsx"
	if !ok && !plan {
		return actionbot.Errorf(actionbot.EUSAGE, "unknown export format %q: use %s", *format, strings.Join(exportFormatNames(), ", "))
	}
	if fs.NArg() > 0 {
		return actionbot.Errorf(actionbot.EUSAGE, "export takes flags only, not %q (flags go before the arguments)", fs.Arg(0))
	}
	if err := safefile.NotTheDatabase(*out, c.DB); err != nil {
		return err
	}
	if *format == "xlsx" && *out == "" && isTerminalOut(a.stdout) {
		return actionbot.Errorf(actionbot.EUSAGE, "an xlsx workbook is not for the terminal: give -o FILE.xlsx, or redirect the output")
	}
	if *shipped {
		if !plan {
			return actionbot.Errorf(actionbot.EUSAGE, "--shipped writes the shipped plan as a CSV or xlsx template: use --format csv or xlsx")
		}
		ex, err := planfile.ShippedExport()
		if err != nil {
			return err
		}
		return safefile.Write(*out, a.stdout, planWriter(*format, ex))
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if !plan {
		return safefile.Write(*out, a.stdout, safefile.Printable(func(w io.Writer) error { return ex(ctx, c, db, a.clock()(), w) }))
	}
	pe, err := planfile.CurrentExport(ctx, db, c.RAG, a.clock()().In(c.TZ))
	if err != nil {
		return err
	}
	return safefile.Write(*out, a.stdout, planWriter(*format, pe))
}

// planWriter writes a plan as CSV (escaped for the terminal, as every text
// output) or as an xlsx workbook.
func planWriter(format string, ex *planfile.Export) func(io.Writer) error {
	if format == "xlsx" {
		return func(w io.Writer) error { return planfile.WriteExportXLSX(w, ex) }
	}
	return safefile.Printable(func(w io.Writer) error { return planfile.WriteExport(w, ex) })
}

// isTerminalOut reports whether w is a terminal.
func isTerminalOut(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// exportFormat returns the writer of a format of "export" besides the
// plan's own (csv, xlsx).
func exportFormat(name string) (func(ctx context.Context, c *config.Config, db *store.DB, now time.Time, w io.Writer) error, bool) {
	switch name {
	case "ics":
		return func(ctx context.Context, c *config.Config, db *store.DB, now time.Time, w io.Writer) error {
			return report.WriteICSAt(ctx, db, c.RAG, now, c.TZ, w)
		}, true
	}
	return nil, false
}

func exportFormatNames() []string { return []string{"csv", "ics", "xlsx"} }

func (a *app) memberCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("member", flag.ContinueOnError)
	dbFlag(fs, c)
	if err := a.flags("member", "add|remove USER|ADDRESS AGENCY | email USER ADDRESS [auto|email|both] | list [AGENCY]", fs, args); err != nil {
		return err
	}
	// The usage is checked before the database is opened (or created).
	m, err := commands.ParseMembership("member", fs.Args())
	if err != nil {
		return err
	}
	a.mustExist = !m.MayCreate
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	dir, err := db.Directory(ctx)
	if err != nil {
		return err
	}
	rest := fs.Args()
	switch {
	case m.Change != nil:
		return a.changeOrForget(ctx, c, db, m.Change)
	case len(rest) >= 1 && rest[0] == "list":
		var codes []string
		if len(rest) > 1 {
			ag, err := commands.ResolveAgency(dir, strings.Join(rest[1:], " "))
			if err != nil {
				return err
			}
			codes = append(codes, ag.Code)
		}
		ms, err := db.Members(ctx, codes...)
		if err != nil {
			return err
		}
		commands.WriteMembers(a.stdout, dir, ms, c.TZ)
		return nil
	}
	return actionbot.Errorf(actionbot.EUSAGE, "member add USER AGENCY, member remove USER AGENCY, or member list [AGENCY]")
}

func (a *app) coordinatorCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("coordinator", flag.ContinueOnError)
	dbFlag(fs, c)
	if err := a.flags("coordinator", "add|remove USER | list", fs, args); err != nil {
		return err
	}
	// The usage is checked before the database is opened (or created).
	m, err := commands.ParseMembership("coordinator", fs.Args())
	if err != nil {
		return err
	}
	a.mustExist = !m.MayCreate
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rest := fs.Args()
	switch {
	case m.Change != nil:
		return a.changeOrForget(ctx, c, db, m.Change)
	case len(rest) == 1 && rest[0] == "list":
		ids, err := db.Coordinators(ctx)
		if err != nil {
			return err
		}
		commands.WriteCoordinators(a.stdout, ids, c.Coordinators)
		return nil
	}
	return actionbot.Errorf(actionbot.EUSAGE, "coordinator add USER, coordinator remove USER, or coordinator list")
}

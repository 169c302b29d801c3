package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/cli"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/report"
)

// subcommand is a row of the table: how it is named and described, the
// settings it reads, the flags it takes, what it may create, and what runs
// it (app.run).
type subcommand struct {
	cli.Command
	config func(config.Getenv) (*config.Config, error) // nil: it reads no settings
	// flags are the flags it takes, by name (declare); asOf and post say
	// what its -as-of and --post mean.
	flags      []string
	asOf, post string
	// anywhere lets flags come among the arguments, after an action's id
	// or a negative figure: "measure 3 1 -2 --as-of 2012-09-30".
	anywhere bool
	// check reads the arguments before any database is opened (or
	// created), so that a mistake changes nothing; nil: it takes none.
	check func(a *app) error
	// open is the database the table opens for run (a.db): with the
	// shipped plan loaded into an empty one (planDB) or as it is (bareDB).
	open dbUse
	// The database is never swapped by a typo. Only init and import, whose
	// purpose is a new database, create a missing one and its directory
	// (createsDir); the console (its first run, README's quick start) and
	// a membership change (naming the first coordinators before Slack is
	// set up, README) create a missing file in a directory that exists
	// (createsFile). serve on Slack and every other command (a list of
	// members, a measure's figure) refuse, naming the path and how to
	// create one: nothing is recorded into a stray new file.
	createsFile, createsDir bool
	run                     func(a *app, ctx context.Context) error
}

// subcommands is the table of every subcommand, in the order "actionbot
// help" lists them.
func subcommands() []subcommand {
	return []subcommand{
		{Command: cli.Command{Name: "serve", Synopsis: "[-as-of 2012-11-05T08:29 [-speed 60]] [-user USER]",
			Summary: "run the bot (the command when none is given); without Slack settings, a console on this terminal, with -as-of on a clock that starts at that instant and runs forward"},
			config: config.LoadSlackApp, flags: []string{"db", "user", "as-of", "speed"}, check: serveArgs, createsFile: true, run: (*app).serve,
			asOf: "console only: run on a clock that starts at this `instant` in ACTIONBOT_TZ (such as 2012-11-05T08:29) and runs forward"},
		{Command: cli.Command{Name: "init", Synopsis: "[-db FILE]", Summary: "create a new database with the shipped plan (serve on Slack never creates one)"},
			config: config.Load, flags: []string{"db"}, createsFile: true, createsDir: true, run: (*app).initCmd},
		{Command: cli.Command{Name: "import", Synopsis: "[flags] FILE.csv|FILE.xlsx", Summary: "import a plan from CSV or .xlsx (-h for the flags)"},
			config: config.Load, flags: []string{"db", "import"}, anywhere: true, check: exactly(1, "import takes one plan file, CSV or .xlsx"),
			createsFile: true, createsDir: true, run: (*app).importCmd},
		{Command: cli.Command{Name: "export", Synopsis: "[--format csv|ics|xlsx] [--shipped] [-o FILE]", Summary: "write the current plan as CSV (--shipped: the shipped plan, as a template)"},
			config: config.Load, flags: []string{"db", "export", "o"}, run: (*app).exportCmd},
		{Command: cli.Command{Name: "member", Aliases: []string{"members"}, Synopsis: "add|remove USER|ADDRESS AGENCY | email USER ADDRESS [auto|email|both] | list [AGENCY]",
			Summary: "register people with agencies, as /action admin member does"},
			config: config.Load, flags: []string{"db"}, check: membershipCheck("member"), open: planDB, createsFile: true, run: (*app).memberCmd},
		{Command: cli.Command{Name: "coordinator", Aliases: []string{"coordinators"}, Synopsis: "add|remove USER | list", Summary: "give or take the coordinator role"},
			config: config.Load, flags: []string{"db"}, check: membershipCheck("coordinator"), open: planDB, createsFile: true, run: (*app).coordinatorCmd},
		{Command: cli.Command{Name: "agency", Aliases: []string{"agencies"}, Synopsis: "add NAME [--code CODE] [--alias ALIAS]… | alias AGENCY ALIAS… | list",
			Summary: "add an agency the plan does not name, as /action admin agency add does; actionbot agencies lists them"},
			config: config.Load, flags: []string{"db", "agency"}, anywhere: true, check: agencyCheck, open: planDB, run: (*app).agencyCmd},
		{Command: cli.Command{Name: "lead", Synopsis: "ID AGENCY [; AGENCY…]", Summary: "set who leads an action, as /action ID lead does (a plan without a lead column imports with none)"},
			config: config.Load, flags: []string{"db"}, anywhere: true, check: verbCheck, open: planDB, run: (*app).verbCmd},
		{Command: cli.Command{Name: "partners", Synopsis: "ID add|remove AGENCY [; AGENCY…]", Summary: "add or remove an action's partner agencies, as /action ID partners does"},
			config: config.Load, flags: []string{"db"}, anywhere: true, check: verbCheck, open: planDB, run: (*app).verbCmd},
		{Command: cli.Command{Name: "measure", Synopsis: "PRIORITY N VALUE [--as-of DATE] [--source TEXT]", Summary: "record a success measure's latest figure"},
			config: config.Load, flags: []string{"db", "as-of", "source"}, anywhere: true, check: measureCheck, open: planDB, run: (*app).runCmd,
			asOf: "the `date` the figure stands at, e.g. 2012-09-30 (default today)"},
		{Command: cli.Command{Name: "redact", Synopsis: "ID note N [-by NAME]", Summary: "remove a note's text (personal data) from the record and the bot's Slack messages, as /action ID redact note N does"},
			config: config.Load, flags: []string{"db", "by"}, anywhere: true, check: verbCheck, open: planDB, run: (*app).verbCmd},
		{Command: cli.Command{Name: "report", Synopsis: "[--as-of DATE | --quarter 2012-Q3] [--format md|csv|html|pdf] [--measures] [-o FILE]", Summary: "write the monitoring report for the board"},
			config: config.Load, flags: []string{"db", "as-of", "o", "report"}, check: reportCheck, open: planDB, run: (*app).reportCmd,
			asOf: "the `date` the report stands at, e.g. 2012-10-01, in the plan's time zone (default today)"},
		{Command: cli.Command{Name: "digest", Synopsis: "[--as-of 2012-11-05T08:30] [--post]", Summary: "show the daily tasking digest for an instant; --post posts it through Slack (once a day)"},
			config: config.LoadSlackApp, flags: []string{"db", "as-of", "post"}, check: remindCheck, open: planDB, run: (*app).remindCmd,
			asOf: "the `instant` to build the digest for, in ACTIONBOT_TZ, such as 2012-11-05T08:30 (a date alone means the digest's scheduled time that day; default now)",
			post: "post it to the digest channel through Slack before exiting: once per working day, however often this runs"},
		{Command: cli.Command{Name: "remind", Synopsis: "[--as-of 2013-03-01] [--post] | --from 2012-04-02 --to 2013-05-03",
			Summary: "show the messages the sweep would send at an instant, and to whom; --post sends them through Slack; --from/--to previews the volume of a range of days"},
			config: config.LoadSlackApp, flags: []string{"db", "as-of", "post", "preview"}, check: remindCheck, open: planDB, run: (*app).remindCmd,
			asOf: "the `instant` of the sweep, in ACTIONBOT_TZ, such as 2013-03-01 (the sweep's scheduled time that day) or 2013-03-01T09:00 (default now)",
			post: "send them through Slack before exiting: record each step and post its message, once"},
		{Command: cli.Command{Name: "backup", Synopsis: "FILE", Summary: "write a consistent copy of the live database to FILE (safe while the bot runs)"},
			config: config.Load, flags: []string{"db"}, check: exactly(1, "backup takes the file to write"), open: bareDB, run: (*app).backupCmd},
		{Command: cli.Command{Name: "copy-db", Synopsis: "--from DB --to DB", Summary: "copy everything into a new, empty database: SQLite file to PostgreSQL URL, or back"},
			flags: []string{"copy"}, check: anyArgs, run: (*app).copyDBCmd},
		{Command: cli.Command{Name: "mail-sink", Synopsis: "[-addr 127.0.0.1:2525]",
			Summary: "an SMTP server on this machine that prints the e-mails it is given and delivers none: try e-mail with ACTIONBOT_SMTP_URL=smtp://127.0.0.1:2525"},
			flags: []string{"addr"}, run: func(a *app, ctx context.Context) error {
				return (&mail.Sink{Print: a.stdout}).Serve(ctx, a.opt.addr, a.stdout)
			}},
		{Command: cli.Command{Name: "version", Summary: "the version of this binary"}, check: anyArgs,
			run: func(a *app, _ context.Context) error {
				_, err := fmt.Fprintln(a.stdout, "actionbot", actionbot.Version)
				return err
			}},
		{Command: cli.Command{Name: "help", Summary: "this list"}, check: anyArgs,
			run: func(a *app, _ context.Context) error {
				cli.WriteHelp(a.stdout, usageHead, described(subcommands()), usageFoot)
				return nil
			}},
	}
}

const usageHead = `actionbot — the Community Safety Partnership's action plan, in Slack.

Usage:
`

const usageFoot = `
Every command on a database takes -db FILE or -db postgres://URL (default $ACTIONBOT_DB or actionbot.db); each takes -h for its flags.
docs/settings.md documents the environment variables.
`

// dbUse is the database a subcommand has the table open for it.
type dbUse int

const (
	noDB   dbUse = iota // run opens its own, if any
	planDB              // opened with the shipped plan loaded into an empty one
	bareDB              // opened as it is
)

// exactly is a check that refuses any number of arguments but n, saying
// want.
func exactly(n int, want string) func(a *app) error {
	return func(a *app) error { return cli.Exactly(n, want)(a.name, a.args) }
}

func anyArgs(*app) error { return nil }

// described are the table's commands as the command line knows them.
func described(table []subcommand) []cli.Command {
	out := make([]cli.Command, len(table))
	for i, s := range table {
		out[i] = s.Command
	}
	return out
}

// serveArgs refuses serve's arguments: "actionbot -db x.db membr list" is
// a command mistyped after -db.
func serveArgs(a *app) error {
	if names := cli.Names(described(subcommands())); len(a.args) > 0 && cli.Nearest(a.args[0], names) != "" {
		return cli.Unknown(a.args[0], names)
	}
	return cli.NoArgs("serve", a.args)
}

// options are the values of every flag a subcommand may take: the table
// says which it takes, each declared once (declare).
type options struct {
	asOf, out, format, from, to string
	post, shipped               bool
	speed                       float64
	code, by, source, addr      string
	aliases                     cli.Strings
	report                      report.Request     // report's flags besides -as-of and -o
	imp                         planfile.ImportRun // import's flags (planfile.ImportRun.Flags)
}

// declare declares a flag of sub, or a group of them (import, export,
// agency, copy, preview, report), on fs, bound to a's options: every flag
// is declared here once.
func (a *app) declare(fs *flag.FlagSet, sub subcommand, name string) {
	o := &a.opt
	switch name {
	case "db":
		fs.StringVar(&a.c.DB, "db", a.c.DB, "SQLite database `file`, or a postgres:// URL (ACTIONBOT_DB)")
	case "as-of":
		fs.StringVar(&o.asOf, "as-of", "", sub.asOf)
	case "post":
		fs.BoolVar(&o.post, "post", false, sub.post)
	case "o":
		fs.StringVar(&o.out, "o", "", "write to `file` instead of standard output (replaced only once complete)")
	case "user":
		fs.StringVar(&a.c.ConsoleUser, "user", a.c.ConsoleUser, "acting `user` in the console (ACTIONBOT_CONSOLE_USER)")
	case "speed": // how many times faster than the wall clock the -as-of clock runs
		fs.Float64Var(&o.speed, "speed", 1, "console only, with -as-of: run the clock this many times faster than the wall clock (60: a minute a second)")
	case "source":
		fs.StringVar(&o.source, "source", "", "where the figure comes from, e.g. \"Kent Police figures to September\"")
	case "by":
		fs.StringVar(&o.by, "by", cliActor, "who redacts, as the marker and the audit name them: a Slack member ID (U0123ABCD) or a name")
	case "addr":
		fs.StringVar(&o.addr, "addr", "127.0.0.1:2525", "the `host:port` to listen on")
	case "import":
		o.imp.Flags(fs)
	case "export":
		fs.StringVar(&o.format, "format", "csv", "csv, xlsx (an Actions and an Agencies sheet), or ics (the deadlines, for a calendar)")
		fs.BoolVar(&o.shipped, "shipped", false, "write the shipped plan as a template (CSV or xlsx), without any database")
	case "agency":
		fs.StringVar(&o.code, "code", "", "agency add: the new agency's `code`, such as SYP (default: made from the name)")
		fs.Var(&o.aliases, "alias", "agency add: another `name` plans use for it; repeat for each")
	case "copy":
		fs.StringVar(&o.from, "from", "", "the database to copy: a SQLite `file` or a postgres:// URL")
		fs.StringVar(&o.to, "to", "", "the new, empty database to copy into: a SQLite `file` or a postgres:// URL")
	case "preview": // remind's --from and --to: the volume of a range of days (preview.go)
		fs.StringVar(&o.from, "from", "", "preview the volume: simulate the digest and the sweep on each working day from this `date` (with --to), on a copy of the database")
		fs.StringVar(&o.to, "to", "", "the last `date` of the preview")
	case "report":
		r := &o.report
		fs.StringVar(&r.Format, "format", "", "md, csv, html or pdf (default: from the -o file's extension, else md); pdf is printed by Chromium and needs -o")
		fs.StringVar(&r.Quarter, "quarter", "", "the financial-year `quarter` to report on, e.g. 2012-Q3 (October to December 2012): the report as of its last day with what changed in it")
		fs.BoolVar(&r.Measures, "measures", false, "with csv: write the success measures table, one row per measure, instead of the actions")
		fs.StringVar(&r.Meeting, "meeting", "", "the `meeting` the paper is for, on its cover: \"CSP Board, 17 Jan 2013\"")
		fs.StringVar(&r.Author, "author", "", "who presents the paper, on its cover: \"Community Safety Manager\"")
		fs.StringVar(&r.Notes, "recommendations", "", "a `file` of the coordinator's recommendations to the board, shown as written (Markdown paragraphs and lists are laid out)")
	default:
		panic("actionbot: no flag " + name) // the table names a flag declare does not know
	}
}

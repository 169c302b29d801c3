// Command actionbot runs the Community Safety Partnership's action-plan bot
// and its tools: import and export of the plan, membership, reports.
//
//	actionbot [serve]            run the bot (console when Slack is not configured)
//	actionbot import FILE.csv    import a plan
//	actionbot export             export the current plan as CSV
//	actionbot member ...         register people with agencies
//	actionbot coordinator ...    give or take the coordinator role
//	actionbot version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/London on machines without a zoneinfo database

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/schedule"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// subcommandHelp is a line of "actionbot help" for a command beyond the
// usage's own.
type subcommandHelp struct{ name, args, summary string }

// moreCommands are the commands "actionbot help" lists under the usage, in
// order. Each is a case of run's switch.
func moreCommands() []subcommandHelp {
	return []subcommandHelp{
		{"agency", "add NAME [--code CODE] [--alias ALIAS]… | alias AGENCY ALIAS… | list", "add an agency the plan does not name, as /action admin agency add does; actionbot agencies lists them"},
		{"backup", "FILE", "write a consistent copy of the live database to FILE (safe while the bot runs)"},
		{"copy-db", "--from DB --to DB", "copy everything into a new, empty database: SQLite file to PostgreSQL URL, or back"},
		{"digest", "[--as-of 2012-11-05T08:30] [--post]", "show the daily tasking digest for an instant; --post posts it through Slack (once a day)"},
		{"init", "[-db FILE]", "create a new database with the shipped plan (serve on Slack never creates one)"},
		{"lead", "ID AGENCY [; AGENCY…]", "set who leads an action, as /action ID lead does (a plan without a lead column imports with none)"},
		{"mail-sink", "[-addr 127.0.0.1:2525]", "an SMTP server on this machine that prints the e-mails it is given and delivers none: try e-mail with ACTIONBOT_SMTP_URL=smtp://127.0.0.1:2525"},
		{"measure", "PRIORITY N VALUE [--as-of DATE] [--source TEXT]", "record a success measure's latest figure"},
		{"partners", "ID add|remove AGENCY [; AGENCY…]", "add or remove an action's partner agencies, as /action ID partners does"},
		{"redact", "ID note N [-by NAME]", "remove a note's text (personal data) from the record and the bot's Slack messages, as /action ID redact note N does"},
		{"remind", "[--as-of 2013-03-01] [--post] | --from 2012-04-02 --to 2013-05-03", "show the messages the sweep would send at an instant, and to whom; --post sends them through Slack; --from/--to previews the volume of a range of days"},
		{"report", "[--as-of DATE | --quarter 2012-Q3] [--format md|csv|html] [--measures] [-o FILE]", "write the monitoring report for the board"},
	}
}

// commandNames are the subcommands runAt's switch knows.
func commandNames() []string {
	return []string{"serve", "import", "export", "member", "members", "coordinator", "coordinators", "init",
		"backup", "copy-db", "digest", "remind", "report", "measure", "lead", "partners", "redact", "agency", "agencies", "mail-sink", "version", "help"}
}

// unknownCommand says a command is not known, suggesting the nearest one
// (one or two letters off), as the slash command does for its verbs.
func unknownCommand(cmd string) string {
	best, bestD := "", 3
	for _, c := range commandNames() {
		if d := actionbot.Levenshtein(strings.ToLower(cmd), c); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" {
		return fmt.Sprintf("unknown command %q: did you mean %s?", cmd, best)
	}
	return fmt.Sprintf("unknown command %q", cmd)
}

// dbValueIsACommand refuses "actionbot -db report": the command was taken
// as the database's file name, and the console would start on a new
// database named after it.
func dbValueIsACommand(args []string) error {
	for i := 0; i+1 < len(args); i++ {
		if a := args[i]; (a == "-db" || a == "--db") && slices.Contains(commandNames(), args[i+1]) &&
			(i+2 == len(args) || strings.HasPrefix(args[i+2], "-")) {
			return actionbot.Errorf(actionbot.EUSAGE, "-db takes the database's file before the command: actionbot -db FILE %s (here %q was read as the file)", args[i+1], args[i+1])
		}
		if !strings.HasPrefix(args[i], "-") {
			break
		}
	}
	return nil
}

// dbFlagFirst lets -db come before the command, as "every command takes
// -db FILE" invites: "actionbot -db r.db member list" is "actionbot member
// -db r.db list". Anything else is left as it is.
func dbFlagFirst(args []string) []string {
	i := 0
	for i < len(args) {
		switch a := args[i]; {
		case (a == "-db" || a == "--db") && i+1 < len(args):
			i += 2
		case strings.HasPrefix(a, "-db=") || strings.HasPrefix(a, "--db="):
			i++
		default:
			if i == 0 || !slices.Contains(commandNames(), a) {
				return args
			}
			out := append([]string{a}, args[:i]...)
			return append(out, args[i+1:]...)
		}
	}
	return args
}

// app is one invocation.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            config.Getenv
	// mustExist stops the command creating a missing database, and
	// mustHaveDir a missing directory for it (database.go).
	mustExist, mustHaveDir bool
	// now is the bot's clock: the wall clock, or with serve -as-of one that
	// starts at that instant and runs forward (see asof.go).
	now func() time.Time
	// moving is the -as-of clock that now reads, which /next moves; nil on
	// the wall clock.
	moving *schedule.MovingClock
	// wall is the wall clock, injected: time.Now, or a fixed instant in
	// tests.
	wall func() time.Time
}

const usage = `actionbot — the Community Safety Partnership's action plan, in Slack.

Usage:
  actionbot [serve]                    run the bot; without Slack settings, a console on this terminal
  actionbot -as-of 2012-11-05T08:29    the console on a clock that starts at that instant and runs forward
  actionbot import [flags] FILE        import a plan from CSV or .xlsx (-h for the flags)
  actionbot export [flags]             write the current plan as CSV (--shipped: the shipped plan, as a template)
  actionbot member add|remove USER AGENCY, member list [AGENCY]
  actionbot coordinator add|remove USER, coordinator list
  actionbot version
`

const usageFooter = `
Every command takes -db FILE or -db postgres://URL (default $ACTIONBOT_DB or actionbot.db), and -h for its flags.
docs/settings.md documents the environment variables.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env config.Getenv) int {
	return runAt(ctx, time.Now, args, stdin, stdout, stderr, env)
}

// runAt runs one invocation on the wall clock given, and returns its exit
// code: the subcommand is chosen by an explicit switch.
func runAt(ctx context.Context, wall func() time.Time, args []string, stdin io.Reader, stdout, stderr io.Writer, env config.Getenv) int {
	// Whatever reaches stderr (messages, usage, logs) passes through
	// actionbot.Redact: no database password is printed, however it got
	// into the text. stdout is left as it is (an export may be binary);
	// what is printed there names databases through actionbot.Redact.
	stderr = redacting(stderr)
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env, wall: wall}
	cmd := "serve"
	if err := dbValueIsACommand(args); err != nil {
		return exitCode(stderr, err)
	}
	args = dbFlagFirst(args)
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-' || args[0] == "-h" || args[0] == "--help") {
		cmd, args = args[0], args[1:]
	}
	file, dir := creates(cmd)
	a.mustExist, a.mustHaveDir = !file, !dir
	var err error
	switch cmd {
	case "serve":
		err = a.serve(ctx, args)
	case "import":
		err = a.importCmd(ctx, args)
	case "export":
		err = a.exportCmd(ctx, args)
	case "member", "members":
		err = a.memberCmd(ctx, args)
	case "coordinator", "coordinators":
		err = a.coordinatorCmd(ctx, args)
	case "init":
		err = a.initCmd(ctx, args)
	case "backup":
		err = a.backupCmd(ctx, args)
	case "copy-db":
		err = a.copyDBCmd(ctx, args)
	case "digest":
		err = a.digestCmd(ctx, args)
	case "remind":
		err = a.remindCmd(ctx, args)
	case "report":
		err = a.reportCmd(ctx, args)
	case "measure":
		err = a.measureCmd(ctx, args)
	case "agency", "agencies":
		err = a.agencyCmd(ctx, cmd, args) // agency.go
	case "lead", "partners":
		err = a.partiesCmd(ctx, actionbot.Verb(cmd), args) // parties.go
	case "redact":
		err = a.redactNoteCmd(ctx, args) // redactnote.go
	case "mail-sink":
		err = a.mailSinkCmd(ctx, args) // mailsink.go
	default:
		err = actionbot.Errorf(actionbot.EUSAGE, "%s", unknownCommand(cmd))
	case "version":
		fmt.Fprintln(stdout, "actionbot", actionbot.Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		for _, sub := range moreCommands() {
			fmt.Fprintf(stdout, "  actionbot %s %s\n      %s\n", sub.name, sub.args, sub.summary)
		}
		fmt.Fprint(stdout, usageFooter)
	}
	return exitCode(stderr, err)
}

// exitCode maps err to the exit code at the edge, saying what went wrong
// on stderr: a mistake on the command line (EUSAGE) prints the usage line
// and exits 2; any other error exits 1, an internal one as it is.
func exitCode(stderr io.Writer, err error) int {
	switch code := actionbot.ErrorCode(err); {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case code == actionbot.EUSAGE:
		fmt.Fprintf(stderr, "actionbot: %s\n\nRun actionbot help for the commands.\n", actionbot.ErrorMessage(err))
		return 2
	case code != actionbot.EINTERNAL:
		fmt.Fprintf(stderr, "actionbot: %s\n", actionbot.ErrorMessage(err))
		return 1
	default:
		fmt.Fprintf(stderr, "actionbot: %v\n", err)
		return 1
	}
}

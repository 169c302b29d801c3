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
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/London on machines without a zoneinfo database

	"github.com/sevenoaks-csp/actionbot"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// usageError is a mistake on the command line: usage is printed, exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// subcommand is a command registered by a file of its own (reminders,
// reports, backups) with init.
type subcommand struct {
	args, summary string
	run           func(a *app, ctx context.Context, args []string) error
}

var subcommands = map[string]subcommand{}

func sortedSubcommands() []string {
	names := make([]string, 0, len(subcommands))
	for n := range subcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// app is one invocation.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            getenv
	// mustExist stops the command creating a missing database: the
	// commands that only read, and serve on Slack (database.go).
	mustExist bool
	// now is the bot's clock: the wall clock, or with serve -as-of one that
	// starts at that instant and runs forward (see asof.go).
	now func() time.Time
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
README.md documents the environment variables.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env getenv) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env}
	cmd := "serve"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-' || args[0] == "-h" || args[0] == "--help") {
		cmd, args = args[0], args[1:]
	}
	a.mustExist = readOnlyCommands[cmd]
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
	default:
		if sub, ok := subcommands[cmd]; ok {
			err = sub.run(a, ctx, args)
			break
		}
		err = &usageError{fmt.Sprintf("unknown command %q", cmd)}
	case "version":
		fmt.Fprintln(stdout, "actionbot", actionbot.Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		for _, name := range sortedSubcommands() {
			fmt.Fprintf(stdout, "  actionbot %s %s\n      %s\n", name, subcommands[name].args, subcommands[name].summary)
		}
		fmt.Fprint(stdout, usageFooter)
	}
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "actionbot: %s\n\nRun actionbot help for the commands.\n", ue.msg)
		return 2
	case actionbot.ErrorCode(err) != actionbot.EINTERNAL:
		fmt.Fprintf(stderr, "actionbot: %s\n", actionbot.ErrorMessage(err))
		return 1
	default:
		fmt.Fprintf(stderr, "actionbot: %v\n", err)
		return 1
	}
}

// Command actionbot runs the Community Safety Partnership's action-plan bot
// and its tools: import and export of the plan, membership, reports.
// "actionbot help" lists the subcommands; table.go is their table.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/London on machines without a zoneinfo database

	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/cli"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/schedule"
	"github.com/sevenoaks-csp/actionbot/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// app is one invocation.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            config.Getenv
	// name is the subcommand as typed ("agencies"), c its settings (nil for
	// a command that reads none), opt its flags and args the arguments
	// after them: the table's runner sets them (table.go).
	name string
	c    *config.Config
	opt  options
	args []string
	// db is the database the table opens for the command (closed after
	// it), and cmd, job and remind what its check read of its arguments.
	db     *store.DB
	cmd    *commands.Command
	job    *report.Job
	remind *remindRequest
	// mustExist stops the command creating a missing database, and
	// mustHaveDir a missing directory for it (table.go: createsFile, createsDir).
	mustExist, mustHaveDir bool
	// moving is serve -as-of's clock, which starts at that instant and runs
	// forward, and /next moves; nil on the wall clock (asof.go).
	moving *schedule.MovingClock
	// wall is the wall clock, injected: time.Now, or a fixed instant in
	// tests.
	wall func() time.Time
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env config.Getenv) int {
	return runAt(ctx, time.Now, args, stdin, stdout, stderr, env)
}

// runAt runs one invocation on the wall clock given, and returns its exit
// code (cli.ExitCode).
func runAt(ctx context.Context, wall func() time.Time, args []string, stdin io.Reader, stdout, stderr io.Writer, env config.Getenv) int {
	// Whatever reaches stderr (messages, usage, logs) passes through
	// actionbot.Redact: no database password is printed, however it got
	// into the text. stdout is left as it is (an export may be binary);
	// what is printed there names databases through actionbot.Redact.
	stderr = cli.Redacting(stderr)
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env, wall: wall}
	return cli.ExitCode(stderr, a.run(ctx, args))
}

// run finds the subcommand in the table and runs it: its settings read,
// its flags parsed and its arguments counted before it starts.
func (a *app) run(ctx context.Context, args []string) error {
	table := subcommands()
	var err error
	if a.name, args, err = cli.Split(args, cli.Names(described(table)), "serve"); err != nil {
		return err
	}
	i := slices.IndexFunc(table, func(s subcommand) bool { return s.Is(a.name) })
	sub := table[i]
	a.mustExist, a.mustHaveDir = !sub.createsFile, !sub.createsDir
	if sub.config != nil {
		if a.c, err = sub.config(a.env); err != nil {
			return err
		}
	}
	fs := cli.FlagSet(a.name, sub.Synopsis, a.stderr)
	for _, f := range sub.flags {
		a.declare(fs, sub, f)
	}
	if a.args, err = cli.Parse(fs, args, sub.anywhere); err != nil {
		return err
	}
	check := sub.check
	if check == nil {
		check = func(a *app) error { return cli.NoArgs(a.name, a.args) }
	}
	if err := check(a); err != nil {
		return err
	}
	if sub.open != noDB {
		if a.db, err = a.open(ctx, a.c, sub.open == bareDB); err != nil {
			return err
		}
		defer func() { a.closeDB() }()
	}
	return sub.run(a, ctx)
}

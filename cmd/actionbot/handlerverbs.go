package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/store"
)

// cliActor is who the audit names for a change made on the command line:
// the person at the keyboard, who owns the database file.
const cliActor = "cli"

// runAsCoordinator runs a command through the same handler as /action, as
// the person at the keyboard, who coordinates: the same rules, wording and
// audit as the slash command. A change that changes nothing is said and is
// not a failure; any other refusal is returned as the error.
func (a *app) runAsCoordinator(ctx context.Context, c *config.Config, db *store.DB, cmd *commands.Command) error {
	return a.runAs(ctx, c, db, cliActor, cmd)
}

// runAs is runAsCoordinator as actor, who coordinates.
func (a *app) runAs(ctx context.Context, c *config.Config, db *store.DB, actor string, cmd *commands.Command) error {
	db.ConfiguredCoordinators = append(db.ConfiguredCoordinators, actor)
	msg, err := a.handler(c, db).Do(ctx, commands.Request{UserID: actor, ChannelID: config.ConsoleChannel}, cmd)
	switch {
	case err == nil, actionbot.ErrorCode(err) == actionbot.EUNCHANGED:
		fmt.Fprint(a.stdout, console.Render(msg))
		return nil
	default:
		return err
	}
}

// adminCommand parses the /action admin command a "member" or
// "coordinator" subcommand stands for (rest: its arguments after the
// flags) with the slash command's own parser, so that a missing agency or
// a user that is not one is refused in the slash command's words. A
// refusal is a usage error: it is found before the database is opened.
func adminCommand(noun string, rest []string) (*commands.Command, error) {
	cmd, err := commands.Parse("admin " + noun + " " + strings.Join(rest, " "))
	if err != nil {
		return nil, actionbot.Errorf(actionbot.EUSAGE, "%s", actionbot.ErrorMessage(err))
	}
	return cmd, nil
}

// measureCmd is /action measure on the command line, with --as-of for a
// figure that stands at an earlier date and --source for where it comes from.
func (a *app) measureCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	dbFlag(fs, c)
	asOf := fs.String("as-of", "", "the `date` the figure stands at, e.g. 2012-09-30 (default today)")
	source := fs.String("source", "", "where the figure comes from, e.g. \"Kent Police figures to September\"")
	flags, pos := splitArgs(args, map[string]bool{"db": true, "as-of": true, "source": true})
	if err := a.flags("measure", "PRIORITY N VALUE", fs, flags); err != nil {
		return err
	}
	const usage = "measure takes the priority, the measure's number and the value: actionbot measure 3 1 -2.5 --source \"police figures to September\" (a change with its direction: -2.5% or \"fell 2.5%\", +1% or \"rose 1%\"; a rate such as 82%; or yes/no)"
	if len(pos) < 3 {
		return actionbot.Errorf(actionbot.EUSAGE, "%s", usage)
	}
	if _, err1 := strconv.Atoi(pos[0]); err1 != nil {
		return actionbot.Errorf(actionbot.EUSAGE, "%s", usage)
	}
	// The arguments are read as /action measure reads them: the value in
	// one or two words ("fell 2.5%"), then "as of DATE" and a note.
	cmd, err := commands.Parse("measure " + strings.Join(pos, " "))
	if err != nil {
		return actionbot.Errorf(actionbot.EUSAGE, "%s", actionbot.ErrorMessage(err))
	}
	if *asOf != "" {
		if !cmd.Measure.AsOf.IsZero() {
			return actionbot.Errorf(actionbot.EUSAGE, "%s", "give the date once: --as-of or \"as of\", not both")
		}
		if cmd.Measure.AsOf, err = asOfDate(*asOf, a.clock()()); err != nil {
			return err
		}
	}
	if *source != "" {
		if cmd.Text != "" {
			return actionbot.Errorf(actionbot.EUSAGE, "give the source once: --source or after the value, not both (%q)", cmd.Text)
		}
		cmd.Text = *source
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// /action measure, as the person at the keyboard: the same checks (the
	// date, the source's length and no personal data), wording and audit.
	return a.runAsCoordinator(ctx, c, db, cmd)
}

// membershipArgs reads the arguments of "member" or "coordinator" (noun)
// before the database is opened: a change (add, remove), parsed as /action
// admin parses it, or nil for a list. A list only reads and a removal has
// nobody to remove from a new database: neither creates one.
func (a *app) membershipArgs(noun string, rest []string) (*commands.Command, error) {
	if rest[0] == "list" {
		a.mustExist = true
		return nil, nil
	}
	change, err := adminCommand(noun, rest)
	if err != nil {
		return nil, err
	}
	a.mustExist = rest[0] == "remove"
	return change, nil
}

// changeOrForget runs a membership change; a database this very command
// created for it is removed again when the change fails ("member add U1
// NOSUCHAGENCY" on a mistyped path), so that a failure leaves nothing
// behind.
func (a *app) changeOrForget(ctx context.Context, c *config.Config, db *store.DB, change *commands.Command) error {
	err := a.runAsCoordinator(ctx, c, db, change)
	if err != nil && db.Created && !store.IsPostgresURL(c.DB) {
		db.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(c.DB + suffix)
		}
	}
	return err
}

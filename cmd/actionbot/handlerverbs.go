package main

import (
	"context"
	"flag"
	"fmt"
	"os"

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
	cmd, err := commands.ParseMeasure(pos, *asOf, *source)
	if err != nil {
		return err
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

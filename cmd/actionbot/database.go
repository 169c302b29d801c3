package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
)

// The database is never swapped by a typo. Only init and import, whose
// purpose is a new database, create a missing one and its directory; the
// console (its first run, README's quick start) and a membership change
// (naming the first coordinators before Slack is set up, README) create a
// missing file in a directory that exists. serve on Slack and every other
// command (a list of members, a measure's figure) refuse, naming the path
// and how to create one: nothing is recorded into a stray new file.

// creates says what a command may create when its database is missing: the
// file, and the directory it would be in.
func creates(cmd string) (file, dir bool) {
	switch cmd {
	case "init", "import":
		return true, true
	case "serve", "member", "members", "coordinator", "coordinators": // serve on Slack and a list refuse (serve.go, cli.go)
		return true, false
	}
	return false, false
}

// integrityEvery is how often the running bot runs quick_check.
const integrityEvery = 24 * time.Hour

// checkIntegrity runs quick_check; a damaged database stops the bot.
func checkIntegrity(ctx context.Context, db *store.DB) error {
	return store.Advice(db.QuickCheck(ctx))
}

// integrityCheck is the daily quick_check, a job of the bot's runner. A
// damaged database is logged and reported by GET /healthz (store.Ping)
// until a later check passes.
func integrityCheck(db *store.DB, log *slog.Logger) func(ctx context.Context, now time.Time) {
	return func(ctx context.Context, _ time.Time) {
		if err := db.QuickCheck(ctx); err != nil && ctx.Err() == nil {
			log.Error("daily integrity check failed: restore from a backup (docs/operations.md: Data, backups and what survives a crash)", "err", err)
		}
	}
}

func (a *app) initCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	dbFlag(fs, c)
	if err := a.flags("init", "", fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return actionbot.Errorf(actionbot.EUSAGE, "init takes flags only, not %q", fs.Arg(0))
	}
	if exists, err := store.ExistsForInit(c.DB); err != nil {
		return err
	} else if exists {
		// Say what it is: a database of ours to use, or why not.
		a.mustExist = true
		db, err := a.open(ctx, c, true)
		if err != nil {
			return err
		}
		defer db.Close()
		return actionbot.Errorf(actionbot.ECONFLICT, "%s already exists, so nothing was changed: init only creates a new database. `actionbot serve -db %s` uses it.", actionbot.Redact(c.DB), actionbot.Redact(c.DB))
	}
	db, err := a.open(ctx, c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	// A PostgreSQL database exists before init: it is refused when it holds
	// a plan already, as a file that exists is.
	if plan, err := db.CurrentPlan(ctx); err == nil {
		return actionbot.Errorf(actionbot.ECONFLICT, "%s already holds %s, so nothing was changed: init only sets up a new database. `actionbot serve -db %s` uses it.",
			actionbot.Redact(c.DB), plan.Name, actionbot.Redact(c.DB))
	} else if actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		return err
	}
	if _, err := planfile.EnsurePlan(ctx, db); err != nil {
		return err
	}
	if db.Created {
		fmt.Fprintf(a.stderr, "Created %s with the shipped plan (Sevenoaks District CSP Action Plan 2012-13).\n", actionbot.Redact(c.DB))
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "The database %s holds %s. Register people with `actionbot member add USER AGENCY`, then start the bot with `actionbot serve -db %s`.\n", actionbot.Redact(c.DB), plan.Name, actionbot.Redact(c.DB))
	return nil
}

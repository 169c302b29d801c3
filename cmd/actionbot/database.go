package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
)

// integrityEvery is how often the running bot runs quick_check.
const integrityEvery = 24 * time.Hour

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

// initCmd creates a new database with the shipped plan; it refuses one
// that exists, or holds a plan.
func (a *app) initCmd(ctx context.Context) error {
	c := a.c
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
	loaded, err := planfile.EnsurePlan(ctx, db)
	if err != nil {
		return err
	}
	plan, err := db.CurrentPlan(ctx)
	switch {
	case err != nil:
		return err
	case !loaded:
		// A PostgreSQL database exists before init: it is refused when it
		// holds a plan already, as a file that exists is.
		return actionbot.Errorf(actionbot.ECONFLICT, "%s already holds %s, so nothing was changed: init only sets up a new database. `actionbot serve -db %s` uses it.",
			actionbot.Redact(c.DB), plan.Name, actionbot.Redact(c.DB))
	case db.Created:
		fmt.Fprintf(a.stderr, "Created %s with the shipped plan (Sevenoaks District CSP Action Plan 2012-13).\n", actionbot.Redact(c.DB))
	}
	fmt.Fprintf(a.stdout, "The database %s holds %s. Register people with `actionbot member add USER AGENCY`, then start the bot with `actionbot serve -db %s`.\n", actionbot.Redact(c.DB), plan.Name, actionbot.Redact(c.DB))
	return nil
}

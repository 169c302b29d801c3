package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
)

func (a *app) backupCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dbFlag(fs, c)
	if err := a.flags("backup", "FILE", fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return actionbot.Errorf(actionbot.EUSAGE, "backup takes the file to write")
	}
	db, err := a.open(ctx, c, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Backed up %s to %s.\n", actionbot.Redact(c.DB), actionbot.Redact(fs.Arg(0)))
	return nil
}

package main

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// backupCmd writes a consistent copy of the live database to a file.
func (a *app) backupCmd(ctx context.Context) error {
	c, file := a.c, a.args[0]
	if err := a.db.Backup(ctx, file); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Backed up %s to %s.\n", actionbot.Redact(c.DB), actionbot.Redact(file))
	return nil
}

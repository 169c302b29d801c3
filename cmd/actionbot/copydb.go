package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
)

// copyDBCmd moves a partnership between databases: the source must exist,
// the target is created (a SQLite file) or must be empty (PostgreSQL).
// Both sides' counts and audit checksums are printed; the copy is
// committed only when they match.
func (a *app) copyDBCmd(ctx context.Context) error {
	from, to := a.opt.from, a.opt.to
	switch {
	case from == "" || to == "":
		return actionbot.Errorf(actionbot.EUSAGE, "copy-db takes --from DB and --to DB (a SQLite file or a postgres:// URL each)")
	case len(a.args) > 0:
		return actionbot.Errorf(actionbot.EUSAGE, "copy-db takes no arguments besides --from and --to (found %q)", a.args[0])
	case from == to:
		return actionbot.Errorf(actionbot.EUSAGE, "copy-db needs two different databases")
	}
	src := store.NewDB(from)
	src.MustExist = true
	if err := src.Open(); err != nil {
		return store.Advice(err)
	}
	defer src.Close()
	dst := store.NewDB(to)
	if err := dst.Open(); err != nil {
		return store.Advice(err)
	}
	defer dst.Close()

	rep, err := src.CopyTo(ctx, dst)
	if rep != nil {
		a.printCopy(from, to, rep)
	}
	if err != nil {
		if dst.Created { // a file made for the copy, still empty
			dst.Close()
			store.RemoveSQLite(to)
		}
		return err
	}
	fmt.Fprintf(a.stdout, "Copied %s to %s: every count and the audit checksum match.\n", actionbot.Redact(from), actionbot.Redact(to))
	return nil
}

func (a *app) printCopy(from, to string, rep *store.CopyReport) {
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "table\tfrom\tto\t\n")
	for i, c := range rep.From {
		var n int64
		if i < len(rep.To) {
			n = rep.To[i].Rows
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t\n", c.Table, c.Rows, n)
	}
	w.Flush()
	fmt.Fprintf(a.stdout, "audit checksum of %s: %s\n", actionbot.Redact(from), rep.FromChecksum)
	fmt.Fprintf(a.stdout, "audit checksum of %s: %s\n", actionbot.Redact(to), rep.ToChecksum)
}

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/sevenoaks-csp/actionbot/internal/cli"
	"github.com/sevenoaks-csp/actionbot/internal/safefile"
)

// reportCheck checks report's flags (report.Request) before the database
// is opened.
func reportCheck(a *app) (err error) {
	if err := cli.NoArgs(a.name, a.args); err != nil {
		return err
	}
	req := a.opt.report
	req.AsOf, req.Out = a.opt.asOf, a.opt.out
	if a.job, err = req.Check(a.clock()().In(a.c.TZ)); err != nil {
		return err
	}
	return safefile.NotTheDatabase(a.opt.out, a.c.DB)
}

// reportCmd writes the board's report.
func (a *app) reportCmd(ctx context.Context) error {
	job, out := a.job, a.opt.out
	r, err := job.Build(ctx, a.db, a.c.RAG)
	if err != nil {
		return err
	}
	if job.Printer != nil {
		pdf, err := job.Printer.PrintPDF(ctx, r)
		if err != nil {
			return err
		}
		if err := safefile.Write(out, a.stdout, func(w io.Writer) error { _, err := w.Write(pdf); return err }); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "Wrote the report as of %s to %s, printed by Chromium.\n", r.AsOf.UK(), out)
		return nil
	}
	// Every format may be read on a terminal (or a spreadsheet, or a
	// browser): what a terminal would obey is escaped, whatever the format.
	emit := safefile.Printable(func(w io.Writer) error { return job.Write(w, r) })
	if err := safefile.Write(out, a.stdout, emit); err != nil {
		return err
	}
	if out != "" {
		fmt.Fprintf(a.stderr, "Wrote the report as of %s to %s.\n", r.AsOf.UK(), out)
	}
	return nil
}

package main

import (
	"context"
	"io"
	"os"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/cli"
	"github.com/sevenoaks-csp/actionbot/internal/safefile"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/report"
)

// importCmd imports the plan file named as the flags say
// (planfile.ImportRun, which declares them).
func (a *app) importCmd(ctx context.Context) error {
	c, r := a.c, &a.opt.imp
	r.Path, r.Loc, r.Out = a.args[0], c.TZ, a.stdout
	// Every cell meets the personal-data guard that typed notes meet.
	r.Source, r.Actor, r.Today, r.Guard = r.Path, "import", actionbot.Today(a.clock()(), c.TZ), commands.PersonalDataIn
	r.Open = func() (planfile.ImportStore, error) {
		if _, err := os.Stat(c.DB); r.DryRun && err != nil {
			return nil, nil // a dry run creates nothing
		}
		var err error
		a.db, err = a.open(ctx, c, true)
		return a.db, err
	}
	defer a.closeDB()
	return r.Run(ctx)
}

// exportCmd writes the plan as CSV or xlsx, the shipped plan as a template
// (--shipped), or its deadlines as a calendar (ics).
func (a *app) exportCmd(ctx context.Context) error {
	c, format, out := a.c, a.opt.format, a.opt.out
	if format != "csv" && format != "xlsx" && format != "ics" {
		return actionbot.Errorf(actionbot.EUSAGE, "unknown export format %q: use csv, ics, xlsx", format)
	}
	if err := safefile.NotTheDatabase(out, c.DB); err != nil {
		return err
	}
	if format == "xlsx" && out == "" && cli.IsTerminal(a.stdout) {
		return actionbot.Errorf(actionbot.EUSAGE, "an xlsx workbook is not for the terminal: give -o FILE.xlsx, or redirect the output")
	}
	if a.opt.shipped {
		if format == "ics" {
			return actionbot.Errorf(actionbot.EUSAGE, "--shipped writes the shipped plan as a CSV or xlsx template: use --format csv or xlsx")
		}
		ex, err := planfile.ShippedExport()
		if err != nil {
			return err
		}
		return safefile.Write(out, a.stdout, planWriter(format, ex))
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if format == "ics" {
		return safefile.Write(out, a.stdout, safefile.Printable(func(w io.Writer) error {
			return report.WriteICSAt(ctx, db, c.RAG, a.clock()(), c.TZ, w)
		}))
	}
	pe, err := planfile.CurrentExport(ctx, db, c.RAG, a.clock()().In(c.TZ))
	if err != nil {
		return err
	}
	return safefile.Write(out, a.stdout, planWriter(format, pe))
}

// planWriter writes a plan as CSV (escaped for the terminal, as every text
// output) or as an xlsx workbook.
func planWriter(format string, ex *planfile.Export) func(io.Writer) error {
	if format == "xlsx" {
		return func(w io.Writer) error { return planfile.WriteExportXLSX(w, ex) }
	}
	return safefile.Printable(func(w io.Writer) error { return planfile.WriteExport(w, ex) })
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/internal/safefile"
	"github.com/sevenoaks-csp/actionbot/report"
)

func (a *app) reportCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	dbFlag(fs, c)
	asOf := fs.String("as-of", "", "the `date` the report stands at, e.g. 2012-10-01, in the plan's time zone (default today)")
	format := fs.String("format", "", "md, csv, html or pdf (default: from the -o file's extension, else md); pdf is printed by Chromium and needs -o")
	out := fs.String("o", "", "write to `file` instead of standard output (replaced only once complete)")
	quarter := fs.String("quarter", "", "the financial-year `quarter` to report on, e.g. 2012-Q3 (October to December 2012): the report as of its last day with what changed in it")
	measures := fs.Bool("measures", false, "with csv: write the success measures table, one row per measure, instead of the actions")
	meeting := fs.String("meeting", "", "the `meeting` the paper is for, on its cover: \"CSP Board, 17 Jan 2013\"")
	author := fs.String("author", "", "who presents the paper, on its cover: \"Community Safety Manager\"")
	notes := fs.String("recommendations", "", "a `file` of the coordinator's recommendations to the board, shown as written (Markdown paragraphs and lists are laid out)")
	if err := a.flags("report", "", fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return actionbot.Errorf(actionbot.EUSAGE, "report takes flags only, not %q", fs.Arg(0))
	}
	job, err := report.Request{AsOf: *asOf, Quarter: *quarter, Format: *format, Out: *out, Measures: *measures,
		Meeting: *meeting, Author: *author, Notes: *notes}.Check(a.clock()().In(c.TZ))
	if err != nil {
		return err
	}
	if err := safefile.NotTheDatabase(*out, c.DB); err != nil {
		return err
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := job.Build(ctx, db, c.RAG)
	if err != nil {
		return err
	}
	if job.Printer != nil {
		pdf, err := job.Printer.PrintPDF(ctx, r)
		if err != nil {
			return err
		}
		if err := safefile.Write(*out, a.stdout, func(w io.Writer) error { _, err := w.Write(pdf); return err }); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "Wrote the report as of %s to %s, printed by Chromium.\n", r.AsOf.UK(), *out)
		return nil
	}
	// Every format may be read on a terminal (or a spreadsheet, or a
	// browser): what a terminal would obey is escaped, whatever the format.
	emit := safefile.Printable(func(w io.Writer) error { return job.Write(w, r) })
	if err := safefile.Write(*out, a.stdout, emit); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(a.stderr, "Wrote the report as of %s to %s.\n", r.AsOf.UK(), *out)
	}
	return nil
}

// splitArgs separates flags from positional arguments, which may come in any
// order. A negative number ("-1", a rise recorded against a reduction) is a
// positional argument, not a flag; every flag of valueFlags takes a value,
// given after "=" or as the next argument; "--" ends the flags.
func splitArgs(args []string, valueFlags map[string]bool) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return flags, append(positional, args[i+1:]...)
		}
		if _, err := strconv.ParseFloat(strings.TrimSuffix(arg, "%"), 64); err == nil || !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		flags = append(flags, arg)
		name := strings.TrimLeft(arg, "-")
		if valueFlags[name] && !strings.Contains(name, "=") && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, positional
}

package main

import (
	"context"
	"flag"
	"os"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
)

// importOptions are the flags of "actionbot import".
type importOptions struct {
	name, period, sheet, columns, agencies, maxSize string
	agencyMap                                       multiFlag
	dry, applyState, strict                         bool
}

// multiFlag is a flag that may be given more than once.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ";") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func importFlags(fs *flag.FlagSet) *importOptions {
	f := &importOptions{}
	fs.StringVar(&f.name, "name", "", "the plan's `name` (by default the file's title row, or its file name)")
	fs.StringVar(&f.period, "period", "", "the plan's `period`, start..end, e.g. 2015-04-01..2016-03-31 (by default the UK financial year in which most deadlines fall)")
	fs.BoolVar(&f.dry, "dry-run", false, "check the file and say what would change, creating and changing nothing")
	fs.BoolVar(&f.applyState, "apply-state", false, "over an existing plan, set the actions' status, progress, deadline and note as the file gives them (each audited); without it they are only listed")
	fs.BoolVar(&f.strict, "strict", false, "refuse the whole file when a cell seems to hold personal data (by default that cell alone is left out, and listed)")
	fs.StringVar(&f.sheet, "sheet", "", "the `sheet` of an .xlsx workbook to read (by default the first)")
	fs.StringVar(&f.columns, "columns", "", "map columns the plan names its own way: `COLUMN=Header,...`, e.g. lead=Responsible officer,by_when=Target")
	fs.StringVar(&f.agencies, "agencies", "", "a CSV `file` of the plan's agencies: code,name,aliases (aliases separated by \";\")")
	fs.Var(&f.agencyMap, "agency-map", "settle a name the plan writes: `NAME=AGENCY`, e.g. \"Council=SDC\" (repeatable)")
	fs.StringVar(&f.maxSize, "max-size", "50MB", "refuse a file larger than this `size` (KB, MB or GB)")
	return f
}

// importPlan imports the plan file at path as the flags say
// (planfile.ImportRun).
func (a *app) importPlan(ctx context.Context, c *config.Config, f *importOptions, path string) error {
	// Every cell meets the personal-data guard that typed notes meet.
	r := &planfile.ImportRun{Path: path, Sheet: f.sheet, Columns: f.columns, AgenciesFile: f.agencies, AgencyMap: f.agencyMap,
		DryRun: f.dry, ApplyState: f.applyState, Loc: c.TZ, Out: a.stdout,
		Options: planfile.Options{Name: f.name, Source: path, Actor: "import", Today: actionbot.Today(a.clock()(), c.TZ),
			Guard: commands.PersonalDataIn, Strict: f.strict}}
	var err error
	if f.period != "" {
		if r.Period, err = actionbot.ParsePeriod(f.period); err != nil {
			return err
		}
	}
	if r.MaxSize, err = planfile.ParseSize(f.maxSize); err != nil {
		return err
	}
	var db *store.DB
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	r.Open = func() (planfile.ImportStore, error) {
		if _, err := os.Stat(c.DB); f.dry && err != nil {
			return nil, nil // a dry run creates nothing
		}
		var err error
		if db, err = a.open(ctx, c, true); err != nil {
			return nil, err
		}
		return db, nil
	}
	return r.Run(ctx)
}

package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/safefile"
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

// parseSize reads "50MB", "512KB", "1GB" or a number of bytes.
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, &usageError{fmt.Sprintf("--max-size %q is not a size: write e.g. 50MB", s)}
	}
	return n * mult, nil
}

// importPlan reads a plan file and, unless dry, imports it. The plan's own
// agencies come from the database, the agencies file and the names the plan
// writes: never from the shipped Kent directory. A dry run opens no
// database that does not exist yet.
func (a *app) importPlan(ctx context.Context, c *Config, f *importOptions, path string) error {
	// Every cell meets the personal-data guard that typed notes meet.
	opt := planfile.Options{Name: f.name, Source: path, Actor: "import", Today: actionbot.Today(a.clock()(), c.TZ),
		Guard: commands.PersonalDataIn, Strict: f.strict}
	var err error
	if f.period != "" {
		if opt.Period, err = actionbot.ParsePeriod(f.period); err != nil {
			return err
		}
	}
	if opt.MaxSize, err = parseSize(f.maxSize); err != nil {
		return err
	}
	if f.columns != "" {
		if opt.Columns, err = planfile.ParseColumns(f.columns); err != nil {
			return err
		}
	}
	if opt.AgencyMap, err = planfile.ParseAgencyMap(f.agencyMap); err != nil {
		return err
	}
	var own []*actionbot.Agency
	if f.agencies != "" {
		if own, err = readAgenciesFile(f.agencies); err != nil {
			return err
		}
	}
	in, err := os.Open(path)
	if err != nil {
		return readableFileError("plan", path, err)
	}
	defer in.Close()
	if st, err := in.Stat(); err == nil && st.IsDir() {
		return actionbot.Errorf(actionbot.EINVALID, "%s is a directory, not a plan file; nothing was imported. Give the CSV or .xlsx file itself.", path)
	}

	var known []*actionbot.Agency
	_, statErr := os.Stat(c.DB)
	exists := statErr == nil
	var db *store.DB
	if !f.dry || exists {
		d, err := a.open(ctx, c, true)
		if err != nil {
			return err
		}
		defer d.Close()
		db = d
		if known, err = d.Agencies(ctx); err != nil {
			return err
		}
	}
	dir := actionbot.NewDirectory(append(known, own...))
	res, err := planfile.ReadFile(in, f.sheet, dir, opt)
	if err != nil {
		var inv *planfile.InvalidError
		var big *planfile.TooLargeError
		switch {
		case errors.As(err, &inv):
			return actionbot.Errorf(actionbot.EINVALID, "%s: %s", path, inv.Error())
		case errors.As(err, &big):
			return actionbot.Errorf(actionbot.EINVALID, "%s: %s; nothing was imported.", path, big.Error())
		}
		return err
	}
	// The file's states (an export's updated column) are in the plan's zone.
	planfile.InZone(res.Import, c.TZ)
	res.Import.ApplyState = f.applyState
	for _, s := range res.Chose {
		fmt.Fprintf(a.stdout, "Chose: %s.\n", s)
	}
	if db != nil {
		if w := shippedDirectoryWarning(ctx, db, res.Import); w != "" {
			fmt.Fprintf(a.stdout, "Warning: %s.\n", w)
		}
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(a.stdout, "Warning: %s.\n", w)
	}
	if len(res.NeedsDate) > 0 {
		fmt.Fprintf(a.stdout, "Needs a date (%d): kept as written, listed for the coordinator, not reminded about until a date is set:\n", len(res.NeedsDate))
		for _, p := range res.NeedsDate {
			fmt.Fprintf(a.stdout, "  %s\n", p)
		}
	}
	res.Import.Agencies = append(res.Import.Agencies, own...)
	if f.dry {
		fmt.Fprintf(a.stdout, "The file is valid: %s in %s, plan %q (%s). Nothing was imported or created (--dry-run).\n",
			actionbot.Plural(len(res.Import.Actions), "action"), priorities(len(res.Import.Priorities)), res.Import.Name, res.Import.Period)
		if db == nil {
			return nil
		}
		res.Import.DryRun = true
		out, err := db.ImportPlan(ctx, res.Import)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, "Importing it would do this:")
		printImport(a.stdout, out)
		printStates(a.stdout, res.Import, out, true)
		return nil
	}
	out, err := db.ImportPlan(ctx, res.Import)
	if err != nil {
		return err
	}
	printImport(a.stdout, out)
	printStates(a.stdout, res.Import, out, false)
	return nil
}

// printStates says which new actions start from the file's state, and where
// the file's states differ from the plan's actions: kept, or applied with
// --apply-state.
func printStates(out io.Writer, imp *actionbot.PlanImport, r *actionbot.ImportResult, dry bool) {
	safefile.Printable(func(w io.Writer) error {
		added := map[string]bool{}
		for _, ref := range r.Added {
			added[ref] = true
		}
		n := 0
		for _, a := range imp.Actions {
			if s := a.Imported; s != nil && added[a.Ref] && (s.Status != "" && s.Status != actionbot.StatusOpen ||
				s.Progress != nil && *s.Progress > 0 || s.Deadline != nil || s.Note != "" || !s.Updated.IsZero()) {
				n++ // a state other than an untouched action's
			}
		}
		if n > 0 {
			verb := "start"
			switch {
			case dry:
				verb = "would start"
			case n == 1:
				verb = "starts"
			}
			fmt.Fprintf(w, "%s %s from the file's state (status, progress, deadline, latest note), recorded in their history as from the plan.\n",
				actionbot.Plural(n, "new action"), verb)
		}
		if len(r.States) == 0 {
			return nil
		}
		switch {
		case !imp.ApplyState:
			fmt.Fprintf(w, "The file's state differs for %s; kept as they are (--apply-state applies the file's):\n", actionbot.Plural(len(r.States), "action"))
		case dry:
			fmt.Fprintf(w, "The file's state would be applied to %s, each change recorded in its history:\n", actionbot.Plural(len(r.States), "action"))
		default:
			fmt.Fprintf(w, "Applied the file's state to %s, each change recorded in its history:\n", actionbot.Plural(len(r.States), "action"))
		}
		for _, d := range r.States {
			var cs []string
			for _, c := range d.Changes {
				cs = append(cs, stateChange(c))
			}
			fmt.Fprintf(w, "  %s: %s\n", d.Ref, strings.Join(cs, "; "))
		}
		return nil
	})(out)
}

// stateChange words one change of state: "progress 0% → 60%", "status open
// → blocked", "note → \"volunteers trained\"".
func stateChange(c actionbot.Change) string {
	switch c.Field {
	case "progress":
		return fmt.Sprintf("progress %s%% → %s%%", c.From, c.To)
	case "status":
		return fmt.Sprintf("status %s → %s", actionbot.Status(c.From).Label(), actionbot.Status(c.To).Label())
	case "deadline":
		return fmt.Sprintf("deadline %s → %s", c.From, c.To)
	case "note":
		if c.From == "" {
			return fmt.Sprintf("note %q", actionbot.Clip(c.To, 80))
		}
	}
	return fmt.Sprintf("%s %q → %q", c.Field, actionbot.Clip(c.From, 80), actionbot.Clip(c.To, 80))
}

// shippedDirectoryWarning warns when another plan is imported into a
// database that holds the shipped plan: its names were resolved against
// the shipped plan's Kent agencies ("Police" is Kent Police there).
func shippedDirectoryWarning(ctx context.Context, db *store.DB, imp *actionbot.PlanImport) string {
	cur, err := db.CurrentPlan(ctx)
	if err != nil {
		return ""
	}
	shipped, err := planfile.Sevenoaks()
	if err != nil || cur.Name != shipped.Name || cur.Period != shipped.Period || imp.Period == shipped.Period {
		return ""
	}
	return fmt.Sprintf("this database holds the shipped plan (%s) and its agencies, against which this plan's names were read; "+
		"for another partnership's plan, use a database of its own (-db FILE or ACTIONBOT_DB)", shipped.Name)
}

// readableFileError words a file that cannot be opened for what it is;
// nothing was imported.
func readableFileError(what, path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return actionbot.Errorf(actionbot.ENOTFOUND, "There is no %s file at %s; nothing was imported. Check the path.", what, path)
	case errors.Is(err, fs.ErrPermission):
		return actionbot.Errorf(actionbot.EINVALID, "The %s file %s cannot be read (permission denied); nothing was imported.", what, path)
	}
	return fmt.Errorf("import: open the %s file: %w", what, err)
}

func readAgenciesFile(path string) ([]*actionbot.Agency, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, readableFileError("agencies", path, err)
	}
	defer f.Close()
	cr := csv.NewReader(io.LimitReader(f, 10<<20))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, actionbot.Errorf(actionbot.EINVALID, "agencies file %s is not valid CSV: %v", path, err)
	}
	return planfile.ReadAgencies(rows)
}

// shippedExport is the shipped plan as export writes it, a template for a
// partnership's own plan, from the embedded files alone: its agencies
// with their names, and no state.
func shippedExport() (*planfile.Export, error) {
	imp, err := planfile.Sevenoaks()
	if err != nil {
		return nil, err
	}
	prios := make([]*actionbot.Priority, len(imp.Priorities))
	for i := range imp.Priorities {
		prios[i] = &imp.Priorities[i]
	}
	return &planfile.Export{
		Plan: &actionbot.Plan{Name: imp.Name, Period: imp.Period}, Priorities: prios, Actions: imp.Actions,
		Agencies: imp.Agencies, Rate: func(*actionbot.Action) actionbot.RAG { return "" }, Loc: time.UTC,
	}, nil
}

// priorities is "1 priority" or "7 priorities".
func priorities(n int) string {
	if n == 1 {
		return "1 priority"
	}
	return fmt.Sprintf("%d priorities", n)
}

package planfile

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// ImportStore is what an import needs of the database.
type ImportStore interface {
	Importer
	Agencies(ctx context.Context) ([]*actionbot.Agency, error)
}

// ImportRun is one "actionbot import": the file, what its flags say, and
// the database to import into.
type ImportRun struct {
	// Path is the plan file, CSV or .xlsx.
	Path string
	// Options are the caller's (source, actor, guard, today) and the
	// flags' (Flags): the flags' Columns, AgencyMap, PeriodText and
	// MaxSizeText are read by Run.
	Options
	Sheet, Columns, AgenciesFile string
	AgencyMap                    []string
	PeriodText, MaxSizeText      string
	DryRun, ApplyState           bool
	// Loc is the plan's time zone: a file's states are read in it.
	Loc *time.Location
	// Open opens the database, or returns nil for a dry run when there is
	// none: a dry run creates nothing.
	Open func() (ImportStore, error)
	// Out is where what was (or would be) done is written.
	Out io.Writer
}

// Flags declares the flags of "actionbot import" on fs, bound to r.
func (r *ImportRun) Flags(fs *flag.FlagSet) {
	fs.StringVar(&r.Name, "name", "", "the plan's `name` (by default the file's title row, or its file name)")
	fs.StringVar(&r.PeriodText, "period", "", "the plan's `period`, start..end, e.g. 2015-04-01..2016-03-31 (by default the UK financial year in which most deadlines fall)")
	fs.BoolVar(&r.DryRun, "dry-run", false, "check the file and say what would change, creating and changing nothing")
	fs.BoolVar(&r.ApplyState, "apply-state", false, "over an existing plan, set the actions' status, progress, deadline and note as the file gives them (each audited); without it they are only listed")
	fs.BoolVar(&r.Strict, "strict", false, "refuse the whole file when a cell seems to hold personal data (by default that cell alone is left out, and listed)")
	fs.StringVar(&r.Sheet, "sheet", "", "the `sheet` of an .xlsx workbook to read (by default the first)")
	fs.StringVar(&r.Columns, "columns", "", "map columns the plan names its own way: `COLUMN=Header,...`, e.g. lead=Responsible officer,by_when=Target")
	fs.StringVar(&r.AgenciesFile, "agencies", "", "a CSV `file` of the plan's agencies: code,name,aliases (aliases separated by \";\")")
	fs.Func("agency-map", "settle a name the plan writes: `NAME=AGENCY`, e.g. \"Council=SDC\" (repeatable)", func(v string) error {
		r.AgencyMap = append(r.AgencyMap, v)
		return nil
	})
	fs.StringVar(&r.MaxSizeText, "max-size", "50MB", "refuse a file larger than this `size` (KB, MB or GB)")
}

// Run reads the plan file and, unless a dry run, imports it. The plan's own
// agencies come from the database, the agencies file and the names the plan
// writes: never from the shipped Kent directory. A dry run opens no
// database that does not exist yet.
func (r *ImportRun) Run(ctx context.Context) error {
	path, opt, out := r.Path, r.Options, r.Out
	var err error
	if r.PeriodText != "" {
		if opt.Period, err = actionbot.ParsePeriod(r.PeriodText); err != nil {
			return err
		}
	}
	if r.MaxSizeText != "" {
		if opt.MaxSize, err = ParseSize(r.MaxSizeText); err != nil {
			return err
		}
	}
	if r.Columns != "" {
		if opt.Columns, err = ParseColumns(r.Columns); err != nil {
			return err
		}
	}
	if opt.AgencyMap, err = ParseAgencyMap(r.AgencyMap); err != nil {
		return err
	}
	var own []*actionbot.Agency
	if r.AgenciesFile != "" {
		if own, err = readAgenciesFile(r.AgenciesFile); err != nil {
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
	db, err := r.Open()
	if err != nil {
		return err
	}
	if db != nil {
		if known, err = db.Agencies(ctx); err != nil {
			return err
		}
	}
	dir := actionbot.NewDirectory(append(known, own...))
	res, err := ReadFile(in, r.Sheet, dir, opt)
	if err != nil {
		var inv *InvalidError
		var big *TooLargeError
		switch {
		case errors.As(err, &inv):
			return actionbot.Errorf(actionbot.EINVALID, "%s: %s", path, inv.Error())
		case errors.As(err, &big):
			return actionbot.Errorf(actionbot.EINVALID, "%s: %s; nothing was imported.", path, big.Error())
		}
		return err
	}
	// The file's states (an export's updated column) are in the plan's zone.
	InZone(res.Import, r.Loc)
	res.Import.ApplyState = r.ApplyState
	for _, s := range res.Chose {
		fmt.Fprintf(out, "Chose: %s.\n", s)
	}
	if db != nil {
		if w := shippedDirectoryWarning(ctx, db, res.Import); w != "" {
			fmt.Fprintf(out, "Warning: %s.\n", w)
		}
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(out, "Warning: %s.\n", w)
	}
	if len(res.NeedsDate) > 0 {
		fmt.Fprintf(out, "Needs a date (%d): kept as written, listed for the coordinator, not reminded about until a date is set:\n", len(res.NeedsDate))
		for _, p := range res.NeedsDate {
			fmt.Fprintf(out, "  %s\n", p)
		}
	}
	res.Import.Agencies = append(res.Import.Agencies, own...)
	if r.DryRun {
		fmt.Fprintf(out, "The file is valid: %s in %s, plan %q (%s). Nothing was imported or created (--dry-run).\n",
			actionbot.Plural(len(res.Import.Actions), "action"), priorities(len(res.Import.Priorities)), res.Import.Name, res.Import.Period)
		if db == nil {
			return nil
		}
		res.Import.DryRun = true
		done, err := db.ImportPlan(ctx, res.Import)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "Importing it would do this:")
		PrintImport(out, done)
		printStates(out, res.Import, done, true)
		return nil
	}
	done, err := db.ImportPlan(ctx, res.Import)
	if err != nil {
		return err
	}
	PrintImport(out, done)
	printStates(out, res.Import, done, false)
	return nil
}

// printable writes what write writes, escaped for a terminal: old text in
// the database may predate the cleaning at the door.
func printable(out io.Writer, write func(io.Writer)) {
	var b strings.Builder
	write(&b)
	io.WriteString(out, actionbot.PrintableCSV(b.String()))
}

// PrintImport says what an import did: escaped for a terminal, as old text
// in the database may predate the cleaning at the door.
func PrintImport(out io.Writer, r *actionbot.ImportResult) {
	printable(out, func(w io.Writer) { printImportTo(w, r) })
}

func printImportTo(w io.Writer, r *actionbot.ImportResult) {
	if r.Created {
		fmt.Fprintf(w, "Imported %q (%s) as the current plan.\n", r.Plan.Name, r.Plan.Period)
		if r.Archived != nil {
			fmt.Fprintf(w, "The previous plan, %q, is kept read-only for its history.\n", r.Archived.Name)
		}
	} else {
		fmt.Fprintf(w, "Updated %q (%s).\n", r.Plan.Name, r.Plan.Period)
	}
	fmt.Fprintf(w, "%d added, %d updated, %d unchanged.\n", len(r.Added), len(r.Updated), r.Unchanged)
	if len(r.Added) > 0 && !r.Created {
		fmt.Fprintf(w, "Added: %s.\n", strings.Join(r.Added, ", "))
	}
	for _, d := range r.Updated {
		var cs []string
		for _, ch := range d.Changes {
			from, to := ChangedWords(ch.From, ch.To, 4)
			cs = append(cs, fmt.Sprintf("%s %q → %q", ch.Field, actionbot.Clip(from, 80), actionbot.Clip(to, 80)))
		}
		fmt.Fprintf(w, "  %s: %s\n", d.Ref, strings.Join(cs, "; "))
	}
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "Not in the file, kept as they are: %s.\n", strings.Join(r.Missing, ", "))
	}
	if len(r.NewAgencies) > 0 {
		fmt.Fprintf(w, "New agencies: %s.\n", strings.Join(r.NewAgencies, ", "))
	}
	for _, n := range r.Retitled {
		fmt.Fprintf(w, "Priority %d has a new title.\n", n)
	}
}

// printStates says which new actions start from the file's state, and where
// the file's states differ from the plan's actions: kept, or applied with
// --apply-state.
func printStates(out io.Writer, imp *actionbot.PlanImport, r *actionbot.ImportResult, dry bool) {
	printable(out, func(w io.Writer) {
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
			return
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
	})
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
func shippedDirectoryWarning(ctx context.Context, db Importer, imp *actionbot.PlanImport) string {
	cur, err := db.CurrentPlan(ctx)
	if err != nil {
		return ""
	}
	shipped, err := Sevenoaks()
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
	return ReadAgencies(rows)
}

// ShippedExport is the shipped plan as export writes it, a template for a
// partnership's own plan, from the embedded files alone: its agencies
// with their names, and no state.
func ShippedExport() (*Export, error) {
	imp, err := Sevenoaks()
	if err != nil {
		return nil, err
	}
	prios := make([]*actionbot.Priority, len(imp.Priorities))
	for i := range imp.Priorities {
		prios[i] = &imp.Priorities[i]
	}
	return &Export{
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

package planfile

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// StateColumns follow ExportMeta on export: why an action is blocked or at
// risk, its latest note, why it needs a coordinator's review, and when it
// first came into the bot.
var StateColumns = []string{colReason, colLatestNote, colReview, colCreated}

// AgencyColumns head the agencies section of an export, and the agencies
// file of import --agencies.
var AgencyColumns = []string{"code", "name", "aliases"}

// agenciesTitle is the title row of the agencies section, and the name of
// the workbook's agencies sheet.
const agenciesTitle = "Agencies"

// Export is a plan as export writes it: everything a new database needs to
// be the same plan.
type Export struct {
	Plan       *actionbot.Plan
	Priorities []*actionbot.Priority
	Actions    []*actionbot.Action
	// Agencies are the database's agencies, with their names and aliases.
	Agencies []*actionbot.Agency
	// LatestNotes are the actions' latest notes, by ref.
	LatestNotes map[string]string
	// Rate gives the RAG rating of the rag column; Loc the zone of updated.
	Rate func(*actionbot.Action) actionbot.RAG
	Loc  *time.Location
}

// ExportHeader is the header of an export's actions table.
func ExportHeader() []string {
	return slices.Concat(Columns, ExportColumns, ExportMeta, StateColumns)
}

// table returns the actions table, header first, and the agencies section
// (title, header and one row per agency), cells neutralised and as text.
func (ex *Export) table() (actions, agencies [][]string) {
	titles := map[int]string{}
	for _, p := range ex.Priorities {
		titles[p.Number] = p.Title
	}
	actions = append(actions, ExportHeader())
	for _, a := range inPlanOrder(ex.Actions) {
		created := ""
		if !a.CreatedAt.IsZero() {
			created = a.CreatedAt.In(ex.Loc).Format(updatedLayout)
		}
		rec := append(actionRecord(ex.Plan, titles, a, ex.Rate, ex.Loc), a.Reason, ex.LatestNotes[a.Ref], a.Review, created)
		for i := range rec {
			rec[i] = Neutralise(rec[i])
		}
		actions = append(actions, rec)
	}
	if len(ex.Agencies) == 0 {
		return actions, nil
	}
	agencies = append(agencies, []string{agenciesTitle}, AgencyColumns)
	for _, ag := range ex.Agencies {
		agencies = append(agencies, []string{Neutralise(ag.Code), Neutralise(ag.Name), Neutralise(strings.Join(ag.Aliases, ";"))})
	}
	return actions, agencies
}

// WriteExport writes the plan as one CSV file: the actions table (the
// columns of Write, then reason, latest_note, review and created), and after one
// blank row the agencies section: a title row "Agencies", a header
// code,name,aliases and one row per agency. Every row is as wide as the
// actions table, so that a strict CSV reader takes the file whole.
func WriteExport(w io.Writer, ex *Export) error {
	actions, agencies := ex.table()
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	width := len(actions[0])
	for _, rec := range actions {
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv row %s: %w", rec[0], err)
		}
	}
	if len(agencies) > 0 {
		if err := cw.Write(make([]string, width)); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	for _, rec := range agencies {
		padded := make([]string, width)
		copy(padded, rec)
		if err := cw.Write(padded); err != nil {
			return fmt.Errorf("write csv agency %s: %w", rec[0], err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// inPlanOrder sorts a copy of actions as the plan numbers them.
func inPlanOrder(actions []*actionbot.Action) []*actionbot.Action {
	sorted := slices.Clone(actions)
	slices.SortStableFunc(sorted, func(a, b *actionbot.Action) int { return actionbot.CompareRefs(a.Ref, b.Ref) })
	return sorted
}

// actionRecord is an action's cells in the columns of Write, not yet
// neutralised.
func actionRecord(plan *actionbot.Plan, titles map[int]string, a *actionbot.Action, rate func(*actionbot.Action) actionbot.RAG, loc *time.Location) []string {
	updated := ""
	if !a.LastActivity.IsZero() {
		updated = a.LastActivity.In(loc).Format(updatedLayout)
	}
	return []string{
		a.Ref, strconv.Itoa(a.Priority), titles[a.Priority], a.Text,
		PartiesCell(a.Lead), PartiesCell(a.Partners), a.Original.Written, a.Funding,
		a.Status.Label(), strconv.Itoa(a.Progress), string(rate(a)), updated,
		a.Deadline.String(), a.Notes, plan.Name, plan.Period.String(),
	}
}

// readExport is ReadRows' first step. In a file with the export's
// current_by_when column, it reads reason, latest_note and review as
// columns; it cuts off an agencies section (its title row "Agencies", then
// code,name,aliases) and reads the actions with those agencies known, which
// the import then creates where the database lacks them. done is false when
// there is nothing of the kind: ReadRows goes on as for any plan.
func readExport(rows []Row, problems []Problem, dir *actionbot.Directory, opt Options, strict bool) (res *Result, done bool, err error) {
	prepared := opt.Columns[colLatestNote] != ""
	isExport := false
	if !prepared {
		for i := 0; i < len(rows) && i < headerSearch && !isExport; i++ {
			for _, c := range rows[i].Cells {
				if squash(c) == squash(colCurrentDue) {
					isExport = true
				}
			}
		}
	}
	cut := agencySection(rows)
	if !isExport && cut < 0 {
		return nil, false, nil
	}
	if isExport {
		cols := maps.Clone(opt.Columns)
		if cols == nil {
			cols = map[string]string{}
		}
		for _, c := range StateColumns {
			if _, given := cols[c]; !given {
				cols[c] = c
			}
		}
		opt.Columns = cols
	}
	var own []*actionbot.Agency
	if cut >= 0 {
		var ps []Problem
		own, ps = readAgencyRows(rows[cut+1:])
		problems = append(problems, ps...)
		rows = rows[:cut]
		known := dir.Agencies()
		merged := slices.Clone(known)
		for _, a := range own {
			if k, ok := dir.Lookup(a.Code); ok && strings.EqualFold(k.Code, a.Code) {
				continue
			}
			merged = append(merged, a)
		}
		dir = actionbot.NewDirectory(merged)
	}
	res, err = ReadRows(rows, problems, dir, opt, strict)
	if err != nil || len(own) == 0 {
		return res, true, err
	}
	for _, a := range own {
		if k, ok := dir.Lookup(a.Code); ok && k.Code == a.Code && k != a && k.Name != a.Name {
			res.Warnings = append(res.Warnings, Problem{Column: agenciesTitle, Message: fmt.Sprintf(
				"the file names agency %s %q; the database's %q is kept", a.Code, a.Name, k.Name)})
		}
	}
	have := map[string]bool{}
	for _, a := range res.Import.Agencies {
		have[a.Code] = true
	}
	for _, a := range own {
		if !have[a.Code] {
			res.Import.Agencies = append(res.Import.Agencies, a)
		}
	}
	slices.SortFunc(res.Import.Agencies, func(a, b *actionbot.Agency) int { return strings.Compare(a.Code, b.Code) })
	return res, true, nil
}

// agencySection returns the index of the agencies section's title row: a
// row that says only "Agencies", followed (blank rows aside) by a header
// code,name; -1 when there is none.
func agencySection(rows []Row) int {
	for i, r := range rows {
		if filled := nonEmpty(r.Cells); len(filled) != 1 || squash(filled[0]) != squash(agenciesTitle) || squash(r.Cells[0]) == "" {
			continue
		}
		for _, next := range rows[i+1:] {
			if len(nonEmpty(next.Cells)) == 0 {
				continue
			}
			if len(next.Cells) >= 2 && squash(next.Cells[0]) == "code" && squash(next.Cells[1]) == "name" {
				return i
			}
			break
		}
	}
	return -1
}

func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			out = append(out, c)
		}
	}
	return out
}

// readAgencyRows reads the agencies section after its title: the header
// code,name,aliases, then one agency a row (aliases separated by ";").
func readAgencyRows(rows []Row) ([]*actionbot.Agency, []Problem) {
	var out []*actionbot.Agency
	var problems []Problem
	seen := map[string]int{}
	header := true
	for _, r := range rows {
		cells := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			cells[i] = cleanText(actionbot.CleanText(unneutralise(c)))
		}
		if len(nonEmpty(cells)) == 0 {
			continue
		}
		if header {
			header = false
			continue
		}
		for len(cells) < 3 {
			cells = append(cells, "")
		}
		code, name := strings.ToUpper(cells[0]), cells[1]
		if code == "" || name == "" {
			problems = append(problems, Problem{Line: r.Line, Column: agenciesTitle, Message: "an agency needs a code and a name (code,name,aliases)"})
			continue
		}
		if first, dup := seen[code]; dup {
			problems = append(problems, Problem{Line: r.Line, Column: agenciesTitle, Message: fmt.Sprintf("agency %s is listed twice, here and on line %d", code, first)})
			continue
		}
		seen[code] = r.Line
		a := &actionbot.Agency{Code: code, Name: name}
		for _, al := range strings.Split(cells[2], ";") {
			if al = cleanText(al); al != "" {
				a.Aliases = append(a.Aliases, al)
			}
		}
		out = append(out, a)
	}
	return out, problems
}

// ExportStore is what an export reads of the database.
type ExportStore interface {
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
	Priorities(ctx context.Context, planID int64) ([]*actionbot.Priority, error)
	FindActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, error)
	LatestNotes(ctx context.Context, planID int64) (map[string]string, error)
	Agencies(ctx context.Context) ([]*actionbot.Agency, error)
}

// CurrentExport gathers the current plan as export writes it: its actions
// with their ratings at now (in the plan's zone), latest notes, and the
// database's agencies.
func CurrentExport(ctx context.Context, st ExportStore, rules actionbot.RAGRules, now time.Time) (*Export, error) {
	plan, err := st.CurrentPlan(ctx)
	if err != nil {
		return nil, err
	}
	ex := &Export{Plan: plan, Loc: now.Location(), Rate: rules.RateAt(plan, now)}
	if ex.Priorities, err = st.Priorities(ctx, plan.ID); err != nil {
		return nil, err
	}
	if ex.Actions, err = st.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID}); err != nil {
		return nil, err
	}
	if ex.LatestNotes, err = st.LatestNotes(ctx, plan.ID); err != nil {
		return nil, err
	}
	if ex.Agencies, err = st.Agencies(ctx); err != nil {
		return nil, err
	}
	return ex, nil
}

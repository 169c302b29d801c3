// Package planfile reads and writes action plans as files, and holds the
// plan the bot ships with (shipped.go).
//
// The file is CSV, the format that partners keep in Excel (or the .xlsx
// itself, xlsx.go): one row per action, columns
// id,priority,priority_title,action,lead,partners,by_when,funding and, on
// export only, status,progress,rag,updated. Multi-valued cells (lead,
// partners) are separated by ";".
package planfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Columns are the import columns, in order.
var Columns = []string{"id", "priority", "priority_title", "action", "lead", "partners", "by_when", "funding"}

// ExportColumns follow Columns on export.
var ExportColumns = []string{"status", "progress", "rag", "updated"}

// maxProblems bounds the report on a file that is not a plan at all.
const maxProblems = 200

// Problem is one thing wrong with the file, with where it is.
type Problem struct {
	Line    int    // 1-based line in the file; 0 for the file as a whole
	Column  string // column name, "" for the row or file
	Message string
}

func (p Problem) String() string {
	switch {
	case p.Line == 0:
		return p.Message
	case p.Column == "":
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, column %s: %s", p.Line, p.Column, p.Message)
}

// InvalidError lists every problem found in a file; nothing is imported.
type InvalidError struct {
	Problems []Problem
}

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("the file has %s; nothing was imported:\n  %s",
		actionbot.Plural(len(e.Problems), "problem"), strings.Join(lines, "\n  "))
}

// ExportMeta follow ExportColumns: the deadline as it stands now (moved or
// not; import ignores it), the plan's notes for the action, and the plan's
// name and period, so that export then import is the identity.
var ExportMeta = []string{colCurrentDue, colNotes, colPlan, colPeriod}

// Write writes actions as CSV in plan order, with the export columns: status,
// progress, the RAG rating from rate, when a person last updated it, the
// current deadline, notes, and the plan's name and period. Lead and partner
// cells hold agency codes (with roles in parentheses); by_when is the
// deadline the plan agreed, so that importing the file again changes
// nothing. A cell a spreadsheet would run as a formula (=, +, -, @ first) is
// written after an apostrophe, which import strips. It writes a UTF-8 byte
// order mark and CRLF line endings, as Excel expects.
func Write(w io.Writer, plan *actionbot.Plan, priorities []*actionbot.Priority, actions []*actionbot.Action, rate func(*actionbot.Action) actionbot.RAG, loc *time.Location) error {
	titles := map[int]string{}
	for _, p := range priorities {
		titles[p.Number] = p.Title
	}
	sorted := append([]*actionbot.Action(nil), actions...)
	sort.SliceStable(sorted, func(i, j int) bool { return actionbot.CompareRefs(sorted[i].Ref, sorted[j].Ref) < 0 })

	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := append(append(append([]string{}, Columns...), ExportColumns...), ExportMeta...)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for _, a := range sorted {
		updated := ""
		if !a.LastActivity.IsZero() {
			updated = a.LastActivity.In(loc).Format("2006-01-02 15:04")
		}
		current := a.Deadline.String()
		rec := []string{
			a.Ref, strconv.Itoa(a.Priority), titles[a.Priority], a.Text,
			PartiesCell(a.Lead), PartiesCell(a.Partners), a.Original.Written, a.Funding,
			a.Status.Label(), strconv.Itoa(a.Progress), string(rate(a)), updated,
			current, a.Notes, plan.Name, plan.Period.String(),
		}
		for i := range rec {
			rec[i] = Neutralise(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv row %s: %w", a.Ref, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Neutralise puts an apostrophe before a cell that a spreadsheet would take
// for a formula ("=HYPERLINK(...)", "+44...", "-", "@SUM"), and before one
// that starts with an apostrophe already; import takes it off again.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@'", rune(s[0])) {
		return "'" + s
	}
	return s
}

// PartiesCell formats parties as a cell: "POLICE (Training);CSU (Promotion/Volunteers)".
func PartiesCell(ps []actionbot.Party) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Agency
		if p.Role != "" {
			parts[i] += " (" + p.Role + ")"
		}
	}
	return strings.Join(parts, ";")
}

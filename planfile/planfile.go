// Package planfile reads and writes action plans as files, and holds the
// plan the bot ships with (shipped.go).
//
// The file is CSV, the format that partners keep in Excel (or the .xlsx
// itself, xlsx.go): one row per action, columns
// id,priority,priority_title,action,lead,partners,by_when,funding.
// Multi-valued cells (lead, partners) are separated by ";", each agency
// with a role in brackets: "POLICE (Training);CSU".
//
// Export (WriteExport) writes everything a new database needs to be the
// same plan, in one file:
//
//   - the actions table: the import columns, then
//     status,progress,rag,updated (the action's state, its RAG rating at the
//     time, when a person last updated it, "2006-01-02 15:04" in the plan's
//     zone), current_by_when (the deadline as it stands, moved or not),
//     notes (the plan's own columns), plan and period (the plan's name and
//     period, on every row), reason (why it is blocked or at risk),
//     latest_note (the text of its latest note) and review (why it needs a
//     coordinator's review);
//   - one blank row, a title row "Agencies", a header code,name,aliases and
//     one row per agency of the database (aliases separated by ";"). Every
//     row is as wide as the actions table.
//
// As a workbook (WriteExportXLSX) the same tables are two sheets, Actions
// and Agencies. Importing either into an empty database gives a database
// whose export is the same, byte for byte (for the workbook, cell for
// cell): the agencies come back with their names and aliases, and each
// action with its status, reason, progress, current deadline, last update
// and latest note, recorded in its history as from the plan. rag is not
// read back: it is worked out again.
//
// A plan's own state columns are read too (state.go): Status (Complete, On
// track, In progress, Amber, At risk, Red, Blocked...), RAG (Green is open,
// Amber at risk, Red blocked, each with the plan's word as the reason),
// Complete (Y/N), and a progress or commentary column, a percentage
// ("60%", "60", or 0.6 as a spreadsheet stores 60%) being the progress and
// anything else the action's latest note. They start new actions; over an
// existing plan they are reported, and applied only when asked.
package planfile

import (
	"encoding/csv"
	"fmt"
	"io"
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
// order mark and CRLF line endings, as Excel expects. It is the actions
// table alone, without the state columns reason, latest_note and review and
// without the agencies: WriteExport writes the whole plan.
func Write(w io.Writer, plan *actionbot.Plan, priorities []*actionbot.Priority, actions []*actionbot.Action, rate func(*actionbot.Action) actionbot.RAG, loc *time.Location) error {
	titles := map[int]string{}
	for _, p := range priorities {
		titles[p.Number] = p.Title
	}
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := append(append(append([]string{}, Columns...), ExportColumns...), ExportMeta...)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for _, a := range inPlanOrder(actions) {
		rec := actionRecord(plan, titles, a, rate, loc)
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
func PartiesCell(ps []actionbot.Party) string { return actionbot.JoinParties(ps, ";") }

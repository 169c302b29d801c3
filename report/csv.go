package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// csvActionHeader is the header of the actions table.
var csvActionHeader = []string{"Plan", "As of", "Priority", "Priority title", "Priority actions", "Priority on target", "Priority on target %", "Priority target %", "Priority target result",
	"Ref", "Action", "Lead", "Partners", "Plan deadline", "Plan due date", "Current deadline", "Current due date", "Deadline moved",
	"Status", "Progress %", "RAG", "Why", "Latest note", "Note date", "Funding", "Review"}

// csvMeasureHeader is the header of the measures table.
var csvMeasureHeader = []string{"Plan", "As of", "Priority", "Priority title", "Measure", "Text", "Kind", "Target", "Target %",
	"Actual", "Value", "Figure as of", "Source", "Result"}

// WriteCSV writes the report for Excel as one flat table: a header row,
// then one row per action, in plan order, with its priority's figures on
// every row (so that a pivot table or a filter can regroup them). UTF-8 with
// a byte-order mark (so that Excel reads it as UTF-8), CRLF line endings;
// figures are plain numbers (percentages whole, rounded half up, without the
// sign) and dates ISO (2013-03-31), which Excel reads as such. Text that
// Excel would take for a formula (starting =, +, -, @, a tab or a carriage
// return) gets a leading apostrophe.
func WriteCSV(w io.Writer, r *Report) error {
	rows := [][]string{csvActionHeader}
	loc := r.Location()
	for _, p := range r.Priorities {
		target, result := "", ""
		if m := p.Target(); m != nil && m.Target != nil {
			target = strconv.FormatFloat(*m.Target, 'f', -1, 64)
			result = p.TargetResult()
		}
		for _, a := range p.Actions {
			note, noteDate := "", ""
			if a.Note != nil {
				note, noteDate = oneLine(a.Note.Note), actionbot.DateOf(a.Note.At.In(loc)).String()
			}
			moved := "no"
			if a.Moved() {
				moved = "yes"
			}
			rows = append(rows, []string{text(r.Plan.Name), r.AsOf.String(), itoa(p.Number()), text(p.Priority.Title), itoa(p.Total()), itoa(p.OnTarget()), percentNumber(p.OnTargetPercent()), target, result,
				a.Ref, text(oneLine(a.Text)), text(a.Lead), text(a.Partners), text(a.Original.String()), a.Original.Due.String(), text(a.Deadline.String()), a.Deadline.Due.String(), moved,
				a.StatusText(), itoa(a.Progress), a.RAG.Label(), text(a.Why), text(note), noteDate, text(a.Funding), text(a.Review)})
		}
	}
	return writeCSV(w, rows)
}

// WriteMeasuresCSV writes the success measures for Excel as one flat
// table, one row per measure, in the form of WriteCSV. Value is the figure
// as a number: the share on target for measures worked out from the
// actions, the rate for rates, the change in percent for reductions and
// increases with a fall negative (as it is typed: -2.5 for "fell 2.5%"),
// and 1 or 0 for yes/no measures.
func WriteMeasuresCSV(w io.Writer, r *Report) error {
	rows := [][]string{csvMeasureHeader}
	for _, p := range r.Priorities {
		for _, m := range p.Measures {
			target := ""
			if m.Target != nil {
				target = strconv.FormatFloat(*m.Target, 'f', -1, 64)
			}
			value, asOf, source := "", "", m.SourceText()
			switch {
			case m.Live:
				asOf, source = r.AsOf.String(), "worked out from the actions"
				if p.Total() > 0 {
					value = percentNumber(p.OnTargetPercent())
				}
			case m.Latest != nil:
				value, asOf = strconv.FormatFloat(signedChange(m.Measure, m.Latest.Value), 'f', -1, 64), m.Latest.AsOf.String()
			}
			rows = append(rows, []string{text(r.Plan.Name), r.AsOf.String(), itoa(m.Priority), text(p.Priority.Title), itoa(m.N), text(oneLine(m.Text)), string(m.Kind),
				text(m.TargetLabel()), target, text(m.Actual), value, asOf, text(source), string(m.Status)})
		}
	}
	return writeCSV(w, rows)
}

// signedChange is a stored figure as people type it: a fall negative for
// reductions and increases alike.
func signedChange(m actionbot.Measure, v float64) float64 {
	if m.Kind == actionbot.MeasureReduction && v != 0 {
		return -v
	}
	return v
}

func writeCSV(w io.Writer, rows [][]string) error {
	b := bufio.NewWriter(w)
	if _, err := b.WriteString("\ufeff"); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	cw := csv.NewWriter(b)
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// percentNumber is a share as Excel should read it, a whole percent: "57".
func percentNumber(v float64) string { return strings.TrimSuffix(actionbot.FormatPercent(v), "%") }

// text makes a cell of free text safe to open in a spreadsheet: a cell
// starting with =, +, -, @, a tab or a carriage return would be read as a
// formula, so it gets a leading apostrophe, which Excel shows as text.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

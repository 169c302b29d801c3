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

// WriteCSV writes the report for Excel: UTF-8 with a byte-order mark (so
// Excel reads it as UTF-8), CRLF line endings, and three tables one after
// the other, each under a title row and separated by a blank row: the RAG
// summary per priority, the success measures, and every action. Figures are
// plain numbers (percentages without the sign) so that they can be
// calculated with; dates are ISO (2013-03-31), which Excel reads as dates.
// Text that Excel would take for a formula (starting =, +, -, @) is prefixed
// with an apostrophe.
func WriteCSV(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	if _, err := b.WriteString("\ufeff"); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	cw := csv.NewWriter(b)
	cw.UseCRLF = true
	loc := r.Location()
	rows := [][]string{
		{text(r.Title())},
		{"As of", r.AsOf.String()},
		{"Plan year", r.Plan.Period.Start.String(), r.Plan.Period.End.String()},
		{},
		{"RAG summary"},
		{"Priority", "Title", "Actions", "Red", "Amber", "Green", "Complete", "On target", "On target %", "Target %", "Target result"},
	}
	sum := func(num, title string, s *actionbot.PrioritySummary, target, result string) []string {
		return []string{num, text(title), itoa(s.Total()),
			itoa(s.Counts[actionbot.RAGRed]), itoa(s.Counts[actionbot.RAGAmber]), itoa(s.Counts[actionbot.RAGGreen]), itoa(s.Counts[actionbot.RAGComplete]),
			itoa(s.OnTarget()), percentNumber(s.OnTargetPercent()), target, result}
	}
	for _, p := range r.Priorities {
		if p.Total() == 0 {
			continue
		}
		target, result := "", ""
		if m := p.Target(); m != nil && m.Target != nil {
			target = strconv.FormatFloat(*m.Target, 'f', -1, 64)
			_, result = p.TargetText()
		}
		rows = append(rows, sum(itoa(p.Number()), p.Priority.Title, p.PrioritySummary, target, result))
	}
	rows = append(rows, sum("", "Whole plan", r.Overall, "", ""), []string{}, []string{"Success measures"},
		[]string{"Priority", "Measure", "Text", "Kind", "Target", "Actual", "Value", "As of", "Source", "Result"})
	for _, p := range r.Priorities {
		for _, m := range p.Measures {
			value, asOf, source := "", m.AsOfText(), m.SourceText()
			switch {
			case m.Live:
				value, asOf, source = percentNumber(p.OnTargetPercent()), r.AsOf.String(), "worked out from the actions"
				if p.Total() == 0 {
					value = ""
				}
			case m.Latest != nil:
				value, asOf = strconv.FormatFloat(m.Latest.Value, 'f', -1, 64), m.Latest.AsOf.String()
			}
			rows = append(rows, []string{itoa(m.Priority), itoa(m.N), text(m.Text), string(m.Kind), text(m.TargetLabel()),
				text(m.Actual), value, asOf, text(source), string(m.Status)})
		}
	}
	rows = append(rows, []string{}, []string{"Actions"},
		[]string{"Priority", "Ref", "Action", "Lead", "Partners", "Deadline", "Due date", "Plan deadline", "Plan due date",
			"Status", "Progress %", "RAG", "Why", "Latest note", "Note date", "Funding", "Review"})
	for _, p := range r.Priorities {
		for _, a := range p.Actions {
			note, noteDate := "", ""
			if a.Note != nil {
				note, noteDate = a.Note.Note, actionbot.DateOf(a.Note.At.In(loc)).String()
			}
			rows = append(rows, []string{itoa(a.Priority), a.Ref, text(a.Text), text(a.Lead), text(a.Partners),
				text(a.Deadline.String()), a.Deadline.Due.String(), text(a.Original.String()), a.Original.Due.String(),
				a.StatusText(), itoa(a.Progress), a.RAG.Label(), text(a.Why), text(note), noteDate, text(a.Funding), text(a.Review)})
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// percentNumber is a share as Excel should read it: "57.1".
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

// Package plancsv reads and writes action plans as CSV, the format that
// partners keep in Excel: one row per action, columns
// id,priority,priority_title,action,lead,partners,by_when,funding and, on
// export only, status,progress,rag,updated. Multi-valued cells (lead,
// partners) are separated by ";".
package plancsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// Options control how a file becomes a plan.
type Options struct {
	// Name of the plan; derived from the period when empty.
	Name string
	// Period of the plan; when zero, the UK financial year in which most
	// dated deadlines fall.
	Period actionbot.Period
	Source string
	Actor  string
}

// Result is a plan read from a file with what the reader noticed.
type Result struct {
	Import *actionbot.PlanImport
	// Chose says what was derived ("named the plan ...", "took the period ...").
	Chose []string
	// Warnings are kept as written but worth a look: deadlines before the
	// plan starts, agencies that are new.
	Warnings []Problem
}

// Read parses and validates a whole file against the agency directory. It
// reports every problem at once, as an *InvalidError; a file with any
// problem yields no plan.
func Read(r io.Reader, dir *actionbot.Directory, opt Options) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read plan file: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 byte order mark
	if !utf8.Valid(data) {
		return nil, &InvalidError{[]Problem{{Message: "the file is not UTF-8 text: in Excel, save it as \"CSV UTF-8 (Comma delimited)\""}}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &InvalidError{[]Problem{{Message: "the file is empty: it needs a header row (" + strings.Join(Columns, ",") + ") and one row per action"}}}
	} else if err != nil {
		return nil, &InvalidError{[]Problem{{Line: 1, Message: "the header row is not valid CSV: " + csvMessage(err)}}}
	}
	if p := checkHeader(header); p != nil {
		return nil, &InvalidError{[]Problem{*p}}
	}

	rd := &reader{dir: dir, opt: opt, newAgencies: map[string]*actionbot.Agency{}, seen: map[string]int{}, titles: map[int]string{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			rd.problem(line, "", "not valid CSV: %s", csvMessage(err))
			if len(rd.problems) >= maxProblems {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		rd.row(line, rec)
		if len(rd.problems) >= maxProblems {
			rd.problem(line, "", "too many problems; stopped reading here")
			break
		}
	}
	return rd.finish()
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func checkHeader(header []string) *Problem {
	got := make([]string, len(header))
	for i, h := range header {
		got[i] = strings.ToLower(strings.TrimSpace(h))
	}
	want := Columns
	if len(got) > len(Columns) {
		want = append(append([]string{}, Columns...), ExportColumns...)
	}
	ok := len(got) == len(Columns) || len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i] == want[i]
	}
	if !ok {
		return &Problem{Line: 1, Message: fmt.Sprintf("the header row must be %s (optionally followed by %s, which import ignores); got %s",
			strings.Join(Columns, ","), strings.Join(ExportColumns, ","), strings.Join(got, ","))}
	}
	return nil
}

type reader struct {
	dir         *actionbot.Directory
	opt         Options
	problems    []Problem
	warnings    []Problem
	actions     []*actionbot.Action
	lines       []int
	seen        map[string]int // ref -> line
	titles      map[int]string
	titleLine   map[int]int
	newAgencies map[string]*actionbot.Agency // key -> agency
}

func (rd *reader) problem(line int, col, msg string, args ...any) {
	rd.problems = append(rd.problems, Problem{Line: line, Column: col, Message: fmt.Sprintf(msg, args...)})
}

func (rd *reader) warn(line int, col, msg string, args ...any) {
	rd.warnings = append(rd.warnings, Problem{Line: line, Column: col, Message: fmt.Sprintf(msg, args...)})
}

func (rd *reader) row(line int, rec []string) {
	if len(rec) < len(Columns) {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			return // a blank line
		}
		rd.problem(line, "", "has %d cells; a row needs %d (%s)", len(rec), len(Columns), strings.Join(Columns, ","))
		return
	}
	cell := func(i int) string { return strings.TrimSpace(rec[i]) }
	before := len(rd.problems)
	a := &actionbot.Action{Status: actionbot.StatusOpen}

	ref, ok := actionbot.ParseRef(cell(0))
	switch {
	case cell(0) == "":
		rd.problem(line, "id", "the action id is empty; write it as the plan numbers it, e.g. 5.2")
	case !ok:
		rd.problem(line, "id", "%q is not an action id; write it as the plan numbers it, e.g. 5.2", cell(0))
	default:
		if first, dup := rd.seen[ref]; dup {
			rd.problem(line, "id", "action %s appears twice, here and on line %d", ref, first)
		} else {
			rd.seen[ref] = line
		}
		a.Ref = ref
	}

	prio, err := strconv.Atoi(cell(1))
	switch {
	case err != nil || prio < 1:
		rd.problem(line, "priority", "%q is not a priority number (1, 2, 3...)", cell(1))
	case ok && actionbot.RefPriority(ref) != prio:
		rd.problem(line, "priority", "action %s is numbered under priority %d but this row says priority %d", ref, actionbot.RefPriority(ref), prio)
	default:
		a.Priority = prio
		title := cell(2)
		if title == "" {
			rd.problem(line, "priority_title", "the priority title is empty")
		} else if t, seen := rd.titles[prio]; seen && t != title {
			rd.problem(line, "priority_title", "priority %d is titled %q on line %d but %q here", prio, t, rd.titleLine[prio], title)
		} else if !seen {
			rd.titles[prio] = title
			if rd.titleLine == nil {
				rd.titleLine = map[int]int{}
			}
			rd.titleLine[prio] = line
		}
	}

	a.Text = cleanText(rec[3])
	if a.Text == "" {
		rd.problem(line, "action", "the action text is empty")
	}
	a.Lead = rd.parties(line, "lead", cell(4))
	if len(a.Lead) == 0 && cell(4) == "" {
		rd.problem(line, "lead", "no lead agency: every action needs at least one")
	}
	a.Partners = rd.parties(line, "partners", cell(5))

	dl, err := actionbot.ParseDeadline(rec[6])
	if err != nil {
		rd.problem(line, "by_when", "%s", actionbot.ErrorMessage(err))
	}
	a.Deadline, a.Original = dl, dl
	a.Funding = cleanText(rec[7])
	if len(rd.problems) == before {
		rd.actions = append(rd.actions, a)
		rd.lines = append(rd.lines, line)
	}
}

// cleanText tidies a cell: line breaks and runs of spaces become one space.
func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }

// parties resolves a cell of agencies separated by ";". An unknown name close
// to a known one is a problem (probably a typo); any other unknown name
// becomes a new agency, with a warning.
func (rd *reader) parties(line int, col, cellText string) []actionbot.Party {
	var out []actionbot.Party
	seen := map[string]bool{}
	for _, item := range strings.Split(cellText, ";") {
		item = cleanText(item)
		if item == "" {
			continue
		}
		p, ok := rd.dir.ResolveParty(item)
		if !ok {
			p, ok = rd.newParty(line, col, item)
			if !ok {
				continue
			}
		}
		if seen[p.Agency] {
			rd.problem(line, col, "%s is listed twice", item)
			continue
		}
		seen[p.Agency] = true
		out = append(out, p)
	}
	return out
}

func (rd *reader) newParty(line int, col, item string) (actionbot.Party, bool) {
	name, role, hasRole := actionbot.SplitRole(item)
	if !hasRole {
		name = item
	}
	key := actionbot.AgencyKey(name)
	if key == "" {
		rd.problem(line, col, "%q is not an agency name", item)
		return actionbot.Party{}, false
	}
	if a, ok := rd.newAgencies[key]; ok {
		return actionbot.Party{Agency: a.Code, Role: role}, true
	}
	if len(key) >= 5 {
		for _, a := range rd.dir.Agencies() {
			for _, known := range append([]string{a.Code, a.Name}, a.Aliases...) {
				if d := actionbot.Levenshtein(key, actionbot.AgencyKey(known)); d > 0 && d <= 2 {
					rd.problem(line, col, "unknown agency %q: did you mean %q (%s)?", name, known, a.Code)
					return actionbot.Party{}, false
				}
			}
		}
	}
	code := strings.ToUpper(strings.ReplaceAll(key, " ", "-"))
	if len(code) > 24 {
		code = strings.TrimRight(code[:24], "-")
	}
	for n := 2; ; n++ {
		if _, taken := rd.dir.Lookup(code); !taken && !rd.codeTaken(code) {
			break
		}
		code = fmt.Sprintf("%s-%d", strings.TrimRight(code, "-0123456789"), n)
	}
	a := &actionbot.Agency{Code: code, Name: name}
	rd.newAgencies[key] = a
	rd.warn(line, col, "%q is not a known agency: it will be added with code %s", name, code)
	return actionbot.Party{Agency: code, Role: role}, true
}

func (rd *reader) codeTaken(code string) bool {
	for _, a := range rd.newAgencies {
		if a.Code == code {
			return true
		}
	}
	return false
}

func (rd *reader) finish() (*Result, error) {
	if len(rd.actions) == 0 && len(rd.problems) == 0 {
		rd.problem(0, "", "the file has a header but no actions")
	}
	res := &Result{}
	period := rd.opt.Period
	if period.Start.IsZero() && len(rd.actions) > 0 {
		var ok bool
		if period, ok = derivePeriod(rd.actions); !ok {
			rd.problem(0, "", "no action has a dated deadline, so the plan's period cannot be worked out: give it with --period 2015-04-01..2016-03-31")
		} else {
			res.Chose = append(res.Chose, fmt.Sprintf("took the period %s (the UK financial year %s, in which most deadlines fall); give --period to choose another", period, period.Label()))
		}
	}
	if len(rd.problems) > 0 {
		sort.SliceStable(rd.problems, func(i, j int) bool { return rd.problems[i].Line < rd.problems[j].Line })
		return nil, &InvalidError{rd.problems}
	}
	name := rd.opt.Name
	if name == "" {
		name = "Action Plan " + period.Label()
		res.Chose = append(res.Chose, fmt.Sprintf("named the plan %q; give --name to choose another", name))
	}
	for i, a := range rd.actions {
		if !a.Deadline.Ongoing && a.Deadline.Due.Before(period.Start) {
			rd.warn(rd.lines[i], "by_when", "action %s is due %s, before the plan starts on %s; kept as written",
				a.Ref, actionbot.DescribeDeadline(a.Deadline), period.Start.UK())
		}
	}
	sort.SliceStable(rd.warnings, func(i, j int) bool { return rd.warnings[i].Line < rd.warnings[j].Line })
	res.Warnings = rd.warnings

	imp := &actionbot.PlanImport{Name: name, Period: period, Actions: rd.actions, Source: rd.opt.Source, Actor: rd.opt.Actor}
	sort.SliceStable(imp.Actions, func(i, j int) bool { return actionbot.CompareRefs(imp.Actions[i].Ref, imp.Actions[j].Ref) < 0 })
	var nums []int
	for n := range rd.titles {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		imp.Priorities = append(imp.Priorities, actionbot.Priority{Number: n, Title: rd.titles[n]})
	}
	for _, a := range rd.newAgencies {
		imp.Agencies = append(imp.Agencies, a)
	}
	sort.Slice(imp.Agencies, func(i, j int) bool { return imp.Agencies[i].Code < imp.Agencies[j].Code })
	res.Import = imp
	return res, nil
}

// derivePeriod returns the UK financial year in which most dated deadlines
// fall (the later year on a tie).
func derivePeriod(as []*actionbot.Action) (actionbot.Period, bool) {
	count := map[actionbot.Period]int{}
	for _, a := range as {
		if !a.Deadline.Ongoing {
			count[a.Deadline.Due.FinancialYear()]++
		}
	}
	var best actionbot.Period
	n := 0
	for p, c := range count {
		if c > n || (c == n && p.Start.After(best.Start)) {
			best, n = p, c
		}
	}
	return best, n > 0
}

// Write writes actions as CSV in plan order, with the export columns: status,
// progress, the RAG rating from rate, and when a person last updated it.
// Lead and partner cells hold agency codes (with roles in parentheses); the
// deadline is the one the plan agreed, so that importing the file again
// changes nothing. It writes a UTF-8 byte order mark and CRLF line endings,
// as Excel expects.
func Write(w io.Writer, priorities []*actionbot.Priority, actions []*actionbot.Action, rate func(*actionbot.Action) actionbot.RAG, loc *time.Location) error {
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
	if err := cw.Write(append(append([]string{}, Columns...), ExportColumns...)); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for _, a := range sorted {
		updated := ""
		if !a.LastActivity.IsZero() {
			updated = a.LastActivity.In(loc).Format("2006-01-02 15:04")
		}
		rec := []string{
			a.Ref, strconv.Itoa(a.Priority), titles[a.Priority], a.Text,
			PartiesCell(a.Lead), PartiesCell(a.Partners), a.Original.Written, a.Funding,
			a.Status.Label(), strconv.Itoa(a.Progress), string(rate(a)), updated,
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

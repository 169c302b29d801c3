package planfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot"
)

// DefaultMaxSize bounds a plan file unless Options.MaxSize says otherwise: a
// real plan is a few hundred kilobytes.
const DefaultMaxSize = 50 << 20

// Options control how a file becomes a plan.
type Options struct {
	// Name of the plan; when empty, the file's plan column, its title row,
	// or the file's name.
	Name string
	// Period of the plan; when zero, the file's period column, or the UK
	// financial year in which most dated deadlines fall.
	Period actionbot.Period
	// Today gives an all-ongoing plan its period: the financial year of today.
	Today actionbot.Date
	// Source is the file it came from, for the record and the plan's name.
	Source string
	Actor  string
	// MaxSize bounds the file in bytes; 0 means DefaultMaxSize.
	MaxSize int64
	// XLSXTimeout bounds the time a workbook takes to read; 0 means
	// DefaultXLSXTimeout.
	XLSXTimeout time.Duration
	// Columns maps import columns to the headers the file uses for them
	// (--columns), beside the synonyms known.
	Columns map[string]string
	// Guard says what kind of personal data a text seems to hold ("a phone
	// number"), or "" when none: the same guard as typed notes. A cell it
	// trips is not stored; the action is imported with the cell empty, and
	// the cell listed by line and column.
	Guard func(text string) string
	// Strict refuses the whole import when any cell trips the Guard.
	Strict bool
	// AgencyMap maps an agency name as written (its AgencyKey) to the agency
	// meant, by code or name (--agency-map).
	AgencyMap map[string]string
}

// Result is a plan read from a file with what the reader noticed.
type Result struct {
	Import *actionbot.PlanImport
	// Chose says what was derived ("named the plan ...", "took the period ...").
	Chose []string
	// Warnings are kept as written but worth a look: deadlines that need a
	// date or fall outside the plan, agencies that are new or near others.
	Warnings []Problem
	// NeedsDate are the deadline cells that give no date yet, with their lines.
	NeedsDate []Problem
}

// TooLargeError is a file bigger than Options.MaxSize, or a workbook that
// unpacks to more than it may (Unpacked).
type TooLargeError struct {
	Max      int64
	Unpacked bool
}

func (e *TooLargeError) Error() string {
	if e.Unpacked {
		return fmt.Sprintf("the workbook unpacks to more than %d MB, far more than any plan: check it is the right file, or save the plan as CSV UTF-8", e.Max>>20)
	}
	return fmt.Sprintf("the file is larger than %d MB, far more than any plan: check it is the right file, or give --max-size", e.Max>>20)
}

// readAll reads up to max bytes, failing promptly past it.
func readAll(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxSize
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read plan file: %w", err)
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Max: max}
	}
	return data, nil
}

// Row is one row of a table, with its line (or sheet row) number.
type Row struct {
	Line  int
	Cells []string
}

// Read parses and validates a whole CSV file against the agency directory.
// It reports every problem at once, as an *InvalidError; a file with any
// problem yields no plan. Deadline wording is never a problem: a cell that
// gives no date is kept and listed in NeedsDate.
func Read(r io.Reader, dir *actionbot.Directory, opt Options) (*Result, error) {
	data, err := readAll(r, opt.MaxSize)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 byte order mark
	if !utf8.Valid(data) {
		return nil, &InvalidError{[]Problem{{Message: "the file is not UTF-8 text: in Excel, save it as \"CSV UTF-8 (Comma delimited)\""}}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InvalidError{[]Problem{{Message: "the file is empty: it needs " + neededHeader() + ", and one row per action"}}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var rows []Row
	var problems []Problem
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
			problems = append(problems, Problem{Line: line, Message: "not valid CSV: " + csvMessage(err)})
			if len(problems) >= maxProblems {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, Row{Line: line, Cells: rec})
	}
	return ReadRows(rows, problems, dir, opt, true)
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// headerSearch is how many rows above the header may hold a title.
const headerSearch = 10

// neededHeader says what header a plan needs: its own, naming the action
// and one more column (layout.isHeader), with the template's as one option.
func neededHeader() string {
	return "a header row naming at least the action column and one other, in the plan's own words " +
		"(e.g. Action, Lead, Timescale; names such as Lead Officer, By whom, Target date, Progress, Resources are read by their meaning, " +
		"and --columns maps any other), or the template's header (" + strings.Join(Columns, ",") + ")"
}

// ReadRows reads a plan from a table's rows (from CSV or a spreadsheet).
// problems are those already found reading the rows; strict reports rows
// shorter than the header (a spreadsheet leaves trailing cells out).
func ReadRows(rows []Row, problems []Problem, dir *actionbot.Directory, opt Options, strict bool) (*Result, error) {
	if res, done, err := readExport(rows, problems, dir, opt, strict); done { // an export's agencies and state columns: export.go
		return res, err
	}
	rd := &reader{
		dir: actionbot.NewDirectory(dir.Agencies()), opt: opt, strict: strict, problems: problems,
		newAgencies: map[string]*actionbot.Agency{}, seen: map[string]int{}, titles: map[int]string{}, titleLine: map[int]int{}, untitled: map[int]bool{},
	}
	hi := -1
	for i := 0; i < len(rows) && i < headerSearch; i++ {
		if l := mapHeader(rows[i].Cells, opt.Columns); l.isHeader() {
			rd.layout, hi = l, i
			break
		}
		rd.titleRow(rows[i].Cells)
	}
	if hi < 0 {
		if len(rows) == 0 && len(problems) == 0 {
			return nil, &InvalidError{[]Problem{{Message: "the file is empty: it needs " + neededHeader() + ", and one row per action"}}}
		}
		line := 1
		if len(rows) > 0 {
			line = rows[0].Line
		}
		// What the first row holds is never echoed: import may have been
		// pointed at any file (a link to /etc/passwd, a note with a password).
		got := "the file has no rows"
		if len(rows) > 0 {
			got = "its first row has " + actionbot.Plural(len(rows[0].Cells), "cell") + ", none naming a column the plan reads"
		}
		return nil, &InvalidError{append(problems, Problem{Line: line, Message: fmt.Sprintf(
			"no header row: none of the first %d rows names the columns (%s); the plan needs %s. Check it is the right file",
			headerSearch, got, neededHeader())})}
	}
	for _, row := range rows[hi+1:] {
		rd.row(row.Line, row.Cells)
		if len(rd.problems) >= maxProblems {
			rd.problem(row.Line, "", "too many problems; stopped reading here")
			break
		}
	}
	return rd.finish()
}

type reader struct {
	dir         *actionbot.Directory
	opt         Options
	strict      bool
	layout      layout
	title       string
	titleOpen   bool // the title rows so far are the title: the next may go on with it
	problems    []Problem
	warnings    []Problem
	needsDate   []Problem
	actions     []*actionbot.Action
	lines       []int
	pending     []int          // indexes of actions whose id is to be given
	written     map[int]string // action index -> id as the plan writes it, when renumbered
	planEnd     []int          // indexes of actions due at the plan's end
	seen        map[string]int // ref -> line
	titles      map[int]string
	titleLine   map[int]int
	untitled    map[int]bool // priorities the plan gives no title
	sectionNo   int          // the priority of the last section row
	titleRows   []string     // the rows above the table, as written
	sectionName string
	// sinceSection counts the action rows since the last section row or
	// heading; sectionTitles are the headings' names by the number each
	// was given.
	sinceSection  int
	sectionTitles map[int]string
	metaName      string
	metaPeriod    string
	newAgencies   map[string]*actionbot.Agency // key -> agency
	// leading holds, by action index, an id written at the start of the
	// action cell and the text after it.
	leading   map[int][2]string
	lastTitle string          // the last priority title of a title column
	guarded   map[[2]int]bool // line, cell index: already reported
}

// guard keeps personal data out of the database at the door of import: a
// cell the Options.Guard trips is reported once by line and column and
// read as empty (the action text as a placeholder that says why).
func (rd *reader) guard(line, i int, col, v string) string {
	if rd.opt.Guard == nil || strings.TrimSpace(v) == "" {
		return v
	}
	what := rd.opt.Guard(v)
	if what == "" {
		return v
	}
	if k := [2]int{line, i}; !rd.guarded[k] {
		if rd.guarded == nil {
			rd.guarded = map[[2]int]bool{}
		}
		rd.guarded[k] = true
		name := col
		if i < len(rd.layout.names) && cleanText(rd.layout.names[i]) != "" {
			name = cleanText(rd.layout.names[i])
		}
		switch {
		case rd.opt.Strict:
			rd.problem(line, name, "the cell seems to hold %s: the plan tracks partnership work, never people; remove it and import again", what)
		case rd.layout.shared[i] && partNames[col] != "":
			// Each labelled part meets the guard on its own: the rest of
			// the cell is read.
			rd.warn(line, name, "the %s part of the cell seems to hold %s, so it was not imported: the rest of the cell is read", partNames[col], what)
		default:
			rd.warn(line, name, "the cell seems to hold %s, so it was not imported: the action is imported with this cell empty", what)
		}
	}
	if col == "action" {
		return "(Text not imported: it seemed to hold " + what + ". A coordinator rewrites it.)"
	}
	return ""
}

func (rd *reader) problem(line int, col, msg string, args ...any) {
	rd.problems = append(rd.problems, Problem{Line: line, Column: col, Message: fmt.Sprintf(msg, args...)})
}

func (rd *reader) warn(line int, col, msg string, args ...any) {
	rd.warnings = append(rd.warnings, Problem{Line: line, Column: col, Message: fmt.Sprintf(msg, args...)})
}

// unneutralise strips the apostrophe export puts before a cell that a
// spreadsheet would take for a formula.
func unneutralise(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@'", rune(s[1])) {
		return s[1:]
	}
	return s
}

var reSection = regexp.MustCompile(`^(?i)(?:priority|theme|objective|outcome|section|goal|aim)?\s*(\d{1,3}(?:\.\d{1,3})*)\s*[.:)–—-]?\s+(\S.*)$`)

func (rd *reader) row(line int, rec []string) {
	l := rd.layout
	var filled []string
	firstFilled := -1
	for i, c := range rec {
		if c = cleanText(c); c != "" {
			filled = append(filled, c)
			if firstFilled < 0 {
				firstFilled = i
			}
		}
	}
	if len(filled) == 0 {
		return // a blank line
	}
	_, isRef := actionbot.ParseRef(filled[0])
	if len(filled) == 1 && (firstFilled == 0 || firstFilled == l.index["action"]) && !isRef {
		// A section row: the title of the priority the next rows are under.
		rd.section(filled[0])
		return
	}
	rd.sinceSection++
	if rd.strict && len(rec) < len(l.names) {
		rd.problem(line, "", "has %d cells; a row needs %d (%s)", len(rec), len(l.names), strings.Join(l.names, ","))
		return
	}
	raw := func(col string) string {
		if i, ok := l.index[col]; ok && i < len(rec) {
			// No control character or bidi override from a plan enters the
			// database, as from any other door.
			v := actionbot.CleanText(unneutralise(rec[i]))
			if l.shared[i] {
				v = labelledPart(v, col)
			}
			return rd.guard(line, i, col, v)
		}
		return ""
	}
	cell := func(col string) string { return strings.TrimSpace(raw(col)) }
	if rd.metaName == "" {
		rd.metaName, rd.metaPeriod = cleanText(raw(colPlan)), cell(colPeriod)
	}
	before := len(rd.problems)
	a := &actionbot.Action{Status: actionbot.StatusOpen}
	idx := len(rd.actions)

	_, hasID := l.index["id"]
	id := cell("id")
	ref, numbered := actionbot.CleanRef(id)
	if numbered && l.blankID && ref != id && id != "("+ref+")" && id != ref+")" && id != ref+"." {
		numbered = false // a blank-headed column that holds something else
	}
	// "1a Provision of training…", "(1a) Raise performance…": the plan's
	// id at the start of the action cell, kept when most rows have one
	// (finish). It is the id where the id column gives none, or gives the
	// number it is under ("1" beside "(1a)").
	if tok, rest, ok := leadingRef(cleanText(raw("action"))); ok && (!numbered || under(tok, ref)) {
		if rd.leading == nil {
			rd.leading = map[int][2]string{}
		}
		rd.leading[idx] = [2]string{tok, rest}
	}
	switch {
	case numbered && botNumbered(ref):
		if first, dup := rd.seen[ref]; dup {
			rd.problem(line, "id", "action %s appears twice, here and on line %d", ref, first)
		} else {
			rd.seen[ref] = line
		}
		a.Ref = ref
	case numbered:
		a.Ref = ref
	case (utf8.RuneCountInString(id) > actionbot.MaxRefLength || len(strings.Fields(id)) > actionbot.MaxRefWords) && !l.blankID:
		rd.problem(line, "id", "%q is too long for an action id; write it as the plan numbers it, e.g. 5.2", actionbot.Clip(id, 40))
	case id != "" && !l.blankID:
		rd.pending = append(rd.pending, idx)
		if rd.written == nil {
			rd.written = map[int]string{}
		}
		rd.written[idx] = id
	default:
		rd.pending = append(rd.pending, idx)
		if hasID && !l.blankID {
			rd.warn(line, "id", "the action id is empty: the action is numbered in plan order")
		}
	}

	_, hasPrio := l.index["priority"]
	_, hasTitle := l.index["priority_title"]
	prio := 0
	switch {
	case hasPrio && !hasTitle && cell("priority") != "" && !startsWithDigit(cell("priority")):
		// The plan writes its priorities by name in the priority column.
		prio = rd.titleNumber(cleanText(raw("priority")))
		rd.sectionName = cleanText(raw("priority"))
	case hasPrio:
		n, err := strconv.Atoi(cell("priority"))
		switch {
		case err != nil || n < 1:
			rd.problem(line, "priority", "%q is not a priority number (1, 2, 3...)", cell("priority"))
		case botNumbered(a.Ref) && actionbot.RefPriority(a.Ref) != n:
			rd.problem(line, "priority", "action %s is numbered under priority %d but this row says priority %d", a.Ref, actionbot.RefPriority(a.Ref), n)
		default:
			prio = n
		}
	case botNumbered(a.Ref):
		prio = actionbot.RefPriority(a.Ref)
	case hasTitle && cell("priority_title") != "":
		prio = rd.titleNumber(cleanText(raw("priority_title")))
		rd.lastTitle = cleanText(raw("priority_title"))
	case hasTitle && rd.lastTitle != "":
		// A blank objective cell is the one above it (a merged cell).
		prio = rd.titleNumber(rd.lastTitle)
	case rd.sectionNo > 0:
		prio = rd.sectionNo
	case a.Ref != "" && actionbot.RefPriority(a.Ref) > 0 && !bareNumber(a.Ref):
		// "1a", "1.2", "1.1.1" are numbered under a priority; a bare "1",
		// "2" only counts the rows.
		prio = actionbot.RefPriority(a.Ref)
	default:
		prio = 1
	}
	if prio > 0 {
		a.Priority = prio
		title := cleanText(raw("priority_title"))
		if title == "" && hasTitle {
			title = rd.lastTitle
		}
		if title == "" && !hasTitle && rd.sectionName != "" && (rd.sectionNo == prio || !hasPrio || !startsWithDigit(cell("priority"))) {
			title = rd.sectionName
		}
		madeUp := false
		if title == "" && !hasTitle {
			title, madeUp = "Priority "+strconv.Itoa(prio), true // finish names it: untitledTitle
		}
		if title == "" {
			rd.problem(line, "priority_title", "the priority title is empty")
		} else if t, seen := rd.titles[prio]; seen && t != title {
			rd.problem(line, "priority_title", "priority %d is titled %q on line %d but %q here", prio, t, rd.titleLine[prio], title)
		} else if !seen {
			rd.titles[prio] = title
			rd.titleLine[prio] = line
			if madeUp {
				rd.untitled[prio] = true
			}
		}
	}

	a.Text = cleanText(raw("action"))
	if a.Text == "" {
		rd.problem(line, "action", "the action text is empty")
	}
	if strings.HasPrefix(a.Text, "(Text not imported") {
		a.Review = "The action's text was not imported: it seemed to hold personal data. A coordinator rewrites it."
	}
	a.Lead = rd.parties(line, "lead", raw("lead"))
	a.Partners = rd.parties(line, "partners", raw("partners"))
	if len(a.Lead) == 0 {
		a.Review = "No lead: the plan names none for this action. A coordinator sets one."
		if _, ok := l.index["lead"]; ok {
			rd.warn(line, "lead", "no lead agency: the action is imported with a \"no lead\" flag for the coordinator")
		}
	}
	var notes []string
	if n := strings.TrimSpace(strings.ReplaceAll(raw(colNotes), "\r\n", "\n")); n != "" {
		notes = append(notes, n)
	}
	for _, i := range l.notes {
		if i < len(rec) {
			if v := cleanText(rd.guard(line, i, l.names[i], actionbot.CleanText(unneutralise(rec[i])))); v != "" {
				notes = append(notes, cleanText(l.names[i])+": "+v)
			}
		}
	}
	if len(notes) > 0 {
		a.Notes = strings.Join(notes, "\n")
	}

	dl, form := actionbot.ReadDeadline(raw("by_when"))
	switch {
	case form == actionbot.FormPlanEnd:
		rd.planEnd = append(rd.planEnd, idx)
	case dl.NeedsDate():
		what := fmt.Sprintf("%q gives no date", dl.Written)
		if dl.Written == "" {
			what = "no deadline is given"
		}
		rd.needsDate = append(rd.needsDate, Problem{Line: line, Column: "by_when", Message: what + ": kept as written, the action needs a date (the coordinator sets one)"})
	}
	a.Deadline, a.Original = dl, dl
	a.Funding = cleanText(raw("funding"))
	rd.readState(line, a, cell) // state.go
	if len(rd.problems) == before {
		rd.actions = append(rd.actions, a)
		rd.lines = append(rd.lines, line)
	} else {
		// Keep the indexes of pending ids and plan-end deadlines in step.
		if n := len(rd.pending); n > 0 && rd.pending[n-1] == idx {
			rd.pending = rd.pending[:n-1]
		}
		delete(rd.leading, idx)
		delete(rd.written, idx)
		if n := len(rd.planEnd); n > 0 && rd.planEnd[n-1] == idx {
			rd.planEnd = rd.planEnd[:n-1]
		}
		if n := len(rd.needsDate); n > 0 && rd.needsDate[n-1].Line == line {
			rd.needsDate = rd.needsDate[:n-1]
		}
	}
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// bareNumber reports whether ref is a number alone, "1", "12".
func bareNumber(ref string) bool {
	_, err := strconv.Atoi(ref)
	return err == nil
}

// untitledTitle names the priorities a plan gives no title: a plan's only
// priority holds its actions, so reads "Priority 1: Actions"; among others
// an untitled priority is "Untitled", never "Priority 2: Priority 2".
func untitledTitle(priorities int) string {
	if priorities == 1 {
		return "Actions"
	}
	return "Untitled"
}

// titleNumber numbers priorities by title, in the order the file gives them.
func (rd *reader) titleNumber(title string) int {
	for n, t := range rd.titles {
		if t == title {
			return n
		}
	}
	n := 1
	for _, ok := rd.titles[n]; ok; _, ok = rd.titles[n] {
		n++
	}
	return n
}

// cleanText tidies a cell: line breaks and runs of spaces become one space.
func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }

func (rd *reader) finish() (*Result, error) {
	if len(rd.actions) == 0 && len(rd.problems) == 0 {
		rd.problem(0, "", "the file has a header but no actions")
	}
	rd.settleIDs()

	res := &Result{}
	period := rd.opt.Period
	if period.Start.IsZero() && rd.metaPeriod != "" {
		p, err := actionbot.ParsePeriod(rd.metaPeriod)
		if err != nil {
			rd.problem(0, colPeriod, "the period column says %q: %s", rd.metaPeriod, actionbot.ErrorMessage(err))
		}
		period = p
	}
	if period.Start.IsZero() {
		for _, w := range append(append([]string{}, rd.titleRows...), fileTitle(rd.opt.Source)) {
			if p, ok := periodFromWords(w); ok {
				period = p
				res.Chose = append(res.Chose, fmt.Sprintf("took the period %s from the plan's own words %q; give --period to choose another", period, actionbot.Clip(w, 80)))
				break
			}
		}
	}
	if period.Start.IsZero() && len(rd.actions) > 0 {
		var ok bool
		if period, ok = derivePeriod(rd.actions); ok {
			res.Chose = append(res.Chose, fmt.Sprintf("took the period %s (the UK financial year %s, in which most deadlines fall); give --period to choose another", period, period.Label()))
		} else if !rd.opt.Today.IsZero() {
			period = rd.opt.Today.FinancialYear()
			res.Chose = append(res.Chose, fmt.Sprintf("took the period %s, the current financial year, as no deadline gives a date; give --period to choose another", period))
		} else {
			rd.problem(0, "", "no action has a dated deadline, so the plan's period cannot be worked out: give it with --period 2015-04-01..2016-03-31")
		}
	}
	if len(rd.problems) > 0 {
		sort.SliceStable(rd.problems, func(i, j int) bool { return rd.problems[i].Line < rd.problems[j].Line })
		return nil, &InvalidError{rd.problems}
	}
	name := rd.opt.Name
	switch {
	case name != "":
	case rd.metaName != "":
		name = rd.metaName
	case rd.title != "":
		name = rd.title
		res.Chose = append(res.Chose, fmt.Sprintf("named the plan %q from the title row; give --name to choose another", name))
	case fileTitle(rd.opt.Source) != "":
		name = fileTitle(rd.opt.Source)
		res.Chose = append(res.Chose, fmt.Sprintf("named the plan %q from the file's name; give --name to choose another", name))
	default:
		name = "Action Plan " + period.Label()
		res.Chose = append(res.Chose, fmt.Sprintf("named the plan %q; give --name to choose another", name))
	}
	for _, i := range rd.planEnd {
		rd.actions[i].Deadline.Due = period.End
		rd.actions[i].Original = rd.actions[i].Deadline
	}
	for i, a := range rd.actions {
		if a.Deadline.Ongoing || a.Deadline.Due.IsZero() {
			continue
		}
		if a.Deadline.Due.Before(period.Start) {
			rd.warn(rd.lines[i], "by_when", "action %s is due %s, before the plan starts on %s; kept as written",
				a.Ref, actionbot.DescribeDeadline(a.Deadline), period.Start.UK())
		} else if a.Deadline.Due.After(period.End) {
			rd.warn(rd.lines[i], "by_when", "action %s is due %s, after the plan ends on %s; kept as written",
				a.Ref, actionbot.DescribeDeadline(a.Deadline), period.End.UK())
		}
	}
	sort.SliceStable(rd.warnings, func(i, j int) bool { return rd.warnings[i].Line < rd.warnings[j].Line })
	res.Warnings = rd.warnings
	res.NeedsDate = rd.needsDate

	imp := &actionbot.PlanImport{Name: name, Period: period, Actions: rd.actions, Source: rd.opt.Source, Actor: rd.opt.Actor}
	// Plan order is the file's order within each priority.
	sort.SliceStable(imp.Actions, func(i, j int) bool { return imp.Actions[i].Priority < imp.Actions[j].Priority })
	var nums []int
	for n := range rd.titles {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		title := rd.titles[n]
		if rd.untitled[n] {
			title = untitledTitle(len(nums))
		}
		imp.Priorities = append(imp.Priorities, actionbot.Priority{Number: n, Title: title})
	}
	for _, a := range rd.newAgencies {
		imp.Agencies = append(imp.Agencies, a)
	}
	sort.Slice(imp.Agencies, func(i, j int) bool { return imp.Agencies[i].Code < imp.Agencies[j].Code })
	res.Import = imp
	return res, nil
}

// fileTitle makes a plan name from a file name: "Hate Crime Plan 2023.xlsx"
// is "Hate Crime Plan 2023". Standard input and the embedded plan give none.
func fileTitle(source string) string {
	if source == "" || source == "-" || strings.HasPrefix(source, "embedded:") || strings.HasPrefix(source, "/dev/") {
		return ""
	}
	base := filepath.Base(source)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	return cleanText(strings.NewReplacer("_", " ").Replace(base))
}

// derivePeriod returns the UK financial year in which most dated deadlines
// fall (the later year on a tie).
func derivePeriod(as []*actionbot.Action) (actionbot.Period, bool) {
	count := map[actionbot.Period]int{}
	for _, a := range as {
		if !a.Deadline.Ongoing && !a.Deadline.Due.IsZero() {
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

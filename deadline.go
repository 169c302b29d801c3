package actionbot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Deadline is a deadline as the plan writes it ("March 2013", "On going",
// "Q2 2014/15", "Review April 2008. Report June 2008", "TBC") together with
// what it means: a due date, ongoing work with none, or neither, when the
// plan has not given a date yet (NeedsDate).
//
// The written form is always kept. What more can be read from it (a
// cadence, milestones, the start or end of ongoing work) is read again from
// Written by the methods below, so that it needs no storage of its own.
type Deadline struct {
	Written string // as written, e.g. "March 2013"
	Due     Date   // the date it means; zero when Ongoing or when it needs a date
	Ongoing bool
}

// String returns the deadline as written, or a normalised form when nothing
// was written.
func (d Deadline) String() string {
	switch {
	case d.Written != "":
		return d.Written
	case d.Ongoing:
		return "Ongoing"
	case d.Due.IsZero():
		return "needs a date"
	default:
		return d.Due.String()
	}
}

// NeedsDate reports whether the deadline has no date yet and is not ongoing:
// "TBC", or wording that could not be read. Such an action is listed for the
// coordinator and never reminded about until a date is set.
func (d Deadline) NeedsDate() bool { return !d.Ongoing && d.Due.IsZero() }

// Cadence is how often ongoing work checks in, when the plan says so
// ("Weekly", "Monthly to 2027"); empty means the default.
func (d Deadline) Cadence() Cadence { return readDeadline(d.Written).cadence }

// Milestones are the dated steps of a cell with several
// ("Review April 2008. Report June 2008"); nil for a single date.
func (d Deadline) Milestones() []Milestone { return readDeadline(d.Written).milestones }

// From is the first day of ongoing work that starts later ("from April 2026
// onwards"); zero when the cell gives none.
func (d Deadline) From() Date { return readDeadline(d.Written).from }

// SameMeaning reports whether two deadlines mean the same, however written:
// "On going" and "Ongoing" do; "On going" and "Weekly" (ongoing, checked
// weekly) do not.
func (d Deadline) SameMeaning(o Deadline) bool {
	if d.Due != o.Due || d.Ongoing != o.Ongoing {
		return false
	}
	x, y := readDeadline(d.Written), readDeadline(o.Written)
	return x.cadence == y.cadence && x.from == y.from && x.until == y.until
}

// Until is the last day of ongoing work that ends ("Ongoing to 2027"); zero
// when the cell gives none.
func (d Deadline) Until() Date { return readDeadline(d.Written).until }

// Form says how the written deadline was read.
func (d Deadline) Form() DeadlineForm { return readDeadline(d.Written).form }

// Milestone is one dated step of a deadline cell.
type Milestone struct {
	Label string // the step as written: "Review April 2008"
	Due   Date
}

// Cadence is how often ongoing work is checked on.
type Cadence string

// Cadences plans write.
const (
	CadenceWeekly      Cadence = "weekly"
	CadenceFortnightly Cadence = "fortnightly"
	CadenceMonthly     Cadence = "monthly"
	CadenceQuarterly   Cadence = "quarterly"
	CadenceSixMonthly  Cadence = "six-monthly"
	CadenceAnnual      Cadence = "annual"
)

// Next returns the day one period after d.
func (c Cadence) Next(d Date) Date {
	switch c {
	case CadenceWeekly:
		return d.AddDays(7)
	case CadenceFortnightly:
		return d.AddDays(14)
	case CadenceMonthly:
		return addMonths(d, 1)
	case CadenceQuarterly:
		return addMonths(d, 3)
	case CadenceSixMonthly:
		return addMonths(d, 6)
	case CadenceAnnual:
		return addMonths(d, 12)
	}
	return d
}

// addMonths adds n months, keeping to the last day of a shorter month (31
// January plus one month is 29 February in a leap year).
func addMonths(d Date, n int) Date {
	last := D(d.Year, d.Month+time.Month(n), 1).EndOfMonth()
	if d.Day > last.Day {
		return last
	}
	return Date{last.Year, last.Month, d.Day}
}

var cadenceWords = map[string]Cadence{
	"weekly": CadenceWeekly, "fortnightly": CadenceFortnightly, "biweekly": CadenceFortnightly,
	"monthly": CadenceMonthly, "quarterly": CadenceQuarterly,
	"sixmonthly": CadenceSixMonthly, "biannual": CadenceSixMonthly, "biannually": CadenceSixMonthly, "halfyearly": CadenceSixMonthly,
	"annual": CadenceAnnual, "annually": CadenceAnnual, "yearly": CadenceAnnual,
}

// DeadlineForm names a way plans write deadlines.
type DeadlineForm string

// The forms ReadDeadline recognises.
const (
	FormDate          DeadlineForm = "date"           // 30/06/2013, 2013-06-30, 30 June 2013, 31/03/15
	FormMonth         DeadlineForm = "month"          // March 2013, Mar-14: its last day
	FormQuarter       DeadlineForm = "quarter"        // Q2 2014/15: financial-year quarters, its last day
	FormFinancialYear DeadlineForm = "financial year" // 2014/15: 31 March
	FormSeason        DeadlineForm = "season"         // Summer 2013: its last day
	FormYear          DeadlineForm = "year"           // To 2027: 31 December
	FormRange         DeadlineForm = "range"          // April 2014 - March 2015: due at its end
	FormFrom          DeadlineForm = "from"           // from March 2024 onwards, March 2014 and ongoing: ongoing from then
	FormCadence       DeadlineForm = "cadence"        // Weekly, Monthly to 2027: ongoing, checked at that cadence
	FormMilestones    DeadlineForm = "milestones"     // Review April 2008. Report June 2008: due at the last
	FormPlanEnd       DeadlineForm = "end of plan"    // End of Year: the plan's last day
	FormOngoing       DeadlineForm = "ongoing"        // On going, Ongoing to 2027
	FormTBC           DeadlineForm = "tbc"            // TBC: no date yet
	FormUnread        DeadlineForm = "unread"         // anything else: kept as written, needs a date
)

var months = map[string]time.Month{
	"jan": time.January, "january": time.January,
	"feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March,
	"apr": time.April, "april": time.April,
	"may": time.May,
	"jun": time.June, "june": time.June,
	"jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August,
	"sep": time.September, "sept": time.September, "september": time.September,
	"oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November,
	"dec": time.December, "december": time.December,
}

const monthRE = `(january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)`

// dateMatchers read one date expression at the start of a string, in order
// of precedence; each gives the first and last day of what it names.
var dateMatchers = []struct {
	form DeadlineForm
	re   *regexp.Regexp
	span func(m []string) (Date, Date, bool)
}{
	{FormDate, regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})\b`), func(m []string) (Date, Date, bool) {
		return day(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}},
	{FormDate, regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b`), func(m []string) (Date, Date, bool) {
		return day(year(m[3]), atoi(m[2]), atoi(m[1]))
	}},
	{FormDate, regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+` + monthRE + `\.?,?\s+(\d{4})\b`), func(m []string) (Date, Date, bool) {
		return day(atoi(m[3]), int(months[m[2]]), atoi(m[1]))
	}},
	{FormQuarter, regexp.MustCompile(`^q([1-4])\s*(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{4}|\d{2})\b`), func(m []string) (Date, Date, bool) {
		fy, ok := financialYear(m[2], m[3])
		if !ok {
			return Date{}, Date{}, false
		}
		q := atoi(m[1])
		start := D(fy.Start.Year, fy.Start.Month+time.Month(3*(q-1)), 1)
		return start, D(start.Year, start.Month+3, 1).AddDays(-1), true
	}},
	{FormFinancialYear, regexp.MustCompile(`^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{4}|\d{2})\b`), func(m []string) (Date, Date, bool) {
		fy, ok := financialYear(m[1], m[2])
		return fy.Start, fy.End, ok
	}},
	{FormMonth, regexp.MustCompile(`^` + monthRE + `\.?,?(?:\s+(\d{4})|\s*[-'’]\s*(\d{2}))\b`), func(m []string) (Date, Date, bool) {
		y := year(m[2] + m[3])
		start := Date{y, months[m[1]], 1}
		return start, start.EndOfMonth(), inRange(y)
	}},
	{FormSeason, regexp.MustCompile(`^(spring|summer|autumn|fall|winter)\s+(\d{4})\b`), func(m []string) (Date, Date, bool) {
		y := atoi(m[2])
		first := map[string]time.Month{"spring": time.March, "summer": time.June, "autumn": time.September, "fall": time.September, "winter": time.December}[m[1]]
		start := D(y, first, 1)
		return start, D(y, first+3, 1).AddDays(-1), inRange(y)
	}},
	{FormYear, regexp.MustCompile(`^(\d{4})\b`), func(m []string) (Date, Date, bool) {
		y := atoi(m[1])
		return D(y, time.January, 1), D(y, time.December, 31), inRange(y)
	}},
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// year reads a four-digit year, or a two-digit one as 20yy.
func year(s string) int {
	if len(s) == 2 {
		return 2000 + atoi(s)
	}
	return atoi(s)
}

func inRange(y int) bool { return y >= 2000 && y <= 2100 }

func day(y, m, d int) (Date, Date, bool) {
	if m < 1 || m > 12 || d < 1 || !inRange(y) {
		return Date{}, Date{}, false
	}
	dt := D(y, time.Month(m), d)
	return dt, dt, dt.Month == time.Month(m)
}

// financialYear reads "2014/15" or "2014-2015": 1 April 2014 to 31 March 2015.
func financialYear(a, b string) (Period, bool) {
	y := atoi(a)
	next := year(b)
	if len(b) == 2 {
		next = y/100*100 + atoi(b)
	}
	if next != y+1 || !inRange(y) {
		return Period{}, false
	}
	return Period{D(y, time.April, 1), D(y+1, time.March, 31)}, true
}

// found is a date expression found in a step.
type found struct {
	pos, end   int
	form       DeadlineForm
	start, day Date // first and last day named
}

// scanDates finds the date expressions in s (lower case), left to right. A
// bare year counts only after a word that makes it a deadline ("to 2027"),
// so that "Smarch 2013" is not read as 2013. ok is false when an expression
// is malformed ("31/06/2013").
func scanDates(s string) (out []found, ok bool) {
	prevWord := ""
	for i := 0; i < len(s); {
		r := rune(s[i])
		if !isAlnum(r) || (i > 0 && isAlnum(rune(s[i-1]))) {
			i++
			continue
		}
		matched := false
		for _, dm := range dateMatchers {
			m := dm.re.FindStringSubmatch(s[i:])
			if m == nil {
				continue
			}
			if dm.form == FormYear && !yearWords[prevWord] && !(i == 0 && len(m[0]) == len(strings.TrimSpace(s))) {
				break
			}
			start, end, good := dm.span(m)
			if !good {
				return nil, false
			}
			out = append(out, found{pos: i, end: i + len(m[0]), form: dm.form, start: start, day: end})
			i += len(m[0])
			matched = true
			break
		}
		if !matched {
			j := i
			for j < len(s) && isAlnum(rune(s[j])) {
				j++
			}
			prevWord = s[i:j]
			i = j
		} else {
			prevWord = ""
		}
	}
	return out, true
}

var yearWords = map[string]bool{"to": true, "until": true, "till": true, "by": true, "in": true, "during": true, "from": true, "and": true, "end": true, "of": true}

func isAlnum(r rune) bool { return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

var (
	reSpaces  = regexp.MustCompile(`\s+`)
	reOngoing = regexp.MustCompile(`\bon\s*-?\s*goi\s?ng\b`)
	reTBC     = regexp.MustCompile(`^(tbc|tba|tbd|to be (confirmed|agreed|decided|arranged|determined)|not yet (set|known|agreed)|date (tbc|tba|to be confirmed))\.?$`)
	rePlanEnd = regexp.MustCompile(`^(by )?(the )?(end of (the )?(financial |plan |municipal )?year|year[- ]end|end of (the )?plan)\.?$`)
	reFrom    = regexp.MustCompile(`\b(from|starting|start|commencing)\b`)
	reOnwards = regexp.MustCompile(`\b(onwards?|and ongoing|then ongoing|and on\s*-?\s*going)\b`)
	reRange   = regexp.MustCompile(`^\s*(-|–|—|to|until|till|through|and)\s*$`)
)

// reading is all that is read from a written deadline.
type reading struct {
	form       DeadlineForm
	due        Date
	ongoing    bool
	cadence    Cadence
	from       Date
	until      Date
	milestones []Milestone
	// loose is set when the cell has words besides the deadline ("July
	// 2017 launch"): fine in a plan, too loose for a typed command.
	loose bool
}

// ReadDeadline reads a deadline cell as a plan writes it and never fails:
// what cannot be read is kept as written with no date (NeedsDate), and the
// form says so. See DeadlineForm for the forms. "End of Year" (FormPlanEnd)
// comes back with no date: the caller, who knows the plan, gives it the
// plan's last day.
func ReadDeadline(s string) (Deadline, DeadlineForm) {
	written := tidy(s)
	r := readDeadline(written)
	return Deadline{Written: written, Due: r.due, Ongoing: r.ongoing}, r.form
}

// asciiLower lower-cases ASCII letters only, so that positions in the result
// are positions in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func tidy(s string) string { return strings.TrimSpace(reSpaces.ReplaceAllString(s, " ")) }

func readDeadline(written string) reading {
	low := asciiLower(written)
	if low == "" {
		return reading{form: FormUnread}
	}
	steps := splitSteps(low)
	orig := func(st step) string { return written[st.pos : st.pos+len(st.text)] }
	if len(steps) == 1 {
		return readStep(steps[0].text, orig(steps[0]))
	}
	var rs []reading
	var ms []Milestone
	for _, st := range steps {
		label := orig(st)
		r := readStep(st.text, label)
		switch {
		case r.form == FormMilestones:
			ms = append(ms, r.milestones...)
		case !r.due.IsZero():
			ms = append(ms, Milestone{Label: label, Due: r.due})
		case !r.from.IsZero():
			ms = append(ms, Milestone{Label: label, Due: r.from})
		default:
			continue
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return reading{form: FormUnread}
	}
	last := rs[len(rs)-1]
	if len(ms) < 2 {
		return last
	}
	last.form = FormMilestones
	last.milestones = ms
	return last
}

type step struct {
	pos  int
	text string
}

// splitSteps splits "review april 2008. report june 2008" or "november
// 2023; from march 2024 onwards" into its steps: at ";" and at a full stop
// after a number.
func splitSteps(low string) []step {
	var out []step
	start := 0
	add := func(end int) {
		t := low[start:end]
		lead := len(t) - len(strings.TrimLeft(t, " "))
		t = strings.TrimSpace(t)
		if t != "" {
			out = append(out, step{pos: start + lead, text: t})
		}
	}
	for i := 0; i < len(low); i++ {
		c := low[i]
		if c == ';' || (c == '.' && i > 0 && low[i-1] >= '0' && low[i-1] <= '9' && i+1 < len(low) && low[i+1] == ' ') {
			add(i)
			start = i + 1
		}
	}
	add(len(low))
	return out
}

// squasher drops spaces, hyphens and underscores ("On-going" is
// "ongoing"). Built once: a Replacer with empty replacements builds a
// lookup trie of several kilobytes, and readStep runs for every deadline a
// sweep looks at.
var squasher = strings.NewReplacer(" ", "", "-", "", "_", "")

// readStep reads one step, s in lower case and orig as written.
func readStep(s, orig string) reading {
	s = strings.TrimSuffix(s, ".")
	squashed := squasher.Replace(s)
	switch {
	case squashed == "ongoing" || squashed == "ongoi" || reOngoing.MatchString(s) && len(reOngoing.FindString(s)) == len(s):
		return reading{form: FormOngoing, ongoing: true}
	case reTBC.MatchString(s):
		return reading{form: FormTBC}
	case rePlanEnd.MatchString(s):
		return reading{form: FormPlanEnd}
	}
	dates, ok := scanDates(s)
	if !ok {
		return reading{form: FormUnread}
	}
	words := s
	for i := len(dates) - 1; i >= 0; i-- {
		words = words[:dates[i].pos] + " " + words[dates[i].end:]
	}
	var cadence Cadence
	loose := false
	for _, w := range strings.FieldsFunc(words, func(r rune) bool { return !isAlnum(r) && r != '-' }) {
		c, ok := cadenceWords[strings.ReplaceAll(w, "-", "")]
		if ok && cadence == "" {
			cadence = c
		}
		loose = loose || !ok && !plainWords[strings.Trim(w, "-")]
	}
	r := readWords(s, orig, words, dates, cadence)
	r.loose = loose
	return r
}

// plainWords are the words a deadline is written with, beyond dates.
var plainWords = map[string]bool{"": true, "to": true, "until": true, "till": true, "by": true, "from": true, "onwards": true, "onward": true,
	"and": true, "then": true, "ongoing": true, "on": true, "going": true, "between": true, "through": true, "in": true, "of": true, "end": true}

func readWords(s, orig, words string, dates []found, cadence Cadence) reading {
	ongoing := reOngoing.MatchString(words)
	switch {
	case cadence != "" || (ongoing && !reOnwards.MatchString(words) && !reFrom.MatchString(words)):
		r := reading{form: FormOngoing, ongoing: true, cadence: cadence}
		if cadence != "" {
			r.form = FormCadence
		}
		if len(dates) > 0 {
			last := dates[len(dates)-1]
			if reFrom.MatchString(s[:last.pos]) {
				r.from = last.start
			} else {
				r.until = last.day
			}
		}
		return r
	case len(dates) == 0:
		return reading{form: FormUnread}
	case len(dates) == 2 && reRange.MatchString(s[dates[0].end:dates[1].pos]):
		return reading{form: FormRange, due: dates[1].day, from: dates[0].start}
	case reOnwards.MatchString(s[dates[len(dates)-1].end:]) || reFrom.MatchString(s[:dates[0].pos]):
		if len(dates) == 1 {
			return reading{form: FormFrom, ongoing: true, from: dates[0].start}
		}
	case len(dates) == 1:
		return reading{form: dates[0].form, due: dates[0].day}
	}
	// Several dates in one step: each is a milestone, due at the last.
	r := reading{form: FormMilestones, due: dates[len(dates)-1].day}
	prev := 0
	for _, d := range dates {
		r.milestones = append(r.milestones, Milestone{Label: strings.TrimSpace(orig[prev:d.end]), Due: d.day})
		prev = d.end
	}
	return r
}

// deadlineHelp lists the forms ParseDeadline accepts, for error messages.
const deadlineHelp = `a month and year ("March 2013"), a date ("2013-06-30" or "30/06/2013"), a quarter ("Q2 2014/15"), a financial year ("2014/15") or "Ongoing"`

// ParseDeadline parses a deadline someone types to set one: any form
// ReadDeadline reads that gives a date or ongoing work. Wording with no date
// ("TBC", "soon"), or one that depends on the plan ("End of Year"), is an
// EINVALID error naming the forms that work.
func ParseDeadline(s string) (Deadline, error) {
	dl, form := ReadDeadline(s)
	switch {
	case dl.Written == "":
		return dl, Errorf(EINVALID, "The deadline is empty: write %s.", deadlineHelp)
	case form == FormPlanEnd:
		return dl, Errorf(EINVALID, "%q depends on the plan: write %s.", dl.Written, deadlineHelp)
	case dl.NeedsDate() || readDeadline(dl.Written).loose:
		return dl, Errorf(EINVALID, "%q is not a deadline I understand: write %s.", dl.Written, deadlineHelp)
	}
	return dl, nil
}

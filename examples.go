package actionbot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Examples are the ids, dates and agency a plan's help, hints and footers
// show, in the plan's own words: a partnership whose actions are "1a",
// "1.1.1" or "DAB 1" reads "/action DAB 1 done", not the Sevenoaks plan's
// "/action 5.2 done".
type Examples struct {
	// Ref is an action of the plan, as written ("5.2", "DAB 1"); Ref2 is
	// another one, for examples that need two.
	Ref, Ref2 string
	// Deadline is a real dated deadline of the plan, as the plan writes it,
	// in a form the due verb takes (one date, in up to three words): "March
	// 2013", never "Review April 2008. Report June 2008".
	Deadline string
	// Month, Date and DateUK are one day written the three ways the due
	// verb accepts, "June 2013", "2013-06-30" and "30/06/2013": the last
	// day of the month of the plan's latest deadline, where a deadline
	// may be moved to.
	Month, Date, DateUK string
	// AsOf is a day inside the plan's period, in ISO form, for "history as
	// of": the last day of its ninth month ("2012-12-31" in 2012-13).
	AsOf string
	// End is the plan's last day, in ISO form: "2013-03-31".
	End string
	// Quarter is the quarter of AsOf, as "report quarter" takes it: "2012-Q3".
	Quarter string
	// Agency is the full name of the plan's first lead agency, that of its
	// first action ("Community Safety Unit"); AgencyCode is its code ("CSU").
	Agency, AgencyCode string
	// Priority is the number of Ref's priority.
	Priority int
	// Period is the plan's period label, "2012-13".
	Period string
	// Word is a word to look for with find, one that the plan's actions
	// use: "speedwatch".
	Word string
}

// SevenoaksExamples are the examples of the shipped Sevenoaks District CSP
// Action Plan 2012-13. ExamplesOf answers them only when there is no plan;
// with a plan, it keeps those the plan itself has (its action 5.2, its
// deadline "March 2013") and takes the rest from the plan.
var SevenoaksExamples = Examples{
	Ref: "5.2", Ref2: "5.3",
	Deadline: "March 2013",
	Month:    "June 2013", Date: "2013-06-30", DateUK: "30/06/2013",
	AsOf: "2012-12-31", End: "2013-03-31", Quarter: "2012-Q3",
	Agency: "Community Safety Unit", AgencyCode: "CSU",
	Priority: 5,
	Period:   "2012-13",
	Word:     "speedwatch",
}

// ExamplesOf chooses the examples of a plan from its actions, given in plan
// order, naming agencies through dir (which may be nil):
//
//   - Ref is the shipped plan's 5.2 when the plan has an action 5.2, and
//     otherwise its first action; Ref2 is the action after Ref (or before it,
//     when Ref is last);
//   - Deadline is the dated deadline the plan writes most often among those
//     inside its period (the first such in plan order on a tie), as the plan
//     agreed it;
//   - Month, Date and DateUK are the last day of the month of the plan's
//     latest dated deadline, no more than a year past its end;
//   - AsOf, End and Quarter come from the plan's period;
//   - Agency is the first lead agency of the plan's first action, and
//     Priority is Ref's priority;
//   - Word is the shipped plan's "speedwatch" when an action's text has it,
//     and otherwise the rarest word of more than 5 letters in Ref's text
//     (the longest, then the first, of those as rare), in lower case; with
//     no such word, "safety", what every partnership's plan is about.
//
// What the plan cannot give (it has no actions, or no dated deadline) comes
// from its period; only with no plan at all is it SevenoaksExamples.
func ExamplesOf(plan *Plan, actions []*Action, dir *Directory) Examples {
	if plan == nil {
		return SevenoaksExamples
	}
	p := plan.Period
	var ex Examples
	ex.Period = p.Label()
	ex.End = p.End.String()

	// AsOf: the last day of the period's ninth month, inside the period.
	var asOf Date
	if !p.Start.IsZero() {
		asOf = D(p.Start.Year, p.Start.Month+9, 1).AddDays(-1)
		if !p.End.IsZero() && asOf.After(p.End) {
			asOf = p.End
		}
	}
	ex.AsOf = asOf.String()
	if !asOf.IsZero() {
		ex.Quarter = QuarterOf(asOf).String()
	}

	// Ref and Ref2.
	refs := make([]string, len(actions))
	for i, a := range actions {
		refs[i] = a.Ref
	}
	if at := slices.Index(refs, ExampleRef(refs)); at >= 0 {
		ex.Ref = refs[at]
		ex.Priority = actions[at].Priority
		switch {
		case at+1 < len(refs):
			ex.Ref2 = refs[at+1]
		case at > 0:
			ex.Ref2 = refs[at-1]
		default:
			ex.Ref2 = ex.Ref
		}
	}
	if ex.Ref == "" { // a plan with no actions yet: an id of the usual form
		ex.Ref, ex.Ref2 = "1.1", "1.2"
	}
	if ex.Priority == 0 {
		ex.Priority = 1
	}

	// Agency: the first lead agency in plan order, or else the directory's
	// first.
	for _, a := range actions {
		if len(a.Lead) > 0 && a.Lead[0].Agency != "" {
			ex.AgencyCode = a.Lead[0].Agency
			ex.Agency = ex.AgencyCode
			if dir != nil {
				ex.Agency = dir.Name(ex.AgencyCode)
			}
			break
		}
	}
	if ex.AgencyCode == "" && dir != nil {
		if as := dir.Agencies(); len(as) > 0 {
			ex.AgencyCode, ex.Agency = as[0].Code, as[0].Name
		}
	}

	// Deadline: the plan's commonest dated deadline inside its period.
	count := map[string]int{}
	type written struct {
		words string
		due   Date
	}
	takes := map[written]bool{} // dueWords of each deadline, read once
	best := ""
	latest := Date{}
	for _, a := range actions {
		d := a.Original
		if d.Written == "" {
			d = a.Deadline
		}
		if d.Ongoing || d.Due.IsZero() || d.Written == "" {
			continue
		}
		ok, seen := takes[written{d.Written, d.Due}]
		if !seen {
			ok = dueWords(d)
			takes[written{d.Written, d.Due}] = ok
		}
		if p.Contains(d.Due) && ok {
			count[d.Written]++
			if best == "" || count[d.Written] > count[best] {
				best = d.Written
			}
		}
		limit := p.End.AddDays(366)
		if !d.Due.After(limit) && d.Due.After(latest) {
			latest = d.Due
		}
	}
	if latest.IsZero() {
		latest = p.End
	}
	if best == "" {
		best = monthYear(p.End)
	}
	ex.Deadline = best
	if !latest.IsZero() {
		last := latest.EndOfMonth()
		ex.Month = monthYear(last)
		ex.Date = last.String()
		ex.DateUK = fmt.Sprintf("%02d/%02d/%04d", last.Day, int(last.Month), last.Year)
	}
	if ex.Word = exampleWord(actions, ex.Ref); ex.Word == "" {
		ex.Word = "safety"
	}
	return ex
}

// dueWords reports whether the due verb takes a deadline as the plan wrote
// it: a single date (no milestones, not ongoing) in up to three words, the
// most the verb reads, meaning the same day.
func dueWords(d Deadline) bool {
	if len(strings.Fields(d.Written)) > 3 {
		return false
	}
	got, err := ParseDeadline(d.Written)
	return err == nil && !got.Ongoing && got.Due == d.Due && len(got.Milestones()) == 0
}

// exampleWord chooses Word from the plan's actions: "speedwatch" when an
// action's text has that word, otherwise the rarest word of more than 5
// letters in ref's text, by how many actions' texts have it (the longest,
// then the first, of those as rare), in lower case; "" when there is none.
// It reads every text once and copies none: the digest chooses examples
// daily, on plans of thousands of actions.
func exampleWord(actions []*Action, ref string) string {
	var text string
	for _, a := range actions {
		if a.Ref == ref {
			text = a.Text
			break
		}
	}
	// The candidates: the long words of ref's text, and the shipped plan's.
	cands := []string{SevenoaksExamples.Word}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if w = strings.ToLower(w); len([]rune(w)) > 5 && !slices.Contains(cands, w) {
			cands = append(cands, w)
		}
	}
	count := make([]int, len(cands))
	last := make([]int, len(cands)) // the action that last counted each, from 1
	for i, a := range actions {
		eachWord(a.Text, func(w string) {
			for k, c := range cands {
				if last[k] != i+1 && len(w) == len(c) && strings.EqualFold(w, c) {
					count[k]++
					last[k] = i + 1
				}
			}
		})
	}
	if count[0] > 0 {
		return SevenoaksExamples.Word
	}
	best := 0
	for k := 1; k < len(cands); k++ {
		if best == 0 || count[k] < count[best] || count[k] == count[best] && len(cands[k]) > len(cands[best]) {
			best = k
		}
	}
	if best == 0 {
		return ""
	}
	return cands[best]
}

// eachWord calls f with each run of letters of s, in place.
func eachWord(s string, f func(string)) {
	start := -1
	for i, r := range s {
		switch letter := unicode.IsLetter(r); {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			f(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		f(s[start:])
	}
}

// ExampleRef chooses, from some of a plan's action ids in plan order, the
// one to show as an example, as ExamplesOf chooses Ref: the shipped plan's
// 5.2 when it is among them, otherwise the first; "" when there are none.
func ExampleRef(refs []string) string {
	if slices.Contains(refs, SevenoaksExamples.Ref) {
		return SevenoaksExamples.Ref
	}
	if len(refs) > 0 {
		return refs[0]
	}
	return ""
}

// monthYear writes d's month the way plans do: "March 2013"; "" for the
// zero Date.
func monthYear(d Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Month.String() + " " + strconv.Itoa(d.Year)
}

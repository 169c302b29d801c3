// Package commands is the /action command language: it parses what a
// lead-agency officer types, checks who may do it, applies it to the plan of
// record and answers with a transport-neutral message that the Slack and
// console adapters render. It knows nothing of Slack: neither its types
// nor its text format (bot turns mentions into plain ids first).
package commands

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/sevenoaks-csp/actionbot"
)

// Command is a parsed /action command.
type Command struct {
	Verb actionbot.Verb
	Ref  string // the action, for action verbs
	// Plan is the plan a button or form was made in (0 for a typed
	// command): a change is refused when it is no longer the current plan,
	// so last year's card never changes this year's action of that number.
	Plan int64

	Progress int                // actionbot.VerbProgress
	Deadline actionbot.Deadline // actionbot.VerbDue
	Confirm  bool               // actionbot.VerbDue: "due confirm", a coordinator keeps a deadline before the plan year
	Mode     string             // actionbot.VerbRemind: "daily" or "weekly"
	PartyOp  string             // actionbot.VerbPartners: "add" or "remove"; Text holds the agencies of it and of lead, as typed
	Days     int                // actionbot.VerbSnooze, and the window of "due N"
	Text     string             // note, reason, evidence, search words, help topic
	Filter   Filter             // actionbot.VerbList
	Admin    *Admin             // actionbot.VerbAdmin
	Measure  *MeasureArgs       // actionbot.VerbMeasure
	Priority int                // actionbot.VerbReport ("report priority 3"); 0 for all
	// Quarter is "report quarter [2012-Q3]": the quarter asked for, or
	// "last" for the latest quarter over.
	Quarter string
	// Note is "5.2 redact note 3": the number of the note, as the
	// action's history numbers them.
	Note int
	// AsOf is "5.2 history as of 2012-12-31": the day to show the action
	// as it stood; zero for now.
	AsOf actionbot.Date

	// Share asks for the reply to be shown to the channel, not just to the
	// person who asked ("/action share 5.2").
	Share bool
}

// MeasureArgs are the arguments of "measure <priority> <n> <value> [note]".
type MeasureArgs struct {
	Priority int
	N        int
	Value    string
	// AsOf is the date the figure stands at; zero for today: "as of
	// 2013-03-31" after the value, or the CLI's --as-of.
	AsOf actionbot.Date
}

// actionVerbs act on one action; the order is the order of the help card.
var actionVerbs = []actionbot.Verb{actionbot.VerbDone, actionbot.VerbProgress, actionbot.VerbNote, actionbot.VerbBlocked, actionbot.VerbUnblock, actionbot.VerbAtRisk, actionbot.VerbReopen, actionbot.VerbDue, actionbot.VerbSnooze, actionbot.VerbUndo, actionbot.VerbLead, actionbot.VerbPartners, actionbot.VerbRedact, actionbot.VerbHistory}

// topVerbs stand on their own.
var topVerbs = []actionbot.Verb{actionbot.VerbHelp, actionbot.VerbMine, actionbot.VerbList, actionbot.VerbOverdue, actionbot.VerbDue, actionbot.VerbFind, actionbot.VerbAgencies, actionbot.VerbWhoami, actionbot.VerbReport, actionbot.VerbMeasure, actionbot.VerbRemind, actionbot.VerbAdmin}

// verbAliases maps other spellings to verbs.
var verbAliases = map[string]actionbot.Verb{
	"complete": actionbot.VerbDone, "completed": actionbot.VerbDone, "finished": actionbot.VerbDone,
	"block": actionbot.VerbBlocked, "unblocked": actionbot.VerbUnblock, "ontrack": actionbot.VerbUnblock, "on-track": actionbot.VerbUnblock,
	"atrisk": actionbot.VerbAtRisk, "at_risk": actionbot.VerbAtRisk, "risk": actionbot.VerbAtRisk,
	"comment": actionbot.VerbNote, "notes": actionbot.VerbNote,
	"deadline": actionbot.VerbDue,
	"log":      actionbot.VerbHistory, "audit": actionbot.VerbHistory,
	"show": actionbot.VerbShow, "view": actionbot.VerbShow, "card": actionbot.VerbShow,
	"search": actionbot.VerbFind, "me": actionbot.VerbWhoami,
	"?": actionbot.VerbHelp, "usage": actionbot.VerbHelp,
	"partner": actionbot.VerbPartners, "leads": actionbot.VerbLead,
}

// Mutates reports whether the command changes the plan of record.
func (c *Command) Mutates() bool {
	switch c.Verb {
	case actionbot.VerbDone, actionbot.VerbProgress, actionbot.VerbNote, actionbot.VerbBlocked, actionbot.VerbUnblock, actionbot.VerbAtRisk, actionbot.VerbReopen, actionbot.VerbDue, actionbot.VerbSnooze, actionbot.VerbMeasure, actionbot.VerbRemind,
		actionbot.VerbLead, actionbot.VerbPartners, actionbot.VerbUndo, actionbot.VerbRedact:
		return true
	case actionbot.VerbAdmin:
		return c.Admin != nil && c.Admin.Op != AdminFailed
	}
	return false
}

// token is a word of the command with where it starts in the text.
type token struct {
	s   string
	pos int
}

func tokenize(text string) []token {
	var toks []token
	start := -1
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				toks = append(toks, token{text[start:i], start})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, token{text[start:], start})
	}
	return toks
}

// parser holds the text and its tokens while parsing.
type parser struct {
	text string
	toks []token
	// ids are the current plan's action ids; nil reads only the bot's own
	// numbers.
	ids *actionbot.RefIndex
	// ex gives the plan's own examples for hints; nil for the shipped plan's.
	ex func() actionbot.Examples
}

// examples returns the plan's own examples, for a hint.
func (p *parser) examples() actionbot.Examples {
	if p.ex == nil {
		return actionbot.ExamplesOf(nil, nil, nil)
	}
	return p.ex()
}

// rest returns the text from token i to the end, as typed.
func (p *parser) rest(i int) string {
	if i >= len(p.toks) {
		return ""
	}
	return strings.TrimSpace(p.text[p.toks[i].pos:])
}

func (p *parser) word(i int) string {
	if i >= len(p.toks) {
		return ""
	}
	return strings.ToLower(p.toks[i].s)
}

// canonicalVerb returns the verb a word names, if any.
func canonicalVerb(w string) (actionbot.Verb, bool) {
	w = strings.ToLower(w)
	if v, ok := verbAliases[w]; ok {
		return v, true
	}
	for _, v := range actionVerbs {
		if w == string(v) {
			return v, true
		}
	}
	for _, v := range topVerbs {
		if w == string(v) {
			return v, true
		}
	}
	return "", false
}

// Parse parses the text of an /action command (without "/action") with no
// plan to hand: action ids are the bot's own numbers ("5.2"). Errors are
// EINVALID with a message that says what to type instead.
func Parse(text string) (*Command, error) { return ParseFor(text, nil, nil) }

// ParseFor parses the text of an /action command against the ids of the
// current plan, which may be the plan's own ("1a", "DAB 1", "1.1.1"),
// typed in any case and spacing. Errors are EINVALID with a message that
// says what to type instead, in the plan's own words: ex gives them, asked
// only when a hint is written (nil: the shipped plan's).
func ParseFor(text string, ids *actionbot.RefIndex, ex func() actionbot.Examples) (*Command, error) {
	// Control characters and bidi overrides never get further (CleanText).
	// The text is plain: the Slack adapter has turned Slack's escapes and
	// mentions into plain characters and ids (bot.PlainText).
	text = actionbot.CleanText(text)
	p := &parser{text: text, toks: tokenize(text), ids: ids, ex: ex}
	c := &Command{}
	i := 0
	if p.word(0) == "share" {
		c.Share = true
		i = 1
	}
	if i >= len(p.toks) {
		c.Verb = actionbot.VerbHelp
		return c, nil
	}
	first := p.toks[i].s
	if ref, n, err := p.ref(i); err != nil {
		return nil, err
	} else if n > 0 {
		c.Ref = ref
		return c, p.actionVerb(c, i+n)
	}
	verb, ok := canonicalVerb(first)
	if ok && slicesContains(actionVerbs, verb) && verb != actionbot.VerbHistory || verb == actionbot.VerbShow {
		// verb first: "/action done 5.2 ...", "/action done DAB 1 ..."
		ref, n, err := p.ref(i + 1)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			c.Ref = ref
			moved := append(append(append([]token{}, p.toks[i+1:i+1+n]...), p.toks[i]), p.toks[i+1+n:]...)
			p.toks = moved
			return c, p.actionVerb(c, n)
		}
		if verb != actionbot.VerbDue {
			return nil, invalid("Which action? Put its number first, for example `/action %s %s`.", p.example(), usageVerb(verb))
		}
	}
	if verb == actionbot.VerbHistory {
		ref, n, err := p.ref(i + 1)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			c.Ref, c.Verb = ref, actionbot.VerbHistory
			return c, nil
		}
		return nil, invalid("Whose history? Put the action's number first: `/action %s history`.", p.example())
	}
	if !ok {
		if looksLikeRef(first) {
			return nil, invalid("%q is not an action number; they look like %s.", first, p.example())
		}
		if near := p.ids.SameDigits(first); len(near) > 0 {
			// "52 done": an action number without its dot, as thumbs type
			// it on a phone.
			return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s — did you mean %s?", first, strings.Join(near, " or "))
		}
		if _, n, _ := p.ref(i + 1); n > 0 {
			return nil, unknownVerb(first, actionVerbs) // "/action dne 5.2"
		}
		return nil, unknownVerb(first, topVerbs)
	}
	return c, p.topVerb(c, verb, i+1)
}

// ref reads an action id at token i: one of the plan's ids, written any way
// RefIndex forgives, or else a number of the bot's own form ("5.2"). n is
// how many tokens it took (0: none is there); the error says when the
// words could be more than one of the plan's ids.
func (p *parser) ref(i int) (ref string, n int, err error) {
	if i >= len(p.toks) {
		return "", 0, nil
	}
	if p.ids.Len() > 0 {
		words := make([]string, 0, actionbot.MaxRefWords)
		for j := i; j < len(p.toks) && j < i+actionbot.MaxRefWords; j++ {
			words = append(words, p.toks[j].s)
		}
		ref, n, alts := p.ids.Match(words)
		if len(alts) > 0 {
			for k, a := range alts {
				alts[k] = "`" + a + "`"
			}
			return "", 0, invalid("%q could be %s in this plan: type the id as the plan writes it.", strings.Join(words[:n], " "), orList(alts))
		}
		if n > 0 {
			return ref, n, nil
		}
	}
	if ref, ok := actionbot.ParseRef(p.toks[i].s); ok {
		return ref, 1, nil
	}
	// An id the plan lacks, written as its ids are (DAB 2 beside DAB 1, 1e
	// beside 1d*), or the number its ids are under (1 over 1a, 1b): read as
	// an id, so that the answer suggests the plan's own. A verb is never one.
	if p.ids.Len() > 0 {
		if _, verb := canonicalVerb(p.toks[i].s); !verb {
			for n := min(actionbot.MaxRefWords, len(p.toks)-i); n >= 1; n-- {
				words := make([]string, n)
				for k := range words {
					words[k] = p.toks[i+k].s
				}
				if cand, ok := actionbot.CleanRef(strings.Join(words, " ")); ok && (p.ids.ShapedLike(cand) || len(p.ids.Under(cand)) > 0) {
					return cand, n, nil
				}
			}
		}
	}
	return "", 0, nil
}

// examplePriority is a priority of the plan, for a hint.
func (p *parser) examplePriority() int { return max(p.examples().Priority, 1) }

// exampleAgency is an agency code of the plan, for a hint ("AGENCY" when
// the plan names none).
func (p *parser) exampleAgency() string {
	if code := p.examples().AgencyCode; code != "" {
		return code
	}
	return "AGENCY"
}

// example is an action id to show in a hint: the plan's own (its 5.2 if
// it has one, else its first), or the shipped plan's 5.2.
func (p *parser) example() string {
	if p.ex != nil {
		if r := p.ex().Ref; r != "" {
			return r
		}
	}
	if r := p.ids.First(); r != "" {
		return r
	}
	return actionbot.ExamplesOf(nil, nil, nil).Ref
}

// orList joins "a", "a or b", "a, b or c".
func orList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func slicesContains[S ~string](xs []S, x S) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func looksLikeRef(s string) bool {
	s = strings.TrimPrefix(s, "#")
	return s != "" && (s[0] >= '0' && s[0] <= '9') && strings.ContainsAny(s, ".,")
}

func invalid(format string, args ...any) error {
	return actionbot.Errorf(actionbot.EINVALID, format, args...)
}

func usageVerb(v actionbot.Verb) string {
	if u, ok := usages[v]; ok {
		return u
	}
	return string(v)
}

// unknownVerb suggests the nearest verbs.
func unknownVerb[S ~string](w string, verbs []S) error {
	near := nearest(strings.ToLower(w), verbs, 2)
	if len(near) == 0 {
		return invalid("I don't know %q. Type `/action help` to see what I can do.", w)
	}
	for i, v := range near {
		near[i] = "`" + v + "`"
	}
	return invalid("I don't know %q. Did you mean %s? Type `/action help` for everything.", w, strings.Join(near, " or "))
}

// nearest returns up to max words of vocab within a small edit distance of w.
func nearest[S ~string](w string, vocab []S, max int) []string {
	type cand struct {
		v string
		d int
	}
	var cs []cand
	for _, word := range vocab {
		v := string(word)
		d := actionbot.Levenshtein(w, v)
		if strings.HasPrefix(v, w) && len(w) >= 2 {
			d = 1
		}
		if d <= 2 || d <= len(v)/3 {
			cs = append(cs, cand{v, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < max; i++ {
		out = append(out, cs[i].v)
	}
	return out
}

// actionVerb parses what follows an action id.
func (p *parser) actionVerb(c *Command, i int) error {
	if i >= len(p.toks) {
		c.Verb = actionbot.VerbShow
		return nil
	}
	w := p.word(i)
	if w == "share" && i+1 == len(p.toks) { // "/action 5.2 share"
		c.Verb, c.Share = actionbot.VerbShow, true
		return nil
	}
	if w == "at" && p.word(i+1) == "risk" { // "at risk"
		w, i = string(actionbot.VerbAtRisk), i+1
	}
	verb, ok := canonicalVerb(w)
	if !ok || !(slicesContains(actionVerbs, verb) || verb == actionbot.VerbShow) {
		if n, ok := parsePercent(w); ok { // "/action 5.2 60%"
			c.Verb, c.Progress, c.Text = actionbot.VerbProgress, n, p.rest(i+1)
			return checkProgress(n, p.toks[i].s)
		}
		return unknownVerb(p.toks[i].s, append(append([]actionbot.Verb{}, actionVerbs...), actionbot.VerbShow))
	}
	c.Verb = verb
	rest := p.rest(i + 1)
	switch verb {
	case actionbot.VerbShow, actionbot.VerbHistory:
		if verb == actionbot.VerbHistory && rest != "" && !strings.EqualFold(rest, "share") {
			return parseHistoryAsOf(c, rest, p.examples())
		}
		if c.Share = c.Share || strings.EqualFold(rest, "share"); rest != "" && !strings.EqualFold(rest, "share") {
			return invalid("`/action %s %s` takes nothing after it.", c.Ref, verb)
		}
	case actionbot.VerbDone, actionbot.VerbNote, actionbot.VerbUnblock:
		c.Text = rest
		if verb == actionbot.VerbNote && rest == "" {
			return invalid("What is the note? `/action %s note <text>`.", c.Ref)
		}
	case actionbot.VerbBlocked, actionbot.VerbAtRisk, actionbot.VerbReopen:
		c.Text = rest
		if rest == "" {
			return invalid("Please give a reason: `/action %s %s <reason>`.", c.Ref, verb)
		}
	case actionbot.VerbProgress:
		if i+1 >= len(p.toks) {
			return invalid("How far along is it? `/action %s progress 60` (a percentage from 0 to 100).", c.Ref)
		}
		raw := p.toks[i+1].s
		n, ok := parsePercent(raw)
		if !ok {
			return invalid("%q is not a percentage: write a whole number from 0 to 100, like `/action %s progress 60`.", raw, c.Ref)
		}
		// "progress 61 %" and "61 per cent": the sign, written apart, is
		// not a note.
		note := p.rest(i + 2)
		for _, sign := range []string{"%", "per cent", "percent", "pc"} {
			if len(note) >= len(sign) && strings.EqualFold(note[:len(sign)], sign) && (len(note) == len(sign) || note[len(sign)] == ' ') {
				note = strings.TrimSpace(note[len(sign):])
				break
			}
		}
		c.Progress, c.Text = n, note
		return checkProgress(n, raw)
	case actionbot.VerbDue:
		return p.due(c, i+1)
	case actionbot.VerbUndo:
		if rest != "" {
			return invalid("`/action %s undo` takes nothing after it: it reverses your last change to %s.", c.Ref, c.Ref)
		}
	case actionbot.VerbLead, actionbot.VerbPartners:
		return p.parties(c, verb, i+1)
	case actionbot.VerbRedact:
		return p.redact(c, i+1) // redact.go
	case actionbot.VerbSnooze:
		c.Days = 7
		if d := p.word(i + 1); d != "" {
			d = strings.TrimSuffix(strings.TrimSuffix(d, "days"), "d")
			n, err := strconv.Atoi(strings.TrimSpace(d))
			switch {
			case err != nil:
				return invalid("Snooze for how many days? `/action %s snooze 7` (1 to 90; 7 when left out).", c.Ref)
			case n < 1 || n > 90:
				return invalid("A snooze is from 1 to 90 days, not %d: `/action %s snooze 30`. To move the deadline itself, `/action %s due <date> <reason>`.", n, c.Ref, c.Ref)
			}
			c.Days = n
			if extra := p.rest(i + 2); extra != "" && !strings.EqualFold(extra, "days") {
				c.Text = strings.TrimSpace(strings.TrimPrefix(extra, "days"))
			}
		}
	}
	return nil
}

func parsePercent(s string) (int, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func checkProgress(n int, raw string) error {
	if n < 0 || n > 100 {
		return invalid("Progress is a percentage from 0 to 100; %s is outside that.", raw)
	}
	return nil
}

// due parses "<deadline> <reason>": the longest run of up to three words
// that reads as a deadline, then the reason.
func (p *parser) due(c *Command, i int) error {
	if i >= len(p.toks) {
		ex := p.examples()
		return invalid("When is it due now, and why? `/action %s due %s <reason>` (or %s, %s, ongoing).", c.Ref, ex.Month, ex.Date, ex.DateUK)
	}
	if p.word(i) == "confirm" && i+1 == len(p.toks) {
		c.Confirm = true
		return nil
	}
	var firstErr error
	for n := min(3, len(p.toks)-i); n >= 1; n-- {
		end := len(p.text)
		if i+n < len(p.toks) {
			end = p.toks[i+n].pos
		}
		dl, err := actionbot.ParseDeadline(p.text[p.toks[i].pos:end])
		if err != nil {
			if n == 1 || firstErr == nil {
				firstErr = err
			}
			continue
		}
		c.Deadline, c.Text = dl, p.rest(i+n)
		if c.Text == "" {
			return invalid("Moving a deadline needs a reason, for the record: `/action %s due %s <reason>`.", c.Ref, dl.Written)
		}
		return nil
	}
	ex := p.examples()
	return invalid("I couldn't read %q as a new deadline. Write a month and year (`%s`), a date (`%s` or `%s`) or `ongoing`, then the reason.", p.toks[i].s, ex.Month, ex.Date, ex.DateUK)
}

// topVerb parses a command that does not start with an action id.
func (p *parser) topVerb(c *Command, verb actionbot.Verb, i int) error {
	c.Verb = verb
	switch verb {
	case actionbot.VerbHelp:
		c.Text = p.word(i)
		if c.Text != "" {
			v, ok := canonicalVerb(c.Text)
			if !ok {
				return unknownVerb(c.Text, append(append([]actionbot.Verb{}, topVerbs...), actionVerbs...))
			}
			c.Text = string(v)
		}
	case actionbot.VerbMine, actionbot.VerbAgencies, actionbot.VerbWhoami:
		if verb == actionbot.VerbMine && p.word(i) == "page" { // "/action mine page 2"
			n, err := strconv.Atoi(p.word(i + 1))
			if err != nil || n < 1 || n > 1000 {
				return invalid("Which page? `/action mine page 2`.")
			}
			c.Filter.Page = n
			i += 2
		}
		if rest := p.rest(i); rest != "" && !strings.EqualFold(rest, "share") {
			return invalid("`/action %s` takes nothing after it.", verb)
		} else if rest != "" {
			c.Share = true
		}
	case actionbot.VerbList:
		f, err := parseFilter(p, i)
		c.Filter = f
		return err
	case actionbot.VerbOverdue, actionbot.VerbDue:
		c.Verb = actionbot.VerbList
		f, err := parseFilter(p, i-1)
		c.Filter = f
		return err
	case actionbot.VerbFind:
		c.Text = p.rest(i)
		if c.Text == "" {
			return invalid("Find what? `/action find %s`.", p.examples().Word)
		}
	case actionbot.VerbReport:
		switch {
		case i >= len(p.toks):
		case strings.EqualFold(p.word(i), "quarter") || strings.EqualFold(p.word(i), "quarterly"):
			return parseReportQuarter(c, p.rest(i+1))
		case p.word(i) == "priority" || p.word(i) == "p":
			n, err := strconv.Atoi(p.word(i + 1))
			if err != nil || n < 1 {
				return invalid("Which priority? `/action report priority %d`.", p.examplePriority())
			}
			c.Priority = n
		default:
			if n, err := strconv.Atoi(p.word(i)); err == nil && n > 0 {
				c.Priority = n
			} else {
				return invalid("`/action report` takes an optional priority: `/action report priority %d`.", p.examplePriority())
			}
		}
	case actionbot.VerbMeasure:
		return p.measure(c, i)
	case actionbot.VerbRemind:
		return p.remind(c, i)
	case actionbot.VerbAdmin:
		a, err := parseAdmin(p, i)
		c.Admin = a
		return err
	default:
		return invalid("`%s` needs an action number first: `/action %s %s`.", verb, p.example(), verb)
	}
	return nil
}

func (p *parser) measure(c *Command, i int) error {
	const usage = "Record a success measure's latest figure: `/action measure <priority> <measure number> <value> [note]`, e.g. `/action measure 3 1 fell 2.5%% police figures for Q2` (a change with its direction, -2.5%% or rose 1%%, a rate such as 82%%, or yes/no)."
	if len(p.toks) < i+3 {
		return invalid(usage)
	}
	prio, err1 := strconv.Atoi(p.word(i))
	n, err2 := strconv.Atoi(p.word(i + 1))
	if err1 != nil || err2 != nil || prio < 0 || n < 1 {
		return invalid(usage)
	}
	// A change said in words takes two words: "fell 2.5%", "2.5% fall".
	end := i + 3
	if end < len(p.toks) && (measureWord(p.word(i+2)) || measureWord(p.word(end))) {
		end++
	}
	words := make([]string, 0, 2)
	for _, t := range p.toks[i+2 : end] {
		words = append(words, t.s)
	}
	// "2.3 percent", "2.3 per cent", "2.3 %": the sign, written apart,
	// belongs to the value, not to the note.
	switch {
	case p.word(end) == "%" || p.word(end) == "percent" || p.word(end) == "pc":
		words[len(words)-1] += "%"
		end++
	case p.word(end) == "per" && p.word(end+1) == "cent":
		words[len(words)-1] += "%"
		end += 2
	}
	c.Measure = &MeasureArgs{Priority: prio, N: n, Value: strings.Join(words, " ")}
	c.Text = p.rest(end)
	if (p.word(end) == "as" && (p.word(end+1) == "of" || p.word(end+1) == "at")) && end+2 >= len(p.toks) {
		return invalid("As of which date? `/action measure %d %d %s as of %s`.", prio, n, c.Measure.Value, p.examples().End)
	}
	// "as of 2013-03-31" (or 31/03/2013, 31 March 2013, March 2013) dates
	// the figure, as the CLI's --as-of does; the note follows it.
	if end+2 < len(p.toks) && p.word(end) == "as" && (p.word(end+1) == "of" || p.word(end+1) == "at") {
		for k := min(3, len(p.toks)-end-2); k >= 1; k-- {
			words := make([]string, k)
			for j := range k {
				words[j] = p.toks[end+2+j].s
			}
			if d, err := actionbot.ParseDeadline(strings.Join(words, " ")); err == nil && !d.Ongoing && !d.Due.IsZero() {
				c.Measure.AsOf, c.Text = d.Due, p.rest(end+2+k)
				return nil
			}
		}
		last := p.examples().End
		return invalid("%q is not a date: `/action measure %d %d %s as of %s` (or %s, or %s for its last day). A note that begins with \"as of\" or \"as at\" goes in quotes.", p.rest(end+2), prio, n, c.Measure.Value, last, ukDate(last), monthOf(last))
	}
	return nil
}

// Filter is the parsed filter of a list command.
type Filter struct {
	Priority int
	Agency   string // as typed; resolved by the handler
	Overdue  bool
	DueDays  int // due within this many days; 0 for no such filter
	Blocked  bool
	AtRisk   bool
	Done     bool
	Open     bool
	Ongoing  bool
	Stale    bool
	// Led and Partner narrow an agency's list to the actions it (or a
	// department of it) leads, or only partners on.
	Led, Partner bool
	// Page is the page of a long list to show, from 1 ("page 2"); 0 is 1.
	Page int
}

// String is the filter as words of a list command, in a fixed order:
// "priority 3 agency KCC overdue", the command's next page is these words
// with "page N".
func (f Filter) String() string {
	var w []string
	if f.Priority > 0 {
		w = append(w, "priority "+strconv.Itoa(f.Priority))
	}
	if f.Agency != "" {
		w = append(w, "agency "+f.Agency)
	}
	if f.Led {
		w = append(w, "led")
	}
	if f.Partner {
		w = append(w, "partner")
	}
	for _, on := range []struct {
		set  bool
		word string
	}{{f.Overdue, "overdue"}, {f.DueDays > 0, "due " + strconv.Itoa(f.DueDays)}, {f.Blocked, "blocked"}, {f.AtRisk, "at-risk"},
		{f.Done, "done"}, {f.Open, "open"}, {f.Ongoing, "ongoing"}, {f.Stale, "stale"}} {
		if on.set {
			w = append(w, on.word)
		}
	}
	return strings.Join(w, " ")
}

// DefaultDueDays is the window of "/action due": the one definition of
// "due", in the domain.
const DefaultDueDays = actionbot.DueSoonDays

var filterWords = []string{"priority", "agency", "led", "partner", "overdue", "due", "blocked", "at-risk", "done", "open", "ongoing", "stale", "page"}

func parseFilter(p *parser, i int) (Filter, error) {
	var f Filter
	for first := i; i < len(p.toks); {
		w := p.word(i)
		i++
		switch w {
		case "share":
			// handled by the caller through Command.Share
		case "priority", "p":
			n, err := strconv.Atoi(p.word(i))
			if err != nil || n < 1 {
				return f, invalid("Which priority? `/action list priority %d`.", p.examplePriority())
			}
			f.Priority = n
			i++
		case "agency", "lead", "by":
			// An agency name may be several words; take words up to the next filter word.
			j := i
			for j < len(p.toks) && !slicesContains(filterWords, p.word(j)) {
				j++
			}
			if j == i {
				if code := p.examples().AgencyCode; code != "" {
					return f, invalid("Which agency? `/action list agency %s` (a code or a name).", code)
				}
				return f, invalid("Which agency? Give its code or name: `/action agencies` lists them.")
			}
			f.Agency = strings.Join(tokStrings(p.toks[i:j]), " ")
			i = j
		case "led":
			f.Led = true
		case "partner", "partnered":
			f.Partner = true
		case "overdue", "late":
			f.Overdue = true
		case "due":
			f.DueDays = DefaultDueDays
			if n, err := strconv.Atoi(strings.TrimSuffix(p.word(i), "d")); err == nil {
				if n < 1 || n > 366 {
					return f, invalid("`due %d`: give a number of days from 1 to 366.", n)
				}
				f.DueDays = n
				i++
			}
		case "blocked":
			f.Blocked = true
		case "at-risk", "atrisk", "risk":
			f.AtRisk = true
		case "at":
			if p.word(i) == "risk" {
				f.AtRisk = true
				i++
			} else {
				return f, unknownFilter("at")
			}
		case "done", "complete", "completed":
			f.Done = true
		case "open":
			f.Open = true
		case "ongoing":
			f.Ongoing = true
		case "stale":
			f.Stale = true
		case "page":
			n, err := strconv.Atoi(p.word(i))
			if err != nil || n < 1 || n > 1000 {
				return f, invalid("Which page? `/action list overdue page 2`.")
			}
			f.Page = n
			i++
		default:
			if n, err := strconv.Atoi(w); err == nil && n > 0 && i == first+1 { // "/action list 3"
				f.Priority = n
				continue
			}
			return f, unknownFilter(p.toks[i-1].s)
		}
	}
	if (f.Led || f.Partner) && f.Agency == "" {
		return f, invalid("`led` and `partner` narrow an agency's list: `/action list agency %s led`.", p.exampleAgency())
	}
	if f.Led && f.Partner {
		return f, invalid("`led` or `partner`, not both: an agency's list without either has both.")
	}
	if f.Done && (f.Open || f.Overdue || f.Blocked || f.AtRisk || f.DueDays > 0 || f.Stale) {
		return f, invalid("`done` cannot be combined with open, overdue, due, blocked, at-risk or stale: done actions are none of those.")
	}
	return f, nil
}

func tokStrings(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.s
	}
	return out
}

func unknownFilter(w string) error {
	near := nearest(strings.ToLower(w), filterWords, 2)
	hint := ""
	if len(near) > 0 {
		hint = " Did you mean `" + strings.Join(near, "` or `") + "`?"
	}
	return invalid("%q is not a list filter.%s Filters: priority N, agency CODE [led|partner], overdue, due [days], blocked, at-risk, done, open, ongoing, stale, page N.", w, hint)
}

// A person or a channel is given by its Slack id, in capitals as Slack
// writes them, bare or with the sigil one types before a mention: U0123ABCD
// or @U0123ABCD, C0123ABCD or #C0123ABCD. The capitals keep a name such as
// #general from being taken for a channel's id. (Slack's own mention syntax
// never reaches the commands: the Slack adapter turns it into this form.)

// ParseUser returns the user id in "U123" or "@U123".
func ParseUser(s string) (string, bool) {
	return parseID(s, '@', "UW")
}

// ParseChannel returns the channel id in "C123" or "#C123".
func ParseChannel(s string) (string, bool) {
	return parseID(s, '#', "CGD")
}

func parseID(s string, sigil byte, prefixes string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == sigil {
		s = s[1:]
	}
	return s, isSlackID(s, prefixes)
}

func isSlackID(s, prefixes string) bool {
	if len(s) < 2 || len(s) > 24 || !strings.ContainsRune(prefixes, rune(s[0])) {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// measureWord reports whether w says the direction of a change: "fell",
// "rose", "up", "down"...
func measureWord(w string) bool {
	switch strings.ToLower(w) {
	case "fell", "fall", "down", "rose", "rise", "up", "reduction", "increase":
		return true
	}
	return false
}

package planfile

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// A plan's own ids are its actions' ids (actionbot.CleanRef): from an id
// column, a numbering column with no header, or the start of the action
// cell. Only actions the plan gives no id are numbered by the bot, as
// priority.n after the plan's own numbers.

// reLeadingRef is an id at the start of an action cell: "1a Provision…",
// "1d* Work with…", "(1a) Raise…", "1.1.1 Engage…", "DAB 1 Ensure…",
// "P2.4 Review…", "a) A full review…".
var reLeadingRef = regexp.MustCompile(`^(\(\s*[0-9A-Za-z.]{1,10}\s*\)|[0-9]{1,3}(?:\.[0-9]{1,3}){0,3}[a-z]?\*?|[A-Z]{1,4}\s?[0-9]{1,3}(?:\.[0-9]{1,3}){0,2}[a-z]?\*?|[a-z]\))[.:)]?\s+(\S.*)$`)

// leadingRef splits an id off the start of an action's text.
func leadingRef(text string) (ref, rest string, ok bool) {
	m := reLeadingRef.FindStringSubmatch(text)
	if m == nil {
		return "", "", false
	}
	ref, ok = actionbot.CleanRef(m[1])
	if !ok {
		return "", "", false
	}
	// "2 officers to patrol", "10 schools": a bare number followed by a
	// word in lower case is a count, not an id.
	if _, err := strconv.Atoi(ref); err == nil && !strings.HasPrefix(m[1], "(") {
		if r := []rune(m[2]); len(r) > 0 && r[0] >= 'a' && r[0] <= 'z' {
			return "", "", false
		}
	}
	return ref, m[2], true
}

// under reports whether id tok is numbered under parent: 1a under 1,
// 1.1.1 under 1.1.
func under(tok, parent string) bool {
	t, p := actionbot.RefMatchKey(tok), actionbot.RefMatchKey(parent)
	return len(t) > len(p) && strings.HasPrefix(t, p)
}

// botNumbered reports whether ref is numbered as the bot numbers actions,
// priority.n: its first number is the priority.
func botNumbered(ref string) bool {
	n, ok := actionbot.ParseRef(ref)
	return ok && strings.Count(n, ".") == 1
}

// settleIDs gives every action its id once the whole table is read: the
// ids at the start of action cells when most rows have one, ids repeated
// under different priorities qualified by the priority ("a)" under
// priority 2 is 2a), and the bot's own numbers for the rest.
func (rd *reader) settleIDs() {
	if n := len(rd.leading); n > 0 && 2*n >= len(rd.actions) {
		pending := map[int]bool{}
		for _, i := range rd.pending {
			pending[i] = true
		}
		for i, lr := range rd.leading {
			a := rd.actions[i]
			if a.Ref != "" && a.Ref != lr[0] {
				a.Notes = strings.TrimSpace("Under: " + a.Ref + "\n" + a.Notes)
			}
			a.Ref, a.Text = lr[0], lr[1]
			delete(pending, i)
			delete(rd.written, i)
		}
		kept := rd.pending[:0]
		for _, i := range rd.pending {
			if pending[i] {
				kept = append(kept, i)
			}
		}
		rd.pending = kept
	}

	// Ids the plan repeats: the bot's own numbers twice are a mistake in
	// the file; the plan's own ids restarting in each priority ("a)",
	// "b)") are qualified by the priority.
	lines := map[string][]int{}
	for i, a := range rd.actions {
		if a.Ref != "" {
			lines[actionbot.RefMatchKey(a.Ref)] = append(lines[actionbot.RefMatchKey(a.Ref)], i)
		}
	}
	for _, is := range lines {
		if len(is) < 2 {
			continue
		}
		if botNumbered(rd.actions[is[0]].Ref) {
			continue // reported as the rows were read
		}
		for _, i := range is {
			a := rd.actions[i]
			q := strconv.Itoa(a.Priority) + a.Ref
			rd.warn(rd.lines[i], "id", "the plan uses the id %q more than once: this one is %s (its priority's number, then the id)", a.Ref, q)
			a.Ref = q
		}
	}
	seen := map[string]int{}
	for i, a := range rd.actions {
		if a.Ref == "" {
			continue
		}
		k := actionbot.RefMatchKey(a.Ref)
		if first, dup := seen[k]; dup && !botNumbered(a.Ref) {
			rd.problem(rd.lines[i], "id", "action %s has the same id as the action on line %d", a.Ref, first)
		}
		seen[k] = rd.lines[i]
	}

	// Actions with no id are numbered after the bot-style numbers of their
	// priority, in file order.
	next := map[int]int{}
	for _, a := range rd.actions {
		if botNumbered(a.Ref) {
			k := actionbot.RefKey(a.Ref)
			next[k[0]] = max(next[k[0]], k[1])
		}
	}
	for _, i := range rd.pending {
		a := rd.actions[i]
		for {
			next[a.Priority]++
			a.Ref = fmt.Sprintf("%d.%d", a.Priority, next[a.Priority])
			if _, taken := seen[actionbot.RefMatchKey(a.Ref)]; !taken {
				break
			}
		}
		seen[actionbot.RefMatchKey(a.Ref)] = rd.lines[i]
		if w, ok := rd.written[i]; ok {
			rd.warn(rd.lines[i], "id", "the plan's id %q cannot be an action id (at most %d characters and %d words of letters, digits and . - / *); it is kept in the action's notes and the bot numbers the action %s",
				w, actionbot.MaxRefLength, actionbot.MaxRefWords, a.Ref)
			a.Notes = strings.TrimSpace("Plan id: " + w + "\n" + a.Notes)
		}
	}
	// A plan numbered as the bot numbers is ordered by its numbers (1.2
	// before 1.10, wherever the file puts them); any other plan by its
	// place in the file, as its own ids need not sort as it does.
	own := false
	for _, a := range rd.actions {
		if _, ok := actionbot.ParseRef(a.Ref); !ok {
			own = true
		}
	}
	if own {
		for i, a := range rd.actions {
			a.Seq = i + 1
		}
	}
}

package actionbot

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Notes and their redaction. A note is any text a person (or an import)
// put on an action's record with a change: a note, a progress update's
// note, the reason for a block, a move or a reopen, evidence of completion.
// An action's notes are numbered from 1, oldest first, as its history shows
// them ("note 3"); a number never changes, as later notes only add to the
// end and a redacted note keeps its place.
//
// A coordinator can redact one ("/action 5.2 redact note 3"): its text is
// replaced, wherever the bot keeps it, by RedactionMarker ("[redacted by
// @U0COORD on 6 Dec 2026]").

// OutboxUpdate is the kind of a queued message that is not posted but
// replaces, in place, a message the bot posted earlier (the store records
// which): the redaction of a note updates every message that showed it.
const OutboxUpdate = "update"

// NoteRedaction is what a redaction of a note did.
type NoteRedaction struct {
	Ref    string
	Number int // the note's number on the action (Notes)
	// Entry is the redacted entry as it now reads (its note the marker).
	Entry  *AuditEntry
	Marker string
	// AuditRows counts the audit entries and changes rewritten; Reason is
	// whether the action's current reason held the text.
	AuditRows int
	Reason    bool
	// Messages counts the recorded messages whose text was rewritten, and
	// Updates those of them already on Slack, queued to be updated there
	// in place (chat.update). Inbox counts recorded commands rewritten.
	Messages int
	Updates  int
	Inbox    int
}

// Notes returns the entries of an action's audit trail (any order) that
// carry a note, oldest first: note N is Notes(trail)[N-1]. An undo's text
// is the bot's own description of what it reversed, not a note.
func Notes(trail []*AuditEntry) []*AuditEntry {
	var out []*AuditEntry
	for _, e := range trail {
		if e.Verb != VerbUndo && strings.TrimSpace(e.Note) != "" {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// NoteNumbers maps the id of each entry of trail that carries a note to
// its number (Notes).
func NoteNumbers(trail []*AuditEntry) map[int64]int {
	notes := Notes(trail)
	out := make(map[int64]int, len(notes))
	for i, e := range notes {
		out[e.ID] = i + 1
	}
	return out
}

// RedactionMarker is what a redacted text reads: "[redacted by @U0COORD on
// 6 Dec 2026]", naming the coordinator as the audit names people and the
// day in the bot's date style.
func RedactionMarker(actor string, now time.Time) string {
	return "[redacted by " + actorText(actor) + " on " + now.Format("2 Jan 2006") + "]"
}

// IsRedacted reports whether a note is a redaction's marker.
func IsRedacted(note string) bool {
	return strings.HasPrefix(note, "[redacted by ") && strings.HasSuffix(note, "]") && !strings.Contains(note[1:], "[")
}

// RedactedTexts returns the texts a redaction of entry e removes: its note
// and the reason it set (a blocked reason is also the entry's note; an
// import's note says "from the plan: REASON").
func RedactedTexts(e *AuditEntry) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || IsRedacted(s) {
			return
		}
		for _, t := range out {
			if t == s {
				return
			}
		}
		out = append(out, s)
	}
	add(e.Note)
	for _, c := range e.Changes {
		if c.Field == "reason" {
			add(c.To)
		}
	}
	// Longest first, so that a text holding another is replaced whole.
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Below these lengths, in characters, a text is only replaced where it
// stands alone or between quotes, never inside other words: a note that
// reads "ok" must not turn every "book" in a digest into "bo[redacted…]".
const (
	minLooseText  = 8  // a whole text found anywhere
	minClipPrefix = 20 // the start of a text cut short with "…" (Clip)
)

// ScrubText replaces in s every occurrence of the texts with marker: s
// whole, a text between quotes (“text”), at the end after a space (a
// command as typed: "5.2 note text"), anywhere when it is long enough to
// be unmistakable, and a text's start cut short with an ellipsis, as
// messages show long notes (“the start of it…”). It reports whether it
// changed anything.
func ScrubText(s string, texts []string, marker string) (string, bool) {
	orig := s
	for _, t := range texts {
		if t == "" || s == "" {
			continue
		}
		if strings.TrimSpace(s) == t {
			s = marker
			continue
		}
		if utf8.RuneCountInString(t) >= minLooseText {
			s = strings.ReplaceAll(s, t, marker)
		} else {
			s = strings.ReplaceAll(s, "“"+t+"”", "“"+marker+"”")
			s = strings.ReplaceAll(s, "\""+t+"\"", "\""+marker+"\"")
			if strings.HasSuffix(s, " "+t) {
				s = s[:len(s)-len(t)] + marker
			}
		}
		s = scrubClipped(s, t, marker)
	}
	return s, s != orig
}

// scrubClipped replaces the start of t cut short with "…" (as Clip cuts
// it: at most so many characters, spaces trimmed, then the ellipsis) by
// marker.
func scrubClipped(s, t, marker string) string {
	const ellipsis = "…"
	if !strings.Contains(s, ellipsis) || utf8.RuneCountInString(t) < minClipPrefix {
		return s
	}
	head, n := "", 0
	for i := range t {
		if n == minClipPrefix {
			head = t[:i]
			break
		}
		n++
	}
	if head == "" {
		return s
	}
	var b strings.Builder
	for {
		idx := strings.Index(s, head)
		if idx < 0 {
			b.WriteString(s)
			return b.String()
		}
		m := len(head)
		for m < len(t) && idx+m < len(s) && s[idx+m] == t[m] {
			m++
		}
		for m > len(head) && m < len(t) && !utf8.RuneStart(t[m]) {
			m-- // whole characters
		}
		if strings.HasPrefix(s[idx+m:], ellipsis) {
			b.WriteString(s[:idx])
			b.WriteString(marker)
			s = s[idx+m+len(ellipsis):]
			continue
		}
		b.WriteString(s[:idx+len(head)])
		s = s[idx+len(head):]
	}
}

// ScrubMessage replaces the texts with marker throughout a message: its
// fallback text, every span, field, button label and confirmation. A span
// that is a text whole, or its start cut short, becomes the marker. It
// reports whether it changed anything.
func ScrubMessage(m *Message, texts []string, marker string) bool {
	changed := false
	str := func(p *string) {
		if s, ok := ScrubText(*p, texts, marker); ok {
			*p, changed = s, true
		}
	}
	rich := func(rt RichText) {
		for i := range rt {
			str(&rt[i].Text)
		}
	}
	str(&m.Text)
	for i := range m.Blocks {
		b := &m.Blocks[i]
		rich(b.Text)
		for j := range b.Fields {
			str(&b.Fields[j].Label)
			rich(b.Fields[j].Value)
		}
		for j := range b.Buttons {
			bt := &b.Buttons[j]
			str(&bt.Label)
			if bt.Confirm != nil {
				str(&bt.Confirm.Title)
				str(&bt.Confirm.Text)
			}
		}
	}
	return changed
}

// ScrubJSON replaces the texts with marker in every string of a JSON
// document (a recorded form submission), keeping its numbers exact. A
// document that is not JSON is scrubbed as text.
func ScrubJSON(doc string, texts []string, marker string) (string, bool) {
	if strings.TrimSpace(doc) == "" {
		return doc, false
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return ScrubText(doc, texts, marker)
	}
	changed := false
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case string:
			if s, ok := ScrubText(t, texts, marker); ok {
				changed = true
				return s
			}
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		case map[string]any:
			for k := range t {
				t[k] = walk(t[k])
			}
		}
		return x
	}
	v = walk(v)
	if !changed {
		return doc, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ScrubText(doc, texts, marker)
	}
	return string(b), true
}

// NoNoteError is the refusal of a note number an action does not have:
// "5.2 has 3 notes; say `/action 5.2 history` to see them."
func NoNoteError(ref string, n, count int) error {
	if count == 0 {
		return Errorf(ENOTFOUND, "%s has no notes, so there is no note %d to redact; say `/action %s history` to see its record.", ref, n, ref)
	}
	return Errorf(ENOTFOUND, "There is no note %d: %s has %s; say `/action %s history` to see them.", n, ref, Plural(count, "note"), ref)
}

// NoteLabel is how a note is named in a history line and a confirmation:
// "note 3".
func NoteLabel(n int) string { return "note " + strconv.Itoa(n) }

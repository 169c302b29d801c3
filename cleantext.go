package actionbot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// unsafeRune reports whether r must never reach the database or a terminal
// from user text: a C0 control other than newline and tab, DEL, a C1
// control, or a bidirectional embedding, override or isolate, which can
// make a line read differently from what it holds.
func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// storedNot reports whether CleanText removes r: what unsafeRune says, and
// the zero-width space, word joiner and byte-order mark, invisible, which
// make two texts that read alike differ. They are harmless on a terminal
// (Printable leaves them: an export's byte-order mark is one). The
// zero-width joiner and non-joiner stay: emoji and scripts need them.
func storedNot(r rune) bool {
	return unsafeRune(r) || r == 0x200b || r == 0x2060 || r == 0xfeff
}

// CleanText removes from user text (a note, a reason, evidence, a
// measure's source, an imported cell) what must never be stored: C0 and C1
// control characters other than newline and tab, bidirectional overrides
// and isolates (U+202A–U+202E, U+2066–U+2069), and the invisible zero-width
// space, word joiner and byte-order mark. A carriage return is removed too,
// so "\r\n" becomes "\n". Invalid UTF-8 becomes U+FFFD. Two or more blank
// lines in a row become one: a reason of sixty blank lines was announced to
// the task group's channel, and shown on every card, as sixty lines. Every
// door applies it before checking and storing text.
func CleanText(s string) string {
	if !strings.ContainsFunc(s, storedNot) && utf8.ValidString(s) {
		return oneBlankLine(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // invalid bytes arrive as utf8.RuneError
		if !storedNot(r) {
			b.WriteRune(r)
		}
	}
	return oneBlankLine(b.String())
}

// oneBlankLine makes every run of two or more blank lines (empty, or only
// spaces and tabs) in s one empty line; a lone blank line stays as it is.
func oneBlankLine(s string) string {
	if strings.Count(s, "\n") < 2 {
		return s
	}
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && strings.TrimLeft(lines[j], " \t") == "" {
			j++
		}
		switch {
		case j == i:
			out = append(out, lines[i])
			j++
		case j-i == 1:
			out = append(out, lines[i])
		default:
			out = append(out, "")
		}
		i = j
	}
	if len(out) == len(lines) {
		return s
	}
	return strings.Join(out, "\n")
}

// Printable makes text already stored safe to write to a terminal: every
// rune CleanText would remove is shown as an escape (\x1b, \u202e) instead
// of acting on the terminal. Newlines and tabs are kept. It is for output
// (the console, the CLI's reports): text written before CleanText existed,
// or by another program, may hold anything.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unsafeRune(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// PrintableCSV is Printable for output that may be CSV: its "\r\n" line
// ends stay, and a carriage return anywhere else (it could make a line
// overwrite another) is shown escaped.
func PrintableCSV(s string) string {
	lines := strings.Split(s, "\r\n")
	for i, l := range lines {
		lines[i] = Printable(l)
	}
	return strings.Join(lines, "\r\n")
}

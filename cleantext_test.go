package actionbot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot"
)

// The note from the issue: it clears the screen, homes the cursor and
// plants a hyperlink when printed raw.
const terminalAttack = "\x1b[2J\x1b[H FAKE LINE \x1b]8;;http://evil\x07"

func TestCleanTextRemovesControlsAndBidiButKeepsNewlinesAndTabs(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain text is unchanged", "Funding agreed with KCC (£2,500) at 14:00", "Funding agreed with KCC (£2,500) at 14:00"},
		{"newline and tab are kept", "line one\n\tline two", "line one\n\tline two"},
		{"escape sequences lose their ESC and BEL", terminalAttack, "[2J[H FAKE LINE ]8;;http://evil"},
		{"NUL is removed", "a\x00b", "ab"},
		{"carriage return is removed", "one\r\ntwo", "one\ntwo"},
		{"DEL is removed", "a\x7fb", "ab"},
		{"C1 controls are removed", "a\u0085b\u009bc", "abc"},
		{"right-to-left override is removed", "cost \u202e0052£", "cost 0052£"},
		{"every embedding and override is removed", "\u202aa\u202bb\u202cc\u202dd\u202ee", "abcde"},
		{"isolates are removed", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"left-to-right mark and accents are kept", "caf\u00e9 \u200e", "caf\u00e9 \u200e"},
		{"invalid UTF-8 becomes the replacement character", "a\xffb", "a\uFFFDb"},
		{"zero-width space, word joiner and byte-order mark are removed", "\ufeff07700\u200b900\u2060123", "07700900123"},
		{"the zero-width joiner of an emoji stays", "team \U0001F469\u200D\U0001F692", "team \U0001F469\u200D\U0001F692"},
		{"one blank line stays", "top\n\nbottom", "top\n\nbottom"},
		{"a run of blank lines becomes one", "top" + strings.Repeat("\n", 60) + "bottom", "top\n\nbottom"},
		{"lines of spaces and tabs are blank", "top\n \n\t\n  \nbottom\n\n\nend", "top\n\nbottom\n\nend"},
		{"a blank line of spaces alone stays as it is", "top\n  \nbottom", "top\n  \nbottom"},
		{"blank lines of zero-width spaces are blank", "top\n\u200b\n\u200b\nbottom", "top\n\nbottom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := actionbot.CleanText(tc.in); got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestPrintableEscapesWhatATerminalWouldObey(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"an export's byte-order mark and a zero-width space are left", "\ufeffid,ref\u200b", "\ufeffid,ref\u200b"},
		{"plain text is unchanged", "5.2 is 40% done\n\tnext", "5.2 is 40% done\n\tnext"},
		{"escape sequences are shown, not obeyed", terminalAttack, `\x1b[2J\x1b[H FAKE LINE \x1b]8;;http://evil\x07`},
		{"NUL is shown", "a\x00b", `a\x00b`},
		{"a C1 control is shown", "a\u009bb", `a\x9bb`},
		{"the right-to-left override is shown", "a\u202eb", `a\u202eb`},
		{"invalid bytes are shown", "a\xffb", `a\xffb`},
		{"a real replacement character stays", "a\uFFFDb", "a\uFFFDb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := actionbot.Printable(tc.in); got != tc.want {
				t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "plain", terminalAttack, "a\u202eb", "\xff\xfe", "\r\n\t", "\u2066\u2069"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{actionbot.CleanText(s), actionbot.Printable(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("output of %q is not valid UTF-8: %q", s, out)
			}
			for _, r := range out {
				if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f ||
					r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
					t.Fatalf("output of %q holds %U: %q", s, r, out)
				}
			}
		}
		if c := actionbot.CleanText(s); actionbot.CleanText(c) != c {
			t.Fatalf("CleanText is not idempotent on %q", s)
		}
		if strings.ContainsRune(actionbot.CleanText(s), '\n') && !strings.ContainsRune(s, '\n') {
			t.Fatalf("CleanText(%q) made a newline", s)
		}
		if strings.Contains(actionbot.CleanText(s), "\n\n\n") {
			t.Fatalf("CleanText(%q) left two blank lines in a row", s)
		}
	})
}

func TestPrintableCSVKeepsLineEndsAndShowsOtherCarriageReturns(t *testing.T) {
	in := "ref,note\r\n5.2,\"a\rb \x1b[2J\"\r\n"
	want := "ref,note\r\n5.2,\"a\\x0db \\x1b[2J\"\r\n"
	if got := actionbot.PrintableCSV(in); got != want {
		t.Errorf("PrintableCSV(%q) = %q, want %q", in, got, want)
	}
}

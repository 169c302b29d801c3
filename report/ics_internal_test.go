package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestICSText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Promote Speedwatch", "Promote Speedwatch"},
		{"comma and semicolon", "Police, CSU; KFRS", `Police\, CSU\; KFRS`},
		{"backslash first", `a\b,c`, `a\\b\,c`},
		{"line breaks", "one\ntwo\r\nthree", `one\ntwo\nthree`},
		{"a colon needs no escape", "Lead: CSU", "Lead: CSU"},
		{"control characters are dropped", "bell\a here\x00", "bell here"},
		{"non-ASCII kept", "Kent Police – Training £5", "Kent Police – Training £5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := icsText(tc.in); got != tc.want {
				t.Errorf("icsText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFoldLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"short", "SUMMARY:5.2 Promote Speedwatch"},
		{"exactly 75 octets", "DESCRIPTION:" + strings.Repeat("a", 63)},
		{"76 octets", "DESCRIPTION:" + strings.Repeat("a", 64)},
		{"long ASCII", "DESCRIPTION:" + strings.Repeat("abcdefghij", 40)},
		{"a dash across the 75th octet", "DESCRIPTION:" + strings.Repeat("a", 62) + "–" + strings.Repeat("b", 100)},
		{"all three-octet characters", "SUMMARY:" + strings.Repeat("–", 80)},
		{"four-octet characters", "SUMMARY:" + strings.Repeat("🟢", 50)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := foldLine(tc.in)
			if !strings.HasSuffix(got, "\r\n") {
				t.Fatalf("no CRLF at the end: %q", got)
			}
			lines := strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n")
			var unfolded strings.Builder
			for i, l := range lines {
				if len(l) > 75 {
					t.Errorf("line %d is %d octets", i, len(l))
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d splits a character: %q", i, l)
				}
				if i > 0 {
					if !strings.HasPrefix(l, " ") {
						t.Errorf("continuation line %d does not start with a space", i)
					}
					l = l[1:]
				}
				unfolded.WriteString(l)
			}
			if unfolded.String() != tc.in {
				t.Errorf("unfolding gives %q, want %q", unfolded.String(), tc.in)
			}
			if len(tc.in) > 75 && len(lines) < 2 {
				t.Errorf("a %d-octet line was not folded", len(tc.in))
			}
			if len(tc.in) <= 75 && len(lines) != 1 {
				t.Errorf("a %d-octet line was folded", len(tc.in))
			}
		})
	}
}

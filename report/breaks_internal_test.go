package report

import "testing"

// A lead such as "Promotion/Volunteers" may break after its slash, and
// stays escaped.
func TestSlashBreaksBreakAfterSlashesAndEscape(t *testing.T) {
	for in, want := range map[string]string{
		"Promotion/Volunteers": "Promotion/<wbr>Volunteers",
		"A&E/<b>KFRS</b>":      "A&amp;E/<wbr>&lt;b&gt;KFRS&lt;/<wbr>b&gt;",
		"Kent Police":          "Kent Police",
	} {
		if got := string(slashBreaks(in)); got != want {
			t.Errorf("slashBreaks(%q) = %q, want %q", in, got, want)
		}
	}
}

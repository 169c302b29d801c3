package planfile

import "strings"

// ChangedWords shows what changed between two texts: the words that differ,
// with up to context words either side and "…" where words are left out.
// "Run four events a year in the district" → "Run six events a year in the
// district" is "…Run four events a…" → "…Run six events a…" with context 1.
func ChangedWords(from, to string, context int) (string, string) {
	a, b := strings.Fields(from), strings.Fields(to)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	start := max(0, pre-context)
	return excerpt(a, start, len(a)-suf, context), excerpt(b, start, len(b)-suf, context)
}

func excerpt(ws []string, start, end, context int) string {
	stop := min(len(ws), end+context)
	s := strings.Join(ws[start:stop], " ")
	if start > 0 {
		s = "…" + s
	}
	if stop < len(ws) {
		s += "…"
	}
	return s
}
